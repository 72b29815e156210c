"""Every command, option and choice the bot syncs has a Chinese name and description, in
Simplified (zh-CN) and in Traditional with Taiwan wording (zh-TW)."""

import re

import pytest

from tests.harness import running_bot

# Discord's rule for command and option names.
VALID_NAME = re.compile(r"^[-_\w]{1,32}$")
CHINESE_LOCALES = ("zh-CN", "zh-TW")


def localizable_parts(command):
    """(kind, payload) pairs for a command and everything under it."""
    yield "command", command
    for option in command.get("options") or []:
        yield "option", option
        for choice in option.get("choices") or []:
            yield "choice", choice
        yield from (pair for pair in localizable_parts(option) if pair[1] is not option)


# An operator, so that /videoowner (offered only when there is one) is synced and checked too.
OPERATOR = 1234


@pytest.mark.parametrize("locale", CHINESE_LOCALES)
async def test_synced_commands_are_localized_for_chinese_clients(tmp_path, locale):
    async with running_bot(tmp_path, owner_ids=(OPERATOR,)) as world:
        commands = world.discord.commands()
    assert "videoowner" in {c["name"] for c in commands}
    missing = []
    for command in commands:
        for kind, part in localizable_parts(command):
            names = part.get("name_localizations") or {}
            if locale not in names:
                missing.append(f"{kind} {part['name']!r} name in {locale}")
            elif kind != "choice":
                assert VALID_NAME.match(names[locale]), names[locale]
                assert names[locale] == names[locale].lower()
            descriptions = part.get("description_localizations") or {}
            if part.get("description") and locale not in descriptions:
                missing.append(f"{kind} {part['name']!r} description in {locale}")
    assert missing == []


async def test_a_traditional_chinese_client_sees_taiwan_words_not_simplified_ones(tmp_path):
    async with running_bot(tmp_path) as world:
        by_name = {c["name"]: c for c in world.discord.commands()}
    assert by_name["video"]["name_localizations"] == {"zh-CN": "视频", "zh-TW": "影片"}
    videos = by_name["videos"]
    assert videos["name_localizations"]["zh-TW"] == "我的影片"
    status = next(o for o in videos["options"] if o["name"] == "status")
    assert status["name_localizations"]["zh-TW"] == "狀態"


async def test_other_locales_keep_english(tmp_path):
    """Japanese, Korean and the rest read the English, like the messages (docs/members.md); only the
    two Chinese locales have names of their own."""
    async with running_bot(tmp_path) as world:
        [video] = [c for c in world.discord.commands() if c["name"] == "video"]
    assert set(video["name_localizations"]) == {"zh-CN", "zh-TW"}


def siblings(command):
    """Each list of options (or subcommands) that share a parent, the command's own first."""
    options = command.get("options") or []
    yield options
    for option in options:
        yield from siblings(option)


@pytest.mark.parametrize("locale", CHINESE_LOCALES)
async def test_chinese_names_are_unique_among_siblings_and_within_discords_limits(tmp_path, locale):
    """One English word translated for two places ("limits", "quota" and "allowance" are all
    额度) must not give two siblings one Chinese name: Discord refuses the whole sync."""
    async with running_bot(tmp_path, owner_ids=(OPERATOR,)) as world:
        commands = world.discord.commands()
    tops = [(c.get("name_localizations") or {}).get(locale, c["name"]) for c in commands]
    clashes = [tops] if len(set(tops)) != len(tops) else []
    for command in commands:
        for options in siblings(command):
            names = [(o.get("name_localizations") or {}).get(locale, o["name"]) for o in options]
            if len(set(names)) != len(names):
                clashes.append(names)
            for option in options:
                for choice in option.get("choices") or []:
                    assert len(choice["name_localizations"][locale]) <= 100
        for _, part in localizable_parts(command):
            assert len((part.get("description_localizations") or {}).get(locale, "")) <= 100
    assert clashes == []


def characters(part, locale):
    """What Discord counts of a command toward its 4000 characters, as `locale` reads it: every
    name, description and choice (name and value) in it."""
    name = (part.get("name_localizations") or {}).get(locale, part["name"])
    description = (part.get("description_localizations") or {}).get(
        locale, part.get("description") or ""
    )
    total = len(name) + len(description)
    for choice in part.get("choices") or []:
        total += len((choice.get("name_localizations") or {}).get(locale, choice["name"]))
        total += len(str(choice["value"]))
    return total + sum(characters(option, locale) for option in part.get("options") or [])


@pytest.mark.parametrize("locale", ("en-US", *CHINESE_LOCALES))
async def test_every_command_fits_discords_limits_as_each_locale_reads_it(tmp_path, locale):
    """Names 1-32 characters, lowercase for slash commands and options; descriptions and choice
    names 1-100; all of a command's texts at most 4000 characters (/videomod, with every
    subcommand, is the one near it): past any of these Discord refuses the whole sync, and
    members see no command at all. (An English description past 100 is cut short by
    discord.py instead, mid-word.)"""
    async with running_bot(tmp_path, owner_ids=(OPERATOR,)) as world:
        commands = world.discord.commands()

    def text(part, field):
        return (part.get(f"{field}_localizations") or {}).get(locale, part.get(field) or "")

    wrong = []
    for command in commands:
        for kind, part in localizable_parts(command):
            name = text(part, "name")
            slash = command.get("type", 1) == 1
            if kind != "choice" and slash and not (VALID_NAME.match(name) and name == name.lower()):
                wrong.append(f"{kind} name {name!r}")
            if not 1 <= len(name) <= (100 if kind == "choice" else 32):
                wrong.append(f"{kind} name {name!r} length")
            description = text(part, "description")
            # discord.py cuts a longer English description to 100 with an ellipsis.
            if slash and kind != "choice" and not 1 <= len(description) <= 100:
                wrong.append(f"{kind} {name!r} description length")
            if description.endswith("…"):
                wrong.append(f"{kind} {name!r} description cut short: {description!r}")
        if characters(command, locale) > 4000:
            wrong.append(f"{command['name']}: {characters(command, locale)} characters")
    assert wrong == []
