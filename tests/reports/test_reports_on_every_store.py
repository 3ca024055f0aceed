"""Each report gives identical rows on memory, SQLite and PostgreSQL for the same data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

import alliance as al
from alliance.reports import render
from alliance.synthetic import synthetic_clinic

CLINIC = "riverside-clinic"


def _reports(store: al.Store) -> dict[str, str]:
    period = al.reports.Period(start=pendulum.date(2025, 2, 1), end=pendulum.date(2025, 5, 31))
    norms = {"turns taken": al.reports.MetricNorms(reliability=0.85, norm_sd=15)}
    return {
        "goals": render.to_json(al.reports.select_goals(store, period=period)),
        "progress": render.to_json(al.reports.progress_report(store)),
        "progress-period": render.to_csv(al.reports.progress_report(store, period=period)),
        "gas": render.to_json(al.reports.gas_report(store, periods=[al.reports.Period(), period])),
        "rci": render.to_json(al.reports.reliable_change_report(store, norms)),
        "health": render.to_json(al.reports.health_report(store, period=period)),
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def other_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[al.Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'clinic.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    store = al.open_store(url, clinic_id=CLINIC)
    yield store
    store.close()


def test_reports_are_identical_on_every_backend(other_store: al.Store) -> None:
    memory = al.open_store("memory://", clinic_id=CLINIC)
    for p in synthetic_clinic(seed=11, partnerships=6, clinic_id=CLINIC):
        for store in (memory, other_store):
            store.append(p.state.partnership_id, p.events, expected_version=0)
    expected = _reports(memory)
    assert '"t_score"' in expected["gas"]
    assert expected["rci"] != "[]"
    assert _reports(other_store) == expected
