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
