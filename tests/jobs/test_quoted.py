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


def test_quoted_words_that_just_fit_are_whole_and_not_said_to_be_cut():
    """Exactly at the limit nothing was cut: the member is not told their words were."""
    assert directed("k" * 50, "", limit=50) == ("k" * 50, False)
    quoted, direction = "k" * 30, "d" * 18  # 30 + 2 + 18 = 50
    assert directed(quoted, direction, limit=50) == (f"{quoted}{SEPARATOR}{direction}", False)


def test_a_scene_of_twenty_letters_and_its_ellipsis_is_kept_and_less_is_left_out():
    """Room for 20 of the quoted words' characters and the ellipsis keeps a scene; a character
    less leaves them out whole ("A kni…" is no scene)."""
    quoted = "a knight rides through a burning village at dusk"
    kept, cut = directed(quoted, "d" * 77, limit=100)  # room: 100 - 77 - 2 = 21
    assert cut and kept.startswith("a knight") and kept.endswith(f"…{SEPARATOR}{'d' * 77}")
    assert directed(quoted, "d" * 78, limit=100) == ("d" * 78, True)


def test_blank_quoted_words_are_no_scene_and_blanks_around_them_are_dropped():
    assert directed(" \n ", "a dragon", limit=2000) == ("a dragon", False)
    assert directed("  a knight \n", "go", limit=2000) == (f"a knight{SEPARATOR}go", False)


def test_at_here_alone_is_no_words_as_at_everyone_is_not():
    assert not has_words("@here 🔥")
    assert has_words("here we go")


def test_words_between_two_spoilers_stay():
    assert without_spoilers("a cat ||hidden|| on a roof ||also hidden|| at night") == (
        "a cat on a roof at night"
    )
