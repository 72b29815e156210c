"""Banned words: whole words, any case, '*' only at the ends, never a raw regex."""

import time

import pytest

from bot.moderation.words import BadPattern, find_banned, parse_pattern


def banned(prompt, *patterns):
    match = find_banned(prompt, tuple(parse_pattern(p) for p in patterns))
    return match.fragment if match else None


def test_a_word_matches_in_any_case():
    assert banned("A GORY scene", "gory") == "gory"


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
    assert banned(f"{full_width} fest", "gore") == "gore"


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
    assert time.perf_counter() - started < 0.1
