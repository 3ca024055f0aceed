"""A planned transition called off (``TransitionCancelled``): recorded with its reason,
refused when there is nothing to call off, no longer upcoming (so the transition rules
stop), and told to the family in their report."""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given

import alliance as al
from alliance import rules
from alliance.reports.render import family_report_html
from alliance.testing import strategies as s
from team import at, build, by

ON = pendulum.date(2025, 2, 3)  # four weeks after the team formed


def announced() -> al.Partnership:
    p = build()
    p.record(
        by("ana", 2).build(
            al.events.TransitionAnnounced,
            transition_id="t1",
            kind=al.model.TransitionKind.NEW_SETTING,
            description="Sam starts at the nursery",
            date=ON,
            people=frozenset({"maria", "ana"}),
        )
    )
    return p


def cancel(p: al.Partnership, actor: str = "maria", days: float = 5) -> al.Event:
    return p.record(
        by(actor, days).build(
            al.events.TransitionCancelled,
            transition_id="t1",
            reason="The nursery place fell through; Sam stays at home this term",
        )
    )


def test_a_transition_called_off_keeps_its_reason_and_is_no_longer_upcoming() -> None:
    p = announced()
    assert [t.transition_id for t in p.state.upcoming_transitions()] == ["t1"]
    cancel(p)
    transition = p.state.transitions["t1"]
    assert transition.cancellation == al.model.TransitionCancellation(
        reason="The nursery place fell through; Sam stays at home this term",
        cancelled_by="maria",
        cancelled_at=at(5),
    )
    assert not transition.is_upcoming
    assert p.state.upcoming_transitions() == []
    assert al.from_data(al.to_data(p.state), al.PartnershipState) == p.state
    assert al.loads(al.dumps(p.events[-1]), al.Event) == p.events[-1]


@pytest.mark.parametrize(
    "make",
    [
        lambda: by("ana", 6).build(
            al.events.TransitionPlanAgreed,
            transition_id="t1",
            steps=(al.model.PlanStep(description="Visit", owner="maria", due=ON),),
            agreed_with=frozenset({"maria"}),
        ),
        lambda: by("ana", 40).build(
            al.events.TransitionReviewed, transition_id="t1", how_it_went="Well"
        ),
        lambda: by("ana", 6).build(
            al.events.TransitionCancelled, transition_id="t1", reason="Twice"
        ),
    ],
)
def test_nothing_more_is_planned_reviewed_or_called_off_for_it(make: object) -> None:
    p = announced()
    cancel(p)
    events = p.events
    with pytest.raises(al.DomainError, match="called off"):
        p.record(make())  # type: ignore[operator]
    assert p.events == events


def test_an_unknown_transition_or_a_time_before_it_was_announced_is_refused() -> None:
    p = announced()
    with pytest.raises(al.UnknownRecordError):
        p.record(
            by("maria", 5).build(
                al.events.TransitionCancelled, transition_id="nope", reason="No such"
            )
        )
    with pytest.raises(al.ValidationError):
        cancel(p, days=1)


def test_carers_and_professionals_call_it_off_and_educators_do_not() -> None:
    p = announced()
    with pytest.raises(al.PermissionDenied) as denied:
        cancel(p, actor="tess")
    assert denied.value.action == "TransitionCancelled"
    cancel(p, actor="ana")


def test_the_transition_rules_stop_for_a_transition_called_off() -> None:
    p = announced()
    late = pendulum.datetime(2025, 3, 31, tz="UTC")  # no plan, and its review overdue
    planned, reviewed = rules.TransitionsPlannedAhead(), rules.TransitionsReviewedInTime()
    assert planned.evaluate(rules.context_for(p, late))
    assert reviewed.evaluate(rules.context_for(p, late))
    cancel(p)
    assert not list(planned.evaluate(rules.context_for(p, late)))
    assert not list(reviewed.evaluate(rules.context_for(p, late)))


def test_the_family_report_tells_the_family_it_was_called_off() -> None:
    p = announced()
    before = family_report_html([p.state], charts=False)
    assert "Called off" not in before
    cancel(p)
    page = family_report_html([p.state], charts=False)
    assert "Called off" in page
    assert "Sam starts at the nursery" in page
    assert "The nursery place fell through" in page


@given(events=s.partnership_histories(topics={"transitions": 20}))
def test_a_transition_called_off_is_never_upcoming(events: list[al.Event]) -> None:
    state = al.fold(events)
    upcoming = {t.transition_id for t in state.upcoming_transitions()}
    for transition in state.transitions.values():
        if transition.cancellation is not None:
            assert transition.transition_id not in upcoming
            assert transition.review is None
