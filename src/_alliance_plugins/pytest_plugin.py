"""alliance's pytest fixtures, as pytest loads them (the ``pytest11`` entry point
``alliance``); documented, and importable, as :mod:`alliance.testing.pytest_plugin`.

Loading this module imports pytest only: each fixture imports ``alliance`` when a test
uses it, so a pytest run that uses none imports no ``alliance`` module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import alliance

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
    import alliance  # noqa: PLC0415 (imported when a test uses the fixture, not before)

    store = alliance.open_store("memory://", clinic_id=alliance_clinic_id)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def sample_partnership() -> alliance.Partnership:
    """The demo's sample partnership (four months around Sam), built for this test."""
    from alliance import demo  # noqa: PLC0415 (imported when a test uses the fixture)

    return demo.sample_partnership()
