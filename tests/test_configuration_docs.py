"""The documented configuration is the real one: `.env.example` and the README's table list
exactly the settings `Settings` reads, and the README's defaults are the real defaults."""

import re
from pathlib import Path

from pydantic_core import PydanticUndefined

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def settings_variables() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def env_example_variables() -> set[str]:
    """Every `NAME=` line of `.env.example`, commented out or not."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def readme_table() -> dict[str, str]:
    """The README's configuration table: variable -> its Default column."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \| ([^|]*) \|", section, flags=re.MULTILINE)
    return {name: default.strip() for name, default in rows}


def test_env_example_lists_exactly_the_settings():
    listed = env_example_variables()
    assert sorted(settings_variables() - listed) == [], "settings missing from .env.example"
    assert sorted(listed - settings_variables()) == [], ".env.example names unknown settings"


def test_readme_table_lists_exactly_the_settings():
    listed = set(readme_table())
    assert sorted(settings_variables() - listed) == [], "settings missing from the README table"
    assert sorted(listed - settings_variables()) == [], "the README table names unknown settings"


def documented(default: object) -> str:
    """How the README writes a default."""
    if default is PydanticUndefined:
        return "required"
    if default is None or default == ():
        return "none"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, float) and default.is_integer():
        return f"`{int(default)}`"
    return f"`{default}`"


def test_readme_states_the_real_defaults():
    table = readme_table()
    wrong = {
        name.upper(): (table[name.upper()], documented(field.default))
        for name, field in Settings.model_fields.items()
        if name.upper() in table and table[name.upper()] != documented(field.default)
    }
    assert wrong == {}, "README default vs the real one"
