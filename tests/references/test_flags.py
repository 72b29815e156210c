"""Flags in a reply: short and long names, and a clear answer for anything unreadable."""

import pytest

from bot.jobs.flags import parse_flags, with_prompt_flags
from bot.jobs.models import JobRefused
from bot.jobs.validation import VideoOptions


def refused(text: str, locale: str = "en-US") -> str:
    with pytest.raises(JobRefused) as caught:
        parse_flags(text)
    return caught.value.user_message.render(locale)


def test_short_flags_set_the_options_and_leave_the_prompt():
    options = parse_flags(
        "a cat surfing --duration 8 --resolution 1080p --ar 9:16 --mode reference"
    )
    assert options.prompt == "a cat surfing"
    assert (options.duration, options.resolution, options.aspect_ratio, options.mode) == (
        8,
        "1080p",
        "9:16",
        "reference",
    )


def test_long_names_and_equals_signs_are_accepted():
    options = parse_flags("--aspect-ratio=16:9 a dog --res 4K --dur 10s --mode frame")
    assert options.prompt == "a dog"
    assert (options.duration, options.resolution, options.aspect_ratio, options.mode) == (
        10,
        "4k",
        "16:9",
        "frame",
    )


def test_flags_in_the_middle_keep_the_prompt_in_order():
    assert parse_flags("a red fox --ar 9:16 running in snow").prompt == "a red fox running in snow"


def test_no_flags_means_nothing_chosen():
    options = parse_flags("  just a prompt -- with a dash ")
    assert options.prompt == "just a prompt -- with a dash"
    assert (options.duration, options.resolution, options.aspect_ratio, options.mode) == (
        None,
        None,
        None,
        None,
    )


def test_an_unknown_flag_is_named_with_the_valid_flags_and_values():
    message = refused("a cat --speed 2")
    assert "I don't know the flag `--speed`" in message
    assert "`--duration` (or `--dur`) 4, 6, 8 or 10" in message
    assert "`--aspect-ratio` (or `--ar`) 16:9 or 9:16" in message
    assert "`--mode` frame or reference" in message
    # Unknown, not "needs a value", with nothing after it.
    assert refused("a cat --hd").startswith("I don't know the flag `--hd`.")


@pytest.mark.parametrize(
    ("text", "flag", "value"),
    [
        ("a cat --duration 5", "--duration", "5"),
        ("a cat --resolution 8k", "--resolution", "8k"),
        ("a cat --ar 4:3", "--ar", "4:3"),
        ("a cat --mode sideways", "--mode", "sideways"),
    ],
)
def test_a_value_outside_the_choices_is_explained(text, flag, value):
    message = refused(text)
    assert f"`{value}` is not a valid value for `{flag}`" in message
    assert "Use these flags" in message


def test_a_flag_without_a_value_is_explained():
    assert "The flag `--duration` needs a value" in refused("a cat --duration")
    assert "The flag `--ar` needs a value" in refused("a cat --ar --duration 8")


def test_every_unreadable_flag_is_named_at_once_with_the_help_once():
    # A member fixing one flag at a time would be refused once for each.
    message = refused("a cat --dur 7 --speed 2 --res 2k --ar")
    assert "`7` is not a valid value for `--dur`" in message
    assert "I don't know the flag `--speed`" in message
    assert "`2k` is not a valid value for `--res`" in message
    assert "The flag `--ar` needs a value" in message
    assert message.count("Use these flags") == 1
    assert message.index("--dur") < message.index("--speed") < message.index("--res")
    chinese = refused("一只猫 --dur 7 --speed 2", "zh-CN")
    assert "`7` 不是 `--dur` 的有效值" in chinese
    assert "我不认识参数 `--speed`" in chinese


def test_flag_problems_read_in_chinese():
    assert refused("一只猫 --speed 2", "zh-CN").startswith("我不认识参数 `--speed`")


@pytest.mark.parametrize(
    "value", ["9" * 5000, "²", "8" + "0" * 4400 + "s", "99999999999999999999", "8.0"]
)
def test_a_duration_that_is_no_plain_number_is_explained_not_a_crash(value):
    message = refused(f"a cat --duration {value}")
    assert "is not a valid value for `--duration`" in message
    assert len(message) < 1000, "the value is shown cut short"


