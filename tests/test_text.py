"""Member text in the bot's messages: shown as typed, never a link, cut cleanly to fit."""

import random

import pytest

from bot.i18n import msg
from bot.jobs.models import JobState, state_key
from bot.text import (
    ELLIPSIS,
    Quoted,
    code,
    credits_number,
    escape,
    fit,
    join_lines,
    page_text,
    preview,
    quote,
    quoted_sentence,
)


def test_markdown_shows_as_typed():
    assert (
        escape("*bold* _it_ ~~x~~ `c` ||s||")
        == "\\*bold\\* \\_it\\_ \\~\\~x\\~\\~ \\`c\\` \\|\\|s\\|\\|"
    )


@pytest.mark.parametrize(
    "text",
    [
        "[free nitro](https://x.example)",
        "[free\nnitro](https://x.example)",  # escape_markdown alone misses a label over two lines
        "[free nitro](<https://x.example>)",
    ],
)
def test_a_masked_link_is_never_a_link(text):
    assert "](" not in escape(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("see https://x.example/a_b here", "see <https://x.example/a_b> here"),
        ("https://x.example/```, then more", "<https://x.example/```>, then more"),
        ("[free nitro](https://x.example)", "[free nitro]\\(<https://x.example>)"),
        ("(https://x.example/Cat_(animal))", "(<https://x.example/Cat_(animal)>)"),
        ("already <https://x.example> quiet", "already <https://x.example> quiet"),
        ("odd <https://x.example/a.> end", "odd <https://x.example/a.> end"),
        # Left open, `<` suppresses nothing: Discord unfurls the link all the same.
        ("see <https://evil.example/free_nitro", "see <<https://evil.example/free_nitro>"),
        ("<https://evil.example/a b>", "<<https://evil.example/a> b>"),
        (
            "<https://evil.example/a <https://x.example>",
            "<<https://evil.example/a> <https://x.example>",
        ),
        ("<<https://x.example>", "<<https://x.example>"),
    ],
)
def test_a_link_shows_without_a_preview(text, shown):
    """Discord unfurls a bare link into a preview card under the bot's message; in `<...>` it
    is still a link, with no card."""
    assert escape(text) == shown


@pytest.mark.parametrize("limit", [40, 120, 290])
def test_a_cut_never_leaves_a_link_open(limit):
    shown = quote("look: https://x.example/" + "a" * 300 + " and more", limit)
    assert len(shown) <= limit
    assert shown.count("<") == shown.count(">"), shown


@pytest.mark.parametrize("limit", range(2, 40))
def test_a_cut_never_leaves_half_an_escape(limit):
    shown = quote("*_" * 50, limit)
    assert len(shown) <= limit
    body = shown.removesuffix(ELLIPSIS)
    assert (len(body) - len(body.rstrip("\\"))) % 2 == 0


@pytest.mark.parametrize(
    "token",
    [
        "<t:1800000000:R>",
        "<@123456789012345678>",
        "<#42>",
        "</videomod words list:123456789012345678>",
    ],
)
@pytest.mark.parametrize("limit", range(8, 60))
def test_a_cut_never_splits_a_timestamp_or_mention(token, limit):
    shown = fit(f"due {token} and more text after it", limit)
    assert len(shown) <= limit
    assert token in shown or "<" not in shown


# What a reader takes for one character, written with several code points.
CLUSTERS = [
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a family: three people joined
    "\U0001f44d\U0001f3fd",  # a thumbs up and its skin tone
    "\U0001f1eb\U0001f1f7",  # a flag: two regional indicators
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    "e\u0301",  # é with a combining accent
    "\u0915\u093f",  # Devanagari ki: a consonant and its vowel sign
    "\u2764\ufe0f",  # a red heart: the heart and its emoji presentation
    "1\ufe0f\u20e3",  # a keycap
]


