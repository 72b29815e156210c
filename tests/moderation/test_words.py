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


@pytest.mark.parametrize(
    "joined",
    ["blood-bath", "blood_bath", "blood.bath", "blood/bath", "blood \u2013 bath", "blood~bath"],
)
def test_a_phrase_joined_by_a_hyphen_underscore_dot_or_slash_is_the_phrase(joined):
    """`blood-bath` is how the phrase is often written, and `_`, `.` and `/` join its words as
    they join a word's spelled-out letters (`g-o-r-e`): a moderator's "blood bath" bans them."""
    assert banned(f"a {joined} at dawn", "blood bath") == joined
    assert banned(f"a {joined}s at dawn", "blood bath*") == f"{joined}"


def test_a_phrase_split_by_a_comma_is_two_thoughts_not_the_phrase():
    assert banned("red as blood, bath time after", "blood bath") is None


def test_a_phrase_split_by_a_full_stop_is_two_sentences_not_the_phrase():
    """A dot joins "blood.bath", but one ending a sentence parts it from the next, as a comma
    parts two thoughts: "blood bath" bans no prompt with "blood. Bath" in it."""
    assert banned("a knife red with blood. Bath time after", "blood bath") is None
    assert banned("covered in blood... bath scene next", "blood bath") is None


def test_a_dot_standing_between_blanks_ends_no_sentence_and_still_joins_the_phrase():
    """A full stop follows its word; a dot with a blank on each side ("blood . bath") ends no
    sentence: it is the spacing out "blood.bath" is, refused as before dots that end a
    sentence were told apart."""
    assert banned("a blood . bath scene", "blood bath") == "blood . bath"
    assert banned("a blood . . bath scene", "blood bath") == "blood . . bath"
    assert banned("a knife red with blood. Bath time after", "blood bath") is None


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
        "\u0e27\u0e32\u0e14\u0e20\u0e32\u0e1enude\u0e2a\u0e27\u0e22",  # Thai, no spaces either
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


@pytest.mark.parametrize(
    ("prompt", "quoted"),
    [
        ("a g0re scene", "g0re"),
        ("a g0r3 scene", "g0r3"),
        ("a G0R3 scene", "G0R3"),
        ("k1ll them", "k1ll"),  # 1 read as i
        ("a l0l1ta", "l0l1ta"),  # 1 read as i after an l
        ("a @ss", "@ss"),
        ("$ex", "$ex"),
        ("a g 0 r 3 scene", "g 0 r 3"),  # spelled out and leetspeak at once
    ],
)
def test_a_banned_word_in_leetspeak_is_found(prompt, quoted):
    assert banned(prompt, "gore", "kill", "lolita", "ass", "sex") == quoted


def test_a_leetspeak_one_reads_as_an_l_too():
    assert banned("a b1ood bath", "blood") == "b1ood"


@pytest.mark.parametrize(
    "prompt",
    [
        "4k video of 3 cats",
        "1080p, 60fps, 5s long",
        "a 3d render at 7am on the 1st of may",
        "h264 at 30fps, $5 budget, email me@home",
        "agent 007 and 1337 hackers",
    ],
)
def test_numbers_in_an_ordinary_prompt_are_not_read_as_letters(prompt):
    # Each banned word is what a digit of the prompt would spell if it were read as a letter.
    words = ("ak", "ed", "eats", "iots", "loop", "am", "ist", "lst", "ss", "ooa", "leet", "eo")
    assert banned(prompt, *words) is None


@pytest.mark.parametrize(
    "prompt",
    [
        "画一个5m高的巨人",  # "a giant 5m tall": the 5 is no s, "5m" no "sm"
        "生成一段4k视频 时长10s",  # "a 4k video, 10s long"
        "拍一个3d模型",  # "film a 3d model"
    ],
)
def test_numbers_written_against_chinese_text_are_not_read_as_letters(prompt):
    # Chinese is written without spaces, so a number touches its characters; they are no
    # letters a digit could be leetspeak after (as "a 5m tall giant" reads in English).
    assert banned(prompt, "sm", "ak", "los", "ios", "ed") is None


