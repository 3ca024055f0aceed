"""docs/architecture.md quotes the model as it is."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_event_quoted_in_events_own_their_rules_is_the_one_in_the_model() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text()
    section = page[page.index("## Events own their rules") :]
    (quoted,) = re.findall(r"```python\n(.*?)```", section[: section.index("\n## ")], re.DOTALL)
    source = (ROOT / "src" / "alliance" / "model" / "transitions.py").read_text()
    assert "class TransitionCancelled(" in quoted
    assert quoted in source
