"""Mentions and custom emoji in a prompt reach the video model as names."""

from bot.jobs.markup import spoken

NAMES = {("user", 11): "Bob", ("role", 22): "Artists", ("channel", 33): "beach-pics"}


def name_of(kind, id_):
    return NAMES.get((kind, id_))


def test_people_roles_channels_and_emoji_are_named():
    text = "<@11> and <@!11> of <@&22> in <#33> <:party:44> <a:wave:55>"
    assert (
        spoken(text, name_of, limit=2000)
        == "@Bob and @Bob of @Artists in #beach-pics :party: :wave:"
    )


def test_an_id_the_bot_cannot_name_is_still_no_number():
    assert spoken("<@99> waves at <#98>", name_of, limit=2000) == "@someone waves at #channel"


def test_text_that_only_looks_like_markup_is_left_alone():
    assert (
        spoken("a <b> tag, 2 < 3 > 1, <@name>", name_of, limit=2000)
        == "a <b> tag, 2 < 3 > 1, <@name>"
    )


def test_names_that_would_make_a_fitting_prompt_too_long_are_left_out():
    """The member typed a prompt Discord accepted: our longer names must not refuse it."""
    channel = 1577163817568174084
    names = {("channel", channel): "c" * 100}
    text = "a" * 1970 + f" <#{channel}>"
    said = spoken(text, lambda kind, id_: names.get((kind, id_)), limit=2000)
    assert said == "a" * 1970 + " #channel"


def test_timestamps_and_command_mentions_are_written_out_never_longer():
    """The member sees a date where they typed `<t:…:D>`, a command where `</video:…>`: the
    model reads those, not Discord's numbers, and the prompt never grows past what was typed."""
    text = (
        "fireworks on <t:1767225600:D> at <t:1767225600:t>, <t:1767225600:F>, <t:1767225600>,"
        " <t:1767225600:R>; type </videos history:1577163817568174084>"
    )
    said = spoken(text, name_of, limit=2000)
    assert said == (
        "fireworks on 2026-01-01 at 00:00, 2026-01-01 00:00, 2026-01-01, 2026-01-01;"
        " type /videos history"
    )
    assert len(said) <= len(text)
    assert spoken("at <t:99999999999999:D>", name_of, limit=2000) == "at <t:99999999999999:D>"
    # A time of few digits reads longer written out (`1970-01-01 00:00`): it stays as typed,
    # or a prompt that fits as typed would be refused as too long.
    assert spoken("at <t:1:F>", name_of, limit=2000) == "at <t:1:F>"
