"""What README.md and docs/members.md, moderators.md, operations.md, reliability.md and scaling.md
name is there: every link between them lands on a file and a heading, every metric they name is
served (the metrics table with its real type and labels), every default they quote in prose is
the real one, every command, subcommand and option they show exists (in English and as a Chinese
client sees it), and every `make` target, `python -m` module and repository path they tell an
operator to use exists, and the invite link asks for exactly the permissions the bot checks."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic_core import PydanticUndefined

from bot.observability.metrics import Metrics
from bot.settings import Settings
from tests.harness import running_bot

ROOT = Path(__file__).resolve().parent.parent
DOCS = [
    "README.md",
    "docs/members.md",
    "docs/moderators.md",
    "docs/operations.md",
    "docs/reliability.md",
    "docs/scaling.md",
]
# Linked to, not checked itself (its figures are the benchmark's).
LINKED_ONLY = ["docs/performance.md"]


def text(doc: str) -> str:
    return (ROOT / doc).read_text(encoding="utf-8")


def prose(doc: str) -> str:
    """`doc` without its fenced code blocks."""
    return re.sub(r"^```.*?^```", "", text(doc), flags=re.MULTILINE | re.DOTALL)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(doc: str) -> set[str]:
    found: set[str] = set(re.findall(r'<a id="([^"]+)"', text(doc)))
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#+\s+(.+)$", prose(doc), flags=re.MULTILINE):
        slug = anchor(heading)
        found.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return found


def test_every_link_between_the_docs_lands_on_a_file_and_a_heading():
    """A reader who follows "see [Logs](#logs)" or "[scaling.md](scaling.md#figures)" gets there:
    a renamed heading or a moved section must not leave links pointing nowhere."""
    targets = {doc: anchors(doc) for doc in DOCS + LINKED_ONLY}
    followed, broken = 0, []
    for doc in DOCS:
        for link in re.findall(r"\]\(([^)\s]+)\)", text(doc)):
            if re.match(r"[a-z]+:", link):
                continue
            path, _, fragment = link.partition("#")
            target = os.path.normpath(Path(doc).parent / path) if path else doc
            followed += 1
            if not (ROOT / target).exists():
                broken.append(f"{doc}: {link} (no such file)")
            elif fragment and fragment not in targets.get(target, {fragment}):
                broken.append(f"{doc}: {link} (no such heading)")
    assert followed > 20, "the links are found at all"
    assert broken == []


def served_metrics() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every metric the bot declares, as scraped: name (a counter's with `_total`) -> its type
    and label names (a labelled series is served only once counted, so read the declaration)."""
    served = {}
    for collector in Metrics().registry._collector_to_names:
        name, kind = collector._name, collector._type
        served[f"{name}_total" if kind == "counter" else name] = (kind, collector._labelnames)
    return served


def test_the_operations_guide_lists_every_metric_with_its_type_and_labels():
    """docs/operations.md's metrics table is what /metrics serves: no metric missing from it,
    none it names that is not served, and each with the type and labels an alert rule needs."""
    rows = re.findall(
        r"^\| `(videobot_\w+)` \| (\w+) \|([^|]*)\|", text("docs/operations.md"), re.MULTILINE
    )
    listed = {name: (kind, tuple(re.findall(r"`(\w+)`", labels))) for name, kind, labels in rows}
    assert listed == served_metrics()


def test_every_metric_the_docs_name_is_served():
    """An alert rule or a sentence naming `videobot_…` reads a series the bot serves
    (histograms as their `_bucket`, `_sum` and `_count`)."""
    served = set(served_metrics())
    unknown = {
        f"{doc}: {name}"
        for doc in DOCS
        for name in re.findall(r"videobot_\w+", text(doc))
        if re.sub(r"_(bucket|sum|count)$", "", name) not in served
    }
    assert unknown == set()


def _seconds(amount: str, unit: str) -> float:
    return float(amount) * {"min": 60, "minutes": 60, "h": 3600, "hours": 3600}.get(unit, 1)


def test_defaults_quoted_in_prose_are_the_real_ones():
    """ "`POLL_INTERVAL` (8 s by default)", "`SUBMIT_WORKERS` (4)": a default said beside a
    setting's name outside the README's table is the default the bot uses."""
    defaults = {name.upper(): field.default for name, field in Settings.model_fields.items()}
    quoted = re.compile(
        r"`([A-Z][A-Z0-9_]+)`(?: seconds)? \((?:default )?(\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.]|,\d)"
        r"(?: (s|min|minutes|h|hours)\b)?(?! in )"
    )
    checked, wrong = 0, []
    for doc in DOCS:
        for name, amount, unit in quoted.findall(text(doc)):
            if name not in defaults:
                continue
            checked += 1
            default = defaults[name]
            said = _seconds(amount.replace(",", ""), unit)
            if default in (None, PydanticUndefined) or float(default) != said:
                wrong.append(f"{doc}: {name} said {amount} {unit}, is {default}")
    assert checked >= 10, "the quoted defaults are found at all"
    assert wrong == []