def test_leetspeak_written_against_chinese_text_is_still_read():
    # "draw 2 g0r3 scenes": the "2" before it, a number of its own, does not hide it.
    assert banned("画2个g0r3场景", "gore") == "g0r3"
    assert banned("画一个g0r3场景", "gore") == "g0r3"


@pytest.mark.parametrize(
    ("prompt", "quoted"),
    [
        ("a gooore scene", "gooore"),
        ("a goreeee scene", "goreeee"),
        ("a GGGOOORRREEE scene", "GGGOOORRREEE"),
        ("a G-O-O-R-E scene", "G-O-O-R-E"),
        ("a g o o o r e scene", "g o o o r e"),
        ("a g000re scene", "g000re"),
    ],
)
def test_a_banned_word_with_its_letters_repeated_is_found(prompt, quoted):
    assert banned(prompt, "gore") == quoted


def test_a_banned_word_with_a_double_letter_needs_both():
    assert banned("a blod bath", "blood") is None
    assert banned("a bloooood bath", "blood") == "bloooood"
    assert banned("a sea bass", "ass") is None


def test_a_double_letter_in_an_ordinary_word_is_not_taken_for_a_stretched_one():
    # English doubles letters in words of their own: "good" is no "god", "root" no "rot".
    assert banned("a good dog digs up a root", "god", "rot") is None


@pytest.mark.parametrize(
    "prompt",
    [
        "a C P U on a motherboard",  # banned "cp" is a prefix of the spelled-out "cpu"
        "the T C P handshake",  # ... and the end of "tcp"
        "press A C P U now",
        "a g o r e s scene",  # "gores" is not "gore"
    ],
)
def test_a_spelled_out_word_longer_than_a_banned_one_is_not_taken_for_it(prompt):
    assert banned(prompt, "cp", "gore") is None


def test_a_spelled_out_banned_acronym_on_its_own_is_found():
    assert banned("a C P video", "cp") == "C P"
    assert banned("a c.p. video", "cp") == "c.p"


def test_a_star_still_opens_a_spelled_out_end():
    assert banned("n u d i t y everywhere", "nud*") == "n u d"


def test_a_chinese_word_spelled_out_among_other_characters_is_still_found():
    assert banned("一 只 血 腥 的 猫", "血腥") == "血 腥"
    assert banned("画 一 个 n u d e 女 孩", "nude") == "n u d e"


def test_long_runs_of_one_letter_are_checked_quickly():
    # Each pattern starts open ("*ab"): a matcher that retries every letter of a run against
    # its repeats is quadratic in the run; this one looks at each run once.
    patterns = tuple(parse_pattern(f"*a{letter}") for letter in "bcdefghijklmnopqrstuvwxyz")
    patterns += tuple(parse_pattern(f"*{letter}{letter}b") for letter in "acegikmoqsuwy")
    find_banned("x", patterns)  # compiles them: only the checks are timed
    started = time.perf_counter()
    for prompt in ("a" * 2000, "a " * 1000, "1" * 2000, "g" + "0" * 1999) * 5:
        assert find_banned(prompt, patterns) is None
    # About 0.05 s here; retrying each run from each of its letters takes about 5 s.
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("prompt", "quoted"),
    [
        ("a blood bath now", "blood bath"),
        ("a blood baths now", "blood bath"),
        ("a blood bathing now", "blood bath"),
        ("BLOOD BATHS", "BLOOD BATH"),
        ("a blood **baths**", "blood **bath"),
        ("a blooddd baths now", "blooddd bath"),  # the first word stretched, as anywhere
        # Full-width letters, as typed on a Chinese keyboard.
        (
            "a \uff42\uff4c\uff4f\uff4f\uff44 \uff42\uff41\uff54\uff48\uff53",
            "\uff42\uff4c\uff4f\uff4f\uff44 \uff42\uff41\uff54\uff48",
        ),
    ],
)
def test_a_phrase_ending_in_a_star_matches_any_ending_of_its_last_word(prompt, quoted):
    assert banned(prompt, "blood bath*") == quoted


def test_a_phrase_ending_in_a_star_quotes_only_the_words_it_names():
    # The open end takes the rest of the word: a stretched "h" belongs to it, not the phrase.
    assert banned("a blood bathhh now", "blood bath*") == "blood bath"


