"""The pytest fixtures shipped through the ``pytest11`` entry point
(``_alliance_plugins.pytest_plugin``, documented as ``alliance.testing.pytest_plugin``)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

import _alliance_plugins.pytest_plugin
import alliance as al
from alliance import demo
from alliance.testing import pytest_plugin

pytest_plugins = ["pytester"]


def test_the_entry_point_is_declared_in_the_pytest11_group() -> None:
    (entry,) = [
        ep for ep in importlib.metadata.entry_points(group="pytest11") if ep.name == "alliance"
    ]
    assert entry.value == "_alliance_plugins.pytest_plugin"
    assert entry.load() is _alliance_plugins.pytest_plugin


def test_the_documented_module_has_the_same_fixtures() -> None:
    for name in pytest_plugin.__all__:
        assert getattr(pytest_plugin, name) is getattr(_alliance_plugins.pytest_plugin, name)


# --- the fixtures, used here directly (the plugin is loaded in this very run) ------------------


def test_the_store_is_empty_in_memory_and_for_the_clinic(
    alliance_store: al.Store, alliance_clinic_id: str
) -> None:
    assert alliance_clinic_id == pytest_plugin.SAMPLE_CLINIC_ID
    assert alliance_store.clinic_id == alliance_clinic_id
    assert alliance_store.url == "memory://"
    assert alliance_store.find_partnerships() == []
    assert alliance_store.read_all() == ()


def test_the_sample_is_the_demos_and_can_be_stored(
    alliance_store: al.Store, sample_partnership: al.Partnership
) -> None:
    assert sample_partnership.events == demo.sample_partnership().events
    assert sample_partnership.state.clinic_id == pytest_plugin.SAMPLE_CLINIC_ID
    first, *rest = sample_partnership.events
    assert isinstance(first, al.events.PartnershipFormed)
    al.start_partnership(alliance_store, first, rest)
    loaded = al.load_partnership(alliance_store, sample_partnership.id)
    assert loaded.state == sample_partnership.state


@pytest.mark.parametrize(
    "module", ["alliance.testing.pytest_plugin", "_alliance_plugins.pytest_plugin"]
)
def test_importing_the_plugin_does_not_import_hypothesis(module: str) -> None:
    code = (
        f"import sys, {module}\nassert 'hypothesis' not in sys.modules, 'hypothesis was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- in a project of its own (pytester) --------------------------------------------------------

USES_THE_FIXTURES = """
    import alliance
    import pytest

    STORES = []

    def test_a_fresh_store(alliance_store, sample_partnership):
        assert alliance_store.find_partnerships() == []
        first, *rest = sample_partnership.events
        alliance.start_partnership(alliance_store, first, rest)
        STORES.append(alliance_store)

    def test_another_fresh_store_and_the_last_one_closed(alliance_store):
        assert alliance_store.find_partnerships() == []
        assert alliance_store is not STORES[0]
        with pytest.raises(alliance.StoreError):
            STORES[0].find_partnerships()

    def test_a_fresh_sample_each_time(sample_partnership):
        assert sample_partnership.version == len(sample_partnership.events)
"""


def test_a_project_gets_the_fixtures_without_configuring_anything(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(USES_THE_FIXTURES)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_the_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(USES_THE_FIXTURES)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:alliance")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*fixture 'alliance_store' not found*"])


def test_a_conftest_loads_the_documented_module_when_the_plugin_is_disabled(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest('pytest_plugins = ["alliance.testing.pytest_plugin"]')
    pytester.makepyfile(USES_THE_FIXTURES)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:alliance")
    result.assert_outcomes(passed=3)


def test_a_conftest_chooses_the_clinic(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def alliance_clinic_id():
            return "northside-clinic"
        """
    )
    pytester.makepyfile(
        """
        def test_the_store_is_for_northside(alliance_store):
            assert alliance_store.clinic_id == "northside-clinic"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
