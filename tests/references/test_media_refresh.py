"""Expired Discord links are renewed before a late submit: fetched again, or re-hosted."""

import asyncio
import ipaddress
import random
import re
import time

import pytest
import yarl

from bot.apimart import APIMartClient, RetryPolicy, VideoRequest
from bot.i18n import Message, msg
from bot.jobs.budget import RequestBudget
from bot.jobs.models import JobState, MessageRef, Requester
from bot.jobs.service import HOLD_SLOW_DOWN, JobService
from bot.jobs.store import JobStore
from bot.media.fetcher import GuardedFetcher
from bot.media.resolver import LOOKUP_THREADS
from bot.media_refresh import (
    DISCORD_CDN_ORIGINS,
    DiscordMediaRefresher,
    SourceUnanswered,
    attachment_id,
    behind_spoiler,
    expiring_link,
    is_signed,
    is_spoiler,
    lasts,
    links_gone,
    rehosted_url,
    url_expiry,
)
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import FakeDiscord
from tests.fakes.nameserver import silent_nameserver
from tests.fakes.web import INTERNAL_HOST, PUBLIC_HOST, ScriptedDNS, Site
from tests.harness import running_bot

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
SOURCE = MessageRef(channel_id=5, message_id=6)
REQUESTER = Requester(user_id=42, channel_id=5, guild_id=1, sources=(SOURCE,))
SLASH_COMMAND = Requester(user_id=42, channel_id=5, guild_id=1)  # files attached to /video
TWO_HOURS = 2 * 3600


async def no_sleep(_seconds):
    return None


@pytest.fixture
async def cdn():
    """Discord's CDN: serves the files behind signed attachment URLs (on the "public" address)."""
    async with FakeDiscord(validate_requests=False, host=PUBLIC_HOST) as fake:
        yield fake


@pytest.fixture
async def internal():
    """The operator's internal server: its bytes must never reach APIMart."""
    async with Site(INTERNAL_HOST) as site:
        site.serve("/secret.png", b"internal secret", "image/png")
        yield site


@pytest.fixture
async def evil(internal):
    """A member's site on the "public" address, named evil.example by the test's DNS."""
    async with Site(PUBLIC_HOST) as site:
        yield site


@pytest.fixture
async def fetcher(evil):
    dns = ScriptedDNS({"evil.example": [[PUBLIC_HOST]]})
    allowed = [ipaddress.ip_network(f"{PUBLIC_HOST}/32")]
    async with GuardedFetcher(max_bytes=1024 * 1024, allowed_networks=allowed, resolver=dns) as f:
        yield f


class Messages:
    """Stands in for fetching a message again: attachment id -> its freshly signed URL."""

    def __init__(self):
        self.current = {}
        self.fetched = []

    async def __call__(self, source):
        self.fetched.append(source)
        return self.current.get(source, {})


class Unanswered(Messages):
    """Discord gives no answer for any message (an outage) until `answers` is set."""

    def __init__(self):
        super().__init__()
        self.answers = False

    async def __call__(self, source):
        if not self.answers:
            raise SourceUnanswered("503 Service Unavailable")
        return await super().__call__(source)


def make_service(
    db, api, session, clock, messages, fetcher, cdn_origins=(), on_balance=None, budget=None
):
    client = APIMartClient(
        session,
        base_url=api.base_url,
        api_key="test-key",
        retry=RetryPolicy(max_retries=0, rng=random.Random(0)),
        sleep=no_sleep,
    )
    refresher = DiscordMediaRefresher(
        attachment_urls=messages,
        client=client,
        fetcher=fetcher,
        cdn_origins=frozenset(cdn_origins),
        clock=clock,
        budget=budget,
    )
    store = JobStore(db)
    service = JobService(
        store, client, clock=clock, refresh_media=refresher, on_balance=on_balance, budget=budget
    )
    return store, service


async def late_submit(store, service, clock, request, requester=REQUESTER):
    job = await store.create(requester, request, now=clock(), submit_by=clock())
    clock.advance(TWO_HOURS)  # e.g. a long retry, or the bot was down
    return await service.submit(job, member_present=False)


def test_discord_urls_are_recognised_by_their_signature_and_attachment_id():
    url = "https://cdn.discordapp.com/attachments/11/22/cat.png?ex=6a&is=69&hm=ab12&"
    assert is_signed(url)
    assert is_signed(url.replace("cdn.discordapp.com", "media.discordapp.net"))
    assert attachment_id(url) == 22
    assert not is_signed("https://img.example/cat.png")


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/cat.png?ex=0&hm=1",
        "https://evil.example/attachments/11/22/cat.png?ex=6a&hm=ab",
        "https://cdn.discordapp.com.evil.example/attachments/11/22/cat.png?ex=6a&hm=ab",
        "http://cdn.discordapp.com/attachments/11/22/cat.png?ex=6a&hm=ab",
        "https://cdn.discordapp.com:8443/attachments/11/22/cat.png?ex=6a&hm=ab",
        "https://cdn.discordapp.com/avatars/11/22.png?ex=6a&hm=ab",
    ],
)
def test_only_attachments_on_discords_own_cdn_count_as_signed(url):
    assert not is_signed(url)


