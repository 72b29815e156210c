"""/videos quota while generation is paused: worded for a member who only asked."""

from bot.jobs.models import Requester
from bot.moderation.report import quota_lines
from tests.test_message_limits import NOW, SNOWFLAKE, facts


def first_line(guild_id):
    requester = Requester(user_id=1, channel_id=2, guild_id=guild_id)
    return quota_lines(facts(), requester, NOW)[0]


def test_quota_in_a_server_while_paused_says_a_moderator_will_say_it_is_back():
    line = first_line(SNOWFLAKE)
    assert line.key == "mod_paused_standing"
    text = line.render("en-US")
    assert "once a moderator says it's back" in text
    assert "Nothing was counted" not in text, "nothing was asked, so nothing to count"


def test_quota_outside_servers_while_paused_names_no_moderator():
    line = first_line(None)
    assert line.key == "personal_paused_standing"
    text = line.render("en-US")
    assert "moderator" not in text and "Nothing was counted" not in text
