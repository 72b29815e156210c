"""Which files the wheel holds; everything else about the project is in pyproject.toml.

Developers edit the SQL migrations in the top-level `migrations/` folder. The wheel ships them
inside the package, as `bot/migrations/{sqlite,postgres}/*.sql`, so an installed bot (the
Docker image) finds them with no checkout beside it: `bot.storage.base` looks there first.
Only setup.py can map a package to a folder outside its parent, hence this file.
"""

from setuptools import find_packages, setup

MIGRATIONS = ["bot.migrations", "bot.migrations.sqlite", "bot.migrations.postgres"]

setup(
    packages=[*find_packages(include=["bot", "bot.*", "cogs", "cogs.*"]), *MIGRATIONS],
    package_dir={"bot.migrations": "migrations"},
    package_data={"": ["py.typed"], **{name: ["*.sql"] for name in MIGRATIONS}},
)
