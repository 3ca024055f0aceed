"""pytest fixtures for code built on ``alliance``, loaded automatically.

Installing ``alliance`` registers its fixtures with pytest through the ``pytest11``
entry-point group (plugin name ``alliance``), so they are available in every test
without an import or a ``conftest.py`` entry:

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

The entry point names ``_alliance_plugins.pytest_plugin``, which lives outside the
``alliance`` package and defines the fixtures that this module re-exports: loading it
imports no ``alliance`` module, and each fixture imports ``alliance`` only when a test
uses it, so a pytest run that uses none costs nothing. Disable the plugin with
``pytest -p no:alliance``; with it disabled, ``pytest_plugins =
["alliance.testing.pytest_plugin"]`` in a ``conftest.py`` loads the same fixtures.
Importing this module does not import hypothesis.
"""

from __future__ import annotations

from _alliance_plugins.pytest_plugin import (
    SAMPLE_CLINIC_ID,
    alliance_clinic_id,
    alliance_store,
    sample_partnership,
)

__all__ = ["SAMPLE_CLINIC_ID", "alliance_clinic_id", "alliance_store", "sample_partnership"]
