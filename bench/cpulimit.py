"""A CPU quota per process, as a container runtime gives one (`docker run --cpus=0.25`).

A fleet runs one bot process per container or machine, each with CPU of its own. On a small
development machine the bot processes, PostgreSQL and the fake APIMart all share the same few
cores, so N processes never get N times the CPU of one, whatever the engine does. Putting each
bot process in its own CPU cgroup with a fixed quota gives it the same slice of a CPU whether
it runs alone or beside others, as long as the machine has the cores to spare: then the
throughput of N processes shows what the engine itself allows (claims that skip each other's
rows, one shared budget) rather than how many cores the machine has.

Needs a writable cgroup file system (cgroup v2 with the cpu controller, or v1's `cpu`
hierarchy), as root in a container usually has; `CpuQuota.available()` says whether it does.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

V2_ROOT = Path("/sys/fs/cgroup")
V1_ROOT = Path("/sys/fs/cgroup/cpu")
PERIOD_US = 100_000  # the scheduler's accounting period; the quota is cpus x this


def _v2_enabled() -> bool:
    try:
        return "cpu" in (V2_ROOT / "cgroup.subtree_control").read_text().split()
    except OSError:
        return False


def _root() -> Path | None:
    """Where this machine lets us make CPU cgroups, if anywhere."""
    if _v2_enabled():
        return V2_ROOT
    if (V1_ROOT / "cpu.cfs_quota_us").exists():
        return V1_ROOT
    return None


class CpuQuota:
    """One cgroup holding processes to `cpus` CPUs (0.25 = a quarter of one core)."""

    def __init__(self, cpus: float, root: Path) -> None:
        self.cpus = cpus
        self.path = root / f"bench-{uuid.uuid4().hex[:12]}"
        self.path.mkdir()
        quota = max(1_000, round(cpus * PERIOD_US))
        if root == V2_ROOT:
            (self.path / "cpu.max").write_text(f"{quota} {PERIOD_US}")
        else:
            (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (self.path / "cpu.cfs_quota_us").write_text(str(quota))

    @staticmethod
    def available() -> bool:
        """Whether CPU cgroups can be made here (for a clear message when they cannot)."""
        root = _root()
        if root is None:
            return False
        probe = root / f"bench-probe-{uuid.uuid4().hex[:8]}"
        try:
            probe.mkdir()
        except OSError:
            return False
        probe.rmdir()
        return True

    @classmethod
    def create(cls, cpus: float) -> CpuQuota:
        root = _root()
        if root is None:
            raise RuntimeError("no writable CPU cgroup on this machine")
        return cls(cpus, root)

    def add(self, pid: int) -> None:
        """Move process `pid` (and the threads it starts later) under the quota."""
        (self.path / "cgroup.procs").write_text(str(pid))

    def throttled_seconds(self) -> float:
        """How long the quota held the group back so far (it was using all it may)."""
        try:
            stat = (self.path / "cpu.stat").read_text().split()
        except OSError:
            return 0.0
        fields = dict(zip(stat[::2], stat[1::2], strict=False))
        if "throttled_usec" in fields:  # v2
            return int(fields["throttled_usec"]) / 1e6
        return int(fields.get("throttled_time", "0")) / 1e9  # v1: nanoseconds

    def remove(self) -> None:
        """Delete the cgroup (its processes must have exited)."""
        with contextlib.suppress(OSError):
            self.path.rmdir()
