"""The SQLite database under its old name; new code imports from `bot.storage`."""

from bot.storage.base import Migration, load_migrations
from bot.storage.sqlite import DatabaseInUse
from bot.storage.sqlite import SqliteDatabase as Database

__all__ = ["Database", "DatabaseInUse", "Migration", "load_migrations"]
