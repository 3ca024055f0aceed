"""The shortcuts the clinic-wide progress report takes give the same answers as the long
way round: local days from microseconds (around DST changes too), mastery judged without
writing every session's explanation, and the SQL stores' one-pass figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pendulum
from hypothesis import given
from hypothesis import strategies as st

import alliance as al
from alliance.measures._evaluation import mastery_status
from alliance.model._time import local_day as _local_day
from alliance.model._time import local_ordinal as _local_ordinal
from alliance.model._time import to_micros
from alliance.reports import render
from alliance.synthetic import synthetic_clinic
from protocol_only import read_model_only

ZONES = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",  # DST changes at local midnight (until 2019)
    "America/Santiago",  # DST changes at local midnight
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Asia/Kathmandu",  # +05:45
    "Pacific/Apia",  # skipped 30 December 2011 (the date line moved)
    "Pacific/Kiritimati",  # +14:00
    "America/St_Johns",  # -03:30 / -02:30
)

# moments near the DST changes of the zones above, and anywhere
_CHANGES = [
    pendulum.datetime(2024, 3, 31, 1, tz="UTC"),  # London, spring
    pendulum.datetime(2024, 10, 27, 1, tz="UTC"),  # London, autumn
    pendulum.datetime(2024, 3, 10, 7, tz="UTC"),  # New York
    pendulum.datetime(2024, 11, 3, 6, tz="UTC"),
    pendulum.datetime(2018, 11, 4, 3, tz="UTC"),  # Sao Paulo, midnight
    pendulum.datetime(2024, 9, 8, 4, tz="UTC"),  # Santiago, midnight
    pendulum.datetime(2024, 4, 6, 15, tz="UTC"),  # Lord Howe
    pendulum.datetime(2011, 12, 30, 10, tz="UTC"),  # Apia
]
moments = st.one_of(
    st.tuples(st.sampled_from(_CHANGES), st.integers(-2 * 86_400_000_000, 2 * 86_400_000_000)).map(
        lambda pair: pair[0].add(microseconds=pair[1])
    ),
    st.datetimes(
        min_value=dt.datetime(1900, 1, 2),
        max_value=dt.datetime(2100, 12, 30),
        timezones=st.just(dt.UTC),
    ).map(pendulum.instance),
)


@given(moment=moments, zone=st.sampled_from(ZONES))
def test_local_days_are_pendulums(moment: pendulum.DateTime, zone: str) -> None:
    expected = moment.in_timezone(zone).date()
    assert _local_day(moment, zone) == expected
    assert type(_local_day(moment, zone)) is pendulum.Date
    assert _local_ordinal(to_micros(moment), zone) == expected.toordinal()
    # any aware datetime, not only UTC ones
    elsewhere = moment.in_timezone("Asia/Tokyo")
    assert _local_day(elsewhere, zone) == expected
    assert _local_day(dt.datetime.fromisoformat(moment.isoformat()), zone) == expected


def test_local_days_at_the_edges_of_time() -> None:
    for moment in (
        pendulum.datetime(1, 1, 2, tz="UTC"),
        pendulum.datetime(9999, 12, 30, 23, 59, 59, 999_999, tz="UTC"),
    ):
        for zone in ZONES:
            expected = moment.in_timezone(zone).date()
            assert _local_ordinal(to_micros(moment), zone) == expected.toordinal()


# --- mastery without the explanation -------------------------------------------------------

criteria = st.builds(
    al.model.MasteryCriterion,
    threshold=st.sampled_from([50.0, 80.0]),
    consecutive=st.integers(1, 3),
    comparison=st.sampled_from(al.model.Comparison),
    frame=st.sampled_from(al.model.MasteryFrame),
    out_of_last=st.one_of(st.none(), st.just(4)),
    min_trials=st.one_of(st.none(), st.just(5)),
    min_observers=st.integers(1, 2),
    min_settings=st.integers(1, 2),
    probes_only=st.booleans(),
    first_trial_independent=st.booleans(),
)
observations = st.lists(
    st.builds(
        al.model.Observation,
        observation_id=st.uuids().map(str),
        goal_id=st.just("g1"),
        observed_at=st.tuples(
            st.integers(0, 40), st.integers(0, 47), st.sampled_from(_CHANGES)
        ).map(lambda t: t[2].subtract(days=20).add(days=t[0], minutes=30 * t[1])),
        observer=st.sampled_from(["ana", "ben", "maria"]),
        setting=st.sampled_from(al.model.Setting),
        kind=st.sampled_from(al.model.ObservationKind),
        value=st.one_of(st.none(), st.sampled_from([0.0, 40.0, 50.0, 65.0, 80.0, 95.0, 7])),
        gas_level=st.just(0),
        trials=st.one_of(st.none(), st.integers(1, 8)),
        first_trial_independent=st.one_of(st.none(), st.booleans()),
    ),
    max_size=25,
)


def _rows(data: Sequence[al.model.Observation]) -> list[Any]:
    return [
        (
            to_micros(o.observed_at),
            o.observer,
            o.setting.value,
            o.kind.value,
            o.value,
            o.trials,
            None if o.first_trial_independent is None else int(o.first_trial_independent),
        )
        for o in sorted(data, key=lambda o: o.observed_at)
        if o.value is not None
    ]


@given(
    criterion=criteria,
    data=observations,
    kind=st.sampled_from(al.model.MetricKind),
    zone=st.sampled_from(ZONES),
    unit=st.sampled_from(["%", "", "words"]),
)
def test_mastery_status_is_assess_masterys(
    criterion: al.model.MasteryCriterion,
    data: list[al.model.Observation],
    kind: al.model.MetricKind,
    zone: str,
    unit: str,
) -> None:
    full = al.measures.assess_mastery(data, criterion, time_zone=zone, metric_kind=kind, unit=unit)
    quick = mastery_status(_rows(data), criterion, time_zone=zone, metric_kind=kind, unit=unit)
    assert quick == (full.mastered, full.summary)


# --- the SQL stores' one pass --------------------------------------------------------------


def test_the_sql_path_and_the_protocol_path_give_the_fold_s_rows(tmp_path: Path) -> None:
    clinic = "riverside-clinic"
    memory = al.open_store("memory://", clinic_id=clinic)
    sqlite = al.open_store(f"sqlite:///{tmp_path / 'clinic.db'}", clinic_id=clinic)
    for p in synthetic_clinic(seed=3, partnerships=8, clinic_id=clinic, goals=4, weeks=12):
        for store in (memory, sqlite):
            store.append(p.state.partnership_id, p.events, expected_version=0)

    plain = read_model_only(sqlite)
    assert isinstance(plain, al.storage.ReadModelStore)
    periods = [
        al.reports.Period(),
        al.reports.Period(start=pendulum.date(2025, 3, 1)),
        al.reports.Period(end=pendulum.date(2025, 3, 30)),  # the Sunday London's clocks go forward
        al.reports.Period(start=pendulum.date(2025, 2, 1), end=pendulum.date(2025, 4, 30)),
    ]
    for period in periods:
        for window in (pendulum.duration(weeks=8), pendulum.duration(days=10)):
            expected = list(al.reports.progress_report(memory, period=period, window=window))
            assert any(row.mastery is not None for row in expected)
            assert any(row.trend is not None for row in expected)
            text = render.to_json(expected)
            for store in (sqlite, plain):
                rows = list(al.reports.progress_report(store, period=period, window=window))  # type: ignore[arg-type]
                assert rows == expected
                assert render.to_json(rows) == text
    sqlite.close()


# --- the path is chosen by what a store offers, not by its class ------------------------------


class _StoreOnly:
    """A SQL store seen through the :class:`Store` protocol alone (a vendor's store without
    a read model), counting the calls that choose a report's path."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.calls: list[str] = []

    @property
    def clinic_id(self) -> str:
        return str(self._inner.clinic_id)

    @property
    def url(self) -> str:
        return str(self._inner.url)

    def append(self, partnership_id: str, events: Any, *, expected_version: int) -> Any:
        return self._inner.append(partnership_id, events, expected_version=expected_version)

    def load(self, partnership_id: str, **options: Any) -> Any:
        self.calls.append("load")
        return self._inner.load(partnership_id, **options)

    def find_partnerships(self, **options: Any) -> Any:
        return self._inner.find_partnerships(**options)

    def read_all(self, **options: Any) -> Any:
        return self._inner.read_all(**options)

    def close(self) -> None:
        self._inner.close()