async def test_an_expired_url_is_replaced_by_the_source_messages_fresh_one(
    db, api, session, clock, cdn, fetcher
):
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    fresh = old.url.replace("hm=", "hm=renewed")
    messages = Messages()
    messages.current[SOURCE] = {old.id: fresh}
    store, service = make_service(db, api, session, clock, messages, fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.QUEUED
    assert messages.fetched == [SOURCE]
    assert api.submits[0]["image_urls"] == [fresh]
    assert (await store.get(report.job.id)).request.image_urls == (fresh,)
    assert api.uploads == []


@pytest.mark.parametrize("kind", ["image", "video"])
async def test_a_link_written_behind_a_spoiler_stays_behind_one_when_renewed_from_its_message(
    db, api, session, clock, cdn, fetcher, kind
):
    """`||https://cdn.discordapp.com/...cat.png||` typed by the member: its fresh URL, read from
    the message, carries no spoiler in its name; the job still knows it was hidden, so the
    result (and the video made from it) stays behind a spoiler. The mark is never sent."""
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    fresh = old.url.replace("hm=", "hm=renewed")
    messages = Messages()
    messages.current[SOURCE] = {old.id: fresh}
    store, service = make_service(db, api, session, clock, messages, fetcher, [cdn.base_url])
    hidden = behind_spoiler(old.url)
    if kind == "image":
        request = VideoRequest(prompt="x", generation_type="frame", image_urls=(hidden,))
    else:
        request = VideoRequest(prompt="x", video_urls=(hidden,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.QUEUED
    kept = (await store.get(report.job.id)).request
    [renewed] = kept.image_urls or kept.video_urls
    assert is_spoiler(renewed), renewed
    assert api.submits[0][f"{kind}_urls"] == [fresh]


@pytest.mark.parametrize(
    "messages", [Messages, Unanswered], ids=["message-gone", "discord-not-answering-for-now"]
)
async def test_an_image_its_message_cannot_renew_is_rehosted_while_its_old_link_works(
    db, api, session, clock, cdn, fetcher, messages
):
    """Its message deleted, or Discord not answering for now: the picture, whose old link
    still works, is copied to APIMart and sent."""
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    store, service = make_service(db, api, session, clock, messages(), fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.QUEUED
    [upload] = api.uploads
    assert upload.data == PNG
    assert upload.content_type == "image/png"
    assert api.submits[0]["image_urls"] == [upload.url]


async def test_a_spoilered_picture_rehosted_stays_a_spoiler_on_its_result(
    db, api, session, clock, cdn, fetcher
):
    """The copy APIMart keeps has a name of its own: its link says the picture was hidden, so
    the result still shows it (and the video made from it) behind a spoiler."""
    old = cdn.make_attachment("SPOILER_cat.png", PNG, "image/png")
    store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    report = await late_submit(store, service, clock, request)
    [copy] = report.job.request.image_urls
    assert copy != old.url and is_spoiler(copy)
    assert api.submits[0]["image_urls"] == [api.uploads[0].url], "the mark is never sent"


async def test_an_upload_waits_its_turn_in_the_request_budget_as_the_submit_does(
    db, api, session, clock, cdn, fetcher
):
    """APIMART_REQUESTS_PER_SECOND is every request the bot sends APIMart: a re-host uploaded
    outside it adds to a burst APIMart answers with 429s."""
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    budget = RequestBudget(100.0)
    store, service = make_service(
        db, api, session, clock, Messages(), fetcher, [cdn.base_url], budget=budget
    )
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.QUEUED
    assert (len(api.uploads), len(api.submits), budget.granted) == (1, 1, 2)


async def test_no_picture_is_copied_to_apimart_while_it_has_paused_submits(
    db, api, session, clock, cdn, fetcher
):
    """APIMart answered a submit 429 with a wait: a late submit that must first copy its
    picture holds until the wait ends. Uploading anyway spent a request APIMart had asked us
    not to send, and a copy whose three days run while the job waits."""
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    budget = RequestBudget(100.0)
    store, service = make_service(
        db, api, session, clock, Messages(), fetcher, [cdn.base_url], budget=budget
    )
    budget.refuse_submits(30)
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    report = await late_submit(store, service, clock, request)
    assert (report.state, report.job.error_key) == (JobState.RECORDED, HOLD_SLOW_DOWN)
    assert (api.uploads, api.submits) == ([], [])


async def test_an_upload_told_to_retry_after_30s_waits_in_the_database_not_in_a_worker(tmp_path):
    """The bot as bot/wiring.py wires it: a late submit copies a picture to APIMart, which answers
    429 `Retry-After: 30`. Waited out inside the submit (up to four times over), it held a
    submit worker for minutes, and every submit behind it; as a submit's own 429 is, APIMart's
    wait becomes the job's next due time."""
    # The fake Discord (its CDN) is on loopback: let the guarded fetcher download from it.
    async with running_bot(tmp_path, link_allowed_networks="127.0.0.0/8") as world:
        old = world.discord.make_attachment("cat.png", PNG, "image/png")
        # Discord signed it a day ago: it stops working in ten minutes, before APIMart may fetch it.
        soon = format(int(time.time()) + 600, "x")
        url = re.sub(r"ex=[0-9a-f]+", f"ex={soon}", old.url)
        request = VideoRequest(prompt="x", generation_type="frame", image_urls=(url,))
        now = world.bot.clock()
        # Asked two hours ago (a long line, a busy APIMart); its source message is unknown, so
        # the picture is copied to APIMart's upload.
        job = await world.bot.store.create(
            Requester(user_id=42, channel_id=world.discord.channel_id, guild_id=None),
            request,
            now=now - TWO_HOURS,
            # Not the engine's to take over while this submit runs (an hour ahead, past any
            # due time the engine writes, would be taken as written by a clock set back).
            submit_by=now + 60,
        )
        world.api.fail_next("upload", status=429, retry_after_header="30", times=4)
        submitting = asyncio.create_task(world.bot.jobs.submit(job, member_present=False))
        done, _ = await asyncio.wait({submitting}, timeout=5)
        submitting.cancel()
        await asyncio.gather(submitting, return_exceptions=True)
        stored = await world.bot.store.get(job.id)
        uploads = len(world.api.requests_for("upload"))
        assert done, f"the submit still sleeps after 5 s ({uploads} upload tried, {stored.state})"
        assert (stored.state, stored.error_key, uploads) == (JobState.RECORDED, HOLD_SLOW_DOWN, 1)
        assert stored.next_poll_at >= now + 29, "APIMart's own wait is its due time"


@pytest.mark.parametrize("fault", ["503", "reset"])
async def test_an_image_apimart_is_too_busy_to_take_is_rehosted_later_not_refused(
    db, api, session, clock, cdn, fetcher, fault
):
    """The member's image is fine; APIMart's upload failed for a moment: telling them their
    links expired would be untrue. The job waits, and goes once the upload works."""
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.base_url])
    if fault == "503":
        api.fail_next("upload", status=503)
    else:
        api.reset_next("upload")
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.RECORDED, report.member_message.render("en-US")
    assert "expired" not in report.member_message.render("en-US")
    assert api.submits == []
    clock.advance(60)
    again = await service.submit(await store.get(report.job.id), member_present=False)
    assert again.state is JobState.QUEUED
    assert api.submits[0]["image_urls"] == [api.uploads[0].url]


def signed(url, expires_at):
    """`url` signed as a Discord attachment link is, until then."""
    ex = format(int(expires_at), "x")
    return f"{url}?ex={ex}&is={ex}&hm=ab"


@pytest.mark.parametrize("fault", [503, 429, 0], ids=["503", "429", "dropped"])
async def test_a_moment_of_discords_file_server_failing_a_copy_holds_the_job_not_refuses_it(
    db, api, session, clock, fetcher, fault
):
    """A picture attached to /video (no message to renew it from), sent late, whose old link
    still works for 40 minutes: it is copied to APIMart. Discord's file server failing that one
    download says nothing of the member's file: the job waits and copies it on the next try,
    as when APIMart's upload fails for a moment; it is not closed as "links expired"."""
    async with Site(PUBLIC_HOST) as cdn:
        expires_at = clock() + TWO_HOURS + 2400
        # aiohttp sends a GET again, once, on a connection dropped unanswered.
        times = 2 if fault == 0 else 1
        old = signed(cdn.failing_first("/attachments/5/77/cat.png", fault, times=times), expires_at)
        store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.origin])
        request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old,))
        report = await late_submit(store, service, clock, request, requester=SLASH_COMMAND)
        told = report.member_message.render("en-US")
        assert report.state is JobState.RECORDED, told
        assert "expired" not in told
        assert (await store.get(report.job.id)).error_key == "status_hold_discord"
        assert api.submits == []
        clock.advance(61)
        again = await service.submit(await store.get(report.job.id), member_present=False)
        assert again.state is JobState.QUEUED, again.member_message.render("en-US")
        [upload] = api.uploads
        assert api.submits[0]["image_urls"] == [upload.url]


