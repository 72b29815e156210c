"""A prompt of quoted words and the member's direction (`bot.jobs.quoted`)."""

from bot.jobs.quoted import MIN_QUOTED, SEPARATOR, directed, has_words, without_spoilers


def test_the_quoted_words_come_first_then_the_direction_after_a_blank_line():
    assert directed("a knight at dusk", "make it cinematic", limit=2000) == (
        "a knight at dusk\n\nmake it cinematic",
        False,
    )


def test_either_part_alone_is_the_prompt():
    assert directed("a knight at dusk", "  ", limit=2000) == ("a knight at dusk", False)
    assert directed("", "a dragon", limit=2000) == ("a dragon", False)


def test_the_quoted_words_give_way_at_their_end_and_the_direction_stays_whole():
    prompt, cut = directed("word " * 100, "make it cinematic", limit=100)
    assert cut and len(prompt) <= 100
    assert prompt.endswith(f"…{SEPARATOR}make it cinematic")


def test_quoted_words_alone_too_long_are_cut_to_the_limit():
    prompt, cut = directed("word " * 100, "", limit=50)
    assert cut and len(prompt) <= 50 and prompt.endswith("…")


def test_no_room_for_a_scene_leaves_the_quoted_words_out():
    direction = "d" * (100 - len(SEPARATOR) - MIN_QUOTED)
    assert directed("word " * 100, direction, limit=100) == (direction, True)


def test_a_direction_too_long_alone_is_left_for_the_rules_to_refuse():
    direction = "d" * 120
    assert directed("a knight", direction, limit=100) == (direction, True)


def test_mentions_emoji_and_links_are_no_words():
    assert not has_words("<@123> 🔥🔥 <:party:123456789012345678> @everyone https://a.example/x")
    assert not has_words("")
    assert has_words("<@123> surfing")
    assert has_words("一只猫")


def test_words_behind_spoilers_are_left_out_and_a_bar_left_open_hides_nothing():
    assert without_spoilers("a cat ||who dies|| on a roof") == "a cat on a roof"
    assert without_spoilers("||all\nhidden||") == ""
    assert without_spoilers("a || b") == "a || b"
