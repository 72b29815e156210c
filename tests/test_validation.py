"""The shared rules: bad input is explained before anything is spent."""

import pytest

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobRefused, MediaInput
from bot.jobs.validation import VideoOptions, clean_prompt, remix, validate

LIMIT = 20 * 1024 * 1024


def image(name="cat.png", content_type="image/png", size=1000):
    return MediaInput(f"https://cdn.example/{name}", name, content_type, size)


def clip(name="move.mp4", content_type="video/mp4", size=1000):
    return MediaInput(f"https://cdn.example/{name}", name, content_type, size)


def refused(**options) -> str:
    with pytest.raises(JobRefused) as caught:
        validate(VideoOptions(**{"prompt": "a cat", **options}), max_file_bytes=LIMIT)
    return caught.value.user_message.render("en-US")


def test_defaults_for_text_to_video():
    request = validate(VideoOptions(prompt="  a cat surfing  "), max_file_bytes=LIMIT)
    assert request.to_payload() == {
        "model": "Omni-Flash-Ext",
        "prompt": "a cat surfing",
        "duration": 6,
        "resolution": "720p",
        "aspect_ratio": "16:9",
    }


def test_blank_prompt_is_refused():
    assert "prompt is empty" in refused(prompt="   \n ")


NOTHING_VISIBLE = {
    "zero-width": "\u200b\u200c\u200d\u2060",
    "braille-blank": "\u2800\u2800\u2800",
    "bom-lrm-rlm": "\ufeff\u200e\u200f",
    "hangul-fillers": "\u3164 \u115f\u1160\uffa0",
    "combining-marks-alone": "\u0301\u0308\u0327",
    "variation-selectors": "\ufe0f\U000e0100",
    "soft-hyphen": "\u00ad",
    "odd-whitespace": " \t\u3000\u00a0\u2028\u200b ",
}


@pytest.mark.parametrize("prompt", NOTHING_VISIBLE.values(), ids=NOTHING_VISIBLE.keys())
def test_a_prompt_with_nothing_visible_is_refused_like_a_blank_one(prompt):
    assert "prompt is empty" in refused(prompt=prompt)


@pytest.mark.parametrize("prompt", ["a\u200bcat", "🐱", "é", "\u0915\u093f", "猫"])
def test_a_prompt_with_something_visible_is_kept(prompt):
    assert validate(VideoOptions(prompt=prompt), max_file_bytes=LIMIT).prompt == prompt


@pytest.mark.parametrize("count", [2, 4])
def test_two_or_four_images_are_refused_with_the_count(count):
    message = refused(images=[image(f"{i}.png") for i in range(count)])
    assert f"I found {count} images" in message
    assert "0, 1 or 3" in message


def test_frame_mode_needs_exactly_one_image():
    message = refused(mode="frame", images=[image("a.png"), image("b.png"), image("c.png")])
    assert "exactly 1 image" in message


def test_mode_without_images_is_refused():
    assert "none were attached" in refused(mode="reference")


@pytest.mark.parametrize("mode", ["frame", "reference"])
def test_a_mode_with_only_a_reference_video_is_not_told_to_make_a_video_from_text(mode):
    """Leaving out the mode would use the member's clip as the reference video, not make a
    video from the text alone: the refusal says that, in either language."""
    with pytest.raises(JobRefused) as caught:
        validate(
            VideoOptions(prompt="dance like this", mode=mode, videos=[clip()]), max_file_bytes=LIMIT
        )
    english = caught.value.user_message.render("en-US")
    assert "is for images only" in english and "text alone" not in english, english
    assert "to use your reference video as it is" in english, english
    assert "直接使用你的参考视频" in caught.value.user_message.render("zh-CN")


def test_a_mode_flag_in_a_form_on_a_video_remix_is_not_told_to_make_a_video_from_text():
    """Edit prompt / Remix on a video made from a reference video alone, `--mode frame` typed."""
    made = VideoRequest(prompt="a cat", video_urls=("https://cdn.example/v.mp4",))
    with pytest.raises(JobRefused) as caught:
        remix(made, prompt="a dog", duration=None, resolution=None, aspect_ratio=None, mode="frame")
    assert "to use your reference video as it is" in caught.value.user_message.render("en-US")


def test_non_image_file_as_image_is_refused_by_content_type():
    message = refused(images=[image("notes.png", content_type="application/pdf")])
    assert "`notes.png` is not a supported image" in message


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("IMG_2041.HEIC", "image/heic"),
        ("IMG_2041.heif", "image/heif"),
        ("burst.heic", "image/heic-sequence"),
        ("IMG_2041.HEIC", "application/octet-stream"),  # Discord not naming its type
        ("IMG_2041.heic", None),
    ],
)
def test_an_iphone_photo_is_told_to_come_as_jpeg_or_png(filename, content_type):
    """A HEIC/HEIF photo (what iPhones save) is named as one, with what to send instead."""
    message = refused(images=[image(filename, content_type=content_type)])
    assert f"`{filename}` is a HEIC/HEIF photo" in message, message
    assert "Please share it as a JPEG or PNG instead" in message, message


@pytest.mark.parametrize("content_type", ["image/jpg", "image/pjpeg", "IMAGE/JPG; charset=x"])
def test_a_jpeg_served_under_another_common_name_is_a_jpeg(content_type):
    """Some servers call a .jpg `image/jpg`: refusing it as "not PNG, JPEG or WebP" would
    contradict itself."""
    photo = image("photo.jpg", content_type=content_type)
    request = validate(VideoOptions(prompt="a cat", images=[photo]), max_file_bytes=LIMIT)
    assert request.image_urls == (photo.url,)