@pytest.mark.parametrize("eight", ["\uff18", "\u0668"])  # full-width, Arabic-Indic
def test_other_scripts_digits_count_as_digits(eight):
    assert parse_flags(f"a cat --duration {eight}").duration == 8


@pytest.mark.parametrize(
    "dashes",
    [
        "\u2014",  # em dash: what a phone makes of "--"
        "\u2013",  # en dash
        "\u2013\u2013",  # two en dashes
        "\u2014\u2014",
        "-\u2013",
        "\u2212",  # minus sign
    ],
)
def test_the_dashes_phones_type_work_like_two_hyphens(dashes):
    options = parse_flags(f"a cat {dashes}duration 8 {dashes}ar=9:16 surfing")
    assert (options.duration, options.aspect_ratio) == (8, "9:16")
    assert options.prompt == "a cat surfing"


def test_a_dash_before_an_ordinary_word_stays_in_the_prompt():
    options = parse_flags("a cat \u2014surfing\u2014 at dawn \u2013 slowly")
    assert options.prompt == "a cat \u2014surfing\u2014 at dawn \u2013 slowly"
    assert options.duration is None


@pytest.mark.parametrize(
    "prompt", ["a cat \u2014surfing at dawn", "a cat at dawn \u2013slowly", "\u2014quiet night"]
)
def test_a_phones_dash_before_a_word_that_is_no_flag_stays_prose(prompt):
    """Only a flag we know turns a phone's dash into a flag: "—surfing" is prose, never an
    unknown flag refused."""
    options = parse_flags(prompt)
    assert options.prompt == prompt
    assert (options.duration, options.resolution, options.mode) == (None, None, None)


def test_a_dash_flag_with_a_bad_value_is_named_as_typed_with_hyphens():
    assert "is not a valid value for `--duration`" in refused("a cat \u2014duration 5")


def test_a_value_with_backticks_cannot_break_out_of_its_code_span():
    message = refused("a cat --ar `@everyone`")
    assert message.startswith("`'@everyone'` is not a valid value for `--ar`")


@pytest.mark.parametrize(
    ("text", "ratio", "resolution", "prompt"),
    [
        ("a cat --ar 9\uff1a16 --res 1080p", "9:16", "1080p", "a cat"),  # a Chinese colon
        ("a cat --ar \uff11\uff16:\uff19 --res \uff14\uff2b", "16:9", "4k", "a cat"),
        ("a cat --res 4k --ar 9:16!", "9:16", "4k", "a cat!"),  # a sentence's end after it
    ],
)
def test_values_typed_on_other_keyboards_or_ending_a_sentence_are_read(
    text, ratio, resolution, prompt
):
    options = parse_flags(text)
    assert (options.aspect_ratio, options.resolution) == (ratio, resolution)
    assert options.prompt == prompt


def test_one_option_given_two_different_values_is_asked_about_not_guessed():
    answer = refused("a cat --ar 9:16 surfing --aspect-ratio 16:9")
    assert "`--ar` `9:16` and `--aspect-ratio` `16:9`" in answer
    assert "only one" in answer
    assert "请只保留一个" in refused("一只猫 --res 4k --res 720p", "zh-CN")


def test_the_same_value_given_twice_is_no_conflict():
    options = parse_flags("a cat --res 4K --resolution 4k --duration 8 --dur 8s")
    assert (options.resolution, options.duration, options.prompt) == ("4k", 8, "a cat")


def test_a_repeated_option_with_a_value_that_cannot_be_read_names_that_value():
    answer = refused("a cat --ar foo --ar 9:16")
    assert "`foo` is not a valid value for `--ar`" in answer


def test_punctuation_after_a_flag_stays_in_the_prompt():
    options = parse_flags("a cat --res 1080P, then a dog --ar 9:16.")
    assert options.prompt == "a cat, then a dog."
    assert parse_flags("a cat, --res 4k, a dog").prompt == "a cat, a dog"
    assert parse_flags("--res 4k, a dog").prompt == "a dog"
    assert parse_flags("a cat\n--res 4k, a dog").prompt == "a cat, a dog"
    assert (options.resolution, options.aspect_ratio) == ("1080p", "9:16")


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("a cat --dur 10sec", "a cat"),
        ("a cat --duration 10 seconds, surfing", "a cat, surfing"),
        ("a cat --dur 10 sec", "a cat"),
        ("a cat --duration=10secs", "a cat"),
        ("一只猫 --duration 10秒", "一只猫"),
        ("a cat --duration 10 s.", "a cat."),
    ],
)
def test_a_length_written_with_its_unit_is_read_and_the_unit_leaves_the_prompt(text, prompt):
    options = parse_flags(text)
    assert (options.duration, options.prompt) == (10, prompt)


