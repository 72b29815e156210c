# The bot as a slim, non-root image: exact dependency versions from the lock files (hash-checked),
# the bot installed from its wheel (no source tree, migrations inside the package), the SQLite
# file on a volume. Layers go from least to most often changed, so a code change rebuilds only
# the last ones and never reinstalls the dependencies.

# ---- build: the bot's wheel, made with the locked build backend
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY requirements-build.lock ./
RUN pip install --require-hashes -r requirements-build.lock
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY migrations ./migrations
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

# ---- the image that runs
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/bot.sqlite3

# /healthz, /readyz and /metrics are on in the image, for the HEALTHCHECK below. 0.0.0.0 means
# the container's own network: reachable from outside only through a port you publish
# (`-p 127.0.0.1:8080:8080`) or from the compose network (a Prometheus there), both of which
# 127.0.0.1 would refuse. Set METRICS_HOST=127.0.0.1 to keep it inside the container.
ENV METRICS_PORT=8080 \
    METRICS_HOST=0.0.0.0

# A fixed uid, so a bind-mounted ./data can be given to it: `chown -R 10001:10001 ./data`.
# data/ in its home is the volume: DATABASE_PATH left empty or relative in an `--env-file` (the
# default, data/bot.sqlite3) is still the volume's bot.sqlite3, not a file in the container
# that the next upgrade would throw away with it.
RUN useradd --create-home --uid 10001 --user-group bot \
    && mkdir -p /data \
    && chown 10001:10001 /data \
    && ln -s /data /home/bot/data

# Dependencies first: this layer is rebuilt only when requirements.lock changes.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes -r /tmp/requirements.lock && rm /tmp/requirements.lock

# Then the bot: a normal (not editable) install of its wheel, dependencies already in place.
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels

USER 10001:10001
WORKDIR /home/bot
VOLUME ["/data"]
EXPOSE 8080

# Healthy while /healthz answers 200 (it answers 503 when the gateway, the database or a stage
# loop is in trouble). Python, since the slim image has no curl. `METRICS_PORT=` in an
# `--env-file` turns the endpoints off: the check then passes, printing that health checks are
# off (`docker inspect` shows it), and the bot says so at start.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -m bot.healthcheck

# SIGTERM lets the bot finish its database writes and close cleanly (SHUTDOWN_GRACE).
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
