"""Links typed in a message: found as the member meant them, and taken out of the prompt."""

import pytest

from bot.jobs.links import spoilered_links, typed_links, without_links


@pytest.mark.parametrize(
    ("text", "prompt", "links"),
    [
        ("make it snow [cat](https://img.example/cat.png)", "make it snow cat", ["cat.png"]),
        ("see https://w.example/Cat_(animal) now", "see now", ["Cat_(animal)"]),
        ("`https://img.example/a.png` a cat", "a cat", ["a.png"]),
        ("||https://img.example/a.png|| a cat", "a cat", ["a.png"]),
        ("**https://img.example/a.png** a cat", "a cat", ["a.png"]),
        ("a boat like <https://img.example/b.png>, on a lake", "a boat like, on a lake", ["b.png"]),
        ("a cat (like https://img.example/a.png) surfing", "a cat (like) surfing", ["a.png"]),
        ("a cat https://img.example/a.png!", "a cat!", ["a.png"]),
        ("https://img.example/a.png", "", ["a.png"]),
        (
            "a cat [wiki](https://w.example/Cat_(animal)) running",
            "a cat wiki running",
            ["Cat_(animal)"],
        ),
        ("a [cat](<https://img.example/a.png>) running", "a cat running", ["a.png"]),
        ("**a cat https://img.example/a.png**", "**a cat**", ["a.png"]),
        ("a cat https://img.example/a.png *running* fast", "a cat *running* fast", ["a.png"]),
        ("cats |https://i.example/1.png|https://i.example/2.png|", "cats", ["1.png", "2.png"]),
        ("a cat https://img.example/a.png _ fast", "a cat _ fast", ["a.png"]),
        (
            "[a](https://img.example/1.png)[b](https://img.example/2.png) cats",
            "ab cats",
            ["1.png", "2.png"],
        ),
        ("猫在跑https://img.example/a.png\uff0c很好", "猫在跑\uff0c很好", ["a.png"]),
        ("猫 https://img.example/a.png。", "猫。", ["a.png"]),
        # A link alone in brackets takes them with it: no `()` is left in the scene.
        ("a cat (https://img.example/a.png) dancing", "a cat dancing", ["a.png"]),
        ("a cat [https://img.example/a.png], dancing", "a cat, dancing", ["a.png"]),
        ("猫\uff08https://img.example/a.png\uff09在跳舞", "猫在跳舞", ["a.png"]),
        ("a cat (see https://img.example/a.png)", "a cat (see)", ["a.png"]),
    ],
)
def test_links_are_found_whole_and_leave_the_prompt_readable(text, prompt, links):
    assert without_links(text) == prompt
    assert [link.rsplit("/", 1)[1] for link in typed_links(text)] == links


@pytest.mark.parametrize("text", ["line one\n\nline two", "wait , what", "a cat ... a dog  x"])
def test_a_prompt_without_links_reaches_the_service_as_typed(text):
    assert without_links(text) == text


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("||https://img.example/a.png|| a cat", ["a.png"]),
        ("a cat ||like this https://img.example/a.png, see|| https://img.example/b.png", ["a.png"]),
        ("||spoiler|| https://img.example/a.png ||another||", []),
        ("a cat https://img.example/a.png", []),
        ("|| not closed https://img.example/a.png", []),
        ("||a|| ||https://img.example/a.png|| ||https://img.example/b.png||", ["a.png", "b.png"]),
    ],
)
def test_links_behind_a_spoiler_are_told_apart(text, hidden):
    """Discord hides `||...||`, a link's preview with it: a video made from the picture must
    stay hidden too. Bars open and close in pairs; one left open hides nothing."""
    assert [url.rsplit("/", 1)[1] for url in spoilered_links(text)] == hidden


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("a cat https://img.example/a.png\nsurfing", "a cat\nsurfing"),
        ("a cat https://img.example/a.png\r\nsurfing", "a cat\r\nsurfing"),
        ("a cat\r\nhttps://img.example/a.png surfing", "a cat\r\nsurfing"),
        ("a cat\nhttps://img.example/a.png surfing", "a cat\nsurfing"),
    ],
)
def test_a_link_taken_out_at_a_line_end_leaves_no_blank_at_the_seam(text, prompt):
    """As for a flag: the line keeps its words, not a stray blank before or after its break."""
    assert without_links(text) == prompt
