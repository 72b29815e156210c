"""A member's links are checked only so often: the window, the wait, memory kept."""

from bot.jobs.link_allowance import LinkAllowance
from bot.jobs.media import MessageMedia, links_to_check


def test_links_fit_until_the_window_is_full_then_the_wait_is_until_room_comes():
    allowance = LinkAllowance(links=10, window=600)
    assert allowance.take(1, 8, now=0) is None
    assert allowance.take(1, 2, now=100) is None
    # Full: 3 more fit once the first message's checks (at 0 s) leave the window.
    assert allowance.take(1, 3, now=200) == 400
    assert allowance.take(2, 8, now=200) is None, "another member has their own"
    assert allowance.take(1, 3, now=600) is None, "a refusal counted nothing"


def test_more_links_than_the_window_holds_wait_a_whole_window():
    assert LinkAllowance(links=10, window=600).take(1, 11, now=0) == 600


def test_members_gone_quiet_are_forgotten(monkeypatch):
    monkeypatch.setattr("bot.jobs.link_allowance._REMEMBERED", 3)
    allowance = LinkAllowance(links=10, window=600)
    for user in range(3):
        allowance.take(user, 1, now=0)
    allowance.take(99, 1, now=700)
    assert set(allowance._checked) == {99}


def test_only_links_that_will_be_fetched_are_counted():
    """A link in both the replied-to message and the reply is fetched once; one carrying a
    password is never tried."""
    source = MessageMedia(content="look https://pics.example/a.png")
    reply = MessageMedia(
        content="like https://pics.example/a.png and https://me:secret@pics.example/b.png"
    )
    assert links_to_check([source, reply]) == 1