def test_the_health_settings_table_states_the_real_defaults():
    """docs/operations.md repeats METRICS_PORT, METRICS_HOST and HEALTH_GATEWAY_GRACE in a
    table of its own: the same defaults as the README's."""
    from tests.test_configuration_docs import documented

    rows = re.findall(
        r"^\| `([A-Z][A-Z0-9_]*)` \| ([^|]*) \|", text("docs/operations.md"), re.MULTILINE
    )
    fields = Settings.model_fields
    wrong = {
        name: (default.strip(), documented(fields[name.lower()].default))
        for name, default in rows
        if name.lower() in fields and default.strip() != documented(fields[name.lower()].default)
    }
    assert len(rows) >= 3
    assert wrong == {}


# `/videomod limits set allowance:10 period:Week`, `/videos status job:12`, `/视频管理 禁用词 列表`
COMMAND = re.compile(r"`/(video\w*|[\u4e00-\u9fff]+)((?: [^\s`:@#<]+)*)((?: [^\s`]+:[^`]*?)*)`")


def command_paths(commands, language: str | None) -> dict[tuple[str, ...], set[str]]:
    """Every command and subcommand by its names (English, or `language`'s) -> its options."""
    paths: dict[tuple[str, ...], set[str]] = {}

    def name(part) -> str:
        return (
            (part.get("name_localizations") or {}).get(language, part["name"])
            if language
            else part["name"]
        )

    def walk(part, path: tuple[str, ...]) -> None:
        options = part.get("options") or []
        paths[path] = {name(o) for o in options if o["type"] not in (1, 2)}
        for sub in options:
            if sub["type"] in (1, 2):
                walk(sub, (*path, name(sub)))

    for command in commands:
        if command.get("type", 1) == 1:
            walk(command, (name(command),))
    return paths


async def test_every_command_and_option_the_docs_show_exists(tmp_path):
    """`/videomod options restrict option:… role:…`, `/videos cancel job:12` and the Chinese
    names docs/members.md quotes (`/我的视频 状态`, `/我的影片 狀態`) are what Discord offers: a
    renamed subcommand or option must not leave an operator or moderator typing a command
    that is not there."""
    async with running_bot(tmp_path, owner_ids=(1234,)) as world:
        commands = world.discord.commands()
    english = command_paths(commands, None)
    # A Chinese name is Simplified (`/我的视频 状态`) or Traditional (`/我的影片 狀態`).
    simplified, traditional = command_paths(commands, "zh-CN"), command_paths(commands, "zh-TW")
    shown, missing = 0, []
    for doc in DOCS:
        # Inline, and the lines of the moderators' examples block (a comment after 2 spaces).
        examples = re.findall(r"^(/video\S*(?: \S+)*?)(?: {2,}|$)", text(doc), re.MULTILINE)
        for match in [*COMMAND.finditer(text(doc)), *(COMMAND.match(f"`{e}`") for e in examples)]:
            assert match is not None
            path = (match[1], *match[2].split())
            options = re.findall(r"(?:^| )([^\s:]+):", match[3])
            known = english
            if re.search(r"[\u4e00-\u9fff]", match[0]):
                known = simplified if path in simplified else traditional
            shown += 1
            if path not in known or not set(options) <= known[path]:
                missing.append(f"{doc}: {match[0]}")
    assert shown > 50, "the commands are found at all"
    assert missing == []


def test_every_make_target_and_module_the_docs_run_exists():
    """`make install-locked`, `python -m bot.storage.copy`: what an operator is told to run is
    there to run."""
    targets = set(re.findall(r"^([a-z][\w-]*):", text("Makefile"), flags=re.MULTILINE))
    missing = []
    for doc in DOCS:
        commands = re.findall(r"`make ([a-z][\w-]*)", text(doc))
        for block in re.findall(r"^```sh\n(.*?)^```", text(doc), flags=re.MULTILINE | re.DOTALL):
            commands += re.findall(r"^make ([a-z][\w-]*)", block, flags=re.MULTILINE)
        missing += [f"{doc}: make {target}" for target in commands if target not in targets]
        for module in re.findall(r"python -m ([\w.]*\w)", text(doc)):
            path = ROOT / module.replace(".", "/")
            if not (path.with_suffix(".py").exists() or (path / "__main__.py").exists()):
                missing.append(f"{doc}: python -m {module}")
    assert missing == []


