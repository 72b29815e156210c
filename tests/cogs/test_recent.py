"""Keys seen lately, sighted as events arrive and decided by the process answering them."""

from cogs._recent import SeenLately


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_first_sighting_holds_the_key_for_its_window_whoever_asks_first():
    """Click 2 is decided first (its process won it), click 1 by the other process later."""
    clock = Clock()
    clicks = SeenLately(5.0, clock)
    first, second = clicks.sight("regen", by=1), clicks.sight("regen", by=2)
    assert not second.first()
    assert first.first()
    clock.now = 5.0
    assert clicks.sight("regen", by=3).first(), "the window is over"


def test_only_the_holder_forgets_a_sighting_that_came_to_nothing():
    clicks = SeenLately(5.0, Clock())
    first, second = clicks.sight("regen", by=1), clicks.sight("regen", by=2)
    second.came_to_nothing()
    assert not second.first(), "a repeat's nothing frees no key"
    first.came_to_nothing()
    assert clicks.sight("regen", by=3).first()


def test_a_first_at_work_holds_its_key_past_the_window_until_a_window_after_it_ends():
    clock = Clock()
    clicks = SeenLately(5.0, clock, longest_work=900.0)
    first = clicks.sight("regen", by=1)
    assert first.first()
    with first.working():
        clock.now = 6.0
        assert not clicks.sight("regen", by=2).first(), "the first is still at work"
    clock.now = 10.0
    assert not clicks.sight("regen", by=3).first(), "within a window of its end"
    clock.now = 11.0
    assert clicks.sight("regen", by=4).first()


def test_a_first_stuck_at_work_holds_its_key_no_longer_than_its_longest_work():
    clock = Clock()
    clicks = SeenLately(5.0, clock, longest_work=900.0)
    first = clicks.sight("regen", by=1)
    assert first.first()
    with first.working():
        clock.now = 899.0
        assert not clicks.sight("regen", by=2).first()
        clock.now = 900.0
        assert clicks.sight("regen", by=3).first(), "never blocked for good"