@pytest.mark.parametrize(
    ("fault", "left"), [(503, -60), (403, 2400), (404, 2400)], ids=["503-expired", "403", "404"]
)
async def test_a_copy_refused_by_discords_file_server_or_of_an_expired_link_is_refused(
    db, api, session, clock, fetcher, fault, left
):
    """Nothing to wait for: the file is gone or shut (403, 404), or its link has expired."""
    async with Site(PUBLIC_HOST) as cdn:
        expires_at = clock() + TWO_HOURS + left
        old = signed(cdn.failing_first("/attachments/5/77/cat.png", fault, times=9), expires_at)
        store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.origin])
        request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old,))
        report = await late_submit(store, service, clock, request, requester=SLASH_COMMAND)
    assert report.state is JobState.REJECTED
    assert "links to your reference files expired" in report.member_message.render("en-US")
    assert api.submits == [] and api.uploads == []


async def test_an_image_apimart_keeps_refusing_to_take_is_given_up_like_a_busy_submit(
    db, api, session, clock, cdn, fetcher
):
    """Held as a busy submit is, so closed unsent (and not counted) after its 30 minutes,
    not left waiting, and counted as unfinished, for ever."""
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.base_url])
    api.fail_next("upload", status=503, times=1000)
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    report = await late_submit(store, service, clock, request)
    for _ in range(40):
        if report.state is not JobState.RECORDED:
            break
        clock.advance(61)
        report = await service.submit(await store.get(report.job.id), member_present=False)
    assert report.state is JobState.REJECTED
    assert "unavailable for too long" in report.member_message.render("en-US")
    assert api.submits == []


async def test_a_video_that_cannot_be_renewed_is_refused_with_a_reason(
    db, api, session, clock, cdn, fetcher
):
    old = cdn.make_attachment("move.mp4", MP4, "video/mp4")
    store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", video_urls=(old.url,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.REJECTED
    assert "links to your reference files expired" in report.member_message.render("en-US")
    assert api.submits == []


