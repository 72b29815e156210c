"""The core `bot.wiring` builds is reachable on the bot the way cogs reach it."""

from bot.app import VideoBot
from bot.wiring import Services


def test_every_built_service_is_a_typed_attribute_of_the_bot():
    """`VideoBot` keeps each service as the attribute of its name (`bot.jobs`, `bot.store`...):
    a service added to `Services` must be declared on the bot too, with the same type, or the
    cogs would reach it untyped."""
    declared = VideoBot.__annotations__
    missing = {
        name: kind for name, kind in Services.__annotations__.items() if declared.get(name) != kind
    }
    assert missing == {}
