"""Every command, option and choice the bot syncs has a Chinese name and description."""

import re

from tests.harness import running_bot

# Discord's rule for command and option names.
VALID_NAME = re.compile(r"^[-_\w]{1,32}$")


def localizable_parts(command):
    """(kind, payload) pairs for a command and everything under it."""
    yield "command", command
    for option in command.get("options") or []:
        yield "option", option
        for choice in option.get("choices") or []:
            yield "choice", choice
        yield from (pair for pair in localizable_parts(option) if pair[1] is not option)


async def test_synced_commands_are_localized_for_chinese_clients(tmp_path):
    async with running_bot(tmp_path) as world:
        commands = world.discord.commands()
    assert commands, "commands were synced"
    missing = []
    for command in commands:
        for kind, part in localizable_parts(command):
            names = part.get("name_localizations") or {}
            if "zh-CN" not in names:
                missing.append(f"{kind} {part['name']!r} name in zh-CN")
            elif kind != "choice":
                assert VALID_NAME.match(names["zh-CN"]), names["zh-CN"]
                assert names["zh-CN"] == names["zh-CN"].lower()
            descriptions = part.get("description_localizations") or {}
            if part.get("description") and "zh-CN" not in descriptions:
                missing.append(f"{kind} {part['name']!r} description")
    assert missing == []


async def test_other_locales_keep_english(tmp_path):
    """Traditional Chinese (zh-TW) included: it reads English, like the messages (README)."""
    async with running_bot(tmp_path) as world:
        [video] = [c for c in world.discord.commands() if c["name"] == "video"]
    assert set(video["name_localizations"]) == {"zh-CN"}
