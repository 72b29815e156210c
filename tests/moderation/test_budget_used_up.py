"""A budget whose credits add up to it in floating point is used up, not 0.00 short of it."""

import dataclasses

from bot.moderation.personal import PersonalLimits, budget_spent, personal_refusal
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