async def test_links_still_signed_for_hours_are_sent_as_they_are_after_a_wait(
    db, api, session, clock, cdn, fetcher
):
    """Two hours' wait (a busy APIMart, the server's line): Discord's links still work for
    about 22 hours, so a video attached to /video (nothing to renew it from) is sent, and an
    image is not copied to APIMart for nothing."""
    clock.now = time.time()  # the fake CDN signs its links for a day from now
    clip = cdn.make_attachment("move.mp4", MP4, "video/mp4")
    cat = cdn.make_attachment("cat.png", PNG, "image/png")
    messages = Messages()
    store, service = make_service(db, api, session, clock, messages, fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", image_urls=(cat.url,), video_urls=(clip.url,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.QUEUED
    assert api.submits[0]["video_urls"] == [clip.url]
    assert api.submits[0]["image_urls"] == [cat.url]
    assert api.uploads == [] and messages.fetched == []


async def test_an_image_whose_old_url_is_dead_too_is_refused(db, api, session, clock, cdn, fetcher):
    dead = cdn.make_attachment("cat.png", PNG, "image/png").url.replace("/0/", "/0/999")
    store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(dead,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.REJECTED
    assert api.submits == [] and api.uploads == []


async def test_links_that_never_expire_are_kept_without_looking(db, api, session, clock, fetcher):
    messages = Messages()
    store, service = make_service(db, api, session, clock, messages, fetcher)
    link = "https://img.example/cat.png"
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(link,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.QUEUED
    assert api.submits[0]["image_urls"] == [link]
    assert messages.fetched == []


async def test_a_non_discord_url_with_ex_and_hm_is_neither_refreshed_nor_rehosted(
    db, api, session, clock, fetcher, evil, internal
):
    """The evidence of issue 12: a member's look-alike "signed" link redirecting inside."""
    evil.redirect("/cat.png", internal.url("/secret.png"))
    link = f"http://evil.example:{evil.port}/cat.png?ex=0&hm=1"
    messages = Messages()
    store, service = make_service(db, api, session, clock, messages, fetcher)
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(link,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.QUEUED
    assert api.submits[0]["image_urls"] == [link]
    assert api.uploads == []
    assert messages.fetched == []
    assert evil.hits == [] and internal.hits == []


@pytest.mark.parametrize("inside", ["http://127.0.0.1:{port}", "http://[::ffff:127.0.0.1]:{port}"])
async def test_a_rehost_never_follows_a_redirect_into_the_bots_network(
    db, api, session, clock, fetcher, evil, internal, inside
):
    """Even a URL that is Discord's own is re-hosted through the guard, hop by hop."""
    origin = inside.format(port=internal.port)
    evil.redirect("/attachments/1/2/cat.png", f"{origin}/secret.png")
    signed = evil.url("/attachments/1/2/cat.png?ex=0&is=0&hm=ab")
    store, service = make_service(db, api, session, clock, Messages(), fetcher, [evil.origin])
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(signed,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.REJECTED
    assert "links to your reference files expired" in report.member_message.render("en-US")
    assert evil.hits == ["/attachments/1/2/cat.png"]
    assert internal.hits == []
    assert api.uploads == [] and api.submits == []


async def test_a_rehost_never_follows_a_redirect_to_ipv6_loopback(
    db, api, session, clock, fetcher, evil
):
    async with Site("::1") as internal6:
        internal6.serve("/secret.png", b"internal secret", "image/png")
        evil.redirect("/attachments/1/2/cat.png", internal6.url("/secret.png"))
        signed = evil.url("/attachments/1/2/cat.png?ex=0&is=0&hm=ab")
        store, service = make_service(db, api, session, clock, Messages(), fetcher, [evil.origin])
        request = VideoRequest(prompt="x", generation_type="frame", image_urls=(signed,))
        report = await late_submit(store, service, clock, request)
        assert report.state is JobState.REJECTED
        assert internal6.hits == []
        assert api.uploads == []


@pytest.mark.parametrize("when", ["within the hour", "unreadable"])
async def test_a_link_expiring_before_apimart_needs_it_is_renewed(
    db, api, session, clock, cdn, fetcher, when
):
    """A job is sent with links good for at least another hour (APIMart fetches them later);
    one that says it expires sooner, or whose expiry cannot be read, is renewed."""
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    url = old.url
    if when == "within the hour":
        expiry = int(yarl.URL(url).query["ex"], 16)
        clock.now = expiry - 1800 - TWO_HOURS  # 30 minutes left once the late submit comes
    else:
        clock.now = time.time()
        url = str(yarl.URL(url).update_query(ex="not-hex"))
    fresh = old.url.replace("hm=", "hm=renewed")
    messages = Messages()
    messages.current[SOURCE] = {old.id: fresh}
    store, service = make_service(db, api, session, clock, messages, fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(url,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.QUEUED
    assert api.submits[0]["image_urls"] == [fresh]


REHOST_LIFE = 72 * 3600  # APIMart keeps an uploaded image this long


async def test_a_rehosted_copy_is_known_to_expire_three_days_after_its_upload(
    db, api, session, clock, cdn, fetcher
):
    """Regenerate copies the job's request: after 72 hours its re-hosted image is gone, and with
    no message to renew it from, the click is refused before anything is spent."""
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    report = await late_submit(store, service, clock, request, requester=SLASH_COMMAND)
    [upload] = api.uploads
    assert api.submits[0]["image_urls"] == [upload.url], "APIMart gets the upload's own URL"
    kept = (await store.get(report.job.id)).request
    assert not await links_gone(kept, (), clock() + REHOST_LIFE - 60, Messages())
    assert await links_gone(kept, (), clock() + REHOST_LIFE + 60, Messages())


async def test_a_rehosted_copy_about_to_expire_is_renewed_from_its_source_message(
    db, api, session, clock, cdn, fetcher
):
    """A regenerated job 71 hours on: the copy would die before APIMart fetches it, so the
    attachment's current URL is read from the message it came from."""
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    messages = Messages()
    store, service = make_service(db, api, session, clock, messages, fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    first = await late_submit(store, service, clock, request)  # the message is gone: re-hosted
    assert len(api.uploads) == 1
    clock.advance(REHOST_LIFE - 50 * 60)  # the copy has 50 minutes left
    fresh = old.url.replace("hm=", "hm=renewed")
    messages.current[SOURCE] = {old.id: fresh}
    kept = (await store.get(first.job.id)).request
    again = await store.create(REQUESTER, kept, now=clock(), submit_by=clock())
    report = await service.submit(again, member_present=False)
    assert report.state is JobState.QUEUED
    assert api.submits[1]["image_urls"] == [fresh]


def test_no_fragment_of_a_reference_image_or_video_is_sent_to_apimart():
    request = VideoRequest(
        prompt="a dog",
        image_urls=("https://i.example/a.png#rehosted-until=1",),
        video_urls=("https://v.example/a.mp4#t=3",),
    )
    payload = request.to_payload()
    assert payload["image_urls"] == ["https://i.example/a.png"]
    assert payload["video_urls"] == ["https://v.example/a.mp4"]


@pytest.mark.parametrize(
    ("status", "error_type", "expected"),
    [
        (402, "payment_required", "balance is empty"),
        (401, "authentication_error", "not set up correctly"),
    ],
)
async def test_an_upload_refused_for_the_account_is_not_blamed_on_expired_links(
    db,
    api,
    session,
    clock,
    cdn,
    fetcher,
    status,
    error_type,
    expected,
):
    balance_calls = []

    async def on_balance(ok, sent_at):
        balance_calls.append(ok)

    store, service = make_service(
        db, api, session, clock, Messages(), fetcher, [cdn.base_url], on_balance=on_balance
    )
    old = cdn.make_attachment("cat.png", PNG, "image/png")
    api.fail_next("upload", status=status, error_type=error_type)
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
    job = await store.create(REQUESTER, request, now=clock(), submit_by=clock())
    clock.advance(TWO_HOURS)  # waited in the server's line, say
    report = await service.submit(job, member_present=False)
    told = report.member_message.render("en-US")
    assert report.state is JobState.REJECTED
    assert expected in told, told
    if status == 402:
        assert balance_calls == [False], "the 402 should pause new videos and alert the mod-log"


async def test_a_video_that_cannot_be_renewed_is_refused_before_any_image_is_uploaded(
    db, api, session, clock, cdn, fetcher
):
    """/video with a picture and a clip, sent a day late: the clip cannot be renewed, so the job
    is refused at once for its expired links. Copying the picture to APIMart first would put the
    member's file on a public host for nothing, and an upload APIMart is too busy to take would
    hold the job as "busy" for half an hour before giving up with the wrong reason."""
    clip = cdn.make_attachment("move.mp4", MP4, "video/mp4")
    cat = cdn.make_attachment("cat.png", PNG, "image/png")
    store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.base_url])
    api.fail_next("upload", status=503)
    request = VideoRequest(prompt="x", image_urls=(cat.url,), video_urls=(clip.url,))
    report = await late_submit(store, service, clock, request, requester=SLASH_COMMAND)
    told = report.member_message.render("en-US")
    assert report.state is JobState.REJECTED, told
    assert "links to your reference files expired" in told
    assert api.uploads == [] and api.submits == []


class FaultOnFetch:
    """The guarded fetcher, arming a fault at APIMart when a given image is downloaded."""

    def __init__(self, fetcher, api, nth):
        self._fetcher = fetcher
        self._api = api
        self._nth = nth
        self.fetches = 0

    async def fetch(self, url, **options):
        self.fetches += 1
        if self.fetches == self._nth:
            self._api.fail_next("upload", status=503)
        return await self._fetcher.fetch(url, **options)


async def test_images_already_rehosted_are_not_uploaded_again_after_a_busy_upload(
    db, api, session, clock, cdn, fetcher
):
    """Three pictures from a deleted message: two are copied, APIMart is too busy for the
    third. The job waits; when it is tried again, only the third is uploaded."""
    cats = [cdn.make_attachment(f"cat{n}.png", PNG, "image/png") for n in range(3)]
    flaky = FaultOnFetch(fetcher, api, nth=3)
    store, service = make_service(db, api, session, clock, Messages(), flaky, [cdn.base_url])
    request = VideoRequest(
        prompt="x", generation_type="reference", image_urls=tuple(cat.url for cat in cats)
    )
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.RECORDED
    assert len(api.uploads) == 2
    clock.advance(60)
    again = await service.submit(await store.get(report.job.id), member_present=False)
    assert again.state is JobState.QUEUED
    assert len(api.uploads) == 3, "the two copies made before were uploaded again"
    assert api.submits[0]["image_urls"] == [upload.url for upload in api.uploads]


async def a_late_job_from_a_posted_clip(world, clock):
    """A job from a clip attached to a message, sent two days late (its links expired)."""
    from tests.cogs.test_references import post

    await world.bot.poller.stop()
    clip = world.mp4()
    posted = await post(world, attachments=[clip])
    source = MessageRef(channel_id=int(posted["channel_id"]), message_id=int(posted["id"]))
    requester = Requester(
        user_id=world.discord.user_id,
        channel_id=source.channel_id,
        guild_id=world.discord.guild_id,
        sources=(source,),
    )
    request = VideoRequest(prompt="a robot dancing like this", video_urls=(clip.url,))
    job = await world.bot.store.create(requester, request, now=clock(), submit_by=clock())
    clock.offset = 2 * 86400
    return job, source


async def test_a_passing_discord_error_while_renewing_links_holds_the_job_not_refuses_it(
    tmp_path,
):
    """Discord answering 503 for the source message says nothing of the member's files: the
    job waits (nothing sent, counted once), and goes once Discord answers again."""
    from tests.cogs.test_reach import ShiftedClock
    from tests.harness import running_bot

    clock = ShiftedClock()
    async with running_bot(tmp_path, message_content_intent=True, clock=clock) as world:
        job, source = await a_late_job_from_a_posted_clip(world, clock)
        world.discord.fail_next(
            "GET", rf"/channels/{source.channel_id}/messages/{source.message_id}$", status=503
        )
        report = await world.bot.jobs.submit(job, member_present=False)
        told = report.member_message.render("en-US")
        assert report.state is JobState.RECORDED, told
        assert "expired" not in told
        assert world.api.submits == []
        clock.offset += 61
        again = await world.bot.jobs.submit(await world.bot.store.get(job.id), member_present=False)
        assert again.state is JobState.QUEUED, again.member_message.render("en-US")
        [sent] = world.api.submits
        assert sent["video_urls"] == list(job.request.video_urls), "as the message gives it"
        rows = await world.db.fetch_all("SELECT id FROM jobs")
        assert [row["id"] for row in rows] == [job.id], "one job, sent once"


@pytest.mark.parametrize("status", [403, 404])
async def test_a_source_message_gone_or_shut_to_the_bot_refuses_a_clip_it_cannot_renew(
    tmp_path, status
):
    """Deleted (404) or no longer readable by the bot (403): nothing will renew the clip's
    links, so the job is closed at once, saying why, rather than kept waiting."""
    from tests.cogs.test_reach import ShiftedClock
    from tests.harness import running_bot

    clock = ShiftedClock()
    async with running_bot(tmp_path, message_content_intent=True, clock=clock) as world:
        job, source = await a_late_job_from_a_posted_clip(world, clock)
        world.discord.fail_next(
            "GET",
            rf"/channels/{source.channel_id}/messages/{source.message_id}$",
            status=status,
            code=10008 if status == 404 else 50001,
            message="Unknown Message" if status == 404 else "Missing Access",
        )
        report = await world.bot.jobs.submit(job, member_present=False)
        assert report.state is JobState.REJECTED
        assert "links to your reference files expired" in report.member_message.render("en-US")
        assert world.api.submits == []


async def test_members_links_on_a_silent_nameserver_never_hold_up_copying_a_late_jobs_picture(
    tmp_path, monkeypatch
):
    """Members' links whose names' nameserver never answers hold every lookup thread their
    links may use. A late job's picture is copied from Discord's CDN all the same (its name
    looked up on threads of its own) and the job sent; it does not wait out the 30 s cap behind
    them, to be closed as "links expired"."""
    from tests.cogs.test_reach import ShiftedClock
    from tests.harness import running_bot

    clock = ShiftedClock()
    with silent_nameserver(monkeypatch, answers={"cdn.discord.example": PUBLIC_HOST}):
        async with Site(PUBLIC_HOST) as web:
            cdn = f"http://cdn.discord.example:{web.port}"
            web.serve("/attachments/5/77/cat.png", PNG)
            async with running_bot(
                tmp_path,
                clock=clock,
                link_allowed_networks=f"{PUBLIC_HOST}/32",
                cdn_origins=frozenset({cdn}),
            ) as world:
                await world.bot.poller.stop()
                members = world.bot.member_urls
                stuck = [
                    asyncio.create_task(members.fetch(f"http://i{i}.silent-dns.example/x.png"))
                    for i in range(LOOKUP_THREADS)
                ]
                await asyncio.sleep(0.2)
                # Sent two hours late, its link still good for 40 minutes: copied.
                old = signed(f"{cdn}/attachments/5/77/cat.png", clock() + TWO_HOURS + 2400)
                request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old,))
                requester = Requester(
                    user_id=world.discord.user_id,
                    channel_id=world.discord.channel_id,
                    guild_id=world.discord.guild_id,
                )
                job = await world.bot.store.create(
                    requester, request, now=clock(), submit_by=clock()
                )
                clock.offset = TWO_HOURS
                async with asyncio.timeout(10):
                    report = await world.bot.jobs.submit(job, member_present=False)
                assert report.state is JobState.QUEUED, report.member_message.render("en-US")
                assert [upload.data for upload in world.api.uploads] == [PNG]
                for task in stuck:
                    task.cancel()


async def test_an_image_discord_cannot_renew_for_now_waits_and_gives_up_in_its_own_words(
    db, api, session, clock, cdn, fetcher
):
    """Its old link dead too (no copy to make), Discord silent: held, nothing sent; closed
    unsent after the 30 minutes a busy submit gets, naming Discord, not the video service."""
    dead = cdn.make_attachment("cat.png", PNG, "image/png").url.replace("/0/", "/0/999")
    messages = Unanswered()
    store, service = make_service(db, api, session, clock, messages, fetcher, [cdn.base_url])
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(dead,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.RECORDED, report.member_message.render("en-US")
    assert (await store.get(report.job.id)).error_key == "status_hold_discord"
    # Asked in a thread, the note names the thread, as "queued" does, not "this channel": the
    # place asked in is filled in where the note says one (`Origin.posted_where`).
    told = report.member_message
    assert "post it in this channel when it's ready" in told.render("en-US")
    in_thread = (
        Message(told.key, {**told.values, "where": msg("where_thread")})
        if "where" in told.values
        else told
    )
    assert "post it in this thread when it's ready" in in_thread.render("en-US")
    assert "发到这个子区" in in_thread.render("zh-CN")
    assert "發到這個討論串" in in_thread.render("zh-TW")
    for _ in range(40):
        if report.state is not JobState.RECORDED:
            break
        clock.advance(61)
        report = await service.submit(await store.get(report.job.id), member_present=False)
    assert report.state is JobState.REJECTED
    assert "Discord didn't answer for too long" in report.member_message.render("en-US")
    assert api.submits == [] and api.uploads == []


def a_slash_commands_clip(expires_at):
    """A clip attached to /video (no message to renew its link from), signed until then."""
    ex = format(int(expires_at), "x")
    return f"https://cdn.discordapp.com/ephemeral-attachments/1/2/clip.mp4?ex={ex}&is={ex}&hm=ab&"


@pytest.mark.parametrize("left", [-60, 1800, 3500, 3700, 7200])
async def test_the_click_check_and_the_submit_agree_on_a_clip_nothing_can_renew(
    db, api, session, clock, fetcher, left
):
    """A /video clip's link in its last hour would be refused by the submit (APIMart may fetch
    it up to an hour on, and nothing renews it): the click says the files are gone first,
    before anything is saved, rather than let through a job that is then closed."""
    request = VideoRequest(
        prompt="a robot dancing", video_urls=(a_slash_commands_clip(clock() + left),)
    )
    store, service = make_service(db, api, session, clock, Messages(), fetcher, DISCORD_CDN_ORIGINS)
    lost = await links_gone(request, SLASH_COMMAND.sources, clock(), Messages())
    assert lost == (left < 3600)
    job = await store.create(SLASH_COMMAND, request, now=clock(), submit_by=clock())
    report = await service.submit(job, member_present=True)
    assert (report.state is JobState.REJECTED) == lost, report.member_message.render("en-US")


@pytest.mark.parametrize("left", [60, 1800, 7200])
async def test_an_image_nothing_can_renew_is_let_through_while_it_can_still_be_copied(
    db, api, session, clock, cdn, fetcher, left
):
    """An image in its last hour is copied to APIMart at the submit: the click lets it by."""
    cat = cdn.make_attachment("cat.png", PNG, "image/png")
    clock.now = float(int(yarl.URL(cat.url).query["ex"], 16)) - left
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(cat.url,))
    store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.base_url])
    assert not await links_gone(request, (), clock(), Messages(), frozenset({cdn.base_url}))
    job = await store.create(SLASH_COMMAND, request, now=clock(), submit_by=clock())
    report = await service.submit(job, member_present=True)
    assert report.state is JobState.QUEUED, report.member_message.render("en-US")


async def test_a_clip_whose_message_was_deleted_is_lost_at_the_click_if_it_needs_renewing(
    clock,
):
    """A clip from a message: the click looks at the message only when the link needs it, and
    calls the files lost only when Discord says the message no longer has them."""
    old = a_slash_commands_clip(clock() + 1800)
    request = VideoRequest(prompt="x", video_urls=(old,))
    messages = Messages()
    gone = await links_gone(request, (SOURCE,), clock(), messages)
    assert gone and messages.fetched == [SOURCE], "deleted: nothing renews it"
    messages.current[SOURCE] = {attachment_id(old): old.replace("hm=ab", "hm=cd")}
    assert not await links_gone(request, (SOURCE,), clock(), messages)
    assert not await links_gone(request, (SOURCE,), clock(), Unanswered()), "the submit waits"
    fresh = VideoRequest(prompt="x", video_urls=(a_slash_commands_clip(clock() + 7200),))
    messages.fetched.clear()
    assert not await links_gone(fresh, (SOURCE,), clock(), messages)
    assert messages.fetched == [], "a link that lasts is not looked at"


async def test_click_and_submit_agree_on_a_picture_in_its_last_hour_from_a_deleted_message(
    db, api, session, clock, cdn, fetcher
):
    """The source message was deleted (its files leave Discord's CDN with it) and the picture's
    link has half an hour left: the click refuses it, as the submit would (it renews such a
    link from the message, and no copy can be made of a file that is gone)."""
    dead = cdn.make_attachment("cat.png", PNG, "image/png").url.replace("/0/", "/0/999")
    clock.now = float(int(yarl.URL(dead).query["ex"], 16)) - 1800 - TWO_HOURS
    request = VideoRequest(prompt="x", generation_type="frame", image_urls=(dead,))
    messages = Messages()  # the message is deleted: no attachments
    store, service = make_service(db, api, session, clock, messages, fetcher, [cdn.base_url])
    job = await store.create(REQUESTER, request, now=clock(), submit_by=clock())
    clock.advance(TWO_HOURS)
    gone = await links_gone(request, (SOURCE,), clock(), messages, frozenset({cdn.base_url}))
    report = await service.submit(job, member_present=True)
    assert gone, "the click lets it through"
    assert report.state is JobState.REJECTED, "the submit refuses it"


async def test_apimarts_own_copy_is_copied_again_when_apimart_runs_on_a_private_address(
    tmp_path,
):
    """An operator runs APIMart behind a proxy on their own network (here loopback, not opened
    in LINK_ALLOWED_NETWORKS). A regenerated job's picture is APIMart's earlier copy, with
    40 minutes left and nothing to renew it from: it is read back from APIMart's own origin
    (trusted, as the result downloads are) and copied again, not refused as "links expired"."""
    from tests.cogs.test_reach import ShiftedClock

    clock = ShiftedClock()
    async with running_bot(tmp_path, clock=clock) as world:
        await world.bot.poller.stop()
        uploaded = await world.bot.apimart.upload_image(
            PNG, filename="cat.png", content_type="image/png"
        )
        copy = rehosted_url(uploaded, clock() + TWO_HOURS + 2400, None)
        request = VideoRequest(prompt="x", generation_type="frame", image_urls=(copy,))
        requester = Requester(
            user_id=world.discord.user_id,
            channel_id=world.discord.channel_id,
            guild_id=world.discord.guild_id,
        )
        job = await world.bot.store.create(requester, request, now=clock(), submit_by=clock())
        clock.offset = TWO_HOURS
        report = await world.bot.jobs.submit(job, member_present=False)
        assert report.state is JobState.QUEUED, report.member_message.render("en-US")
        first, again = world.api.uploads
        assert again.url != first.url, "a new copy, with days of its own"
        assert again.data == PNG
        assert world.api.submits[0]["image_urls"] == [again.url]


async def test_a_rehost_trusts_apimarts_exact_origin_only(tmp_path, internal):
    """Trusting APIMart's origin opens nothing else: a copy's link to another server on the
    same private host, or to APIMart's own server under another name (`localhost`), is never
    fetched, and the job is refused as before."""
    from tests.cogs.test_reach import ShiftedClock

    clock = ShiftedClock()
    async with running_bot(tmp_path, clock=clock) as world:
        await world.bot.poller.stop()
        uploaded = await world.bot.apimart.upload_image(
            PNG, filename="cat.png", content_type="image/png"
        )
        renamed = str(yarl.URL(uploaded).with_host("localhost"))
        requester = Requester(
            user_id=world.discord.user_id,
            channel_id=world.discord.channel_id,
            guild_id=world.discord.guild_id,
        )
        for other in (f"{internal.origin}/secret.png", renamed):
            copy = rehosted_url(other, clock() + TWO_HOURS + 2400, None)
            request = VideoRequest(prompt="x", generation_type="frame", image_urls=(copy,))
            job = await world.bot.store.create(requester, request, now=clock(), submit_by=clock())
            clock.offset += TWO_HOURS
            report = await world.bot.jobs.submit(job, member_present=False)
            assert report.state is JobState.REJECTED, other
        assert len(world.api.uploads) == 1 and world.api.submits == []
        assert internal.hits == []
        assert world.api.requests_for("file") == []


MIB = 1024 * 1024


async def test_a_picture_over_apimarts_upload_limit_is_refused_as_too_large_not_as_expired(
    tmp_path,
):
    """The operator raised MAX_REFERENCE_BYTES to 30 MB (for videos, say): a 21 MB picture is
    taken, but a late job can only renew it by copying it to APIMart, whose uploads take at
    most 20 MB. The member reads that the picture is too large for the service to keep a copy
    of, naming the limit, not that their links expired; nothing of it is uploaded."""
    from tests.cogs.test_reach import ShiftedClock

    clock = ShiftedClock()
    async with Site(PUBLIC_HOST) as cdn:
        big = PNG + bytes(21 * MIB)
        cdn.serve("/attachments/5/77/big.png", big)
        async with running_bot(
            tmp_path,
            clock=clock,
            link_allowed_networks=f"{PUBLIC_HOST}/32",
            cdn_origins=frozenset({cdn.origin}),
            max_reference_bytes=30 * MIB,
        ) as world:
            await world.bot.poller.stop()
            old = signed(cdn.url("/attachments/5/77/big.png"), clock() + TWO_HOURS + 2400)
            request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old,))
            requester = Requester(
                user_id=world.discord.user_id,
                channel_id=world.discord.channel_id,
                guild_id=world.discord.guild_id,
            )
            job = await world.bot.store.create(requester, request, now=clock(), submit_by=clock())
            clock.offset = TWO_HOURS
            report = await world.bot.jobs.submit(job, member_present=False)
            told = report.member_message.render("en-US")
            assert report.state is JobState.REJECTED, told
            assert "expired" not in told.split(".")[0]
            assert "larger than the 20 MB" in told, told
            assert "大于" in report.member_message.render("zh-CN")
            assert world.api.uploads == [] and world.api.submits == []