def test_a_word_after_the_length_that_is_no_unit_stays_in_the_prompt():
    options = parse_flags("--duration 8 second-hand shop")
    assert (options.duration, options.prompt) == (8, "second-hand shop")


# Chinese punctuation, typed with no blank around it: full-width comma, enumeration comma, stop.
COMMA, LIST, STOP = "\uff0c", "\u3001", "\u3002"
CAT, NIGHT, FILMIC = "\u732b", "\u591c\u666f", "\u7535\u5f71\u611f"
WIDE_9_16 = "\uff19\uff1a\uff11\uff16"  # 9:16 in full-width digits and colon


@pytest.mark.parametrize(
    ("text", "prompt", "options"),
    [
        (f"{CAT}{COMMA}--ar 9:16 {NIGHT}", f"{CAT}{COMMA}{NIGHT}", {"aspect_ratio": "9:16"}),
        (f"{CAT} --ar 9:16{COMMA}{NIGHT}", f"{CAT}{COMMA}{NIGHT}", {"aspect_ratio": "9:16"}),
        (
            f"{CAT} --dur 8{COMMA}--ar {WIDE_9_16}{STOP}",
            f"{CAT}{STOP}",
            {"duration": 8, "aspect_ratio": "9:16"},
        ),
        (f"{CAT} --res 4K{LIST}{FILMIC}", f"{CAT}{LIST}{FILMIC}", {"resolution": "4k"}),
        (f"{CAT}{COMMA}--res 4k{COMMA}{NIGHT}", f"{CAT}{COMMA}{NIGHT}", {"resolution": "4k"}),
    ],
)
def test_flags_glued_to_chinese_punctuation_are_read_and_the_punctuation_stays(
    text, prompt, options
):
    parsed = parse_flags(text)
    assert parsed.prompt == prompt
    for name, value in options.items():
        assert getattr(parsed, name) == value


@pytest.mark.parametrize(
    ("text", "prompt", "options"),
    [
        # A Chinese keyboard in full-width mode: dashes, letters, digits and the blank.
        (f"{CAT}\u3000\uff0d\uff0d\uff44\uff55\uff52\u3000\uff18", CAT, {"duration": 8}),
        (f"{CAT} \uff0d\uff0d\uff52\uff45\uff53 1080p", CAT, {"resolution": "1080p"}),
        # No blank between Chinese words and the flag, as Chinese is written.
        (f"{CAT}--dur 8", CAT, {"duration": 8}),
        (f"{CAT}--ar 9:16 {NIGHT}", f"{CAT} {NIGHT}", {"aspect_ratio": "9:16"}),
        (f"{CAT}\uff0d\uff0d\uff44\uff55\uff52 8", CAT, {"duration": 8}),
    ],
)
def test_flags_typed_on_a_chinese_keyboard_are_read(text, prompt, options):
    parsed = parse_flags(text)
    assert parsed.prompt == prompt
    for name, value in options.items():
        assert getattr(parsed, name) == value


def test_an_ellipsis_after_a_glued_value_stays_in_the_prompt_without_the_value():
    """NFKC writes '\u2026' as three dots: the flag's own text is cut as it was typed."""
    assert parse_flags("a cat --res=4k\u2026 a dog").prompt == "a cat\u2026 a dog"
    assert parse_flags("a cat --dur=8s\u2026 then").prompt == "a cat\u2026 then"


def test_dashes_inside_latin_words_stay_prose():
    assert parse_flags("a well--known fox").prompt == "a well--known fox"


def contradiction(prompt, **chosen):
    with pytest.raises(JobRefused) as caught:
        with_prompt_flags(VideoOptions(prompt=prompt, **chosen))
    return caught.value.user_message


