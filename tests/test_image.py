"""The Docker image's ingredients, tested without a Docker engine: the wheel (it holds the
migrations and runs from an empty folder), the lock files, the Dockerfile and the README's
`docker run`. Everything runs offline."""

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# What the Dockerfile's build stage copies to make the wheel.
WHEEL_SOURCES = ("pyproject.toml", "setup.py", "README.md", "bot", "cogs", "migrations")
# The image's platform: python:3.11-slim on linux/amd64 (glibc).
IMAGE_PLATFORM = {
    "python_version": "3.11",
    "python_full_version": "3.11.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}


def quiet_pip(*args: str, python: Path | None = None) -> None:
    target = ["--python", str(python)] if python is not None else []
    subprocess.run(
        [sys.executable, "-m", "pip", *target, *args, "--no-index", "--disable-pip-version-check"],
        check=True,
        capture_output=True,
    )


def migration_files(backend: str) -> list[str]:
    return sorted(path.name for path in (ROOT / "migrations" / backend).glob("*.sql"))


# --------------------------------------------------------------------------- the wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built as the Dockerfile builds it, from a copy (the checkout stays clean)."""
    source = tmp_path_factory.mktemp("source")
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in WHEEL_SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=junk)
        else:
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path_factory.mktemp("wheels")
    quiet_pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(wheels), str(source))
    [built] = wheels.glob("*.whl")
    return built


def test_the_wheel_holds_every_module_and_the_migrations_of_both_backends(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for backend in ("sqlite", "postgres"):
        files = migration_files(backend)
        assert files, f"no {backend} migrations in the checkout"
        missing = {f"bot/migrations/{backend}/{name}" for name in files} - names
        assert missing == set(), f"the wheel lacks {backend} migrations"
    modules = {
        path.relative_to(ROOT).as_posix()
        for folder in ("bot", "cogs")
        for path in (ROOT / folder).rglob("*.py")
    }
    assert modules - names == set(), "modules missing from the wheel (a folder without __init__?)"


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel installed; the dependencies are this venv's, behind it."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=False)
    python = home / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Plain path lines: the folder joins sys.path after the venv's own site-packages, and its
    # own .pth files (this checkout's editable install) are not run, so `bot` is the wheel's.
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    quiet_pip("install", "--no-deps", str(wheel), python=python)
    return python


FROM_AN_EMPTY_FOLDER = """
import asyncio, json
from pathlib import Path, PurePosixPath

import bot
from bot.storage import postgres, sqlite
from bot.storage.base import load_migrations

async def main():
    db = await sqlite.SqliteDatabase.open(Path("data") / "bot.sqlite3")
    applied = await db.migrate()
    version = await db.schema_version()
    await db.close()
    found = [m.version for m in load_migrations(postgres.MIGRATIONS_DIR)]
    print(json.dumps({"package": bot.__file__, "applied": applied, "version": version,
                      "postgres": found}))

asyncio.run(main())
"""


def test_the_installed_wheel_migrates_a_new_database_from_an_empty_folder(installed, tmp_path):
    # -I: no current folder, PYTHONPATH or user site on sys.path, as in the image.
    answer = subprocess.run(
        [installed, "-I", "-c", FROM_AN_EMPTY_FOLDER],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(answer.stdout)
    venv_home = installed.parent.parent
    assert Path(report["package"]).is_relative_to(venv_home), "bot came from the checkout"
    versions = [int(name[:4]) for name in migration_files("sqlite")]
    assert report["applied"] == versions
    assert report["version"] == max(versions)
    assert report["postgres"] == [int(name[:4]) for name in migration_files("postgres")]
    assert (tmp_path / "data" / "bot.sqlite3").is_file()


# --------------------------------------------------------------------------- the lock files


def pins(name: str) -> dict[str, tuple[str, list[str]]]:
    """A lock file's `name==version` entries (canonical names) and their hashes."""
    text = (ROOT / name).read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    found: dict[str, tuple[str, list[str]]] = {}
    for line in logical.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        package, _, version = requirement.partition("==")
        assert version, f"{name}: {requirement} is not pinned with =="
        hashes = [option.removeprefix("--hash=") for option in options]
        assert all(option.startswith("--hash=") for option in options), line
        found[canonicalize_name(package)] = (version, hashes)
    return found


def assert_pinned_with_hashes(lock: str, requirements: list[str]) -> None:
    pinned = pins(lock)
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} does not pin {requirement.name}"
        version, _ = pinned[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, outside {requirement.specifier}"
        )
    for name, (version, hashes) in pinned.items():
        assert hashes, f"{lock}: {name}=={version} has no --hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", digest) for digest in hashes), name


def test_the_runtime_lock_pins_every_dependency_with_hashes():
    assert_pinned_with_hashes("requirements.lock", PYPROJECT["project"]["dependencies"])


def test_the_build_lock_pins_the_build_backend_with_hashes():
    assert_pinned_with_hashes("requirements-build.lock", PYPROJECT["build-system"]["requires"])


def test_the_test_lock_pins_the_test_tools_and_the_same_runtime_versions():
    test_extra = PYPROJECT["project"]["optional-dependencies"]["test"]
    assert_pinned_with_hashes("requirements-test.lock", test_extra)
    runtime, with_tests = pins("requirements.lock"), pins("requirements-test.lock")
    differ = {
        name: (version, with_tests.get(name, ("missing",))[0])
        for name, (version, _) in runtime.items()
        if with_tests.get(name, ("missing",))[0] != version
    }
    assert differ == {}, "the test lock must run the image's versions"


