"""pytest fixtures for code built on ``alliance``, loaded automatically.

Installing ``alliance`` registers this module with pytest through the ``pytest11``
entry-point group (plugin name ``alliance``), so its fixtures are available in every
test without an import or a ``conftest.py`` entry:

- ``alliance_clinic_id``: the clinic id the store is opened for; by default the
  sample partnership's clinic (``"riverside-clinic"``), so the sample can be stored in
  it as it is. Override the fixture in a ``conftest.py`` to use another.
- ``alliance_store``: a fresh, empty in-memory :class:`alliance.Store` for that clinic,
  private to the test and closed after it.
- ``sample_partnership``: the demo's sample partnership
  (:func:`alliance.demo.sample_partnership`), built afresh for each test.

Example::

    import alliance

    def test_the_sample_is_stored_and_loaded(alliance_store, sample_partnership):
        events = sample_partnership.events
        alliance.start_partnership(alliance_store, events[0], events[1:])
        loaded = alliance.load_partnership(alliance_store, sample_partnership.id)
        assert loaded.state == sample_partnership.state

Disable the plugin with ``pytest -p no:alliance``. Importing it does not import
hypothesis.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import alliance
from alliance import demo

__all__ = ["SAMPLE_CLINIC_ID", "alliance_clinic_id", "alliance_store", "sample_partnership"]

SAMPLE_CLINIC_ID = "riverside-clinic"
"""The clinic of :func:`alliance.demo.sample_partnership`, and ``alliance_clinic_id``'s
default."""


@pytest.fixture
def alliance_clinic_id() -> str:
    """The clinic id :func:`alliance_store` is opened for: the sample partnership's clinic
    unless a ``conftest.py`` overrides this fixture."""
    return SAMPLE_CLINIC_ID


@pytest.fixture
def alliance_store(alliance_clinic_id: str) -> Iterator[alliance.Store]:
    """A fresh, empty in-memory store for ``alliance_clinic_id``, closed after the test."""
    store = alliance.open_store("memory://", clinic_id=alliance_clinic_id)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def sample_partnership() -> alliance.Partnership:
    """The demo's sample partnership (four months around Sam), built for this test."""
    return demo.sample_partnership()
