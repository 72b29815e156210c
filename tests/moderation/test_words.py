"""Banned words: whole words, any case, '*' only at the ends, never a raw regex."""

import time

import pytest

from bot.moderation.words import BadPattern, find_banned, parse_pattern


def banned(prompt, *patterns):
    match = find_banned(prompt, tuple(parse_pattern(p) for p in patterns))
    return match.fragment if match else None


def test_a_word_matches_in_any_case_and_is_quoted_as_typed():
    assert banned("A GORY scene", "gory") == "GORY"


def test_a_word_does_not_match_inside_another_word():
    assert banned("a gorgeous sunset", "gore") is None


def test_a_star_at_the_end_matches_longer_words():
    assert banned("nudity everywhere", "nud*") == "nud"


def test_a_star_at_the_start_matches_word_endings():
    assert banned("hardcorepo", "*corepo") == "corepo"


def test_a_phrase_matches_across_any_spacing():
    assert banned("a blood \n  bath today", "blood bath") == "blood \n  bath"


def test_chinese_words_match_inside_a_sentence():
    assert banned("一只血腥的猫", "血腥") == "血腥"


def test_full_width_letters_are_folded():
    full_width = "\uff27\uff2f\uff32\uff25"  # "GORE" as typed on a Chinese keyboard
    assert banned(f"{full_width} fest", "gore") == full_width


def test_regex_syntax_is_taken_literally():
    assert banned("a (a+)+ b", "(a+)+") == "(a+)+"
    assert banned("aaaa", "(a+)+") is None


@pytest.mark.parametrize("text", ["", "  ", "*", "go*re", "x" * 61, "bad`tick"])
def test_unusable_patterns_are_refused(text):
    with pytest.raises(BadPattern):
        parse_pattern(text)


def test_patterns_are_stored_in_one_canonical_form():
    assert parse_pattern("  Blood   BATH* ") == "blood bath*"


def test_a_long_hostile_prompt_is_checked_quickly():
    patterns = tuple(parse_pattern(p) for p in ("a a a a a a b", "*aaaa*", "a*"))
    started = time.perf_counter()
    find_banned("a " * 1000 + "c", patterns)
    # A matcher that backtracks blows up on this text; a linear one takes about a
    # millisecond. The bound only tells the two apart, with room for a loaded machine.
    assert time.perf_counter() - started < 2


def test_invisible_characters_and_full_width_letters_do_not_hide_a_banned_phrase():
    full_width_free = "\uff46\uff52\uff45\uff45"
    assert banned(f"{full_width_free} n\u200bitro", "free nitro") is not None


@pytest.mark.parametrize(
    "hidden",
    [
        "n\u200bitro",  # zero-width space
        "n\u200citro",  # zero-width non-joiner
        "n\u200ditro",  # zero-width joiner
        "n\u2060itro",  # word joiner
        "n\u00aditro",  # soft hyphen
        "n\ufe0fitro",  # variation selector
        "n\U000e0101itro",  # variation selector supplement
        "n\ufeffitro",  # byte order mark
        "n\u17b4itro",  # Khmer inherent vowel aq (invisible; a mark, not a format character)
        "n\u17b5itro",  # Khmer inherent vowel aa
        "\uff4e\uff49\uff54\uff52\uff4f",  # full-width letters
    ],
)
def test_each_disguise_is_seen_through(hidden):
    assert banned(f"get {hidden} here", "nitro") is not None


def test_a_pattern_typed_with_invisible_characters_still_matches_plain_text():
    assert banned("free nitro", "free\u200b nit\u00adro") is not None


@pytest.mark.parametrize(
    "prompt",
    [
        "\u753b\u4e00\u4e2anude\u5973\u5b69",  # Chinese around it, no spaces (as it is written)
        "\u30cc\u30fc\u30c9nude\u3067\u3059",  # Japanese
        "\u753b\u4e00\u4e2a nude \u5973\u5b69",
    ],
)
def test_a_latin_word_written_against_chinese_or_japanese_text_is_found(prompt):
    assert find_banned(prompt, ("nude",)) is not None


def test_a_latin_word_inside_a_longer_latin_word_next_to_chinese_is_not():
    assert find_banned("\u753b\u4e00\u4e2anudes\u5973\u5b69", ("nude",)) is None


