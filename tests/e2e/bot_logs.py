"""A pytest plugin: a failing test's report ends with the tail of each bot process's log.

The end-to-end tests run `python -m bot` as processes whose stdout and stderr go to files of
their own, which pytest does not capture: without this, a wait that timed out in CI says what
the test waited for, never what the bots were doing. Each section is labelled by the log's
name and the process ids, bounded, and scrubbed of secrets as the bot scrubs its own log
(whatever reached stderr around its logging, a crash's traceback, is scrubbed too).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.logs import Scrubber

# The end of a log, which says what a bot was doing when the test gave up.
TAIL_LINES = 200
# One DEBUG line can hold a whole gateway payload: each is cut to this many characters.
LINE_CHARS = 2_000
# No more than this is read from the end of a log (a DEBUG log grows to megabytes).
_READ_BYTES = TAIL_LINES * LINE_CHARS


@dataclass
class BotLog:
    """Where one or more bot processes (restarts of one bot) wrote, and their secrets."""

    path: Path
    secrets: set[str]
    pids: list[int] = field(default_factory=list)

    def title(self) -> str:
        pids = ", ".join(str(pid) for pid in self.pids)
        return f"bot process {self.path.stem} (pid {pids}): last {TAIL_LINES} lines of {self.path}"

    def tail(self) -> str:
        try:
            return log_tail(self.path, self.secrets)
        except OSError as error:
            return f"(not readable: {error})"


# The bot processes the running test started, by log file; pytest runs one test at a time
# in a process (pytest-xdist's workers too), and each test starts with none.
_started: dict[Path, BotLog] = {}
_shown = pytest.StashKey[bool]()


def record(path: Path, pid: int, secrets: Iterable[str]) -> None:
    """A bot process writing to `path` was started; `secrets` must not appear in a report."""
    log = _started.setdefault(path, BotLog(path, set()))
    log.secrets.update(secret for secret in secrets if secret)
    log.pids.append(pid)


def log_tail(path: Path, secrets: Iterable[str], lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of the log at `path`, secrets scrubbed, long lines cut."""
    with path.open("rb") as log:
        start = max(0, log.seek(0, 2) - _READ_BYTES)
        log.seek(start)
        text = log.read().decode("utf-8", errors="replace")
    kept = text.splitlines()
    if start > 0:
        kept = kept[1:]  # begun mid-line
    scrub = Scrubber(secrets)
    return "\n".join(_cut(scrub(line)) for line in kept[-lines:])


def _cut(line: str) -> str:
    if len(line) <= LINE_CHARS:
        return line
    return f"{line[:LINE_CHARS]} [... {len(line) - LINE_CHARS} more characters]"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    _started.clear()
    try:
        return (yield)
    finally:
        _started.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """The first failing phase's report (set-up, call or teardown) gets the logs, once."""
    report = yield
    if report.failed and _started and not item.stash.get(_shown, False):
        item.stash[_shown] = True
        for log in _started.values():
            report.sections.append((log.title(), log.tail()))
    return report
