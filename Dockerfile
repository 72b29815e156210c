# A slim image that runs the bot as a non-root user, with the SQLite file on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/bot.sqlite3

RUN useradd --create-home --uid 10001 bot \
    && mkdir -p /data \
    && chown bot:bot /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY migrations ./migrations
# Installed the same way `make` does (editable), so migrations/ stays beside the code.
RUN pip install -e .

USER bot
VOLUME ["/data"]
# SIGTERM lets the bot finish its database writes and close cleanly.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
