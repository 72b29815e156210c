"""APIMart's reasons that quote a member's signed Discord attachment link: the signature (which
lets anyone holding the link fetch the file, from a private channel too, for about a day)
reaches neither the log, nor the database, nor what members read."""

import io
import logging

import pytest

from bot.apimart import VideoRequest
from bot.jobs.models import JobState, Requester
from bot.logs import configure_logging
from bot.result_text import failure_text
from cogs.member import status_report
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import (
    RecordingDelivery,
    make_world,
    poller_client,
    run_until_delivered,
)

MEMBER = Requester(user_id=42, channel_id=7, guild_id=1, locale="en-US")
FILE = "https://cdn.discordapp.com/attachments/1100000000000000001/1200000000000000002/cat.png"
SIGNATURE = "3f2a9c0d5e7b8a1f4c6d2e9b0a7f3c5d8e1b4a6c9f2d0e7b3a5c8f1d4e6b9a2c"
SIGNED = f"{FILE}?ex=68a1b2c3&is=68a06143&hm={SIGNATURE}&"
REQUEST = VideoRequest(prompt="the cat, dancing", duration=6)


@pytest.fixture
def log_output():
    """What the bot's configured logging writes (text lines); the test run's logging after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    output = io.StringIO()
    configure_logging("INFO", ["test-key"], stream=output)
    yield output
    root.handlers[:], root.level = saved
    logging.captureWarnings(False)


def assert_unsigned(text: str | None) -> None:
    assert SIGNATURE not in (text or "") and "hm=" not in (text or ""), text


async def test_a_failed_render_quoting_a_signed_link_shows_and_logs_it_unsigned(
    db, api, session, clock, log_output
):
    """APIMart fails the render with "could not fetch <the member's signed link>": the link,
    signature and all, was kept as the reason, shown in the failure notice and /videos status,
    and (as the job's end) written to the log."""
    api.default_plan = TaskPlan(
        polls_until_done=1,
        final_status="failed",
        error_message=f"Could not fetch the first image {SIGNED} (HTTP 403)",
    )
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery)
    await service.create_and_submit(MEMBER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    job = await store.get(delivery.delivered[0].id)
    assert job.state is JobState.FAILED
    notice = "\n".join(failure_text(job, "@m"))
    status = status_report(job, "en-US", clock()).render("en-US")
    logged = log_output.getvalue()
    for text in (job.error_message, notice, status, logged):
        assert_unsigned(text)
    # Still says what failed and which file.
    assert f"Could not fetch the first image <{FILE}>" in notice, notice
    # The end of the job in the log says why, the link with it.
    assert f"Could not fetch the first image {FILE} (HTTP 403)" in logged, logged


async def test_a_refusal_quoting_a_signed_link_is_told_and_logged_unsigned(
    db, api, session, clock, log_output
):
    """APIMart refuses the submit (400) quoting the link it could not read: the member's answer,
    the kept reason and the log line carried the signature."""
    api.fail_next(
        "submit",
        status=400,
        error_type="invalid_request_error",
        message=f"The first image is not a readable image: {SIGNED}",
    )
    store, service, _ = make_world(
        db, api, session, clock, RecordingDelivery(), client=poller_client(api, session)
    )
    report = await service.create_and_submit(MEMBER, REQUEST)
    assert report.state is JobState.REJECTED
    job = await store.get(report.job.id)
    told = report.member_message.render("en-US")
    notice = "\n".join(failure_text(job, "@m"))
    logged = log_output.getvalue()
    for text in (told, job.error_message, notice, logged):
        assert_unsigned(text)
    assert f"not a readable image: <{FILE}>" in told, told
    assert "refused by APIMart" in logged, logged


async def test_a_busy_answer_quoting_a_signed_link_is_kept_and_logged_unsigned(
    db, api, session, clock, log_output
):
    """A 503 quoting the link holds the job back: its reason is kept for /videos status and
    logged."""
    api.fail_next("submit", status=503, message=f"upstream fetch of {SIGNED} timed out")
    store, service, _ = make_world(
        db, api, session, clock, RecordingDelivery(), client=poller_client(api, session)
    )
    report = await service.create_and_submit(MEMBER, REQUEST)
    assert report.state is JobState.RECORDED
    job = await store.get(report.job.id)
    logged = log_output.getvalue()
    for text in (job.error_message, logged):
        assert_unsigned(text)
    assert "held back" in logged, logged
