"""Every sentence exists in English and Simplified Chinese, with the same blanks."""

import string

import pytest

from bot.i18n import CATALOGS, language_for, msg, t


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_exists_in_every_language():
    english = set(CATALOGS["en"])
    for language, catalog in CATALOGS.items():
        assert set(catalog) == english, f"{language} differs: {set(catalog) ^ english}"


@pytest.mark.parametrize("key", sorted(CATALOGS["en"]))
def test_translations_use_the_same_placeholders(key):
    assert placeholders(CATALOGS["zh"][key]) == placeholders(CATALOGS["en"][key])


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("zh-CN", "zh"),
        ("zh-TW", "zh"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("fr", "en"),
        (None, "en"),
    ],
)
def test_locales_fall_back_to_english(locale, language):
    assert language_for(locale) == language


def test_nested_messages_render_in_the_same_language():
    message = msg("rejected_by_service", reason=msg("refusal_invalid_duration"))
    assert "4、6、8 或 10 秒" in message.render("zh-CN")
    assert "4, 6, 8 or 10 seconds" in t(
        "rejected_by_service", "en-US", reason=msg("refusal_invalid_duration")
    )