@pytest.mark.parametrize(
    "prompt",
    [
        "a blood bat now",  # its last word cut short
        "a blood bats now",
        "a bloody baths now",  # the star opens the last word's end only
        "bad bloods bath",
    ],
)
def test_a_phrase_ending_in_a_star_needs_every_word_it_names(prompt):
    assert banned(prompt, "blood bath*") is None


def test_a_star_opens_a_word_ending_in_a_double_letter_only_after_both():
    assert banned("a kissing scene", "kiss*") == "kiss"
    assert banned("a kismet scene", "kiss*") is None
    assert banned("a sea basil scene", "sea bass*") is None


def test_a_pattern_of_the_longest_length_is_accepted():
    assert parse_pattern("x" * 60) == "x" * 60


@pytest.mark.parametrize(
    ("prompt", "pattern", "quoted"),
    [
        ("a bloodbath at dawn", "blood bath", "bloodbath"),
        ("a BloodBath at dawn", "blood bath", "BloodBath"),
        ("a bl00dbath at dawn", "blood bath", "bl00dbath"),  # and in leetspeak
        ("a b\u200blood\u200bbath", "blood bath", "b\u200blood\u200bbath"),
        ("bloodbaths galore", "blood bath*", "bloodbath"),
        ("a freenitro link", "free nitro", "freenitro"),
        ("a blowjob", "blow job", "blowjob"),
        ("killthemall now", "kill them all", "killthemall"),
        ("killthem all now", "kill them all", "killthem all"),  # some joined, some apart
        ("a baddog", "bad dog", "baddog"),  # where the words meet in one letter
        ("a badddddog", "bad dog", "badddddog"),  # ... stretched
        ("a bad-dog", "bad dog", "bad-dog"),
    ],
)
def test_a_phrase_with_its_words_run_together_is_the_phrase(prompt, pattern, quoted):
    """Members write "bloodbath" to get "blood bath" past the filter: words of three letters
    or more may be written as one word, as they may be joined by a hyphen."""
    assert banned(prompt, pattern) == quoted


@pytest.mark.parametrize(
    ("prompt", "pattern"),
    [
        ("a superbloodbathtub", "blood bath"),  # run together, it is still a whole word
        ("bloodbaths galore", "blood bath"),  # its end stays closed without a star
        ("a classy ass", "as s"),  # a word under three letters never runs together
        ("an anal fissure", "an al"),
        ("a badog", "bad dog"),  # one "d" is not the "d" of both words
        ("a bad dog", "b ad dog"),  # "b" and "ad" stay two words, "ad" and "dog" too
    ],
)
def test_a_run_together_phrase_still_needs_a_whole_word_of_long_enough_words(prompt, pattern):
    assert banned(prompt, pattern) is None


def test_a_word_inside_another_is_still_not_found_with_run_together_phrases():
    """The Scunthorpe problem: "ass" is no part of "class", "assistant" or "bass"."""
    prompt = "a class assistant plays bass, passes the glass"
    assert banned(prompt, "ass", "blood bath", "as s", "cl ass") is None


@pytest.mark.parametrize(
    ("prompt", "quoted"),
    [
        ("a blood\U0001f600bath", "blood\U0001f600bath"),  # an emoji between the words
        ("a blood\U0001f004bath", "blood\U0001f004bath"),  # the mahjong dragon emoji
        ("a blood \U0001f525 bath", "blood \U0001f525 bath"),
        ("a blood\u2605bath", "blood\u2605bath"),  # a star symbol
    ],
)
def test_a_phrase_with_emoji_or_symbols_between_its_words_is_the_phrase(prompt, quoted):
    assert banned(prompt, "blood bath") == quoted


@pytest.mark.parametrize(
    ("prompt", "quoted"),
    [
        ("一只血 腥的猫", "血 腥"),  # a space between its characters, inside a sentence
        ("一只血-腥的猫", "血-腥"),
        ("一只血.腥的猫", "血.腥"),
        ("一只血\u3000腥的猫", "血\u3000腥"),  # an ideographic space
        ("一只血·腥的猫", "血·腥"),  # a middle dot
        ("一只血・腥的猫", "血・腥"),  # a katakana middle dot (Japanese writes it between words)
        ("一只血\U0001f600腥的猫", "血\U0001f600腥"),  # an emoji
        ("一只血**腥**的猫", "血**腥"),  # markdown
    ],
)
def test_a_chinese_word_split_inside_a_sentence_is_found(prompt, quoted):
    assert banned(prompt, "血腥") == quoted


