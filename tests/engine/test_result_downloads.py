"""A result download that fails is tried again; if it stays broken, the member reads the truth
with the link: never "ready" with a dead link, never a broken upload."""

import pytest

from bot.delivery import DOWNLOAD_ATTEMPTS
from tests.engine.world import make_engine, running, wait_for_result
from tests.fakes.apimart import TaskPlan, fake_video_bytes
from tests.fakes.components import media_urls, shown_text, texts

HTML = "<html><body><h1>Access denied</h1></body></html>"


def break_downloads(api, fault, times):
    """The next `times` downloads of the result fail this way."""
    if fault == "404":
        api.fail_next("file", status=404, times=times)
    elif fault == "html-page":
        api.malformed_next("file", times=times, body=HTML, content_type="text/html")
    elif fault == "cut-short":
        api.truncate_next(times=times, keep_bytes=57)
    else:
        api.stall_next(30, times=times)  # longer than the download timeout


FAULTS = ["404", "html-page", "cut-short", "timeout"]


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_download_that_fails_once_is_retried_and_the_whole_video_uploaded(
    db, api, session, client, fake, fault
):
    api.default_plan = TaskPlan(polls_until_done=1, video_bytes=4096)
    engine = make_engine(db, api, session, client, fake, download_timeout=0.1)
    job = await engine.queue()
    break_downloads(api, fault, times=1)
    async with running(engine):
        result = await wait_for_result(fake, job.id)
    assert "your video is ready" in shown_text(result)
    [attachment] = result["attachments"]
    assert fake.attachment_bytes(attachment) == fake_video_bytes(api.task_ids[0], 4096)
    assert len(api.downloads) == 2


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_download_that_stays_broken_is_reported_honestly_with_the_link(
    db, api, session, client, fake, fault
):
    api.default_plan = TaskPlan(polls_until_done=1, video_bytes=4096)
    engine = make_engine(db, api, session, client, fake, download_timeout=0.1)
    job = await engine.queue()
    break_downloads(api, fault, times=DOWNLOAD_ATTEMPTS)
    async with running(engine):
        result = await wait_for_result(fake, job.id)
    stored = await engine.store.get(job.id)
    headline = texts(result)[0]
    assert "couldn't fetch it from APIMart" in headline
    assert stored.result_url in headline
    assert "ready" not in headline
    assert result["attachments"] == [], "no broken file uploaded"
    assert media_urls(result) == [], "no gallery for a link that did not work"
    assert len(api.downloads) == DOWNLOAD_ATTEMPTS
    assert stored.delivered_at is not None


async def test_redirect_hops_share_the_downloads_one_time_limit(db, api, session, client, fake):
    """Hops that each answer just inside the limit must not stretch one try past it: a CDN
    redirecting slowly would otherwise hold a delivery worker for the limit once per hop."""
    api.default_plan = TaskPlan(polls_until_done=None)
    engine = make_engine(db, api, session, client, fake, download_timeout=0.5)
    job = await engine.queue()
    video = api.add_file("v.mp4", fake_video_bytes("v", 4096))
    first_hop = api.redirect_file("hop1.mp4", api.redirect_file("hop2.mp4", video))
    api.delay_next("file", 0.3, times=3 * DOWNLOAD_ATTEMPTS)
    async with running(engine):
        await api.wait_until(lambda: api.task_ids, what="the submit")
        api.last_task.complete(url=first_hop)
        result = await wait_for_result(fake, job.id)
    assert result["attachments"] == [], "no try took longer than the limit"
    assert "couldn't fetch it from APIMart" in texts(result)[0]
