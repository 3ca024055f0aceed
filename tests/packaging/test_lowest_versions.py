"""The lowest-versions CI job installs what ``pyproject.toml`` says it admits.

``.ci/lowest-versions.txt`` pins each dependency (and each extra's) to its lower bound;
when a bound moves and the pin does not, the job would prove nothing about the bound.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared.extend(extra)
    bounds: dict[str, str] = {}
    for line in declared:
        requirement = Requirement(line)
        (lower,) = (s.version for s in requirement.specifier if s.operator == ">=")
        bounds[requirement.name.lower()] = lower
    return bounds


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for raw in (ROOT / ".ci" / "lowest-versions.txt").read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def _same_version(pin: str, bound: str) -> bool:
    def parts(version: str) -> list[int]:
        numbers = [int(p) for p in version.split(".")]
        return numbers + [0] * (3 - len(numbers))

    return parts(pin) == parts(bound)


def test_every_lower_bound_is_pinned_to_itself() -> None:
    bounds, pins = _lower_bounds(), _pins()
    assert set(bounds) <= set(pins), f"not pinned: {sorted(set(bounds) - set(pins))}"
    wrong = {n: (pins[n], b) for n, b in bounds.items() if not _same_version(pins[n], b)}
    assert not wrong, f"pin differs from the lower bound (pin, bound): {wrong}"
