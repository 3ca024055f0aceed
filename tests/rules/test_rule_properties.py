"""Properties of the rules over generated partnership histories."""

from __future__ import annotations

import pendulum
from hypothesis import assume, given
from hypothesis import strategies as st

import alliance as al
from alliance import rules
from alliance.model.membership import side_of
from alliance.model.visibility import can_see
from alliance.rules import RuleSet
from alliance.testing import partnership_histories, replay

HISTORIES = partnership_histories(max_events=40, allow_closing=False)
LATER = st.integers(min_value=0, max_value=120 * 24).map(lambda h: pendulum.duration(hours=h))


def feedback_findings(
    p: al.Partnership, rule: rules.FeedbackAnsweredInTime, moment: pendulum.DateTime
) -> list[rules.Finding]:
    return list(rule.evaluate(rules.context_for(p, moment)))


def _other_side(p: al.Partnership, item: al.model.FeedbackItem) -> str | None:
    """A member of the other side who may answer *item* (RolePolicy: a carer or a
    therapist or supervisor, not an educator, whom its audience includes)."""
    wanted = "carer" if item.kind is al.model.FeedbackKind.PROGRESS_UPDATE else "professional"
    joined = [
        m
        for m in sorted(p.state.current_members())
        if side_of(p.state, m) == wanted
        and p.state.members[m].joined_at <= item.given_at
        and can_see(wanted, m, item.audience, item.given_by)
    ]
    return joined[0] if joined else None


@given(HISTORIES, LATER)
def test_feedback_answered_within_the_limit_never_yields_a_finding(
    events: list[al.Event], later: pendulum.Duration
) -> None:
    p = replay(events)
    now = p.state.last_event_at
    # Answer every open item now, by the other side.
    for item in p.state.open_feedback():
        answerer = _other_side(p, item)
        assume(answerer is not None)
        assert answerer is not None
        p.record(
            al.events.FeedbackAnswered(
                feedback_id=item.feedback_id,
                response=al.model.FeedbackResponse.ACKNOWLEDGED,
                actor=answerer,
                occurred_at=now,
            )
        )
    slowest = max((f.open_for(now) for f in p.state.feedback.values()), default=pendulum.duration())
    rule = rules.FeedbackAnsweredInTime(within=slowest + pendulum.duration(seconds=1))
    for moment in {
        p.state.formed_at,
        now,
        now + later,
        *(f.given_at for f in p.state.feedback.values()),
    }:
        assert feedback_findings(p, rule, moment) == []


@given(HISTORIES, st.integers(min_value=1, max_value=30).map(lambda d: pendulum.duration(days=d)))
def test_adding_an_unanswered_item_always_yields_a_finding(
    events: list[al.Event], within: pendulum.Duration
) -> None:
    p = replay(events)
    assume(p.state.status is al.model.PartnershipStatus.ACTIVE)
    carer = sorted(p.state.carers)[0]
    now = p.state.last_event_at
    item = p.record(
        al.events.FeedbackGiven(
            feedback_id="late-one-7f3a9c",
            kind=al.model.FeedbackKind.HOME_REPORT,
            message="Mornings are hard",
            actor=carer,
            occurred_at=now,
        )
    )
    rule = rules.FeedbackAnsweredInTime(within=within)
    due = item.occurred_at + within
    assert all(
        f.subject.id != "late-one-7f3a9c"
        for f in feedback_findings(p, rule, due - pendulum.duration(seconds=1))
    )
    mine = [f for f in feedback_findings(p, rule, due) if f.subject.id == "late-one-7f3a9c"]
    assert len(mine) == 1
    assert mine[0].due_at == due


@given(HISTORIES, LATER)
def test_the_feedback_rule_flags_exactly_the_items_open_too_long(
    events: list[al.Event], later: pendulum.Duration
) -> None:
    p = replay(events)
    assume(p.state.status is al.model.PartnershipStatus.ACTIVE)
    rule = rules.FeedbackAnsweredInTime()
    moment = p.state.last_event_at + later
    expected = {
        f.feedback_id
        for f in p.state.feedback.values()
        if f.is_open and moment - f.given_at >= rule.within
    }
    assert {f.subject.id for f in feedback_findings(p, rule, moment)} == expected


@given(HISTORIES, LATER)
def test_evaluation_is_pure_deterministic_and_sorted(
    events: list[al.Event], later: pendulum.Duration
) -> None:
    p = replay(events)
    before_events, before_state = p.events, p.state.copy()
    moment = p.state.last_event_at + later
    first = RuleSet.default().evaluate(p, moment)
    assert RuleSet.default().evaluate(p, moment) == first
    assert RuleSet.default().evaluate(al.Partnership.from_events(events), moment) == first
    assert p.events == before_events
    assert p.state == before_state
    assert first == sorted(first, key=rules.Finding.sort_key)
    assert all(f.partnership_id == p.id for f in first)
    assert all(f.due_at <= moment for f in first)


@given(HISTORIES)
def test_a_check_in_now_clears_the_cadence_finding(events: list[al.Event]) -> None:
    p = replay(events)
    now = p.state.last_event_at
    clinicians = [m for m in sorted(p.state.professionals) if side_of(p.state, m) == "professional"]
    assume(clinicians)  # RolePolicy: a therapist or supervisor activates and records check-ins
    carer, professional = sorted(p.state.carers)[0], clinicians[0]
    if p.state.status is not al.model.PartnershipStatus.ACTIVE:
        p.record(
            al.events.PartnershipStatusChanged(
                status=al.model.PartnershipStatus.ACTIVE, actor=professional, occurred_at=now
            )
        )
    if p.state.communication_plan is None:
        p.record(
            al.events.CommunicationPlanAgreed(
                cadence=pendulum.duration(weeks=2),
                channels=frozenset({al.model.Channel.PHONE}),
                participants=frozenset({carer, professional}),
                actor=carer,
                occurred_at=now,
            )
        )
    p.record(
        al.events.CheckInHeld(
            check_in_id="check-in-at-the-end-7f3a9c",
            kind=al.model.CheckInKind.CALL,
            participants=frozenset({carer, professional}),
            actor=professional,
            occurred_at=now,
        )
    )
    rule = rules.CheckInCadence()
    assert p.state.communication_plan is not None
    quiet_until = now + p.state.communication_plan.cadence + rule.tolerance
    before = quiet_until - pendulum.duration(seconds=1)
    assert list(rule.evaluate(rules.context_for(p, before))) == []
    assert len(list(rule.evaluate(rules.context_for(p, quiet_until)))) == 1
