"""The documented configuration is the real one: `.env.example` and the README's table list
exactly the settings `Settings` reads, and the README's defaults are the real defaults. And
every test the docs cite as proof of a claim is there, in the file they name."""

import re
from pathlib import Path

import annotated_types
from pydantic_core import PydanticUndefined

from bot.settings import Settings
from tests.test_docs_truth import DOCS

ROOT = Path(__file__).resolve().parent.parent
# The docs whose text is checked: each may cite a setting's default.
CITING_DOCS = DOCS


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


def defined_tests() -> dict[str, set[str]]:
    """Test file (relative to the repository) -> the test functions it defines."""
    found: dict[str, set[str]] = {}
    for path in ROOT.glob("tests/**/*.py"):
        text = path.read_text(encoding="utf-8")
        names = re.findall(r"^\s*(?:async\s+)?def\s+(test_\w+)", text, flags=re.MULTILINE)
        found[str(path.relative_to(ROOT))] = set(names)
    return found


def cited_tests() -> list[tuple[str, int, str, str]]:
    """(doc, line, test file, test name) for every test a doc line cites: `tests/x.py::name`,
    or a bare `name`, which belongs to the last file named before it on that line."""
    citation = re.compile(r"(tests/[\w/]+\.py)|(?<![\w/.])(test_\w+)(?!\.py)(?![\w/])")
    cited = []
    for doc in CITING_DOCS:
        lines = (ROOT / doc).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            current_file = None
            for match in citation.finditer(line):
                if match.group(1):
                    current_file = match.group(1)
                elif current_file is not None:
                    cited.append((doc, number, current_file, match.group(2)))
    return cited


def test_every_test_the_docs_cite_exists_where_they_say():
    """docs/reliability.md says, row by row, which test proves a claim: a reader who follows it
    must find that test there, and a renamed or moved test must not leave the claim unproven."""
    tests = defined_tests()
    cited = cited_tests()
    assert len(cited) > 100, "the citations are found at all"
    wrong = [
        f"{doc}:{line} {path}::{name}"
        for doc, line, path, name in cited
        if name not in tests.get(path, set())
    ]
    assert wrong == [], "cited tests that are not where the docs say"


def test_readme_states_every_upper_bound():
    """A value above a setting's limit stops the bot at start-up: the README's row says the
    limit (`POLL_CONCURRENCY` 1-1024, `LEASE_SECONDS` at most 600), so an operator does not
    learn it from a refused start. A port's limit goes without saying."""
    table = readme_rows()
    unsaid = {}
    for name, field in Settings.model_fields.items():
        bounds = [m.le for m in field.metadata if isinstance(m, annotated_types.Le)]
        for bound in bounds:
            written = f"{bound:g}"
            if name != "metrics_port" and not re.search(rf"\b{written}\b", table[name.upper()]):
                unsaid[name.upper()] = written
    assert unsaid == {}, "limits the README's table does not state"


def readme_rows() -> dict[str, str]:
    """The README's configuration table: variable -> its whole row."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` (\|.*)$", section, flags=re.MULTILINE))


def env_example_comment(name: str) -> str:
    """The comment lines of `.env.example` just above `name`'s line, joined."""
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if re.match(rf"^#?\s*{name}=", line))
    above: list[str] = []
    for line in reversed(lines[:at]):
        if not line.startswith("# ") or re.match(r"^#\s*[A-Z][A-Z0-9_]*=", line):
            break
        above.insert(0, line[2:])
    return " ".join(above)


def test_env_example_names_every_command_owner_ids_gives_and_that_empty_offers_none():
    """An operator setting OWNER_IDS from `.env.example` reads what it gives them: every
    `/videoowner` command (it named only block and resume), and that left empty the group is
    not offered at all."""
    from cogs.owner import OwnerCog

    comment = env_example_comment("OWNER_IDS")
    for command in OwnerCog.__cog_app_commands__:
        assert re.search(rf"\b{command.name}\b", comment), (command.name, comment)
    assert "not offered" in comment, comment
