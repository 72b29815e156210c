"""A budget whose credits add up to it in floating point is used up, not 0.00 short of it."""

import dataclasses

from bot.moderation.personal import PersonalLimits, budget_spent, personal_refusal
from bot.moderation.rules import budget_spent_message
from tests.test_message_limits import POLICY, facts

# Three videos of 0.3 credits: 0.8999999999999999 in binary floating point.
THREE_VIDEOS = 0.3 + 0.3 + 0.3


def committed(used, held=0.0, budget=0.9):
    return dataclasses.replace(
        facts(),
        policy=dataclasses.replace(POLICY, monthly_budget=budget),
        budget_used=used,
        budget_held=held,
        paused=False,
    )


def test_a_servers_budget_that_adds_up_to_its_limit_is_spent():
    assert committed(THREE_VIDEOS).budget_spent
    assert committed(0.6, held=0.3).budget_spent
    assert not committed(0.6).budget_spent


def test_the_personal_budget_that_adds_up_to_its_limit_is_spent():
    limits = PersonalLimits(monthly_budget=0.9)
    assert budget_spent(committed(THREE_VIDEOS), limits)
    refusal = personal_refusal(committed(THREE_VIDEOS), limits)
    assert refusal is not None and refusal.key == "personal_budget_spent"
    assert not budget_spent(committed(0.6), limits)


def test_a_budget_with_the_cheapest_video_left_is_not_spent():
    """1.5 credits left, and the cheapest video is expected at 1 (`cheapest_expected`,
    tests/jobs/test_pricing.py): not used up."""
    left = dataclasses.replace(committed(8.5, budget=10.0), budget_floor=1.0)
    assert not left.budget_spent


def test_too_little_left_with_nothing_being_made_promises_nothing_sooner():
    nothing_held = dataclasses.replace(committed(9.0, budget=10.0), budget_floor=2.0)
    text = budget_spent_message(nothing_held).render("en-US")
    assert "less than the cheapest video (2 credits)" in text
    assert "videos being made" not in text, text
    held = dataclasses.replace(committed(8.0, held=1.0, budget=10.0), budget_floor=2.0)
    assert "sooner if the videos being made" in budget_spent_message(held).render("en-US")
