"""A reference video sets the length (up to 10 s), so it may cost what a 10 s video costs.

The rules already say so (`request_options`: a reference video needs the 10 s option), but the
price the confirm threshold and the budget read is the median of the last reference-video jobs
charged, in any server: a few short clips (billed by the length they set: 1.5 for 1 s at 4K)
pull it down for everyone, and a 10 s clip at 4K (15 credits) then passes a 10-credit confirm
threshold unasked and holds a tenth of its cost against a budget.
"""

import pytest

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobRefused, JobState, Requester
from bot.moderation.pending import ConfirmationNeeded
from bot.moderation.personal import PersonalLimits
from bot.moderation.service import Moderation
from tests.moderation.test_admission import ALICE, end, record, set_limits

# A member of another server, whose short clips are what was charged lately.
MALLORY = Requester(user_id=666, channel_id=66, guild_id=6)
# What a member refused for a reference video's worst case can change: its length is the
# reference video's, so only the resolution, or leaving the reference video out.
ADVICE = {
    "en-US": "A lower-resolution video, or a shorter one without the reference video, may fit",
    "zh-CN": "换成分辨率更低的视频，或不用参考视频的更短视频，也许够用",  # noqa: RUF001
}

CLIP = VideoRequest(
    prompt="dance like this", resolution="4k", video_urls=("https://x.example/clip.mp4",)
)


@pytest.fixture
def moderation(db, clock):
    return Moderation(db, clock=clock)


async def cheap_short_clips(store, moderation, clock, count=3, credits=1.5):
    for _ in range(count):
        job = await record(store, moderation, clock, MALLORY, CLIP)
        await end(store, clock, job, JobState.COMPLETED, credits)


async def test_short_clips_elsewhere_do_not_let_a_4k_reference_video_pass_the_confirm_threshold(
    store, moderation, clock
):
    await set_limits(moderation, confirm_above=10.0)
    with pytest.raises(ConfirmationNeeded):
        await record(store, moderation, clock, ALICE, CLIP)  # priced 15 before anything is learned
    await cheap_short_clips(store, moderation, clock)
    # Alice's clip may be 10 s long: 15 credits, over the threshold she was to be asked about.
    with pytest.raises(ConfirmationNeeded):
        await record(store, moderation, clock, ALICE, CLIP)


async def test_short_clips_elsewhere_do_not_let_reference_videos_overrun_a_budget(
    store, moderation, clock
):
    await set_limits(moderation, monthly_budget=20.0, max_active=5)
    await cheap_short_clips(store, moderation, clock)
    admitted = 0
    for _ in range(5):
        try:
            await record(store, moderation, clock, ALICE, CLIP)
        except (JobRefused, ConfirmationNeeded):
            break
        admitted += 1
    # Each may be a 10 s 4K render (15 credits): a 20-credit budget pays for one of them.
    assert admitted <= 1, f"{admitted} reference videos admitted on a 20-credit budget"


@pytest.mark.parametrize(
    ("locale", "said"),
    [("en-US", "expected to cost up to **15 credits**"), ("zh-CN", "最多 **15 积分**")],
)
async def test_a_reference_video_over_the_budget_left_is_said_to_cost_up_to(
    store, moderation, clock, locale, said
):
    """A reference video refused for what is left of the budget: its figure is the most it
    may cost, said "up to" as in its note, its status and its confirm question; and since the
    reference video sets the length, the advice is not simply "a shorter video"."""
    await set_limits(moderation, monthly_budget=10.0, max_active=5)
    with pytest.raises(JobRefused) as caught:
        await record(store, moderation, clock, ALICE, CLIP)
    text = caught.value.user_message.render(locale)
    assert said in text, text
    assert ADVICE[locale] in text, text


@pytest.mark.parametrize(
    ("locale", "said"),
    [("en-US", "expected to cost up to **15 credits**"), ("zh-CN", "最多 **15 积分**")],
)
async def test_a_personal_reference_video_over_the_credits_left_is_said_to_cost_up_to(
    db, store, clock, locale, said
):
    """The same outside servers that added the bot (the operator's monthly credits), with the
    same advice."""
    personal = Moderation(
        db,
        clock=clock,
        personal=PersonalLimits(videos_per_day=10, max_active=5, monthly_budget=10),
    )
    alone = Requester(user_id=42, channel_id=7, guild_id=None)
    with pytest.raises(JobRefused) as caught:
        await store.create(alone, CLIP, now=clock(), submit_by=clock() + 60, admission=personal)
    text = caught.value.user_message.render(locale)
    assert said in text, text
    assert ADVICE[locale] in text, text