@pytest.mark.parametrize(
    ("prompt", "chosen", "english", "chinese"),
    [
        ("a fox --res 720p", {"resolution": "4k"}, "`4K`", "`4K`"),
        ("a fox --dur 4", {"duration": 8}, "`8 s`", "`8 \u79d2`"),
        ("a fox --mode frame", {"mode": "reference"}, "`Reference`", "`\u53c2\u8003`"),
        ("a fox --ar 16:9", {"aspect_ratio": "9:16"}, "`9:16 portrait`", "`9:16 \u7ad6\u5c4f`"),
    ],
)
def test_a_flag_against_a_chosen_option_names_the_choice_as_the_member_saw_it(
    prompt, chosen, english, chinese
):
    """Not APIMart's words ('4k', 'reference'), and in the member's own language."""
    message = contradiction(prompt, **chosen)
    assert f"you also chose {english}" in message.render("en-US")
    assert chinese in message.render("zh-CN")


def test_a_flag_glued_to_a_japanese_kana_word_is_read():
    parsed = parse_flags("\u306d\u3053--dur 8")
    assert (parsed.prompt, parsed.duration) == ("\u306d\u3053", 8)


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("a cat --ar:9:16", ("aspect_ratio", "9:16")),
        ("a cat --res:1080p", ("resolution", "1080p")),
        ("a cat --dur:8", ("duration", 8)),
    ],
)
def test_a_flag_written_with_a_colon_is_read(text, setting):
    """`--ar:9:16` is a flag to the member: never sent to APIMart as words of a paid 16:9
    720p video."""
    options = parse_flags(text)
    name, value = setting
    assert (options.prompt, getattr(options, name)) == ("a cat", value)


@pytest.mark.parametrize("text", ["a neon sign reading --STOP--", "a robot saying --beep--"])
def test_a_word_between_double_dashes_is_prose_not_an_unknown_flag(text):
    """No flag ends in `--`: the member means the dashes, and has no other way to write them."""
    assert parse_flags(text).prompt == text


@pytest.mark.parametrize(
    ("text", "aspect_ratio", "mode"),
    [
        ("一只猫 --ar 竖屏", "9:16", None),
        ("一只猫 --ar 横屏", "16:9", None),
        ("一只猫 --mode 首帧", None, "frame"),
        ("一只猫 --mode 参考", None, "reference"),
        ("一只猫 --mode 参考图", None, "reference"),
        # Traditional characters
        ("一隻貓 --ar 豎屏 --mode 首幀", "9:16", "frame"),
        ("一隻貓 --ar 橫屏 --mode 參考", "16:9", "reference"),
        # As a zh-TW client shows the choices (Taiwan wording)
        ("一隻貓 --ar 直向 --mode 首影格", "9:16", "frame"),
        ("一隻貓 --ar 橫向", "16:9", None),
    ],
)
def test_the_chinese_words_of_the_choices_are_read_as_the_english_ones_are(
    text, aspect_ratio, mode
):
    """`--ar portrait` works; a Chinese member types the words their client shows for the same
    choices (16:9 横屏, 9:16 竖屏, 首帧, 参考) and must not be told they are invalid."""
    options = parse_flags(text)
    assert (options.aspect_ratio, options.mode) == (aspect_ratio, mode)


def test_the_chinese_help_on_flags_names_the_words_a_chinese_member_may_type():
    help_text = refused("一只猫 --ar 方形", "zh-CN")
    assert "`竖屏`" in help_text and "`首帧`" in help_text and "`参考`" in help_text


def test_the_traditional_help_on_flags_names_the_words_a_taiwanese_member_may_type():
    help_text = refused("一隻貓 --ar 方形", "zh-TW")
    assert "`直向`" in help_text and "`首影格`" in help_text and "`參考`" in help_text


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("a cat --ar 9:16\r\nsurfing at dusk", "a cat\r\nsurfing at dusk"),
        ("a cat\r\n--res 4k surfing", "a cat\r\nsurfing"),
        ("a cat --dur 8\rsurfing", "a cat\rsurfing"),
    ],
    ids=["before-crlf", "after-crlf", "before-cr"],
)
def test_a_flag_taken_out_at_a_windows_line_end_leaves_no_blank_at_the_seam(text, prompt):
    """A prompt pasted from Windows ends its lines with `\\r\\n`: a flag at the end of a line
    leaves no stray blank before the `\\r`, as before a plain `\\n`."""
    assert parse_flags(text).prompt == prompt
