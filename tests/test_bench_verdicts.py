"""A bench run that misses a target says so in its exit status, after printing every verdict."""

from __future__ import annotations

import pytest

from bench.verdicts import print_verdicts


def test_a_missed_target_fails_the_run_after_every_verdict_is_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = print_verdicts([(True, "100 jobs: 3.8 calls"), (False, "noisy: p95 15 s")])

    assert status != 0
    assert capsys.readouterr().out.splitlines() == [
        "PASS  100 jobs: 3.8 calls",
        "MISS  noisy: p95 15 s",
    ]


def test_a_run_whose_every_verdict_passes_exits_zero() -> None:
    assert print_verdicts([(True, "100 jobs: 3.8 calls"), (True, "real path: 0 429s")]) == 0