class _WithReadModel(_StoreOnly):
    """... that also implements :class:`ReadModelStore` (a vendor's read model)."""

    def report_partnerships(self, **options: Any) -> Any:
        return self._inner.report_partnerships(**options)

    def goal_facts(self, bounds: Any, **options: Any) -> Any:
        self.calls.append("goal_facts")
        return self._inner.goal_facts(bounds, **options)

    def rebuild_read_model(self) -> None:
        self._inner.rebuild_read_model()


class _WithProgressFigures(_WithReadModel):
    """... and :class:`ProgressFiguresStore` too, without being one of the SQL stores."""

    def progress_figures(self, bounds: Any, **options: Any) -> Any:
        self.calls.append("progress_figures")
        return self._inner.progress_figures(bounds, **options)


def test_the_progress_report_asks_a_store_for_capabilities_not_its_class(tmp_path: Path) -> None:
    clinic = "riverside-clinic"
    memory = al.open_store("memory://", clinic_id=clinic)
    sqlite = al.open_store(f"sqlite:///{tmp_path / 'clinic.db'}", clinic_id=clinic)
    for p in synthetic_clinic(seed=5, partnerships=4, clinic_id=clinic, goals=3, weeks=6):
        for store in (memory, sqlite):
            store.append(p.state.partnership_id, p.events, expected_version=0)
    assert isinstance(sqlite, al.storage.ProgressFiguresStore)
    period = al.reports.Period(start=pendulum.date(2025, 1, 20))
    expected = list(al.reports.progress_report(memory, period=period))
    assert any(row.mastery is not None for row in expected)
    paths = {
        _StoreOnly: "load",
        _WithReadModel: "goal_facts",
        _WithProgressFigures: "progress_figures",
    }
    for kind, path in paths.items():
        store = kind(sqlite)
        assert isinstance(store, al.storage.ReadModelStore) is (kind is not _StoreOnly)
        assert isinstance(store, al.storage.ProgressFiguresStore) is (kind is _WithProgressFigures)
        rows = list(al.reports.progress_report(store, period=period))  # type: ignore[arg-type]
        assert rows == expected
        assert set(store.calls) == {path}
    sqlite.close()