@pytest.mark.parametrize("cluster", CLUSTERS)
@pytest.mark.parametrize("limit", range(6, 40))
def test_a_cut_never_splits_a_character_as_read(cluster, limit):
    """Cut inside one, an emoji shows as its parts (a lone man, a yellow thumb, a letter in a
    box) and a letter loses its accent."""
    shown = fit("see " + cluster * 20, limit)
    assert len(shown) <= limit
    kept = shown.removesuffix(ELLIPSIS).removeprefix("see").strip()
    assert kept == cluster * (len(kept) // len(cluster)), ascii(kept)


def test_short_text_is_left_alone_and_long_text_is_marked():
    assert fit("short", 10) == "short"
    assert fit("a" * 20, 10) == "a" * 9 + ELLIPSIS


def test_a_preview_is_one_line():
    assert preview("a\n\n b  c", 100) == "a b c"


def test_a_code_token_cannot_end_its_span():
    assert code("a`b\nc", 100) == "a'b c"


def test_lines_are_kept_whole_and_the_rest_counted():
    lines = ["title", *(f"line {n} " + "x" * 30 for n in range(10))]
    text = join_lines(lines, 200, lambda left: f"and {left} more")
    assert len(text) <= 200
    assert text.startswith("title\nline 0")
    kept = text.count("line ")
    assert text.endswith(f"and {10 - kept} more")


@pytest.mark.parametrize(
    ("value", "shown"),
    [(4.0, "4"), (2.5, "2.5"), (0.05, "0.05"), (12.25, "12.25"), (1234567.0, "1234567")],
)
def test_credits_read_as_people_write_them_however_large(value, shown):
    """`:g` kept six digits: a budget of 1,234,567 credits read 1.23457e+06."""
    assert credits_number(value) == shown


def test_a_quoted_sentence_brings_no_full_stop_of_its_own():
    assert str(quoted_sentence("Prompt contains prohibited content. ")) == str(
        Quoted("Prompt contains prohibited content")
    )
    assert str(quoted_sentence("\u8fdd\u89c4\u5185\u5bb9\u3002\n")) == str(
        Quoted("\u8fdd\u89c4\u5185\u5bb9")
    )


def test_a_cancelled_render_apimart_billed_reads_as_still_counting():
    assert state_key(JobState.FAILED, cancelled=True) == "state_cancelled"
    assert state_key(JobState.FAILED, cancelled=True, billed=True) == "state_cancelled_counted"


def test_a_task_apimart_cancelled_and_billed_reads_as_still_counting():
    assert state_key(JobState.CANCELLED, cancelled=False) == "state_cancelled"
    assert state_key(JobState.CANCELLED, cancelled=False, billed=True) == "state_cancelled_counted"


def test_a_failed_render_apimart_billed_reads_as_still_counting():
    assert state_key(JobState.FAILED, cancelled=False) == "state_failed"
    assert state_key(JobState.FAILED, cancelled=False, billed=True) == "state_failed_counted"


@pytest.mark.parametrize(
    ("said", "locale", "shown"),
    [
        (
            "Is the image a real photo?",
            "en-US",
            "The video service said: Is the image a real photo?",
        ),
        ("Too many faces!", "en-US", "The video service said: Too many faces!"),
        (
            "\u56fe\u7247\u662f\u771f\u5b9e\u7167\u7247\u5417\uff1f",
            "zh-CN",
            "\u89c6\u9891\u670d\u52a1\u7684\u539f\u8bdd\uff1a"
            "\u56fe\u7247\u662f\u771f\u5b9e\u7167\u7247\u5417\uff1f",
        ),
        ("No faces.", "en-US", "The video service said: No faces."),
    ],
)
def test_a_quoted_question_or_exclamation_keeps_its_own_mark_alone(said, locale, shown):
    """APIMart's reason ending in "?" or "!" reads "...?" in our sentence, not "...?."."""
    assert msg("failure_service_said", reason=quoted_sentence(said)).render(locale) == shown


def test_a_reason_cut_short_gets_no_full_stop_after_its_ellipsis():
    said = "The image shows a real person " * 15 + "and cannot be used."
    shown = msg("failure_service_said", reason=quoted_sentence(said)).render("en-US")
    assert shown.endswith(ELLIPSIS) and not shown.endswith(f"{ELLIPSIS}.")


def page(lines, number, most=50, last=9):
    """Page `number` of `lines` as a list command shows it: "Page N", the lines, and a constant
    last line when more follow (its length not changing with the page keeps the sums plain)."""
    return page_text(
        lines,
        number,
        most=most,
        last=last,
        title=lambda at: f"Page {at}",
        onward=lambda at: "More on the next page.",
    )


# What a page leaves for its lines: 2,000 less "Page 9\n" (7) and "\nMore on the next page." (23).
PAGE_ROOM = 2000 - 7 - 23


def test_a_page_holds_at_most_its_number_of_lines_and_says_more_follow():
    lines = [f"line {n}" for n in range(1, 8)]
    assert page(lines, 1, most=3) == ("Page 1\nline 1\nline 2\nline 3\nMore on the next page.", 3)
    assert page(lines, 3, most=3) == ("Page 3\nline 7", 3)


def test_the_last_of_exactly_full_pages_says_no_more_follow():
    lines = [f"line {n}" for n in range(1, 7)]
    assert page(lines, 2, most=3) == ("Page 2\nline 4\nline 5\nline 6", 2)


def test_a_page_past_the_end_is_none_and_says_how_many_there_are():
    lines = [f"line {n}" for n in range(1, 7)]
    assert page(lines, 3, most=3) == (None, 2)


def test_a_page_filled_to_exactly_2000_characters_keeps_its_last_line():
    # 27 lines of 72 characters and their 26 line breaks fill the room exactly.
    lines = [f"{n:02}" + "x" * 70 for n in range(1, 29)]
    assert PAGE_ROOM == 27 * 72 + 26
    first, _ = page(lines, 1)
    assert first is not None and len(first) == 2000
    assert first.splitlines()[-2] == lines[26]
    assert page(lines, 2) == (f"Page 2\n{lines[27]}", 2)


def test_a_line_one_character_over_the_room_goes_to_the_next_page():
    # 4 lines of 492 characters and their 3 line breaks take one character more than the room.
    lines = [str(n) + "x" * 491 for n in range(1, 5)]
    assert PAGE_ROOM + 1 == 4 * 492 + 3
    first, pages = page(lines, 1)
    assert pages == 2 and first is not None and len(first) <= 2000
    assert first.splitlines()[1:] == [*lines[:3], "More on the next page."]


def test_a_line_longer_than_a_page_is_cut_to_fit_2000_characters():
    lines = ["x" * 5000, "short"]
    assert page(lines, 1) == (
        "Page 1\n" + "x" * (PAGE_ROOM - 1) + ELLIPSIS + "\nMore on the next page.",
        2,
    )
    assert page(lines, 2) == ("Page 2\nshort", 2)


def test_the_last_page_that_may_be_asked_for_fits_its_longer_onward_line():
    # Past page 2 nothing is listed: its last line says so, and is the longest one.
    lines = [str(n) + "x" * 983 for n in range(1, 7)]
    shown = page_text(
        lines,
        2,
        most=50,
        last=2,
        title=lambda at: f"Page {at}",
        onward=lambda at: f"More on page {at}." if at <= 2 else "Pages past 2 are not listed.",
    )
    assert shown == (f"Page 2\n{lines[1]}\nPages past 2 are not listed.", 6)


def test_each_line_is_on_one_page_whichever_page_is_asked_for():
    # Page 1's title is shorter than the rest's: asked for alone, it must not take in a line
    # that page 2, asked for, shows too.
    lines = [str(n) + "x" * 979 for n in range(1, 4)]

    def asked(number):
        return page_text(
            lines,
            number,
            most=50,
            last=3,
            title=lambda at: "Page 1" if at == 1 else f"Page {at}, read on from page 1",
            onward=lambda at: "More on the next page.",
        )

    shown = [asked(number) for number in (1, 2, 3)]
    assert [pages for _, pages in shown] == [3, 3, 3]
    assert [text.splitlines()[1:2] for text, _ in shown] == [[line] for line in lines]


def test_a_long_text_is_quoted_exactly_as_if_escaped_whole():
    """`quote` escapes only the head of a long text (a thousand history lines of 2,000
    character prompts would hold the bot up half a second): what it shows is the same, with
    links, masked links, mentions, markdown at line starts and emoji across the cut."""
    from bot.text import _HEAD_MARGIN, _head

    pieces = [
        "a",
        "7",
        "word",
        " ",
        " ",
        "\n",
        "\t",
        "*",
        "_",
        "~",
        "|",
        "`",
        "\\",
        "> ",
        ">>> ",
        "# ",
        "- ",
        "-# ",
        "1. ",
        "[x",
        "](",
        ")",
        "](https://e.com/x_y)",
        "https://e.com/a_b",
        "https://e.com/(a)",
        "<",
        ">",
        "<https://e.com/q>",
        "</videomod words list:1>",
        "<@123>",
        "<t:1700000000:R>",
        "🇫🇷",
        "👍🏽",
        "e\u0301",
        "中文",
        "..",
        ":",
    ]
    chooser = random.Random(1234)
    checked_cut = 0
    for _ in range(2000):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 120)))
        for limit in (5, 20, 50):
            assert quote(text, limit) == fit(escape(text), limit), (text, limit)
            checked_cut += len(_head(text, limit)) < len(text)
    assert checked_cut > 300, "the cut must be exercised, not always skipped"
    long_prompt = "**bold** _it_ [x](https://a.b/c) https://e.com/a_b > q # h " * 40
    assert len(_head(long_prompt, 50)) < 50 + _HEAD_MARGIN + 20
