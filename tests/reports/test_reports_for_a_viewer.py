"""Tabular reports for one member: only their partnerships, as they may see them."""

from __future__ import annotations

import pendulum

import alliance as al
from alliance.demo import sample_partnership
from alliance.storage import MemoryStore


def store_with_sample() -> tuple[al.Store, al.Partnership]:
    """The sample partnership (Ana, Maria, David, Ms Okafor the teacher: the requesting
    goal shared with the school, the dressing goal not), plus a check-in Ana and Maria
    keep between them, and a second partnership none of them is in."""
    sample = sample_partnership()
    later = sample.state.last_event_at.add(hours=1)
    sample.record(
        al.events.CheckInHeld(
            check_in_id="ci-private",
            kind=al.model.CheckInKind.CALL,
            participants=frozenset({"ana", "maria"}),
            good_news=("Sam slept through",),
            audience=al.model.Audience.named("maria"),
            actor="ana",
            occurred_at=later,
        )
    )
    store = MemoryStore("riverside-clinic")
    events = sample.events
    al.start_partnership(store, events[0], events[1:])  # type: ignore[arg-type]
    other = al.Partnership.form(
        al.events.PartnershipFormed(
            partnership_id="p-other",
            clinic_id="riverside-clinic",
            child_id="kim",
            time_zone="Europe/London",
            actor="ben",
            occurred_at=pendulum.datetime(2025, 1, 6, tz="UTC"),
        )
    )
    other.record(
        al.events.ProfessionalJoined(
            member_id="ben",
            discipline=al.Discipline.ABA,
            actor="ben",
            occurred_at=other.state.formed_at,
        )
    )
    al.start_partnership(store, other.events[0], other.events[1:])  # type: ignore[arg-type]
    return store, sample


def test_a_viewer_gets_rows_for_their_own_partnerships_only() -> None:
    store, _ = store_with_sample()
    assert {r.partnership_id for r in al.reports.health_report(store)} == {"p-sam", "p-other"}
    for report in (
        al.reports.health_report,
        al.reports.gas_report,
        al.reports.coaching_report,
        al.reports.learning_report,
    ):
        assert {r.partnership_id for r in report(store, viewer="maria")} == {"p-sam"}
        assert list(report(store, viewer="nobody")) == []
    assert list(al.reports.health_report(store, viewer="maria", member_id="ben")) == []


def test_a_viewers_rows_are_computed_from_what_they_may_see() -> None:
    store, sample = store_with_sample()
    (everything,) = al.reports.health_report(store, member_id="ana")
    (maria,) = al.reports.health_report(store, viewer="maria")
    (david,) = al.reports.health_report(store, viewer="david")
    assert maria == everything, "Maria sees the check-in named for her"
    assert david.check_ins == everything.check_ins - 1
    assert david.contacts_with_good_news == everything.contacts_with_good_news - 1
    assert (david.partnership_id, david.child_id) == ("p-sam", "sam")
    # The teacher sees only the goal the family shared with the school (g-requests, the
    # one with a GAS scale), not the dressing goal's home practice.
    (gas_for_teacher,) = al.reports.gas_report(store, viewer="okafor")
    assert [g.goal_id for g in gas_for_teacher.goals] == ["g-requests"]
    (teacher,) = al.reports.health_report(store, viewer="okafor")
    dressing = sample.state.strategies["s-dressing-steps"]
    assert dressing.goal_id == "g-dressing"
    assert 0 < teacher.practice_planned < everything.practice_planned


def test_celebrations_shared_with_the_family_are_contacts_with_good_news() -> None:
    _, sample = store_with_sample()
    row = al.reports.partnership_health(sample)
    assert row.celebrations_shared == 1  # the "big hug" milestone
    good = sum(1 for c in sample.state.check_ins.values() if c.good_news) + 1
    assert row.contacts_with_good_news == good
    assert row.good_news_share == good / (row.check_ins + 1)