async def test_a_picture_apimarts_upload_refuses_as_too_large_is_not_blamed_on_expired_links(
    db, session, clock, cdn
):
    """APIMart's upload answers 413 (its limit lower than the bot knows): the same refusal."""
    async with (
        FakeAPIMart(max_upload_bytes=MIB) as api,
        GuardedFetcher(
            max_bytes=20 * MIB, allowed_networks=[ipaddress.ip_network(f"{PUBLIC_HOST}/32")]
        ) as fetcher,
    ):
        old = cdn.make_attachment("cat.png", PNG + bytes(2 * MIB), "image/png")
        store, service = make_service(db, api, session, clock, Messages(), fetcher, [cdn.base_url])
        request = VideoRequest(prompt="x", generation_type="frame", image_urls=(old.url,))
        report = await late_submit(store, service, clock, request)
        told = report.member_message.render("en-US")
        assert report.state is JobState.REJECTED, told
        assert "too large for the video service" in told, told
        assert api.submits == []


async def test_a_service_link_past_its_end_is_refused_at_submit_not_held_for_discord(
    db, api, session, clock, fetcher
):
    """A job from APIMart's link to a result waited past the end APIMart gave it: nothing
    renews such a link, so the job is refused at once (nothing sent), even while Discord does
    not answer for its messages (which could not renew it anyway)."""
    link = expiring_link(f"{api.base_url}/files/t.mp4", clock() + TWO_HOURS - 60)
    store, service = make_service(db, api, session, clock, Unanswered(), fetcher)
    request = VideoRequest(prompt="x", video_urls=(link,))
    report = await late_submit(store, service, clock, request)
    assert report.state is JobState.REJECTED
    assert "links to your reference files expired" in report.member_message.render("en-US")
    assert api.submits == []


def test_a_service_links_end_and_its_spoiler_are_kept_together():
    url = "https://upload.apimart.example/files/t.mp4"
    marked = expiring_link(behind_spoiler(url), 1_900_000_000)
    assert is_spoiler(marked) and url_expiry(marked) == 1_900_000_000
    assert is_spoiler(behind_spoiler(expiring_link(url, 1_900_000_000)))
    assert not lasts(marked, 1_900_000_001) and lasts(marked, 1_899_999_999)
    assert attachment_id(marked) is None