def test_non_video_file_as_video_is_refused():
    assert "not a supported video" in refused(videos=[clip("a.gif", content_type="image/gif")])


def test_missing_content_type_is_refused():
    assert "not a supported image" in refused(images=[image(content_type=None)])


def test_duration_with_video_is_refused():
    assert "duration can't be used" in refused(duration=8, videos=[clip()])


def test_video_without_duration_sends_no_duration():
    request = validate(VideoOptions(prompt="dance", videos=[clip()]), max_file_bytes=LIMIT)
    payload = request.to_payload()
    assert "duration" not in payload
    assert payload["video_urls"] == ["https://cdn.example/move.mp4"]


def test_too_large_file_is_refused():
    assert "over the 20.0 MB limit" in refused(images=[image(size=LIMIT + 1)])


@pytest.mark.parametrize("over", [1, 40 * 1024, 1024 * 1024 // 20])
def test_a_file_just_over_the_limit_never_reads_as_its_size(over):
    """Rounded alike, both would read 20.0 MB: the member could not tell what to trim."""
    text = refused(images=[image(size=LIMIT + over)])
    assert "is 20.1 MB, over the 20.0 MB limit" in text


def test_an_odd_limit_shows_the_decimals_that_tell_the_file_from_it():
    limit = int(19.96 * 1024 * 1024)
    with pytest.raises(JobRefused) as caught:
        validate(
            VideoOptions(prompt="a cat", images=(image(size=limit + 2048),)), max_file_bytes=limit
        )
    assert "is 19.97 MB, over the 19.96 MB limit" in caught.value.user_message.render("en-US")


def test_one_image_defaults_to_first_frame_and_three_to_reference():
    one = validate(VideoOptions(prompt="x", images=[image()]), max_file_bytes=LIMIT)
    assert one.to_payload()["generation_type"] == "frame"
    three = validate(
        VideoOptions(
            prompt="x",
            images=[image("a.png"), image("b.jpg", "image/jpeg"), image("c.webp", "image/webp")],
        ),
        max_file_bytes=LIMIT,
    )
    payload = three.to_payload()
    assert payload["generation_type"] == "reference"
    assert len(payload["image_urls"]) == 3


def test_one_image_beside_a_reference_video_defaults_to_a_reference():
    """APIMart: with a reference video the pictures are identity or composition references and
    the video gives the motion. One picture beside a clip went as the first frame by default;
    it goes as a reference, and a member who chooses first frame still gets it."""
    beside = validate(
        VideoOptions(prompt="x", images=[image()], videos=[clip()]), max_file_bytes=LIMIT
    )
    assert beside.to_payload()["generation_type"] == "reference"
    chosen = validate(
        VideoOptions(prompt="x", images=[image()], videos=[clip()], mode="frame"),
        max_file_bytes=LIMIT,
    )
    assert chosen.to_payload()["generation_type"] == "frame"


def test_images_and_video_combine_and_keep_the_chosen_mode():
    request = validate(
        VideoOptions(
            prompt="x",
            images=[image()],
            videos=[clip()],
            mode="reference",
            resolution="4K",
            aspect_ratio="9:16",
        ),
        max_file_bytes=LIMIT,
    )
    assert request.to_payload() == {
        "model": "Omni-Flash-Ext",
        "prompt": "x",
        "resolution": "4k",
        "aspect_ratio": "9:16",
        "image_urls": ["https://cdn.example/cat.png"],
        "generation_type": "reference",
        "video_urls": ["https://cdn.example/move.mp4"],
    }


def test_refusals_read_in_the_members_language():
    with pytest.raises(JobRefused) as caught:
        validate(
            VideoOptions(prompt="x", images=[image("a.png"), image("b.png")]), max_file_bytes=LIMIT
        )
    assert caught.value.user_message.render("zh-CN").startswith("我找到了 2 张图片")
    assert caught.value.user_message.render("fr").startswith("I found 2 images")


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("duration", 5, "valid duration"),
        ("resolution", "8k", "valid resolution"),
        ("aspect_ratio", "4:3", "valid aspect ratio"),
    ],
)
def test_values_outside_the_choices_are_refused(option, value, expected):
    assert expected in refused(**{option: value})


def test_two_videos_are_refused():
    assert "only 1 reference video" in refused(videos=[clip("a.mp4"), clip("b.mp4")])


def test_a_file_name_cannot_break_out_of_its_code_span_or_run_long():
    name = "a`@everyone`" + "x" * 3000 + ".pdf"
    message = refused(images=[image(name=name, content_type="application/pdf")])
    assert message.startswith("`a'@everyone'xxx")
    assert len(message) < 300


@pytest.mark.parametrize("blank", ["\u2065", "\ufff0", "\U000e0080", "\ufdd0", "\U0001ffff"])
def test_code_points_nothing_is_drawn_for_still_make_an_empty_prompt(blank):
    """Newer emoji count as visible though this Python does not know them; the unassigned
    places of invisible blocks, and noncharacters, still show nothing."""
    with pytest.raises(JobRefused):
        clean_prompt(blank * 3)


def test_a_duration_flag_in_a_form_on_a_video_remix_is_not_told_to_remove_the_video():
    """Edit prompt / Remix on a result made from a reference video, with `--dur 8` typed in
    the form: the form has no duration option and its video can't be taken away there, so the
    refusal asks only for what the member can do: take out the flag."""
    made = VideoRequest(prompt="a cat", video_urls=("https://cdn.example/v.mp4",))
    with pytest.raises(JobRefused) as caught:
        remix(made, prompt="a cat", duration="8", resolution=None, aspect_ratio=None)
    text = caught.value.user_message.render("en-US")
    assert "remove the video" not in text, text
    assert "take the duration flag (`--duration`, `--dur`) out of the prompt" in text
