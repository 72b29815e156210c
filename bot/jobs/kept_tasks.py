"""APIMart's answers to submits that the database could not take in time: kept in a local file.

APIMart renders and bills a task it accepted whatever the bot does, and it has no way to list
a key's tasks: the id it answered is the only way to follow the render and post it. When its
write to the database fails for longer than `SubmitTiming.store_task_for` (a long outage), or
the bot stops while the write still waits, the id goes into this file (synced) instead of only
the log. The submit stage reads it on each round and hands every id to its job once the job's
claim has lapsed (`JobStore.adopt_task`): the render is followed and posted after all, and the
job is never announced as "outcome unknown" meanwhile. An answer saying APIMart made nothing
(busy, or a refusal) is kept the same way, so the job waits again or is refused, not counted
as unknown. Several processes may share the file: each change holds its lock. An answer
handed over is blanked where it stands and the file cut short after the last one left, never
rewritten: a bot killed (or a power cut) while it drops some loses no other job's answer.

Each answer names its job by id and by the job's `created_at`: the file outlives a restore of
an older backup of the database, which hands the same ids out again to new jobs, and an answer
must never reach another member's job (their paid video posted to someone else).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Beside the SQLite file (`DATABASE_PATH`), on the volume that outlives the container.
FILE_SUFFIX = ".accepted-tasks"


@dataclass(frozen=True)
class KeptTask:
    """An accepted task's id for a job whose database row does not have it (yet)."""

    job_id: int
    task_id: str
    # The job's `created_at`: a new job given the same id (a restored backup) is not this one.
    # None: kept by an earlier version, which wrote the id alone.
    job_created_at: float | None


@dataclass(frozen=True)
class KeptNothingMade:
    """APIMart's answer that it made nothing, for a job whose database row does not have it."""

    job_id: int
    # True: refused (the job ends rejected); False: busy (the job waits to be sent again).
    refused: bool
    # The catalog key the job is closed with, or the hold it waits in.
    key: str
    # The refusal's detail (`error_message`), or why it is held.
    detail: str | None
    # As `KeptTask.job_created_at`.
    job_created_at: float | None


Kept = KeptTask | KeptNothingMade


class AnswerKept(Exception):
    """A submit's APIMart answer the database did not take in time, kept in the file instead:
    raised from the database's error, so whoever catches it does not take the answer for lost
    (the job is no "outcome unknown"; the answer is handed to it once the database is back)."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"job {job_id}: APIMart's answer is kept on disk")
        self.job_id = job_id


def kept_beside(database_path: Path) -> Path:
    """Where the kept task ids of a bot whose SQLite file is `database_path` go."""
    return database_path.with_name(database_path.name + FILE_SUFFIX)


class KeptTasks:
    """The file of kept task ids: appended to, read, and emptied of those handed over."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def waiting(self) -> bool:
        """Whether the file may hold answers not handed over yet. Asked of the file itself (a
        stat, no lock), not remembered: another process sharing it (a deploy overlap on one
        volume) may have kept some since, and stopped before handing them over."""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def keep(self, kept: Kept) -> bool:
        """Add `kept` to the file, synced to disk; False if it could not be written."""
        line = json.dumps(_as_json(kept)) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                size = os.fstat(descriptor).st_size
                if size and os.pread(descriptor, 1, size - 1) != b"\n":
                    # A line cut short by a crash mid-append: this answer starts a line of its
                    # own, not joined to that one into a line nobody can read.
                    line = "\n" + line
                os.write(descriptor, line.encode())
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError:
            log.exception("Could not keep %s of job %d in %s", *_named(kept), self.path)
            return False
        return True

    def pending(self) -> list[Kept]:
        """The answers in the file, oldest first."""
        try:
            with self.path.open("rb") as file:
                fcntl.flock(file, fcntl.LOCK_SH)
                return [line.kept for line in _lines(file.read()) if line.kept is not None]
        except FileNotFoundError:
            return []

    def forget(self, done: Collection[Kept]) -> None:
        """Drop `done` (handed over, or no longer anyone's) from the file, never writing over
        another answer: a stop at any point of it (killed, or a power cut before the sync) loses
        none. Each line dropped is overwritten by blanks where it is, which every reader skips
        (an earlier version too); the file is cut short after its last answer left (to nothing
        once none is, so that `waiting` is false again). The file itself stays: another process
        may be waiting for its lock to append to it (one put in its place by a rename would
        leave that process appending to the file the rename unlinked)."""
        try:
            file = self.path.open("r+b", buffering=0)
        except FileNotFoundError:
            return
        with file:
            fcntl.flock(file, fcntl.LOCK_EX)
            data = file.read()
            lines = _lines(data)
            end = max((line.end for line in lines if _left(line, done)), default=0)
            for line in lines:
                if line.kept in done and line.end <= end:
                    os.pwrite(file.fileno(), b" " * (line.text_end - line.start), line.start)
            if end < len(data):
                # Only dropped answers, blanks and unreadable lines (cut short by a crash) go.
                os.ftruncate(file.fileno(), end)
            os.fsync(file.fileno())


@dataclass(frozen=True)
class _Line:
    """A line of the file: where it starts, where its text ends, where it ends (past its
    newline, if it has one), and its answer (None: blank, or unreadable)."""

    start: int
    text_end: int
    end: int
    kept: Kept | None


def _left(line: _Line, done: Collection[Kept]) -> bool:
    return line.kept is not None and line.kept not in done


def _named(kept: Kept) -> tuple[str, int]:
    if isinstance(kept, KeptTask):
        return f"task {kept.task_id}", kept.job_id
    return f"APIMart's answer that it made nothing ({kept.key})", kept.job_id


def _as_json(kept: Kept) -> dict[str, object]:
    # A float's JSON text reads back as the very same float: compared exactly with the row's.
    job: dict[str, object] = {"job_id": kept.job_id, "job_created_at": kept.job_created_at}
    if isinstance(kept, KeptTask):
        return {**job, "task_id": kept.task_id}
    made_nothing = {"refused": kept.refused, "key": kept.key, "detail": kept.detail}
    return {**job, "made_nothing": made_nothing}


def _from_json(entry: dict[str, object]) -> Kept:
    job_id = int(str(entry["job_id"]))
    created = entry.get("job_created_at")
    job_created_at = float(created) if isinstance(created, int | float) else None
    answer = entry.get("made_nothing")
    if not isinstance(answer, dict):
        return KeptTask(job_id, str(entry["task_id"]), job_created_at)
    detail = answer.get("detail")
    return KeptNothingMade(
        job_id,
        refused=bool(answer["refused"]),
        key=str(answer["key"]),
        detail=str(detail) if detail is not None else None,
        job_created_at=job_created_at,
    )


def _lines(data: bytes) -> list[_Line]:
    lines: list[_Line] = []
    start = 0
    while start < len(data):
        newline = data.find(b"\n", start)
        text_end = len(data) if newline < 0 else newline
        end = len(data) if newline < 0 else newline + 1
        lines.append(_Line(start, text_end, end, _read(data[start:text_end])))
        start = end
    return lines


def _read(line: bytes) -> Kept | None:
    if not line.strip():
        return None  # an answer handed over (blanked), or an empty line
    try:
        return _from_json(json.loads(line.decode("utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError):
        # A line cut short by a crash mid-write: nothing to follow in it.
        log.warning("Skipped an unreadable line of kept task ids: %r", line[:200])
        return None