@pytest.mark.parametrize(
    "prompt",
    [
        "a _gore_ scene",  # Discord italics: shown as "gore"
        "a __gore__ scene",  # underline
        "a go**re** scene",  # half bold: shown as "gore"
        "a ||go||re scene",  # half a spoiler
        "a gore_scene",  # an underscore is no letter: "gore" is a word of its own
        "a g\u043ere scene",  # Cyrillic o, looks identical
        "a g\u03bfr\u0435 scene",  # Greek omicron, Cyrillic ie
        "a g\u0332o\u0332r\u0332e\u0332 scene",  # combining underline on every letter
        "a g\u00f6r\u00e9 scene",  # accents
    ],
)
def test_a_banned_word_in_markdown_or_look_alike_letters_is_still_found(prompt):
    assert banned(prompt, "gore") is not None


def test_a_disguised_word_is_quoted_as_the_member_typed_it():
    assert banned("a go**re** scene", "gore") == "go**re"
    assert banned("a g\u043ere scene", "gore") == "g\u043ere"


def test_a_pattern_with_accents_matches_the_word_without_them_and_the_other_way():
    assert banned("a cafe at night", "caf\u00e9") == "cafe"
    assert banned("a caf\u00e9 at night", "cafe") == "caf\u00e9"


@pytest.mark.parametrize(
    "prompt",
    [
        "\u041a\u043e\u0442 \u0441\u043c\u043e\u0442\u0440\u0438\u0442 \u043d\u0430"
        " \u0441\u043d\u0435\u0433",  # Russian: a cat watches the snow
        "\u4e00\u53ea\u732b\u5728\u7a97\u53f0\u4e0a\u770b\u96ea",  # Chinese: the same
        "\u306f\u304b\u306e\u524d\u306e\u732b",  # Japanese: a cat by a grave (haka)
        "gorgeous_sunset **over** the hills, a ~~gory~~ calm sea",
    ],
)
def test_a_prompt_without_the_banned_words_passes_whatever_its_alphabet(prompt):
    # "baka" (fool) is "haka" (grave) with a voicing mark: that mark is not an accent.
    assert (
        banned(prompt, "gore", "\u8840\u8165", "\u043a\u0440\u043e\u0432\u044c", "\u3070\u304b")
        is None
    )


def test_a_russian_or_chinese_banned_word_is_still_found_in_its_own_text():
    krov = "\u043a\u0440\u043e\u0432*"  # "blood*"
    assert banned("\u043c\u043d\u043e\u0433\u043e \u043a\u0440\u043e\u0432\u0438", krov) is not None
    assert banned("\u4e00\u53ea\u8840\u8165\u7684\u732b", "\u8840\u8165") == "\u8840\u8165"


@pytest.mark.parametrize(
    ("prompt", "quoted"),
    [
        ("a g o r e scene", "g o r e"),
        ("a G.O.R.E scene", "G.O.R.E"),
        ("a g-o-r-e scene", "g-o-r-e"),
        ("a g / o / r / e scene", "g / o / r / e"),
        ("a g\no\nr\ne scene", "g\no\nr\ne"),
        # The article before it is spelled as one letter too: "agore" still holds "gore".
        ("draw a g o r e scene", "g o r e"),
    ],
)
def test_a_banned_word_spelled_out_a_letter_at_a_time_is_found(prompt, quoted):
    assert banned(prompt, "gore") == quoted


def test_a_banned_phrase_or_chinese_word_spelled_out_is_found():
    assert banned("a b l o o d b a t h now", "blood bath") == "b l o o d b a t h"
    assert banned("\u4e00\u53ea \u8840 \u8165 \u7684\u732b", "\u8840\u8165") == "\u8840 \u8165"


@pytest.mark.parametrize(
    "prompt",
    [
        "I ate a pear, a fig and a plum",  # single letters, never three in a row
        "press A, B or C to start",  # words between them
        "the letters x y z on wooden blocks",  # spelled out, but not the word
        "let's go re-enter the cave",  # a word split at its middle is two words
    ],
)
def test_single_letters_in_an_ordinary_prompt_are_not_taken_for_a_banned_word(prompt):
    assert banned(prompt, "gore", "xyzzy", "aaa") is None


def test_a_banned_word_in_small_capital_letters_is_found():
    small_caps = "\u0262\u1d0f\u0280\u1d07"  # "GORE" from a fancy-text generator
    assert banned(f"a {small_caps} scene", "gore") == small_caps