def test_every_file_the_docs_point_to_exists():
    """`bot/jobs/pricing.py`, `tests/e2e/test_database_outage.py`, `migrations/postgres/`: a
    path a doc names as where to look is in the repository (`bot/migrations/` is the wheel's)."""
    missing = [
        f"{doc}: {path}"
        for doc in DOCS
        for path in re.findall(r"`((?:bot|cogs|tests|migrations|bench)/[\w/.-]*)", text(doc))
        if path != "bot/migrations/" and not (ROOT / path.rstrip(".")).exists()
    ]
    assert missing == []


# What the bot exits 2 for (`bot.__main__.EXIT_MISCONFIGURED`), as the docs name it: a restart
# cannot fix it, so the documented systemd unit does not restart it.
MISCONFIGURATIONS = (
    "DISCORD_TOKEN",
    "token Discord refuses",
    "Message Content intent",
    "DISCORD_API_BASE",
    "migration",
)


def test_no_doc_gives_a_misconfiguration_the_exit_status_of_a_fault_a_restart_may_cure():
    """docs/operations.md's exit-status table puts a refused token, the intent, a
    `DISCORD_API_BASE` that is not Discord's API and a changed migration at 2: no sentence
    elsewhere says one of them exits 1 (an operator would expect a restart to help)."""
    from bot.__main__ import EXIT_FAILED, EXIT_MISCONFIGURED

    rows = dict(re.findall(r"^\| (\d+) \| ([^|]+) \|", text("docs/operations.md"), re.MULTILINE))
    table = rows[str(EXIT_MISCONFIGURED)]
    assert [fault for fault in MISCONFIGURATIONS if fault in table] == [
        "DISCORD_TOKEN",
        "Message Content intent",
        "DISCORD_API_BASE",
        "migration",
    ]
    assert f"RestartPreventExitStatus={EXIT_MISCONFIGURED}" in text("docs/operations.md")
    wrong = [
        f"{doc}: {clause.strip()[:120]}"
        for doc in DOCS
        for clause in re.split(r";|\.\s", prose(doc))
        if f"status {EXIT_FAILED}" in clause and any(fault in clause for fault in MISCONFIGURATIONS)
    ]
    assert wrong == []


def test_the_documented_systemd_unit_goes_on_restarting_a_bot_that_exits_1_at_once():
    """systemd refuses a unit's sixth start within 10 s (StartLimitBurst=5,
    StartLimitIntervalSec=10s by default) and then never restarts it again by itself; with
    its default pause of 100 ms, a status 1 the table promises a restart for but that comes
    at once (another process still on the SQLite file, PostgreSQL refusing with
    DATABASE_CONNECT_WAIT=0) would leave the unit dead within a second."""
    [unit] = re.findall(r"^```ini\n(.*?)^```", text("docs/operations.md"), re.M | re.S)
    options = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and line[0] != "#"
    )
    assert options["Restart"] == "always"
    pause = options.get("RestartSec", "100ms")
    seconds = (
        float(pause.removesuffix("ms")) / 1000
        if pause.endswith("ms")
        else float(pause.removesuffix("s"))
    )
    burst, interval = 5, 10.0
    assert seconds * burst > interval, f"RestartSec={pause}: the unit gives up after 5 starts"


def test_the_invite_link_asks_for_exactly_the_permissions_the_bot_checks():
    """The README's install link and its spelled-out permissions are what `/video` checks the
    bot has before anything is spent: none missing (every result would be refused), none more
    (an operator is told "nothing more"), but for View Audit Log, which posts nothing and is
    not checked: without it (or Ban Members) Discord tells the bot of no ban."""
    import discord

    from cogs._permissions import missing_permissions

    readme = text("README.md")
    [value] = set(re.findall(r"permissions=(\d+)", readme))
    asked = discord.Permissions(int(value))
    [named] = re.findall(rf"\(`{value}` = ([^;)]+)", readme)
    names = re.split(r",\s*|\s+and\s+", " ".join(named.split()))

    def flag(name: str) -> str:
        # discord.py lists View Channel(s) by its older name, `read_messages`.
        name = {"read_messages": "view_channel"}.get(name, name)
        return name.strip().lower().replace(" ", "_").rstrip("s")

    granted = {name for name, on in asked if on}
    assert {flag(name) for name in names} == {flag(name) for name in granted}
    assert asked.view_audit_log, "a Discord ban is heard where the bot was invited"
    checked = granted - {"view_audit_log"}
    for in_thread in (False, True):
        assert missing_permissions(asked, in_thread=in_thread) == []
        without = discord.Permissions(asked.value)
        without.view_audit_log = False
        assert missing_permissions(without, in_thread=in_thread) == [], "not needed to post"
    for name in checked:
        fewer = discord.Permissions(asked.value)
        setattr(fewer, name, False)
        assert any(missing_permissions(fewer, in_thread=t) for t in (False, True)), name
