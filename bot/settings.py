"""Configuration from environment variables and `.env`, validated once at start-up."""

from __future__ import annotations

import contextlib
import difflib
import ipaddress
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from dotenv import dotenv_values
from pydantic import (
    BeforeValidator,
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_APIMART_BASE_URL = "https://api.apimart.ai"
MIB = 1024 * 1024
# The shortest job retention: a monthly period (31 days) and its usage report, with room.
MIN_RETENTION_DAYS = 35

Seconds = Annotated[float, Field(gt=0)]

# `docker stop` sends SIGTERM, then SIGKILL this many seconds later (unless told `--time`).
DOCKER_STOP_TIMEOUT = 10.0
# What a stop takes after SHUTDOWN_GRACE: the last status edits, the gateway, HTTP, the database.
CLOSE_TAKES = 2.0
MAX_SHUTDOWN_GRACE = 60.0

# Settings no value of which holds a quote: one pair around it is `docker run --env-file`'s
# doing (it passes `DISCORD_TOKEN="abc"` on quotes and all), never part of the value.
_NEVER_QUOTED = frozenset(
    {
        "discord_token",
        "apimart_api_key",
        "apimart_base_url",
        "database_url",
        "discord_api_base",
        "discord_gateway_url",
    }
)

# A host name's label (letters, digits, `-` inside; `_` as compose service names have it).
_HOST_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def postgres_hosts(url: str) -> list[SplitResult]:
    """Each `host:port` of a PostgreSQL URL (a standby follows a comma, as asyncpg reads it);
    reading a `.port` raises ValueError for one that cannot be parsed."""
    return [urlsplit(f"//{host}") for host in urlsplit(url).netloc.rpartition("@")[2].split(",")]


def check_postgres_url(url: str) -> None:
    """Raise ValueError for a PostgreSQL URL that connecting would read otherwise than it was
    meant: an unescaped `@`, `/`, `?` or `#` in the password moves the host (asyncpg splits
    at the first `@`, so `bot:p@ss@db` reaches a host "ss@db" that never resolves)."""
    parts = urlsplit(url)
    # Past the address, an `@` is a stray password's only where no `@` ended the user part:
    # in the path or fragment, or in the query before its first value (`bot:12?x@db`);
    # `?application_name=bot@prod` or `?user=bot@tenant` is an ordinary parameter.
    cut_short = "@" not in parts.netloc and (
        "@" in parts.path or "@" in parts.fragment or "@" in parts.query.split("=", 1)[0]
    )
    if parts.netloc.count("@") > 1 or cut_short:
        raise ValueError("unescaped character in the password")
    for place in postgres_hosts(url):
        _ = place.port  # parses the host and port, as connecting will


# SQLAlchemy's way of naming the driver in a PostgreSQL URL's scheme.
_SQLALCHEMY_DRIVER = re.compile(r"postgres(?:ql)?(\+[A-Za-z0-9_]+)://")

# The files asyncpg reads for TLS where DATABASE_URL names them (`?sslrootcert=/certs/ca.pem`).
_TLS_FILES = ("sslrootcert", "sslcert", "sslkey", "sslcrl")


def unreadable_tls_files(url: str) -> list[str]:
    """Each `name=path` among a PostgreSQL URL's TLS files that is no file this user can read:
    asyncpg meets it while connecting, as a bare "No such file or directory" naming no file,
    which reads like a server not reachable yet."""
    return [
        f"{name}={path}"
        for name, path in parse_qsl(urlsplit(url).query)
        if name in _TLS_FILES and not (Path(path).is_file() and os.access(path, os.R_OK))
    ]


def misspelled_settings(
    fields: Iterable[str], env_file: Path, environment: Mapping[str, str]
) -> list[str]:
    """Names in `.env` or the environment that look like a setting but are none: a typo would
    otherwise leave the default in force without a word. Only near misses are named, so the
    other variables a machine or a Compose file keeps there are left alone."""
    known = sorted(name.upper() for name in fields)
    written = dotenv_values(env_file) if env_file.is_file() else {}
    found: list[str] = []
    for where, names in ((".env", written), ("the environment", environment)):
        for name in sorted(names):
            meant = next((setting for setting in known if _misspells(name.upper(), setting)), None)
            if meant is not None:
                found.append(f"{name} (in {where}) is no setting: did you mean {meant}?")
    return found


def _misspells(name: str, setting: str) -> bool:
    """`LOGLEVEL` or `METRIC_PORT` for a setting, not `DATABASE_USER` (Compose's own) or
    `APIMART_API_KEY_FILE` (Docker's secrets): the same words, each nearly the same."""
    if name == setting:
        return False
    if name.replace("_", "") == setting.replace("_", ""):
        return True
    words, wanted = name.split("_"), setting.split("_")
    return (
        len(words) == len(wanted)
        and all(_close(word, other) for word, other in zip(words, wanted, strict=True))
        and _close(name, setting, 0.85)
    )


def _close(word: str, other: str, cutoff: float = 0.6) -> bool:
    return difflib.SequenceMatcher(None, word, other).ratio() >= cutoff


def _in_quotes(value: object) -> bool:
    """Whether `value` is text inside one pair of quotes (`"INFO"`, `'8'`)."""
    return (
        isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"
    )


def _as_meant(name: str, value: str) -> str:
    """`value` without the blanks around it (`docker run --env-file` keeps a trailing one) and,
    for a setting that never holds a quote, without one pair of quotes around it."""
    value = value.strip()
    if name in _NEVER_QUOTED and _in_quotes(value):
        value = value[1:-1].strip()
    return value


def _address(value: str, schemes: tuple[str, str]) -> SplitResult:
    """A URL of one of `schemes` that names a host (and, if any, a valid port): a typo'd one
    would otherwise look like an outage, retried forever."""
    if not value.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        raise ValueError(f"must start with {schemes[0]}:// or {schemes[1]}://")
    address = urlsplit(value)
    if not address.hostname:
        raise ValueError(f"must name a host after {address.scheme}://")
    try:
        address.port  # noqa: B018 - reading it checks it
    except ValueError:
        raise ValueError("has a port that is not a number from 1 to 65535") from None
    return address


class EnvSettings(BaseSettings):
    """Settings read from the environment, then `.env`, as the operator meant them (whatever
    `docker run --env-file` passed on)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        # `NAME=` (as .env.example shows optional settings, and as `docker run --env-file`
        # passes it on: an empty string) means unset: the default applies, not a refusal.
        env_ignore_empty=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _trimmed(cls, values: object) -> object:
        # Blanks alone mean unset, as an empty value does (env_ignore_empty): `METRICS_HOST= `
        # must not become "" (every interface) where `METRICS_HOST=` keeps the loopback default.
        if not isinstance(values, dict):
            return values
        trimmed = {
            name: _as_meant(str(name).lower(), value) if isinstance(value, str) else value
            for name, value in values.items()
        }
        return {name: value for name, value in trimmed.items() if value != ""}


def unreadable_dotenv(error: UnicodeDecodeError | OSError, reader: str) -> str:
    """Why `.env` cannot be read, in one line: not UTF-8 text, or not readable by `reader`."""
    if isinstance(error, UnicodeDecodeError):
        return f".env is not UTF-8 text (byte {error.start + 1} cannot be read); save it as UTF-8"
    # `chmod 600 .env` (it holds the token) with the bot run as another user, e.g. systemd's
    # `User=`: the operator needs the file and the reason, not a traceback.
    where = Path(error.filename or ".env").absolute()
    return f".env cannot be read ({where}: {error.strerror or error}); let {reader} read it"


def absent_dotenv(env_file: Path = Path(".env")) -> str | None:
    """Where `.env` was looked for, when there is none: a bot started elsewhere (a systemd unit
    without `WorkingDirectory=` starts in /) would otherwise be told to set in `.env` what its
    `.env` already holds."""
    if env_file.exists():
        return None
    return (
        f"There is no .env in {env_file.absolute().parent}: the bot reads the .env of the folder"
        " it starts in (copy .env.example there, or run it from the folder that has yours;"
        " systemd: WorkingDirectory=; a container has none: pass the settings as its"
        " environment, with docker run --env-file .env or compose's env_file)."
    )


def _lowered(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


# A choice reads in either case, as LOG_LEVEL does (`LOG_FORMAT=JSON`, `POLL_SCHEDULE=Fixed`).
LogFormat = Annotated[Literal["text", "json"], BeforeValidator(_lowered)]
PollScheduleName = Annotated[Literal["adaptive", "fixed"], BeforeValidator(_lowered)]


class LogFormatAlone(EnvSettings):
    """LOG_FORMAT on its own: how to tell the problems that keep `Settings` from being read."""

    log_format: LogFormat = "text"


def log_format_asked() -> LogFormat:
    """LOG_FORMAT as `Settings` reads it (the environment, then `.env`), or from the environment
    alone where `.env` cannot be read; "text" where neither says a valid one."""
    for env_file in (".env", None):
        with contextlib.suppress(ValidationError, UnicodeDecodeError, OSError):
            return LogFormatAlone(_env_file=env_file).log_format
    return "text"


class Settings(EnvSettings):
    """Everything an operator can set; secrets are `SecretStr` so they never print."""

    model_config = SettingsConfigDict(
        # `inf` would turn a safeguard off without a word (LEASE_SECONDS=inf: a dead process's
        # jobs are never taken over); `nan` compares false with every bound.
        allow_inf_nan=False,
    )

    discord_token: SecretStr = Field(description="the bot token from the Discord developer portal")
    apimart_api_key: SecretStr = Field(description="your APIMart API key")
    apimart_base_url: str = Field(
        default=DEFAULT_APIMART_BASE_URL,
        description="an http(s) URL such as " + DEFAULT_APIMART_BASE_URL,
    )
    database_path: Path = Field(
        default=Path("data/bot.sqlite3"), description="a file path for the SQLite database"
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="a PostgreSQL URL such as postgresql://bot:password@db:5432/bot"
        " (unset: SQLite at DATABASE_PATH)",
    )
    # A database started beside the bot (compose, one host booting both) may take a while.
    database_connect_wait: float = Field(
        default=60.0,
        ge=0,
        description="seconds start-up keeps trying a PostgreSQL server it cannot reach yet"
        " (0: give up at once)",
    )
    discord_api_base: str | None = Field(
        default=None, description="an http(s) URL such as http://localhost:8080/api/v10"
    )
    discord_gateway_url: str | None = Field(
        default=None, description="a ws(s) URL such as ws://localhost:8080/gateway"
    )
    # Discord's ids are positive: 0 (also the policies' "no moderator role") or a negative one
    # would sync to no server, or name a role nobody has, without a word.
    dev_guild_id: int | None = Field(
        default=None, gt=0, description="a server (guild) id, digits only"
    )
    moderator_role_id: int | None = Field(
        default=None,
        gt=0,
        description="a role id, digits only: members with it may use /videomod in every server",
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_format: LogFormat = Field(
        default="text", description="text (readable lines) or json (one JSON object a line)"
    )

    # Renders usually take 3-5 minutes: a check before 2 minutes learns little. A kind of video
    # this bot has seen render faster is checked at half its usual time (bot/jobs/typical.py).
    poll_first_delay: Seconds = Field(
        default=120.0,
        description="seconds before the first status check, at the latest (sooner for a"
        " resolution and length this bot has seen render faster: half their usual time)",
    )
    poll_interval: Seconds = Field(
        default=8.0,
        description="seconds between status checks with POLL_SCHEDULE=fixed",
    )
    poll_max_gap: Seconds = Field(
        default=120.0,
        description="the longest wait, in seconds, between two status checks of a task"
        " (at least POLL_INTERVAL)",
    )
    poll_schedule: PollScheduleName = Field(
        default="adaptive",
        description="adaptive (checks planned from each task's estimate and progress) or fixed"
        " (every POLL_INTERVAL)",
    )
    api_requests_per_second: float = Field(
        default=10.0,
        gt=0,
        description="a number above 0: the most requests per second the poller sends to APIMart",
    )
    discord_requests_per_second: int = Field(
        default=50,  # Discord's documented limit (`bot.discord_pacing.DISCORD_GLOBAL_LIMIT`)
        ge=1,
        description="Discord's global request limit for this bot token (50; raise it only if"
        " Discord raised your bot's limit)",
    )
    task_timeout: Seconds = Field(
        default=1800.0, description="seconds after which a render that never finishes is given up"
    )
    http_timeout: Seconds = Field(default=30.0, description="seconds to wait for one API answer")
    max_reference_bytes: int = Field(
        default=20 * MIB, gt=0, description="largest reference image or video accepted, in bytes"
    )
    poll_concurrency: int = Field(
        default=256,
        gt=0,
        le=1024,
        description="the most status checks in flight at once (1-1024); within it, as many as"
        " spend API_REQUESTS_PER_SECOND at APIMart's measured round trip",
    )
    submit_workers: int = Field(
        default=4, gt=0, le=64, description="submits in flight at once (1-64)"
    )
    # Deliveries mostly wait (a slow download, a channel on 429s): enough workers that ten slow
    # ones and a rate-limited channel's share still leave most of them free.
    delivery_workers: int = Field(
        default=32, gt=0, le=64, description="result deliveries in flight at once (1-64)"
    )
    shutdown_grace: Seconds = Field(
        # With the ~2 s the close takes after it, inside `docker stop`'s 10 s with room to spare.
        default=6.0,
        # Beyond a minute a stop outlasts every supervisor's default patience but systemd's
        # (90 s): the bot would be killed mid-stop. A value that large is milliseconds meant.
        le=MAX_SHUTDOWN_GRACE,
        description="seconds a stop (SIGTERM) waits for commands and work in flight to finish"
        f" (at most {MAX_SHUTDOWN_GRACE:g}; above {DOCKER_STOP_TIMEOUT - CLOSE_TAKES:g}, raise"
        " the container's stop timeout too)",
    )
    confirm_timeout: Seconds = Field(
        default=300.0,
        le=840.0,
        description="seconds a member has to confirm a video that costs more than the server's"
        " confirmation threshold (at most 840: Discord lets the bot edit the question for 15"
        " minutes from the command; a private question closes 14 minutes after it at the"
        " latest)",
    )
    # Bounded: a claim lasting longer than any process makes (`bot.jobs.stages.LONGEST_CLAIM`,
    # from this bound) was written by a clock since set back, and is taken for lapsed.
    lease_seconds: Seconds = Field(
        default=60.0,
        le=600.0,
        description="seconds a process's claim on a job lasts unless renewed (submits 3 and"
        " deliveries 5 times as long; at most 600): how soon other processes take over a dead"
        " one's jobs",
    )
    shard_count: int | None = Field(
        default=None,
        gt=0,
        description="the total number of gateway shards across all processes (leave unset for"
        " one process: Discord recommends a count)",
    )
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(
        default=None,
        description="the shards this process runs, comma-separated, e.g. 0,1 (needs SHARD_COUNT)",
    )
    message_content_intent: bool = Field(
        default=False,
        description="true or false: whether the Message Content intent is enabled in the portal",
    )
    user_install_allowance: int = Field(
        default=3,
        ge=0,
        description="videos per day (UTC) each member may make outside servers that installed"
        " the bot (DMs, group DMs, user installs); 0 turns that off",
    )
    user_install_concurrency: int = Field(
        default=1,
        ge=1,
        description="unfinished videos a member may have at once outside servers that installed"
        " the bot (1 or more)",
    )
    user_install_monthly_budget: float | None = Field(
        default=None,
        gt=0,
        description="credits per calendar month (UTC) that all requests outside servers that"
        " installed the bot may spend together (unset: no limit)",
    )
    owner_ids: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(),
        description="comma-separated Discord user ids of the bot's operators, who may use"
        " /videoowner (block a user everywhere)",
    )
    link_allowed_networks: Annotated[tuple[IPvAnyNetwork, ...], NoDecode] = Field(
        default=(),
        description="comma-separated networks such as 10.20.0.0/16, fd00:1::/64 that members'"
        " links and result links may reach besides the public internet (empty: none)",
    )

    metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="a TCP port for /healthz, /readyz and /metrics (unset: no server; 0: any"
        " free port)",
    )
    metrics_host: str = Field(
        default="127.0.0.1",
        description="the address the health and metrics server binds to (0.0.0.0: every IPv4"
        " address; :: every IPv4 and IPv6 address)",
    )
    health_gateway_grace: Seconds = Field(
        default=120.0,
        description="seconds the Discord gateway may stay disconnected before /healthz answers 503",
    )
    guild_ready_timeout: Seconds = Field(
        default=2.0,
        description="seconds a shard waits after the last server the gateway sent before it"
        " counts as ready (discord.py's guild_ready_timeout); videos made in servers are posted"
        " once every shard of the process is ready",
    )
    balance_check_interval: Seconds = Field(
        default=300.0,
        description="seconds between two reads of the APIMart balance (also read after a 402)",
    )
    balance_alert_below: float | None = Field(
        default=None,
        ge=0,
        description="a balance in the account's currency, e.g. 5: below it, one alert goes to"
        " every mod-log channel (unset: no alert)",
    )
    job_retention_days: int = Field(
        default=180,
        description=f"days a finished job is kept: 0 (forever) or at least {MIN_RETENTION_DAYS}",
    )

    @field_validator("apimart_base_url", "discord_api_base")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        address = _address(value, ("http", "https"))
        if info.field_name == "apimart_base_url" and address.path.rstrip("/").endswith("/v1"):
            # The client adds /v1/... itself: /v1/v1/... would answer 404 to everything.
            raise ValueError("must be the address without /v1, such as " + DEFAULT_APIMART_BASE_URL)
        return value.rstrip("/")

    @field_validator("discord_token", "apimart_api_key")
    @classmethod
    def _one_piece(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        # Copied with its header's word (`Bot xyz`, `Bearer sk-...`), a token goes out as `Bot
        # Bot xyz`: Discord refuses it as a wrong token, and a key starts and fails every video.
        # No token or key has a blank in it. Never quote the value: it is the secret.
        text = value.get_secret_value()
        if not any(character.isspace() for character in text):
            return value
        header = "Bot" if info.field_name == "discord_token" else "Bearer"
        what = "token" if info.field_name == "discord_token" else "key"
        if text.lower().startswith(header.lower()) and text[len(header)].isspace():
            raise ValueError(
                f"starts with the word {header}: paste the {what} alone, the bot adds"
                f' "{header} " itself'
            )
        raise ValueError(f"has a space inside: paste the {what} again, in one piece")

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdecimal() and part.isascii() for part in parts):
                raise ValueError("must be shard numbers separated by commas, e.g. 0,1")
            if not parts and value.strip():
                # Commas alone: running every shard instead would answer each command twice.
                raise ValueError("must be shard numbers separated by commas, e.g. 0,1")
            return tuple(int(part) for part in parts) or None
        return value

    @field_validator("shard_ids")
    @classmethod
    def _shards_fit(
        cls, value: tuple[int, ...] | None, info: ValidationInfo
    ) -> tuple[int, ...] | None:
        if value is None or "shard_count" not in info.data:
            return value  # SHARD_COUNT itself is wrong: that is the one problem to tell
        count = info.data["shard_count"]
        if count is None:
            raise ValueError("needs SHARD_COUNT, the total number of shards")
        if any(shard >= count for shard in value):
            raise ValueError("every entry must be below SHARD_COUNT")
        if len(set(value)) != len(value):
            # A shard run twice would also count twice in this process's request budget.
            raise ValueError("must name each shard once")
        return value

    def budget_share(self) -> float:
        """This process's part of the fleet's API request budget: its share of the shards.

        Processes that together run every shard never exceed API_REQUESTS_PER_SECOND.
        """
        if self.shard_ids is None or self.shard_count is None:
            return self.api_requests_per_second
        return self.api_requests_per_second * len(self.shard_ids) / self.shard_count

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgresql_url(cls, value: object) -> object:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if text is None or (isinstance(text, str) and not text.strip()):
            return None
        if not isinstance(text, str) or not text.startswith(("postgresql://", "postgres://")):
            # SQLAlchemy's `postgresql+asyncpg://` names its driver in the scheme: the scheme
            # alone is quoted, never the rest (the password).
            driver = _SQLALCHEMY_DRIVER.match(text) if isinstance(text, str) else None
            if driver is not None:
                raise ValueError(
                    f"must start with postgresql://, without SQLAlchemy's {driver[1]} after"
                    " postgresql"
                )
            raise ValueError("must start with postgresql://")
        try:
            check_postgres_url(text)
        except ValueError:
            # Not the parser's words: they may quote the URL, password and all.
            raise ValueError(
                "is not a valid URL (postgresql://user:password@host:port/database;"
                " percent-encode / ? # @ : in the password, e.g. %40 for @)"
            ) from None
        unreadable = unreadable_tls_files(text)
        if unreadable:
            raise ValueError(
                f"names {', '.join(unreadable)}, which is no file the bot's user can read:"
                " fix the path, or mount the file (a container sees only what is mounted)"
            )
        return text

    @field_validator("database_path")
    @classmethod
    def _home_expanded(cls, value: Path) -> Path:
        # `~/bot.sqlite3` from .env or a unit's Environment=, which no shell expands: a folder
        # named `~` in the bot's folder otherwise, which `rm -r ~` would "tidy" with the home.
        try:
            return value.expanduser()
        except RuntimeError:
            raise ValueError(
                "starts with ~ but the bot's user has no home folder: write the full path"
            ) from None

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _port_digits(cls, value: object) -> object:
        # `8080.0` reads as 8080 here, but the image's HEALTHCHECK asks the port as written.
        if isinstance(value, str) and not (value.isdecimal() and value.isascii()):
            raise ValueError("must be digits only, such as 9464")
        return value

    @field_validator("metrics_host")
    @classmethod
    def _bindable_host(cls, value: str) -> str:
        # A typo (a port, a scheme, two addresses) only failed when the server bound to it,
        # after start-up: the bot ran without /healthz and /metrics, its health check failing.
        if not _host_to_bind(value):
            raise ValueError(
                "must be an IP address such as 127.0.0.1, 0.0.0.0 or :: without brackets, or a"
                " host name, with no scheme and no port; the port goes in METRICS_PORT"
            )
        return value

    @field_validator("discord_gateway_url")
    @classmethod
    def _ws_url(cls, value: str | None) -> str | None:
        if value is not None:
            _address(value, ("ws", "wss"))
        return value

    @field_validator("poll_max_gap")
    @classmethod
    def _max_gap_not_below_interval(cls, value: float, info: ValidationInfo) -> float:
        interval = info.data.get("poll_interval")
        if isinstance(interval, float) and value < interval:
            raise ValueError(
                f"must be at least POLL_INTERVAL, and POLL_INTERVAL ({interval:g} s) is above"
                f" POLL_MAX_GAP ({value:g} s): lower the one or raise the other"
            )
        return value

    @field_validator("job_retention_days")
    @classmethod
    def _retention_covers_a_month(cls, value: int) -> int:
        # A month's limits, budgets and usage count the jobs made in it.
        if value != 0 and value < MIN_RETENTION_DAYS:
            raise ValueError(
                f"must be 0 (keep every job) or at least {MIN_RETENTION_DAYS} days, so a"
                " month's limits and usage still see the month's jobs"
            )
        return value

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _user_id_list(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            # Discord's ids are positive: 0 (a placeholder) would name an operator nobody is.
            if not all(part.isdecimal() and part.isascii() and int(part) > 0 for part in parts):
                raise ValueError("must be user ids separated by commas, e.g. 123,456")
            return tuple(int(part) for part in parts)
        return value

    @field_validator("link_allowed_networks", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    def sent_in_the_clear(self) -> list[str]:
        """One line per address that would carry a secret unencrypted beyond this machine and
        its network (http:// or ws:// to a public name or address)."""
        lines: list[str] = []
        for name, address, secret in (
            ("APIMART_BASE_URL", self.apimart_base_url, "the API key"),
            ("DISCORD_API_BASE", self.discord_api_base, "the bot token"),
            ("DISCORD_GATEWAY_URL", self.discord_gateway_url, "the bot token"),
        ):
            if address is None:
                continue
            parts = urlsplit(address)
            if parts.scheme in ("https", "wss") or _nearby(parts.hostname or ""):
                continue
            lines.append(
                f"{name} is plain {parts.scheme}:// to {parts.hostname}: {secret} goes there"
                f" unencrypted with every request; use {parts.scheme}s:// unless that host is"
                " on a network you trust"
            )
        return lines

    def outlasting_docker_stop(self) -> list[str]:
        """One line when a stop may take longer than `docker stop` waits by default: Docker
        would SIGKILL the bot mid-stop unless the container's stop timeout was raised (which
        the bot cannot see from inside)."""
        takes = self.shutdown_grace + CLOSE_TAKES
        if takes <= DOCKER_STOP_TIMEOUT:
            return []
        wait = math.ceil(self.shutdown_grace) + 10  # compose.yaml's margin (tests/test_compose.py)
        return [
            f"SHUTDOWN_GRACE is {self.shutdown_grace:g} s, so a stop may take about {takes:g} s:"
            f" docker stop kills the bot mid-stop after {DOCKER_STOP_TIMEOUT:g} s unless the"
            f" container's stop timeout is longer (compose: stop_grace_period: {wait}s; docker"
            f" run --stop-timeout {wait}); or lower SHUTDOWN_GRACE to"
            f" {DOCKER_STOP_TIMEOUT - CLOSE_TAKES:g} or less"
        ]

    def secrets(self) -> tuple[str, ...]:
        """The secret values, so logging can scrub them."""
        secrets = [self.discord_token.get_secret_value(), self.apimart_api_key.get_secret_value()]
        if self.database_url is not None:
            secrets.extend(database_passwords(self.database_url.get_secret_value()))
        return tuple(secrets)


def _host_to_bind(host: str) -> bool:
    """Whether `host` is one IP address or one host name, as a server binds to it."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.removesuffix(".").split(".")
        # An all-digit last label is a mistyped IPv4 address (999.1.1.1), never a name.
        return (
            len(host) <= 253
            and all(_HOST_LABEL.fullmatch(label) for label in labels)
            and not labels[-1].isdigit()
        )
    return True


def _nearby(host: str) -> bool:
    """Whether `host` is this machine or on its own network: loopback, a private or link-local
    address, or a name without a dot (a compose service, a host of this network)."""
    if host == "localhost" or host.endswith(".localhost") or ("." not in host and ":" not in host):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def database_passwords(url: str) -> list[str]:
    """Every spelling of the password a PostgreSQL URL logs in with, so logs can hide it: as
    written and decoded (`%26` is `&`), from the URL's `?password=`, or from `PGPASSWORD`."""
    try:
        parts = urlsplit(url)
        written = [parts.password or ""]
    except ValueError:
        return []
    written += [value for key, value in parse_qsl(parts.query) if key == "password"]
    written.append(os.environ.get("PGPASSWORD", ""))
    found = {spelling for password in written for spelling in (password, unquote(password))}
    return sorted(found - {""})


def describe_settings_errors(error: ValidationError) -> list[str]:
    """One plain line per problem, naming the variable and what it expects."""
    missing: list[str] = []
    # Per variable, each reason once; a list's entry is named by its place (1 is the first).
    reasons: dict[str, list[str]] = {}
    # Written in quotes, which `docker run --env-file` passes on (python-dotenv drops them).
    quoted: set[str] = set()
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "?"
        if problem["type"] == "missing":
            missing.append(field)
            continue
        # Never echo the rejected value: it may be a secret.
        reason = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] in ("float_parsing", "int_parsing"):
            reason = _unit_given(field, problem.get("input")) or reason
        if _in_quotes(problem.get("input")):
            quoted.add(field)
            reason = "written in quotes, which docker run --env-file keeps as part of the value"
        place = problem["loc"][1] if len(problem["loc"]) > 1 else None
        if isinstance(place, int):
            reason = f"entry {place + 1}: {reason}"
        reasons.setdefault(field, [])
        if reason not in reasons[field]:
            reasons[field].append(reason)
    lines = [
        f"{field.upper()} is missing: set it to {_expects(field)} in .env or the environment "
        "(see .env.example)."
        for field in missing
    ]
    lines += [
        f"{field.upper()} is invalid ({'; '.join(said)}): set it to {_expects(field)}"
        + (", without the quotes around it." if field in quoted else ".")
        for field, said in reasons.items()
    ]
    return lines


# A number with a unit after it (`10s`, `1h`, `30 min`, `20MB`), as other tools' settings take.
_WITH_UNIT = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([A-Za-z]+)")
_IN_SECONDS = {
    **dict.fromkeys(("ms", "msec", "millisecond", "milliseconds"), 0.001),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
}


def _unit_given(field: str, value: object) -> str | None:
    """What to write instead of a number given with a unit (`SHUTDOWN_GRACE=10s`, `5USD`): the
    number alone, in the setting's own unit, worked out where it can be."""
    written = _WITH_UNIT.fullmatch(value.strip()) if isinstance(value, str) else None
    info = Settings.model_fields.get(field)
    if written is None or info is None or not info.description:
        return None
    number, unit = float(written[1]), written[2].lower()
    own = next((word for word in ("seconds", "days", "bytes") if word in info.description), None)
    if own == "seconds" and unit in _IN_SECONDS:
        return f"has a unit: write the number of seconds alone, {number * _IN_SECONDS[unit]:g}"
    if own == "days" and unit in ("d", "day", "days"):
        return f"has a unit: write the number of days alone, {number:g}"
    if own == "bytes":
        return f"has a unit: write the number of bytes alone ({MIB * 20} for 20 MiB)"
    return f"has a unit: write the number of {own} alone" if own else "write the number alone"


def _expects(field: str) -> str:
    info = Settings.model_fields.get(field)
    return info.description if info is not None and info.description else "a valid value"
