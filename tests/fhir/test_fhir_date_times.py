"""Every FHIR ``dateTime``/``instant`` the export writes is one FHIR accepts (issue 17).

A local offset FHIR cannot write (beyond ±14:00, as in historic local mean time, or with
seconds) is written in UTC instead, so the instant is the same either way.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import attrs
import pendulum
from hypothesis import example, given
from hypothesis import strategies as st

from alliance.demo import sample_partnership, sample_people
from alliance.fhir import export_bundle
from alliance.fhir._common import date_time

# The FHIR regular expressions, exactly as the specification gives them:
# dateTime (R5, http://hl7.org/fhir/R5/datatypes.html#dateTime; R4's differs only in
# allowing any number of fractional digits) and instant (R4 and R5).
FHIR_DATE_TIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2]"
    r"[0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?)?)?(Z|"
    r"(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)?)?)?"
)
FHIR_INSTANT = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2]"
    r"[0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?(Z|(\+|-)"
    r"((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)
ZONES = sorted(zoneinfo.available_timezones())
UTC = dt.UTC


def assert_fhir_instant(text: str, moment: dt.datetime) -> None:
    """*text* is a FHIR dateTime and instant with a time and an offset, and reads back
    (with the standard library, not alliance) to *moment*."""
    assert FHIR_DATE_TIME.fullmatch(text), text
    assert FHIR_INSTANT.fullmatch(text), text
    read = dt.datetime.fromisoformat(text)
    assert read.utcoffset() is not None
    assert read == moment, (text, moment)


@given(
    st.datetimes(
        min_value=dt.datetime(1, 1, 1),
        max_value=dt.datetime(9999, 12, 31, 23, 59, 59, 999_999),
        timezones=st.just(UTC),
    ),
    st.sampled_from(ZONES),
)
# historic local mean time beyond ±14:00 (Guam -14:21 and Manila -15:56 before 1845, on
# the American side of the date line; Sitka +14:58 before 1867)
@example(dt.datetime(1844, 6, 1, tzinfo=UTC), "Pacific/Guam")
@example(dt.datetime(1800, 1, 1, tzinfo=UTC), "Asia/Manila")
@example(dt.datetime(1844, 12, 30, 23, 59, tzinfo=UTC), "Asia/Manila")
@example(dt.datetime(1850, 1, 1, tzinfo=UTC), "America/Sitka")
# offsets with seconds: Monrovia's -00:44:30 (until 1972), Manila's +08:03:52 (1845-1899)
@example(dt.datetime(1950, 6, 1, 12, tzinfo=UTC), "Africa/Monrovia")
@example(dt.datetime(1860, 6, 1, tzinfo=UTC), "Asia/Manila")
# the far years: a local time past 9999 or before year 1 does not exist
@example(dt.datetime(9999, 12, 31, 20, tzinfo=UTC), "Pacific/Kiritimati")
@example(dt.datetime(1, 1, 1, 2, tzinfo=UTC), "America/New_York")
@example(dt.datetime(1, 1, 1, tzinfo=UTC), "UTC")
# +14:00 itself is a FHIR offset
@example(dt.datetime(2025, 6, 1, tzinfo=UTC), "Pacific/Kiritimati")
def test_every_written_date_time_is_fhir_and_the_same_instant(
    moment: dt.datetime, zone: str
) -> None:
    assert_fhir_instant(date_time(moment, zone), moment)


def test_an_offset_beyond_fourteen_hours_is_written_in_utc() -> None:
    # Guam kept -14:21 local mean time until the end of 1844
    guam = date_time(dt.datetime(1844, 6, 1, 0, 0, tzinfo=UTC), "Pacific/Guam")
    assert guam == "1844-06-01T00:00:00Z"
    # from 1845 to 1900 its local mean time was +09:39, which FHIR can write
    assert date_time(dt.datetime(1846, 6, 1, tzinfo=UTC), "Pacific/Guam") == (
        "1846-06-01T09:39:00+09:39"
    )
    # seconds in the offset: Monrovia's -00:44:30
    assert date_time(dt.datetime(1950, 6, 1, 12, tzinfo=UTC), "Africa/Monrovia") == (
        "1950-06-01T12:00:00Z"
    )
    # the local time would be in the year 10000
    assert date_time(dt.datetime(9999, 12, 31, 20, tzinfo=UTC), "Pacific/Kiritimati") == (
        "9999-12-31T20:00:00Z"
    )
    # a representable offset is kept, +14:00 included
    assert date_time(dt.datetime(2025, 6, 1, tzinfo=UTC), "Pacific/Kiritimati") == (
        "2025-06-01T14:00:00+14:00"
    )


def test_an_export_in_historic_local_mean_time_writes_fhir_date_times() -> None:
    """A partnership state in Pacific/Guam dated before 1845 (alliance's own events start in
    1900, but a host may hand the export a state it built or read itself)."""
    state = sample_partnership().state
    shift = pendulum.datetime(1844, 1, 6, tz="UTC") - state.formed_at
    old = attrs.evolve(
        state,
        time_zone="Pacific/Guam",
        formed_at=state.formed_at + shift,
        last_event_at=state.last_event_at + shift,
        status_changed_at=state.status_changed_at + shift,
        members={
            member_id: attrs.evolve(membership, joined_at=membership.joined_at + shift)
            for member_id, membership in state.members.items()
        },
    )
    for version in ("R4", "R5"):
        bundle = export_bundle(old, sample_people(), version=version)
        assert bundle["timestamp"] == (old.last_event_at.in_timezone("UTC").isoformat()[:-6] + "Z")
        care_team = next(
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CareTeam"
        )
        assert care_team["period"]["start"] == "1844-01-06T00:00:00Z"
        written = list(_date_times(bundle))
        assert written
        for text in written:
            assert FHIR_DATE_TIME.fullmatch(text), text


def test_exports_in_every_zone_write_fhir_date_times() -> None:
    """The sample, moved to each time zone, within alliance's own time bounds."""
    state = sample_partnership().state
    for zone in ZONES:
        moved = attrs.evolve(state, time_zone=zone)
        for text in _date_times(export_bundle(moved, sample_people())):
            assert FHIR_DATE_TIME.fullmatch(text), (zone, text)


def _date_times(value: object) -> list[str]:
    """Every string in *value* that starts like a date with a time."""
    if isinstance(value, dict):
        return [t for v in value.values() for t in _date_times(v)]
    if isinstance(value, list):
        return [t for v in value for t in _date_times(v)]
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}T", value):
        return [value]
    return []
