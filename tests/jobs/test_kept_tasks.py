"""The file of APIMart's kept answers: a paid video's task id in it is never lost, whatever
stops the bot while it drops the answers it handed over."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.jobs.kept_tasks import KeptNothingMade, KeptTask, KeptTasks

ROOT = Path(__file__).resolve().parents[2]

ANSWERS = [
    KeptTask(1, "task_first", 1_800_000_000.5),
    KeptTask(2, "task_handed_over", 1_800_000_001.5),
    KeptNothingMade(3, refused=True, key="rejected_by_service", detail="no", job_created_at=7.0),
    KeptTask(4, "task_also_handed_over", 1_800_000_003.5),
]
HANDED_OVER = [ANSWERS[1], ANSWERS[3]]
LEFT = [ANSWERS[0], ANSWERS[2]]

# A process that forgets the answers at `HANDED_OVER`'s places and is killed (SIGKILL: the OOM
# killer, `docker kill` after the grace period) just before its `crash_at`-th call into the
# operating system or a file object, or never if it has fewer.
FORGET_AND_DIE = """
import io, os, signal, sys
from pathlib import Path
from bot.jobs.kept_tasks import KeptTasks

path, places, crash_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
kept = KeptTasks(path)
answers = kept.pending()
done = [answers[int(place)] for place in places.split(",")]
calls = 0

def die_at_the_chosen_call(frame, event, callee):
    global calls
    if event != "c_call":
        return
    owner = getattr(callee, "__self__", None)
    if getattr(callee, "__module__", None) in ("posix", "fcntl") or isinstance(owner, io.IOBase):
        calls += 1
        if calls == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)

sys.setprofile(die_at_the_chosen_call)
kept.forget(done)
sys.setprofile(None)
"""


def kept_file(path: Path) -> KeptTasks:
    """A fresh file holding `ANSWERS`, as the bot keeps them (one synced append each)."""
    path.unlink(missing_ok=True)
    kept = KeptTasks(path)
    for answer in ANSWERS:
        assert kept.keep(answer)
    return kept


def forget_in_a_process_killed_at(path: Path, crash_at: int) -> int:
    """Run `forget` of `HANDED_OVER` in another process killed at `crash_at`; its exit code."""
    places = ",".join(str(ANSWERS.index(answer)) for answer in HANDED_OVER)
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = [sys.executable, "-c", FORGET_AND_DIE, str(path), places, str(crash_at)]
    return subprocess.run(child, env=environment, check=False, timeout=60).returncode


def test_a_bot_killed_while_it_drops_handed_over_answers_keeps_every_other_answer(tmp_path):
    """Killed at any point of dropping the answers it handed over, the bot leaves every other
    job's answer in the file (each a paid video to follow and post), and the next one reads
    them; run to its end, the drop leaves exactly those."""
    path = tmp_path / "bot.sqlite3.accepted-tasks"
    crashes = 0
    for crash_at in range(1, 200):
        kept_file(path)
        code = forget_in_a_process_killed_at(path, crash_at)
        after = KeptTasks(path).pending()
        if code == 0:
            assert after == LEFT
            break
        assert code == -signal.SIGKILL
        crashes += 1
        missing = [answer for answer in LEFT if answer not in after]
        assert not missing, f"killed before call {crash_at}: lost {missing}"
    else:
        raise AssertionError("forget never ran to its end")
    assert crashes > 3, "the drop was killed at too few points to tell"


def test_answers_all_handed_over_leave_the_same_file_empty(tmp_path):
    """Once every answer is handed over the file is empty again, so no round reads it; it is
    the same file, which another process may be waiting on to append its answer."""
    path = tmp_path / "bot.sqlite3.accepted-tasks"
    kept = kept_file(path)
    inode = path.stat().st_ino
    kept.forget(HANDED_OVER)
    assert kept.waiting, "two answers are still to hand over"
    kept.forget(LEFT)
    assert not kept.waiting
    assert path.stat().st_ino == inode
    assert kept.keep(ANSWERS[0])
    assert KeptTasks(path).pending() == [ANSWERS[0]]


def test_an_earlier_version_sharing_the_file_reads_handed_over_answers_as_gone(tmp_path):
    """A bot of the previous version still running beside this one (a rolling deploy) reads the
    file as JSON lines, skipping blank ones: it sees only the answers not handed over yet, so it
    neither hands one over again nor logs an unreadable line."""
    path = tmp_path / "bot.sqlite3.accepted-tasks"
    kept = kept_file(path)
    kept.forget(HANDED_OVER)
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    read_by_the_earlier_version = [json.loads(line)["job_id"] for line in lines]
    assert read_by_the_earlier_version == [answer.job_id for answer in LEFT]


def test_an_answer_kept_after_a_line_cut_short_by_a_crash_is_read(tmp_path):
    """A crash (a power cut mid-append) left the file's last line without its end: the next
    answer kept is still read, not joined to it into one unreadable line."""
    path = tmp_path / "bot.sqlite3.accepted-tasks"
    kept = KeptTasks(path)
    assert kept.keep(ANSWERS[0])
    with path.open("a") as file:
        file.write('{"job_id": 2, "job_created_at": 1800000001.5, "task_')
    assert kept.keep(ANSWERS[2])
    assert kept.pending() == [ANSWERS[0], ANSWERS[2]]
