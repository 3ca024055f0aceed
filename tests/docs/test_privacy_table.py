"""docs/privacy.md's role table is the events' own declarations (``role_table()``)."""

from __future__ import annotations

from pathlib import Path

import alliance as al
from alliance.model.authorisation import role_table

PRIVACY = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
START = "<!-- role table:"
END = "<!-- end of role table -->"


def _table_in_the_page() -> str:
    text = PRIVACY.read_text(encoding="utf-8")
    start = text.index("\n", text.index(START)) + 1
    return text[start : text.index(END)]


def test_the_role_table_in_the_docs_is_generated_from_the_declarations() -> None:
    expected = role_table()
    assert _table_in_the_page() == expected, (
        "docs/privacy.md's role table differs from the events' declarations; replace it "
        "with the output of: python -c 'from alliance.model.authorisation import "
        'role_table; print(role_table(), end="")\''
    )


def test_the_table_has_a_row_for_every_built_in_event_type() -> None:
    built_in = [c for c in al.event_types().values() if c.__module__.startswith("alliance.")]
    rows = role_table().splitlines()[2:]
    assert len(rows) == len(built_in)
    for cls in built_in:
        assert any(f"`{cls.type_name}`" in row for row in rows), cls
