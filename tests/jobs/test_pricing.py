"""Expected credits, learned from completed jobs, on SQLite and PostgreSQL alike."""

import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.jobs.models import JobRefused, JobState, Requester
from bot.jobs.pricing import STARTING_CREDITS, Pricing, amount, cheapest_expected
from bot.moderation.pending import PendingRequests
from tests.jobstates import finished, submitted

ALICE = Requester(user_id=7, channel_id=70, guild_id=700)


async def charged(store, clock, request, credits, state=JobState.COMPLETED):
    """A job of `request` that APIMart finished and charged `credits` for."""
    job = await store.create(ALICE, request, now=clock(), submit_by=clock())
    job = await submitted(store, job, now=clock())
    info = TaskInfo(
        task_id=f"task_{job.id}",
        status=TaskStatus.COMPLETED if state is JobState.COMPLETED else TaskStatus.FAILED,
        progress=100,
        credits_cost=credits,
        video_url="https://cdn.example/v.mp4",
        expires_at=int(clock() + 86400),
    )
    clock.advance(1)
    return await finished(store, job, state, now=clock(), info=info)


def request(resolution="720p", duration=4, **extra):
    return VideoRequest(prompt="a lighthouse", resolution=resolution, duration=duration, **extra)


async def test_the_starting_table_matches_what_apimart_was_seen_to_charge(db):
    pricing = Pricing(db)
    assert (await pricing.expected(request("720p", 4))).credits == 2
    assert (await pricing.expected(request("4k", 10))).credits == 15
    table = await pricing.table()
    assert [table[("1080p", seconds)].credits for seconds in (4, 6, 8, 10)] == [4, 6, 8, 10]
    assert not any(estimate.learned for estimate in table.values())


async def test_three_charged_jobs_of_a_kind_replace_the_starting_figure_with_their_median(
    db, store, clock
):
    pricing = Pricing(db)
    await charged(store, clock, request("720p", 4), 3)
    await charged(store, clock, request("720p", 4), 5)
    assert (await pricing.expected(request("720p", 4))).credits == 2, "two are not enough"
    await charged(store, clock, request("720p", 4), 4)
    learned = await pricing.expected(request("720p", 4))
    assert (learned.credits, learned.samples) == (4, 3)
    # Other kinds keep their own figures; the table agrees with the single reads.
    assert (await pricing.expected(request("720p", 6))).credits == 3
    table = await pricing.table()
    assert table[("720p", 4)] == learned
    assert table[("720p", 6)].credits == 3 and not table[("720p", 6)].learned


async def test_only_the_last_twenty_charged_amounts_count_and_failures_do_not(db, store, clock):
    pricing = Pricing(db)
    for _ in range(20):
        await charged(store, clock, request("4k", 8), 30)
    for _ in range(11):
        await charged(store, clock, request("4k", 8), 10)
    await charged(store, clock, request("4k", 8), 0, state=JobState.FAILED)
    estimate = await pricing.expected(request("4k", 8))
    assert (estimate.credits, estimate.samples) == (10, 20), "11 of the newest 20 cost 10"


async def test_a_reference_video_is_priced_as_the_longest_length_it_may_set(db, store, clock):
    """It sets the length, up to 10 s: shorter clips charged less do not lower its price (a
    longer one may come next); reference videos charged more than 10 s costs raise it."""
    pricing = Pricing(db)
    with_video = VideoRequest(
        prompt="dance like this", resolution="1080p", video_urls=("https://x.example/m.mp4",)
    )
    price = await pricing.expected(with_video)
    assert (price.credits, price.up_to) == (STARTING_CREDITS[("1080p", 10)], True)
    for credits in (7, 7, 8):
        await charged(store, clock, with_video, credits)
    assert (await pricing.expected(with_video)).credits == 10, "not below the 10 s figure"
    for credits in (9, 9, 9):
        await charged(store, clock, request("1080p", 10), credits)
    assert (await pricing.expected(with_video)).credits == 9, "the 10 s figure, learned"
    for credits in (12, 12, 12, 12):
        await charged(store, clock, with_video, credits)
    dearer = await pricing.expected(with_video)
    assert (dearer.credits, dearer.samples, dearer.up_to) == (12, 7, True)
    assert (await pricing.expected(request("1080p", 10))).credits == 9, "not mixed with 10 s"
    table = await pricing.table()
    assert table[("1080p", None)] == dearer and table[("1080p", 10)].credits == 9
    assert table[("720p", None)].credits == STARTING_CREDITS[("720p", 10)]


async def test_short_reference_videos_do_not_lower_the_cheapest_video(db, store, clock):
    """A request with a reference video may cost what 10 s costs, so a budget with less left
    than the cheapest chosen length (2 credits) fits none of them either."""
    assert await cheapest_expected(db.fetch_all) == 2, "the starting table: 720p 4 s"
    with_video = request("720p", None, video_urls=("https://x.example/m.mp4",))
    for _ in range(3):
        await charged(store, clock, with_video, 1)
    assert await cheapest_expected(db.fetch_all) == 2


async def test_a_pending_request_is_consumed_once_and_kept_as_it_was_asked(db, clock):
    pending = PendingRequests(db, clock=clock)
    held = await pending.hold(
        ALICE, request("4k", 10), expected_credits=15, lasting=300, reply_to_id=99
    )
    again = await pending.get(held.token)
    assert again == held
    async with db.transaction() as conn:
        await PendingRequests.consume(conn, held.token, ALICE, clock())
    assert await pending.get(held.token) is None
    assert not await pending.drop(held.token), "already ended"


async def test_an_expired_pending_request_cannot_be_consumed_and_is_cleared_later(db, clock):
    pending = PendingRequests(db, clock=clock)
    held = await pending.hold(ALICE, request(), expected_credits=2, lasting=300)
    clock.advance(301)
    with pytest.raises(JobRefused) as refusal:
        async with db.transaction() as conn:
            await PendingRequests.consume(conn, held.token, ALICE, clock())
    assert refusal.value.user_message.key == "confirm_gone"
    await pending.hold(ALICE, request(), expected_credits=2, lasting=300)
    assert await pending.get(held.token) is None, "cleared when the next one was held"


async def test_a_median_on_a_half_tenth_reads_upwards_so_a_threshold_below_it_asks(
    db, store, clock
):
    """12.2, 12.3, 12.2, 12.3: the median is 12.25, above a threshold of 12.2; it reads 12.3
    (not 12.2, as rounding half to even would make it) and the member is asked."""
    for credits in (12.2, 12.3, 12.2, 12.3):
        await charged(store, clock, request("720p", 4), credits)
    assert (await Pricing(db).expected(request("720p", 4))).credits == 12.3


@pytest.mark.parametrize("credits", [1.0, 3.0 - (0.6 + 0.7 + 0.7), 1.004, 0.9999])
def test_an_amount_that_reads_as_one_is_one_credit(credits):
    """A budget left of 3 - (0.6 + 0.7 + 0.7) is 1.0000000000000002 in floating point."""
    assert amount(credits).render("en-US") == "1 credit"


def test_other_amounts_read_as_credits():
    assert amount(2.5).render("en-US") == "2.5 credits"
    assert amount(0).render("en-US") == "0 credits"
