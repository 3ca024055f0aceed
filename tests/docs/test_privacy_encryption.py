"""docs/privacy.md's example of encryption at rest runs as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_encryption_example_runs() -> None:
    page = (ROOT / "docs" / "privacy.md").read_text()
    section = page[page.index("## Encryption at rest") :]
    section = section[: section.index("\n## ")]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert "destroy_key" in code
    exec(compile(code, "docs/privacy.md", "exec"), {})
