"""How a bench run ends: every verdict printed, and an exit status a script can act on."""

from __future__ import annotations

from collections.abc import Sequence

Verdict = tuple[bool, str]

# A missed target fails the run, as `python -m bench schedule-sim` always did, so a script or a
# CI job running a bench learns of a miss without reading the figures. The figures are printed
# first either way: a miss is still a measurement to report.
MISSED = 1


def print_verdicts(verdicts: Sequence[Verdict]) -> int:
    """Print each verdict as PASS or MISS; the exit status: 0, or `MISSED` if any missed."""
    for ok, line in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {line}")
    return MISSED if any(not ok for ok, _ in verdicts) else 0