def test_a_chinese_word_split_by_a_comma_or_full_stop_is_two_clauses():
    """Blood everywhere, a fishy smell ("到处是血, 腥味扑鼻") does not say "血腥"."""
    assert banned("到处是血\uff0c腥味扑鼻", "血腥") is None  # a full-width comma
    assert banned("到处是血。腥味扑鼻", "血腥") is None


def test_a_chinese_phrase_is_found_written_as_chinese_is_without_spaces():
    assert banned("血腥暴力的场面", "血腥 暴力") == "血腥暴力"
    assert banned("一只血腥的猫", "血 腥") == "血腥"


def test_a_phrase_of_a_latin_and_a_chinese_word_is_found_run_together_and_apart():
    """A Latin word is written right against Chinese ("画一个nude女孩"), and a word of both
    scripts ("AV女优") apart as well: neither has a space to end it."""
    assert banned("画一个nude女孩", "nude 女孩") == "nude女孩"
    assert banned("一部AV 女优的片", "av女优") == "AV 女优"


@pytest.mark.parametrize(
    ("prompt", "quoted"),
    [
        (
            "a \U0001f1ec\U0001f1f4\U0001f1f7\U0001f1ea scene",
            "\U0001f1ec\U0001f1f4\U0001f1f7\U0001f1ea",
        ),
        (
            "a \U0001f156\U0001f15e\U0001f161\U0001f154 scene",
            "\U0001f156\U0001f15e\U0001f161\U0001f154",
        ),
        (
            "a \U0001f176\U0001f17e\U0001f181\U0001f174 scene",
            "\U0001f176\U0001f17e\U0001f181\U0001f174",
        ),
    ],
)
def test_a_banned_word_in_letter_emoji_is_found(prompt, quoted):
    """Regional-indicator letters (as Discord reactions spell words) and negative circled or
    squared letters: emoji drawn as the letters they are."""
    assert banned(prompt, "gore") == quoted


def test_letter_emoji_are_read_through_to_z():
    assert banned("a \U0001f1f3\U0001f1e6\U0001f1ff\U0001f1ee flag", "nazi") == (
        "\U0001f1f3\U0001f1e6\U0001f1ff\U0001f1ee"
    )


def test_run_together_phrases_are_checked_quickly():
    # Where a phrase's words meet in one letter ("bad dog"), the run of that letter is split
    # between them; a matcher that tries each split is quadratic in the run.
    patterns = tuple(parse_pattern(p) for p in ("bad dog", "blood bath", "血腥 暴力", "*aaa abc"))
    find_banned("x", patterns)  # compiles them: only the checks are timed
    prompts = (
        "ba" + "d" * 20_000 + "x",
        "blood" + "-" * 20_000 + "x",
        "血" + " " * 20_000 + "x",
        "a" * 20_000 + "x",
        "bad " * 5_000,
    )
    started = time.perf_counter()
    for prompt in prompts:
        assert find_banned(prompt, patterns) is None
    # About 0.5 s here; splitting the run of "d" every way takes about 8 s by itself.
    assert time.perf_counter() - started < 2


def test_styled_letters_read_as_letters_and_a_flag_as_its_two():
    """Mathematical bold and circled letters fold (NFKC); a flag is two regional indicators."""
    assert banned("a \U0001d420\U0001d428\U0001d42b\U0001d41e scene", "gore") is not None
    assert banned("a \u24d6\u24de\u24e1\u24d4 scene", "gore") is not None
    assert banned("a \U0001f1e8\U0001f1f5 flag", "cp") == "\U0001f1e8\U0001f1f5"


def test_short_words_of_a_phrase_may_run_together_into_a_word_of_their_own():
    """What docs/moderators.md warns of: three letters are enough to run on."""
    assert banned("seamen at sea", "sea men") == "seamen"
    assert banned("a word split in two: blood bath", "bloodbath") is None


def test_a_star_on_each_side_finds_a_word_inside_another():
    assert banned("a class assistant", "*ass*") == "ass"
