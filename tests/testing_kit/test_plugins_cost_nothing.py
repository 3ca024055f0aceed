"""The pytest and hypothesis entry points cost nothing to a host that uses neither a
fixture nor a strategy: they name ``_alliance_plugins``, which imports no ``alliance``
module (each test runs a fresh interpreter in this environment, where alliance is
installed, so that the installed entry points are the ones loaded)."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HYPOTHESIS_ENTRY_POINT = "_alliance_plugins:hypothesis_setup_hook"
PYTEST_ENTRY_POINT = "_alliance_plugins.pytest_plugin"

ALLIANCE_MODULES = "sorted(m for m in sys.modules if m == 'alliance' or m.startswith('alliance.'))"


def installed(group: str) -> str:
    (entry,) = [ep for ep in importlib.metadata.entry_points(group=group) if ep.name == "alliance"]
    return entry.value


def stale() -> str:
    """Why a subprocess may load old entry points: alliance's installed metadata (an
    editable install made before the entry points moved) names others."""
    found = (installed("hypothesis"), installed("pytest11"))
    if found == (HYPOTHESIS_ENTRY_POINT, PYTEST_ENTRY_POINT):
        return ""
    return f" (the installed entry points are {found}: reinstall alliance, pip install -e .)"


def plain_environment(**env: str) -> dict[str, str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"HYPOTHESIS_NO_PLUGINS", "PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD"}
    }
    environment.update(env)
    return environment


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=plain_environment(**env),
        check=False,
    )


def run_pytest(directory: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        env=plain_environment(**env),
        check=False,
        timeout=300,
    )


# --- the entry points -----------------------------------------------------------------------


def test_the_entry_points_name_the_package_outside_alliance() -> None:
    assert installed("hypothesis") == HYPOTHESIS_ENTRY_POINT
    assert installed("pytest11") == PYTEST_ENTRY_POINT


def test_loading_the_entry_points_imports_nothing_but_pytest() -> None:
    result = run_python(
        """
        import sys
        before = set(sys.modules)
        import _alliance_plugins
        assert set(sys.modules) - before == {"_alliance_plugins"}, set(sys.modules) - before
        import pytest
        before = set(sys.modules)
        import _alliance_plugins.pytest_plugin
        assert set(sys.modules) - before == {"_alliance_plugins.pytest_plugin"}
        """
    )
    assert result.returncode == 0, result.stderr


# --- import hypothesis ----------------------------------------------------------------------


def test_import_hypothesis_imports_no_alliance_module() -> None:
    result = run_python(f"import sys, hypothesis; print({ALLIANCE_MODULES})")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", stale()


@pytest.mark.parametrize("first", ["hypothesis", "alliance"])
def test_from_type_works_whichever_is_imported_first(first: str) -> None:
    second = "alliance" if first == "hypothesis" else "hypothesis"
    result = run_python(
        f"""
        import {first}
        import {second}
        from hypothesis import HealthCheck, given, settings, strategies as st

        assert repr(st.from_type(alliance.model.MeasurableTarget)) == "measurable_targets()"

        @settings(max_examples=10, database=None, suppress_health_check=[HealthCheck.too_slow])
        @given(st.from_type(alliance.model.GasScale), st.from_type(alliance.events.GoalAgreed))
        def check(scale, event):
            assert type(scale) is alliance.model.GasScale
            assert type(event) is alliance.events.GoalAgreed

        check()
        """
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("first", ["hypothesis", "alliance"])
def test_hypothesis_no_plugins_registers_nothing(first: str) -> None:
    second = "alliance" if first == "hypothesis" else "hypothesis"
    result = run_python(
        f"""
        import sys
        import {first}
        import {second}
        from hypothesis import strategies as st
        print(repr(st.from_type(alliance.model.MeasurableTarget)))
        print(sorted(m for m in sys.modules if m.startswith("alliance.testing")))
        """,
        HYPOTHESIS_NO_PLUGINS="1",
    )
    assert result.returncode == 0, result.stderr + stale()
    inferred, testing_modules = result.stdout.splitlines()
    assert inferred != "measurable_targets()"
    assert testing_modules == "[]"


# --- a pytest run ---------------------------------------------------------------------------

IMPORTS_NOTHING = f"""
    import sys

    def test_no_alliance_module_is_imported():
        assert {ALLIANCE_MODULES} == []

    def test_nor_once_hypothesis_is_imported():
        import hypothesis
        assert {ALLIANCE_MODULES} == []
"""

USES_A_FIXTURE = """
    def test_the_fixture_imports_alliance_when_it_runs(alliance_store, sample_partnership):
        import sys
        assert "alliance" in sys.modules
        assert alliance_store.find_partnerships() == []
        assert sample_partnership.state.clinic_id == "riverside-clinic"
"""


def test_a_pytest_run_that_uses_no_fixture_imports_no_alliance_module(tmp_path: Path) -> None:
    (tmp_path / "test_trivial.py").write_text(textwrap.dedent(IMPORTS_NOTHING))
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr + stale()
    assert "2 passed" in result.stdout


def test_a_pytest_run_that_uses_a_fixture_gets_it(tmp_path: Path) -> None:
    (tmp_path / "test_fixtures.py").write_text(textwrap.dedent(USES_A_FIXTURE))
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_p_no_alliance_turns_the_fixtures_off(tmp_path: Path) -> None:
    (tmp_path / "test_fixtures.py").write_text(textwrap.dedent(USES_A_FIXTURE))
    result = run_pytest(tmp_path, "-p", "no:alliance")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "fixture 'alliance_store' not found" in result.stdout
