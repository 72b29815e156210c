"""`make run` and `make test` on a machine whose Python is too old say so, and how to go on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Answers as a Python 3.10 would to what the Makefile asks of it; anything else is a failure.
OLD_PYTHON = """#!/bin/sh
case "$1" in
  --version) echo "Python 3.10.13" ;;
  -c) exit 1 ;;
  *) echo "unexpected call: $*" >&2; exit 2 ;;
esac
"""


def _checkout(tmp_path: Path) -> Path:
    tmp_path.mkdir()
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    return tmp_path


def _old_python(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(OLD_PYTHON)
    path.chmod(0o755)
    return path


def _make(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(folder), *arguments],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_run_with_a_too_old_python_says_which_python_to_use(tmp_path):
    folder = _checkout(tmp_path / "bot")
    old = _old_python(tmp_path / "python3")

    done = _make(folder, "run", f"PYTHON={old}")

    assert done.returncode != 0
    assert "needs Python 3.11 or newer" in done.stderr
    assert "Python 3.10.13" in done.stderr
    assert "PYTHON=python3.11" in done.stderr
    assert not (folder / ".venv").exists(), "no virtual environment made of it"


def test_a_virtual_environment_of_a_too_old_python_is_not_reused_in_silence(tmp_path):
    folder = _checkout(tmp_path / "bot")
    _old_python(folder / ".venv" / "bin" / "python")

    done = _make(folder, "run", "PYTHON=python3.11")

    assert done.returncode != 0
    assert "make clean" in done.stderr and "PYTHON=python3.11" in done.stderr
    assert "unexpected call" not in done.stderr, "nothing was installed into it"