def test_the_runtime_lock_holds_what_every_pinned_package_needs_on_the_image():
    """`pip install --require-hashes` refuses a lock that misses a dependency: read each pinned
    package's own requirements (from its installed metadata, where the version matches)."""
    pinned = pins("requirements.lock")
    checked, missing = 0, []
    for name, (version, _) in pinned.items():
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if distribution.version != version:
            continue
        checked += 1
        for text in distribution.requires or []:
            requirement = Requirement(text)
            applies = requirement.marker is None or Marker(str(requirement.marker)).evaluate(
                IMAGE_PLATFORM
            )
            if applies and canonicalize_name(requirement.name) not in pinned:
                missing.append(f"{name} needs {requirement}")
    assert missing == []
    assert checked > 0, "no pinned version is installed here to read requirements from"


# --------------------------------------------------------------------------- the Dockerfile


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per Dockerfile instruction, continuations joined."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            result.append((keyword.upper(), " ".join(rest.split())))
    return result


@pytest.fixture(scope="module")
def stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's stages, each a list of instructions starting with its FROM."""
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions((ROOT / "Dockerfile").read_text(encoding="utf-8")):
        if instruction[0] == "FROM":
            found.append([])
        found[-1].append(instruction)
    return found


def position(stage, predicate, what: str) -> int:
    for index, instruction in enumerate(stage):
        if predicate(*instruction):
            return index
    raise AssertionError(f"the Dockerfile has no {what}")


def test_every_stage_starts_from_python_3_11_slim(stages):
    assert [stage[0][1].split()[0] for stage in stages] == ["python:3.11-slim"] * len(stages)


def test_dependencies_install_from_the_lock_before_the_code_arrives(stages):
    final = stages[-1]
    lock_copied = position(
        final, lambda k, a: k == "COPY" and "requirements.lock" in a, "COPY of the lock"
    )
    locked_install = position(
        final,
        lambda k, a: k == "RUN" and "--require-hashes" in a and "requirements.lock" in a,
        "pip install --require-hashes -r requirements.lock",
    )
    code_arrives = position(
        final, lambda k, a: k == "COPY" and "requirements" not in a, "COPY of the bot"
    )
    assert lock_copied < locked_install < code_arrives
    build = stages[0]
    build_lock = position(
        build,
        lambda k, a: k == "RUN" and "--require-hashes" in a and "requirements-build.lock" in a,
        "a locked build backend",
    )
    assert build_lock < position(build, lambda k, a: k == "COPY" and "bot" in a.split(), "code")


def test_the_bot_is_a_normal_install_of_its_wheel(stages):
    every = [instruction for stage in stages for instruction in stage]
    pip_runs = [
        arguments for keyword, arguments in every if keyword == "RUN" and "pip" in arguments
    ]
    assert not any(re.search(r"(^|\s)(-e|--editable)(\s|$)", run) for run in pip_runs)
    assert any("pip install --no-deps" in run and ".whl" in run for run in pip_runs)
    # No source tree in the running image to import `bot` from instead of the installed wheel.
    copied = [a for k, a in stages[-1] if k == "COPY"]
    assert not any(re.search(r"(^|\s)(bot|cogs|migrations)(\s|$)", a) for a in copied)


def test_the_image_runs_as_uid_10001_with_data_on_a_volume_and_a_health_check(stages):
    final = dict(reversed(stages[-1]))  # the first of each kind
    assert final["USER"].split(":")[0] == "10001"
    assert "/data" in final["VOLUME"]
    assert final["STOPSIGNAL"] == "SIGTERM"
    check = final["HEALTHCHECK"]
    # `bot.healthcheck` asks /healthz on METRICS_PORT (tests/observability/test_healthcheck.py).
    assert check.split()[-4:] == ["CMD", "python", "-m", "bot.healthcheck"]
    environment = " ".join(a for k, a in stages[-1] if k == "ENV")
    assert re.search(r"METRICS_PORT=\d+", environment)
    assert "DATABASE_PATH=/data/" in environment


def test_an_empty_or_relative_database_path_is_still_the_file_on_the_volume(stages):
    """`DATABASE_PATH=` in the `--env-file` (empty: the default, data/bot.sqlite3) or the relative
    one of a `make run` set-up is read from the folder the bot starts in: anywhere but the
    volume, the database would live in the container and go with it at the next upgrade."""
    final = stages[-1]
    [*_, workdir] = [PurePosixPath(a) for k, a in final if k == "WORKDIR"]
    links = {
        PurePosixPath(link): PurePosixPath(target)
        for k, a in final
        if k == "RUN"
        for target, link in re.findall(r"ln -s (\S+) (\S+)", a)
    }
    environment = " ".join(a for k, a in final if k == "ENV")
    [image_path] = re.findall(r"DATABASE_PATH=(\S+)", environment)

    def resolved(path: PurePosixPath) -> PurePosixPath:
        for link, target in links.items():
            if path.is_relative_to(link):
                return target / path.relative_to(link)
        return path

    for written in (Settings.model_fields["database_path"].default, Path("data/bot.sqlite3")):
        assert resolved(workdir / written) == PurePosixPath(image_path), written


def test_what_the_dockerfile_copies_exists_and_reaches_the_build(stages):
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for stage in stages:
        for keyword, arguments in stage:
            if keyword != "COPY" or arguments.startswith("--from"):
                continue
            for source in arguments.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: no such file"
                assert source not in ignored, f"COPY {source}: excluded by .dockerignore"


def test_the_readme_runs_the_image_unattended_with_its_volume_owned_by_10001():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [run] = re.findall(r"docker run (?:[^\n]*\\\n)*[^\n]*", readme)
    for part in ("--restart unless-stopped", "--env-file .env", "-v "):
        assert part in run
    assert "chown -R 10001:10001 data" in readme
