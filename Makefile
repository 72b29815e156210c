# Two commands for people: `make run` starts the bot, `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install install-locked lock run test lint typecheck pytest bench clean

# The bot needs Python 3.11 or newer (pyproject.toml): said before a venv is made of an older
# one, and before an old venv is installed into (it would be kept, whatever PYTHON says).
NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 11))

# A venv that failed half-way (Debian and Ubuntu without python3-venv leave one with no pip) is
# removed: the next make, once the cause is fixed, makes it afresh instead of reusing it.
$(BIN)/python:
	@$(PYTHON) -c '$(NEW_ENOUGH)' 2>/dev/null || { echo "The bot needs Python 3.11 or newer;" \
		"$(PYTHON) is $$($(PYTHON) --version 2>&1 || echo missing). Name a newer one:" \
		"make $(or $(MAKECMDGOALS),install) PYTHON=python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "$(VENV) could not be made (see" \
		"above) and was removed; fix that, then run make again" >&2; exit 1; }

$(STAMP): $(BIN)/python pyproject.toml
	@$(BIN)/python -c '$(NEW_ENOUGH)' || { echo "$(VENV) was made with" \
		"$$($(BIN)/python --version 2>&1); the bot needs Python 3.11 or newer:" \
		"make clean, then make $(or $(MAKECMDGOALS),install) PYTHON=python3.11" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The exact versions of requirements-test.lock (hash-checked), then the bot itself, editable.
install-locked: $(BIN)/python
	@$(BIN)/python -c '$(NEW_ENOUGH)' || { echo "$(VENV) was made with" \
		"$$($(BIN)/python --version 2>&1); the bot needs Python 3.11 or newer:" \
		"make clean, then make install-locked PYTHON=python3.11" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Regenerates the lock files for the image's platform (Python 3.11, Linux x86_64, glibc), from
# any machine: uv resolves for that target rather than for the machine it runs on (see
# docs/operations.md). Pins already in the files are kept while pyproject.toml allows them;
# `make lock UPGRADE=1` moves every pin to the newest allowed version.
UV_VERSION := 0.13.9
LOCK := $(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" \
	$(if $(UPGRADE),--upgrade)

lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(LOCK) pyproject.toml -o requirements.lock
	$(LOCK) pyproject.toml --extra test -c requirements.lock -o requirements-test.lock
	$(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' \
		| $(LOCK) - -o requirements-build.lock

run: $(STAMP)
	$(BIN)/python -m bot

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Four workers whatever the cores: most tests wait on sockets and timers, not the CPU (on 2
# cores, 2 workers took 4:06-4:42 and 4 workers 2:27-2:43; on 2026-12-03 6 workers took 249 s
# against 4 workers' 226 s: beyond 4, the workers only contend for the CPU).
# Bytecode first, once: where the environment says not to write it (PYTHONDONTWRITEBYTECODE),
# every bot process the tests start, and every in-process bot start (discord.py executes each
# extension anew), would compile the sources again; and each of the 4 workers would rewrite
# the test modules' asserts (about 6 s of CPU each) before its first test. A collection allowed
# to write bytecode keeps the rewritten modules for them: half the test folders and files on
# each core (a failure there is the real run's to report).
pytest: $(STAMP)
	$(BIN)/python -m compileall -q bot cogs tests
	@for half in 0 1; do ls -d tests/*/ tests/test_*.py | awk -v half=$$half 'NR % 2 == half' \
		| PYTHONDONTWRITEBYTECODE= xargs $(BIN)/pytest --collect-only -q -p no:cacheprovider \
		>/dev/null 2>&1 & done; wait
	$(BIN)/pytest -n 4 --dist worksteal

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
