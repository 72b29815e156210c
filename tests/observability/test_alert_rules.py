"""The alert rules docs/operations.md ships, as an on-call operator relies on them: each reads
series a running bot really serves (names, labels, label values), takes `rate()` of counters
only, and fires on a real problem, not on a bot at work.

The firing is checked with Prometheus' own `promtool test rules`, on series that stand for a
bot at work and for a bot in trouble (skipped where promtool is not installed: `apt-get install
prometheus` brings it); the rest needs nothing but the rules' text.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import running_bot
from tests.observability.scrape import scrape
from tests.test_docs_truth import served_metrics, text

# Labels Prometheus itself puts on every scraped series.
TARGET_LABELS = {"instance", "job"}
HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")
CLIENT = Path(__file__).resolve().parents[2] / "bot" / "apimart" / "client.py"


def rules_yaml() -> str:
    """The YAML block under docs/operations.md's "Alert rules" heading, as an operator copies it."""
    found = re.search(
        r"^### Alert rules\n.*?^```yaml\n(.*?)^```",
        text("docs/operations.md"),
        re.MULTILINE | re.DOTALL,
    )
    assert found, "docs/operations.md has an alert rules block"
    return found.group(1)


def rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(rules_yaml())["groups"] for rule in group["rules"]]


def selectors(expr: str) -> list[tuple[str, dict[str, tuple[str, str]]]]:
    """Each series selector of `expr`: the metric name and its label matchers."""
    found = []
    for name, matchers in re.findall(r"\b(videobot_\w+|up)\b(\{[^}]*\})?", expr):
        labels = {
            label: (op, value)
            for label, op, value in re.findall(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"', matchers)
        }
        found.append((name, labels))
    return found


def declared(name: str) -> tuple[str, tuple[str, ...]] | None:
    """The declared type and label names of the metric a series `name` belongs to."""
    served = served_metrics()
    if name in served:
        return served[name]
    for suffix in HISTOGRAM_SERIES:
        base = name.removesuffix(suffix)
        if base != name and served.get(base, ("", ()))[0] == "histogram":
            kind, labels = served[base]
            return kind, (*labels, "le") if suffix == "_bucket" else labels
    return None


def test_the_rules_are_found_and_each_has_a_name_and_an_expression():
    found = rules()
    assert len(found) >= 10
    assert all(rule.get("alert") and rule.get("expr") for rule in found)


def test_every_alert_reads_a_served_metric_with_labels_it_has():
    """A misspelt name or label is an alert that never fires: Prometheus finds no series."""
    wrong = []
    for rule in rules():
        for name, labels in selectors(rule["expr"]):
            if name == "up":
                continue
            metric = declared(name)
            if metric is None:
                wrong.append(f"{rule['alert']}: {name} is not served")
                continue
            missing = set(labels) - set(metric[1]) - TARGET_LABELS
            if missing:
                wrong.append(f"{rule['alert']}: {name} has no label {sorted(missing)}")
        for grouping in re.findall(r"\b(?:by|on|without|ignoring)\s*\(([^)]*)\)", rule["expr"]):
            names = {label.strip() for label in grouping.split(",") if label.strip()}
            known = TARGET_LABELS.union(
                *(declared(name)[1] for name, _ in selectors(rule["expr"]) if declared(name))
            )
            if names - known:
                wrong.append(f"{rule['alert']}: groups by unknown {sorted(names - known)}")
    assert wrong == []


def test_rates_are_taken_of_counters_and_gauges_are_compared_as_they_are():
    """`rate()` of a gauge means nothing, and a counter compared as it is fires on a bot that has
    simply run long enough: each counter an alert reads is inside `rate()` or `increase()`."""
    wrong = []
    for rule in rules():
        expr = rule["expr"]
        in_rate = set(re.findall(r"\b(?:rate|irate|increase)\(\s*(videobot_\w+)", expr))
        for name, _ in selectors(expr):
            metric = declared(name)
            if metric is None:
                continue
            counted = metric[0] in ("counter", "histogram")
            if counted and name not in in_rate:
                wrong.append(f"{rule['alert']}: {name} (a {metric[0]}) read without rate()")
            if not counted and name in in_rate:
                wrong.append(f"{rule['alert']}: rate() of {name}, a gauge")
    assert wrong == []


async def _served_label_values(tmp_path: Path) -> dict[str, dict[str, set[str]]]:
    """Each metric's label values as a running bot serves them, once its loops run."""
    async with running_bot(tmp_path, metrics_port=0) as world:
        base = f"http://127.0.0.1:{world.bot.observability.port}"
        async with asyncio.timeout(10):
            while True:
                samples = await scrape(base)
                stages = {labels.get("stage") for labels in samples.labels_of("videobot_stage_up")}
                if {"submit", "poll", "deliver"} <= stages:
                    break
                await asyncio.sleep(0.05)
    values: dict[str, dict[str, set[str]]] = {}
    for sample, labels in samples.values:
        for label, value in labels:
            values.setdefault(sample, {}).setdefault(label, set()).add(value)
    return values


def _status_alternatives_exist(pattern: str) -> list[str]:
    """The alternatives of a `status=~` pattern that no APIMart request could be counted under:
    an HTTP status (`5..`, `429`) or a name the client counts when no answer came."""
    client = CLIENT.read_text(encoding="utf-8")
    return [
        part
        for part in pattern.split("|")
        if not re.fullmatch(r"[1-5][0-9.]{2}", part) and f'"{part}"' not in client
    ]


async def test_every_label_value_an_alert_asks_for_is_one_the_bot_serves(tmp_path):
    """`outcome="gave_up"`, `stage="poll"`: a value the bot never serves is an alert that never
    fires. Outcomes and stages are served from the start; a request's status by what came."""
    served = await _served_label_values(tmp_path)
    wrong = []
    for rule in rules():
        for name, labels in selectors(rule["expr"]):
            for label, (op, value) in labels.items():
                if label in TARGET_LABELS:
                    continue
                if label == "status":
                    wrong += [
                        f"{rule['alert']}: status {part!r} is never counted"
                        for part in _status_alternatives_exist(value)
                    ]
                    continue
                there = served.get(name, {}).get(label, set())
                if op == "=" and value not in there:
                    wrong.append(f"{rule['alert']}: {name}{{{label}={value!r}}} not in {there}")
                if op == "=~" and not any(re.fullmatch(value, each) for each in there):
                    wrong.append(f"{rule['alert']}: {name}{{{label}=~{value!r}}} matches nothing")
    assert wrong == []


# ---- What fires when: promtool runs the rules over made-up series.

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed")

BOT = 'instance="bot:9464",job="videobot"'


def _series(name: str, values: str, **labels: str) -> dict[str, str]:
    extra = "".join(f',{label}="{value}"' for label, value in labels.items())
    return {"series": f"{name}{{{BOT}{extra}}}", "values": values}


def promtool_test(
    tmp_path: Path, series: list[dict[str, str]], checks: list[tuple[str, str, bool]]
) -> str:
    """promtool's report on `checks` (alert, evaluation time, whether it should be firing) over
    `series` sampled each minute; empty when every check holds."""
    (tmp_path / "rules.yml").write_text(rules_yaml(), encoding="utf-8")
    test = {
        "rule_files": ["rules.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": series,
                "alert_rule_test": [
                    {
                        "eval_time": at,
                        "alertname": alert,
                        # Labels and annotations aside: only whether it fires is asked here.
                        "exp_alerts": [],
                    }
                    for alert, at, _ in checks
                ],
            }
        ],
    }
    (tmp_path / "test.yml").write_text(yaml.safe_dump(test), encoding="utf-8")
    assert PROMTOOL is not None
    result = subprocess.run(
        [PROMTOOL, "test", "rules", "test.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    # Every check expects silence; one expected to fire must then be reported as firing.
    report = result.stdout + result.stderr
    wrong = []
    for alert, at, fires in checks:
        fired = re.search(
            rf"alertname: {alert}, time: {re.escape(at)},\s*\n\s*exp:\[\],\s*\n\s*got:\[\s*\n\s*0:",
            report,
        )
        if bool(fired) != fires:
            wrong.append(f"{alert} at {at}: {'silent' if fires else 'firing'}")
    if result.returncode not in (0, 1) or (result.returncode == 1 and "FAILED:" not in report):
        wrong.append(report)  # promtool could not run the test at all
    return "\n".join(wrong)


@needs_promtool
def test_promtool_takes_the_rules():
    result = subprocess.run(
        [PROMTOOL or "promtool", "check", "rules", "/dev/stdin"],
        input=rules_yaml(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_one_refused_render_on_a_quiet_bot_pages_nobody(tmp_path):
    """Two renders in an hour, one failed by APIMart's content check (a member's prompt): the
    bot works, there is nothing to fix."""
    series = [
        _series("videobot_renders_total", "0x5 1x55", outcome="completed"),
        _series("videobot_renders_total", "0x10 1x50", outcome="failed"),
        _series("videobot_renders_total", "0x60", outcome="cancelled"),
    ]
    checks = [("VideoBotRendersFailing", at, False) for at in ("20m", "30m", "40m")]
    assert promtool_test(tmp_path, series, checks) == ""


@needs_promtool
def test_apimart_failing_the_renders_pages(tmp_path):
    """APIMart's model fails half of what it accepts, on a bot making a video a minute."""
    series = [
        _series("videobot_renders_total", "0+1x60", outcome="completed"),
        _series("videobot_renders_total", "0+1x60", outcome="failed"),
        _series("videobot_renders_total", "0x60", outcome="cancelled"),
    ]
    checks = [("VideoBotRendersFailing", "5m", False), ("VideoBotRendersFailing", "30m", True)]
    assert promtool_test(tmp_path, series, checks) == ""


@needs_promtool
def test_members_prompts_refused_by_the_content_check_on_a_busy_bot_page_nobody(tmp_path):
    """Twenty videos a minute, one prompt in twenty refused by APIMart's content check: members
    are told why; the operator has nothing to do."""
    series = [
        _series("videobot_submits_total", "0+20x60", outcome="accepted"),
        _series("videobot_submits_total", "0+1x60", outcome="rejected"),
    ]
    checks = [("VideoBotSubmitsRejected", at, False) for at in ("15m", "30m", "45m")]
    assert promtool_test(tmp_path, series, checks) == ""


@needs_promtool
def test_apimart_refusing_every_submit_pages(tmp_path):
    """Every submit refused (a request APIMart no longer takes): no video is made."""
    series = [
        _series("videobot_submits_total", "0+3x10 30x50", outcome="accepted"),
        _series("videobot_submits_total", "0x10 0+3x50", outcome="rejected"),
    ]
    checks = [("VideoBotSubmitsRejected", "5m", False), ("VideoBotSubmitsRejected", "30m", True)]
    assert promtool_test(tmp_path, series, checks) == ""


@needs_promtool
def test_a_dead_stage_loop_pages_unless_the_database_is_what_is_down(tmp_path):
    """The poll loop dead while the database answers: a bug, paged. All loops stopped by a
    database outage: that outage pages, not three dead loops."""
    series = [
        _series("videobot_stage_up", "1x5 0x25", stage="poll"),
        _series("videobot_stage_up", "1x30", stage="submit"),
        _series("videobot_database_up", "1x30"),
    ]
    assert promtool_test(tmp_path, series, [("VideoBotStageDead", "10m", True)]) == ""
    outage = [
        _series("videobot_stage_up", "1x5 0x25", stage="poll"),
        _series("videobot_stage_up", "1x5 0x25", stage="submit"),
        _series("videobot_database_up", "1x5 0x25"),
    ]
    checks = [("VideoBotStageDead", "10m", False), ("VideoBotDatabaseDown", "10m", True)]
    assert promtool_test(tmp_path, outage, checks) == ""


@needs_promtool
def test_an_idle_bot_pages_nobody(tmp_path):
    """A night without a video: nothing submitted, checked or delivered, no request to
    APIMart but the balance reading."""
    series = (
        [
            _series("videobot_delivery_delay_seconds_bucket", "0x60", le=le)
            for le in ("1.0", "10.0", "120.0", "300.0", "+Inf")
        ]
        + [
            _series("videobot_renders_total", "0x60", outcome=outcome)
            for outcome in ("completed", "failed", "cancelled")
        ]
        + [
            _series("videobot_submits_total", "0x60", outcome=outcome)
            for outcome in ("accepted", "rejected", "gave_up")
        ]
        + [
            _series(
                "videobot_apimart_requests_total", "0+0.4x60", endpoint="/v1/balance", status="200"
            ),
            _series("videobot_stage_overdue_seconds", "0x60", stage="poll"),
            _series("videobot_stage_overdue_seconds", "0x60", stage="deliver"),
            _series("videobot_stage_up", "1x60", stage="poll"),
            _series("videobot_database_up", "1x60"),
            _series("videobot_apimart_balance", "500x60"),
            _series("videobot_apimart_key_refused", "0x60"),
            _series("up", "1x60"),
        ]
    )
    alerts = [rule["alert"] for rule in rules()]
    checks = [(alert, "45m", False) for alert in alerts]
    assert promtool_test(tmp_path, series, checks) == ""


def _discord_errors(values: str, status: str, code: str) -> dict[str, str]:
    return _series("videobot_discord_rest_errors_total", values, status=status, code=code)


@needs_promtool
def test_discord_refusals_a_busy_bot_expects_page_nobody(tmp_path):
    """A busy bot's routine refusals, each handled: members deleting status messages (404
    10008 on the next edit), closed DMs (403 50007), servers taking the bot's access or
    permissions or deleting a channel (403 50001/50013, 404 10003), threads archived or locked
    (400 50083/160005), an upload over a server's limit (413, posted as its link), a
    restart's ban catch-up (404 10026 for each member with a video under way who is not
    banned), and servers' AutoMod blocking posts that quote members' prompts (400 200000:
    posted without the prompt, sent by DM, or the video not made, the member told why).
    Nothing is for the operator to fix."""
    series = [
        _discord_errors("0+1x60", "404", "10008"),
        _discord_errors("0+0.5x60", "403", "50007"),
        _discord_errors("0+0.5x60", "403", "50001"),
        _discord_errors("0+0.5x60", "403", "50013"),
        _discord_errors("0+0.2x60", "404", "10003"),
        _discord_errors("0+0.5x60", "400", "50083"),
        _discord_errors("0+0.2x60", "400", "160005"),
        _discord_errors("0+0.2x60", "400", "160002"),
        _discord_errors("0+0.5x60", "413", "40005"),
        # Servers whose AutoMod blocks words members often write: two refused posts a minute.
        _discord_errors("0+2x60", "400", "200000"),
        # A deploy: 60 members' videos under way looked up at once.
        _discord_errors("0x20 60x40", "404", "10026"),
    ]
    checks = [("VideoBotDiscordErrors", at, False) for at in ("15m", "25m", "45m")]
    assert promtool_test(tmp_path, series, checks) == ""


@pytest.mark.parametrize(
    ("status", "code"),
    [("503", "0"), ("429", "0"), ("401", "0"), ("400", "50035")],
    ids=["discord-failing", "rate-limited", "token-refused", "requests-refused-as-invalid"],
)
@needs_promtool
def test_discord_failing_the_bots_requests_pages(tmp_path, status, code):
    """Discord failing requests (5xx after discord.py's retries), rate limiting the bot (429),
    refusing its token (401), or refusing its requests as malformed (a 4xx no code the bot
    expects): pages, over the same routine refusals."""
    series = [
        _discord_errors("0+1x60", "404", "10008"),
        _discord_errors("0+0.5x60", "403", "50007"),
        _discord_errors("0x10 0+3x50", status, code),
    ]
    checks = [("VideoBotDiscordErrors", "5m", False), ("VideoBotDiscordErrors", "30m", True)]
    assert promtool_test(tmp_path, series, checks) == ""
