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


# A Python 3.11 as Debian and Ubuntu ship it: without their python3-venv package, `-m venv`
# makes the folder and its interpreter, then fails at ensurepip, leaving a venv with no pip.
DEBIAN_PYTHON = """#!/bin/sh
here=$(dirname "$0")
case "$1" in
  --version) echo "Python 3.11.2" ;;
  -c) exit 0 ;;
  -m)
    [ "$2" = venv ] || { echo "unexpected call: $*" >&2; exit 2; }
    mkdir -p "$3/bin"
    if [ -e "$here/python3-venv-installed" ]; then
      cp "$here/venv-python" "$3/bin/python"
    else
      cp "$here/venv-python-without-pip" "$3/bin/python"
      echo "The virtual environment was not created successfully because ensurepip is not"
      echo "available. On Debian/Ubuntu systems, you need to install the python3-venv package"
      exit 1
    fi ;;
  *) echo "unexpected call: $*" >&2; exit 2 ;;
esac
"""
VENV_PYTHON = """#!/bin/sh
case "$1 $2" in
  "-c "*) exit 0 ;;
  "-m pip") exit 0 ;;
  "-m bot") echo "the bot runs"; exit 0 ;;
esac
echo "unexpected call: $*" >&2; exit 2
"""
VENV_PYTHON_WITHOUT_PIP = """#!/bin/sh
case "$1 $2" in
  "-c "*) exit 0 ;;
  "-m pip") echo "No module named pip" >&2; exit 1 ;;
esac
echo "unexpected call: $*" >&2; exit 2
"""


def test_make_run_after_installing_python3_venv_makes_the_venv_afresh(tmp_path):
    """The first `make run` on a fresh Debian or Ubuntu fails at `python3 -m venv` (no
    python3-venv); once it is installed, the next `make run` must work, not reuse the half-made
    .venv and fail on its missing pip until someone thinks of `make clean`."""
    folder = _checkout(tmp_path / "bot")
    tools = tmp_path / "usr-bin"
    tools.mkdir()
    for name, text in (
        ("python3", DEBIAN_PYTHON),
        ("venv-python", VENV_PYTHON),
        ("venv-python-without-pip", VENV_PYTHON_WITHOUT_PIP),
    ):
        (tools / name).write_text(text)
        (tools / name).chmod(0o755)

    first = _make(folder, "run", f"PYTHON={tools / 'python3'}")
    assert first.returncode != 0
    assert "python3-venv" in first.stdout + first.stderr

    (tools / "python3-venv-installed").touch()
    second = _make(folder, "run", f"PYTHON={tools / 'python3'}")

    assert second.returncode == 0, second.stderr
    assert "the bot runs" in second.stdout
