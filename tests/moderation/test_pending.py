"""Requests waiting for their member's Confirm, as stored: the open question of a request."""

from bot.apimart.models import VideoRequest
from bot.jobs.models import MessageRef, Requester
from bot.moderation.pending import PendingRequests

PICTURE = (MessageRef(8, 100),)


def member(user_id=7, channel_id=8, sources=PICTURE):
    return Requester(user_id=user_id, channel_id=channel_id, guild_id=9, sources=sources)


async def test_the_open_question_of_a_request_is_its_members_own_about_the_same_video(db, clock):
    """A Regenerate clicked again finds its member's open question about the same video (the
    same settings, from the same message's pictures) in that channel; not another member's,
    another channel's, another video's, nor one expired."""
    pending = PendingRequests(db, clock=clock)
    request = VideoRequest(prompt="a fox", image_urls=("https://cdn.example/fox.png",))
    asked = await pending.hold(member(), request, expected_credits=15, lasting=300)
    await pending.hold(member(user_id=70), request, expected_credits=15, lasting=300)

    found = await pending.waiting_for(7, 8, request, PICTURE)
    assert found is not None and found.token == asked.token
    assert await pending.waiting_for(7, 80, request, PICTURE) is None, "another channel"
    assert await pending.waiting_for(7, 8, request, (MessageRef(8, 101),)) is None
    other = request.model_copy(update={"resolution": "4k"})
    assert await pending.waiting_for(7, 8, other, PICTURE) is None, "another video"
    clock.advance(301)
    assert await pending.waiting_for(7, 8, request, PICTURE) is None, "expired"
