"""compose.yaml: PostgreSQL and bot processes that together run every shard exactly once."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bot.jobs.kept_tasks import kept_beside
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "compose.yaml"


def image_database_path() -> Path:
    """DATABASE_PATH as the Dockerfile sets it for every container of the image."""
    [value] = re.findall(r"DATABASE_PATH=(\S+)", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    return Path(value)


def duration(text: str) -> float:
    """Seconds in a compose duration such as `30s`, `1m30s` or `500ms`."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", text)
    assert parts and "".join(number + unit for number, unit in parts) == text, text
    return sum(float(number) * units[unit] for number, unit in parts)


@pytest.fixture(scope="module")
def compose():
    # Variables such as ${POSTGRES_PASSWORD} come from .env when compose runs.
    text = re.sub(r"\$\{[A-Z_]+[^}]*\}", "a-password", COMPOSE.read_text(encoding="utf-8"))
    return yaml.safe_load(text)


@pytest.fixture(scope="module")
def bots(compose):
    """Each bot service and the settings its environment gives the bot."""
    services = {
        name: service for name, service in compose["services"].items() if "build" in service
    }
    settings = {
        name: Settings(
            _env_file=None,
            discord_token="token",
            apimart_api_key="key",
            **{key.lower(): value for key, value in service["environment"].items()},
        )
        for name, service in services.items()
    }
    return services, settings


def test_postgres_keeps_its_data_on_a_volume_and_reports_its_health(compose):
    postgres = compose["services"]["postgres"]
    assert postgres["image"] == "postgres:15"
    volume, mount = postgres["volumes"][0].split(":")[:2]
    assert volume in compose["volumes"] and mount == "/var/lib/postgresql/data"
    check = " ".join(postgres["healthcheck"]["test"])
    # Over TCP: the image's first-start set-up server listens on its Unix socket only.
    assert "pg_isready" in check and "-h 127.0.0.1" in check


def test_two_bot_processes_run_every_shard_exactly_once(bots):
    services, settings = bots
    assert len(services) == 2
    counts = {config.shard_count for config in settings.values()}
    assert len(counts) == 1, "every process names the same SHARD_COUNT"
    [count] = counts
    shards = [shard for config in settings.values() for shard in config.shard_ids or ()]
    assert sorted(shards) == list(range(count)), "each shard in exactly one process"
    budget = sum(config.budget_share() for config in settings.values())
    assert budget == Settings.model_fields["api_requests_per_second"].default


def test_every_bot_process_uses_the_postgres_service_once_it_is_healthy(bots):
    services, settings = bots
    for name, service in services.items():
        url = urlsplit(settings[name].database_url.get_secret_value())
        assert (url.scheme, url.hostname) == ("postgresql", "postgres"), name
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy", name
        assert ".env" in service["env_file"], name
        assert service["restart"] == "unless-stopped", name
        assert service["init"] is True, "SIGTERM reaches a bot still starting"


def test_docker_waits_for_a_bot_process_to_stop_cleanly_before_killing_it(bots):
    services, settings = bots
    for name, service in services.items():
        # The grace for work in flight, then closing the gateway, HTTP and the database.
        assert duration(service["stop_grace_period"]) >= settings[name].shutdown_grace + 10, name


def test_the_bot_processes_keep_apimart_answers_on_one_named_volume(compose, bots):
    """APIMart's answers kept while PostgreSQL was away (a paid render's task id) outlive
    `docker compose down` and reach whichever process runs next."""
    services, _ = bots
    kept = kept_beside(image_database_path()).parent
    volumes = set()
    for name, service in services.items():
        mounts = {
            target: source
            for source, target, *_ in (entry.split(":") for entry in service.get("volumes", ()))
        }
        assert str(kept) in mounts, f"{name}: {kept} is an anonymous volume, lost at `down`"
        volumes.add(mounts[str(kept)])
    assert len(volumes) == 1, "one volume for every process: each hands over the others' answers"
    assert volumes <= set(compose["volumes"]), "a named volume of the project"


def test_the_copy_from_the_single_container_reads_its_volume_into_the_compose_database(
    compose, bots
):
    # README's single container keeps its file on `omni-video-data`; compose mounts only
    # volumes it declares, so the one-off copy declares that one external, by its own name.
    text = (ROOT / "compose.copy.yaml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    copy_file = yaml.safe_load(re.sub(r"\$\{[A-Z_]+[^}]*\}", "a-password", text))
    copy = copy_file["services"]["copy"]
    [volume_name] = re.findall(r"-v (\S+):/data omni-video-bot", readme)
    [mount] = copy["volumes"]
    source, target = mount.split(":")[:2]
    assert copy_file["volumes"][source] == {"external": True, "name": volume_name}
    command = copy["command"]
    assert command[:3] == ["python", "-m", "bot.storage.copy"]
    assert command[command.index("--from") + 1] == f"{target}/{image_database_path().name}"
    services, _ = bots
    urls = {service["environment"]["DATABASE_URL"] for service in services.values()}
    assert urls == {copy["environment"]["DATABASE_URL"]}
    assert copy["image"] == next(iter(services.values()))["image"]
    assert copy["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert copy["profiles"], "`docker compose up` must not start the copy"
    assert "compose.copy.yaml run --rm copy" in (ROOT / "docs" / "scaling.md").read_text(
        encoding="utf-8"
    )


def test_the_operator_docs_say_what_the_compose_restart_policy_does_on_each_exit_status(bots):
    """Docker restarts a misconfigured bot (status 2) too, unlike the documented systemd unit:
    docs/operations.md says so for the policy compose.yaml really sets, and where to read why."""
    services, _ = bots
    [policy] = {service["restart"] for service in services.values()}
    docs = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert f"Restarted by Docker (`{policy}`, as in `compose.yaml`)" in docs
    assert "`Restarting (2)`" in docs and "docker compose logs" in docs


def test_every_section_the_compose_files_send_an_operator_to_is_there():
    """A comment citing `(docs/scaling.md, "Heading")` or `(README, "Heading")` names a
    heading of that file, so an operator reading compose.copy.yaml finds the steps."""
    cited = [
        (doc, heading)
        for name in ("compose.yaml", "compose.copy.yaml")
        for doc, heading in re.findall(
            r'(README|docs/\w+\.md), "([^"]+)"', (ROOT / name).read_text(encoding="utf-8")
        )
    ]
    assert cited
    missing = []
    for doc, heading in cited:
        path = ROOT / ("README.md" if doc == "README" else doc)
        headings = re.findall(r"^#+\s+(.+?)\s*$", path.read_text(encoding="utf-8"), re.M)
        if heading not in headings:
            missing.append(f"{doc}, {heading!r}")
    assert missing == []
