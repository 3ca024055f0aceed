"""Properties of the family's side (issue 10) over generated histories and values.

- a coaching session's fidelity stays within 0-100 and is what its checklist makes of its
  steps (recomputed here by hand, from the events alone), and ``fidelity_trend`` says a
  carer implements independently exactly when the latest sessions reach the threshold;
- a carer's wellbeing note is seen by nobody the carer did not choose, and support
  offered to a carer only by the carer, its author and the professionals it names,
  while everyone else who may see one does (no over-filtering);
- the generated family-side events are drawn by role: each is one
  :class:`alliance.RolePolicy` allows, and would refuse from a member of a side it
  leaves the act to none of (every generated event being allowed is checked in
  ``testing_kit/test_histories_follow_the_roles.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import hypothesis
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alliance as al
from alliance.model.membership import side_of
from alliance.testing import strategies as s

TOLERANCE = 1e-9


# --- fidelity, by hand -----------------------------------------------------------------------


def fidelity_by_hand(
    checklist: al.model.FidelityChecklist, steps: Sequence[al.model.StepFidelity]
) -> float:
    """The fidelity percentage, worked out here: a step done counts 1, done partly the
    checklist's ``partly_credit``, not done 0; a rating r counts (r - 1) / 4; the mean over
    the checklist's steps, times 100."""
    scores = {score.step_id: score for score in steps}
    assert len(scores) == len(steps) == len(checklist.steps)
    assert set(scores) == {step.step_id for step in checklist.steps}
    points: list[float] = []
    for step in checklist.steps:
        score = scores[step.step_id]
        if checklist.scale is al.model.FidelityScale.RATING:
            assert score.rating is not None
            assert score.observed is None
            points.append((score.rating - 1) / 4)
        else:
            assert score.observed is not None
            assert score.rating is None
            points.append(
                {
                    al.model.StepObserved.DONE: 1.0,
                    al.model.StepObserved.PARTLY: checklist.partly_credit,
                    al.model.StepObserved.NOT_DONE: 0.0,
                }[score.observed]
            )
    return 100 * math.fsum(points) / len(points)


def assert_close(actual: float, expected: float) -> None:
    assert math.isclose(actual, expected, rel_tol=TOLERANCE, abs_tol=TOLERANCE), (
        actual,
        expected,
    )


def independence_by_hand(
    sessions: Sequence[al.model.CoachingSession],
) -> al.model.CoachingSession | None:
    """The session from which the carer implements independently, worked out here: the
    latest session's checklist needs ``sessions_needed`` sessions in a row, ending with
    the latest, scored on that checklist and at or above ``independent_at``; the first
    of that run (however long it is) is when it began."""
    if not sessions:
        return None
    checklist = sessions[-1].checklist
    reached = [
        x.checklist == checklist
        and fidelity_by_hand(x.checklist, x.steps) >= checklist.independent_at - TOLERANCE
        for x in sessions
    ]
    run = 0
    while run < len(sessions) and reached[len(sessions) - 1 - run]:
        run += 1
    if run < checklist.sessions_needed:
        return None
    return sessions[len(sessions) - run]


@settings(max_examples=max(settings.default.max_examples, 100))
@given(data=st.data())
def test_a_checklists_fidelity_is_its_steps_scored_by_hand(data: st.DataObject) -> None:
    checklist = data.draw(s.fidelity_checklists(), label="checklist")
    steps = data.draw(s.step_fidelities(checklist=checklist), label="steps")
    fidelity = checklist.fidelity(steps)
    assert 0 <= fidelity <= 100
    assert_close(fidelity, fidelity_by_hand(checklist, steps))


# Longer histories: coaching needs a goal, a strategy and its checklist first.
COACHED_HISTORIES = s.partnership_histories(min_events=20, max_events=80)


@given(events=COACHED_HISTORIES)
def test_coaching_fidelity_stays_within_0_to_100_and_matches_the_checklist(
    events: list[al.Event],
) -> None:
    state = al.fold(events)
    # The checklist in force when each session was held, from the events alone.
    in_force: dict[str, al.model.FidelityChecklist] = {}
    held: dict[str, tuple[al.events.CoachingSessionHeld, al.model.FidelityChecklist]] = {}
    for event in events:
        if isinstance(event, al.events.FidelityChecklistSet):
            in_force[event.strategy_id] = event.checklist
        elif isinstance(event, al.events.CoachingSessionHeld):
            held[event.session_id] = (event, in_force[event.strategy_id])
    assert set(state.coaching) == set(held)
    for session_id, (event, checklist) in held.items():
        session = state.coaching[session_id]
        assert session.checklist == checklist
        assert session.steps == event.steps
        assert (session.carer, session.strategy_id) == (event.carer, event.strategy_id)
        assert 0 <= session.fidelity <= 100
        assert_close(session.fidelity, fidelity_by_hand(checklist, event.steps))


@given(events=COACHED_HISTORIES)
def test_fidelity_trends_agree_with_the_latest_sessions_by_hand(events: list[al.Event]) -> None:
    state = al.fold(events)
    pairs = {(x.strategy_id, x.carer) for x in state.coaching.values()}
    for strategy_id, carer in sorted(pairs):
        mine = sorted(
            (
                x
                for x in state.coaching.values()
                if x.strategy_id == strategy_id and x.carer == carer
            ),
            key=lambda x: (x.held_at, x.session_id),
        )
        trend = al.model.fidelity_trend(list(state.coaching.values()), strategy_id, carer)
        assert trend.sessions == tuple(mine)
        assert trend.latest == mine[-1].fidelity
        since = independence_by_hand(mine)
        assert trend.independent_since == since
        assert trend.implementing_independently is (since is not None)


@st.composite
def coached_sessions(draw: st.DrawFn) -> list[al.model.CoachingSession]:
    """One carer's coaching sessions in one strategy, a week apart, on one checklist
    (sometimes replaced part-way), each scored step by step or (half the time) with
    every step as coached, with fidelity computed by the checklist."""
    checklists = draw(st.lists(s.fidelity_checklists(max_steps=4), min_size=1, max_size=2))
    start = pendulum.datetime(2025, 1, 6, 9, tz="UTC")
    sessions: list[al.model.CoachingSession] = []
    for index in range(draw(st.integers(0, 8))):
        checklist = checklists[min(index * len(checklists) // 8, len(checklists) - 1)]
        steps = draw(s.step_fidelities(checklist=checklist))
        if draw(st.booleans()):
            rated = checklist.scale is al.model.FidelityScale.RATING
            steps = tuple(
                al.model.StepFidelity(step_id=x.step_id, rating=5)
                if rated
                else al.model.StepFidelity(step_id=x.step_id, observed=al.model.StepObserved.DONE)
                for x in steps
            )
        sessions.append(
            al.model.CoachingSession(
                session_id=f"c{index}",
                strategy_id="s1",
                carer="maria",
                steps=steps,
                checklist=checklist,
                fidelity=checklist.fidelity(steps),
                coached_by="ana",
                held_at=start.add(days=7 * index),
            )
        )
    return sessions


@settings(max_examples=max(settings.default.max_examples, 200))
@given(sessions=coached_sessions(), data=st.data())
def test_a_trend_is_independent_exactly_when_the_last_sessions_reach_the_threshold(
    sessions: list[al.model.CoachingSession], data: st.DataObject
) -> None:
    others = [attrs.evolve(x, session_id=f"o{i}", carer="ola") for i, x in enumerate(sessions)]
    shuffled = data.draw(st.permutations([*sessions, *others]), label="order")
    trend = al.model.fidelity_trend(shuffled, "s1", "maria")
    assert trend.sessions == tuple(sessions)
    since = independence_by_hand(sessions)
    hypothesis.event(f"implementing independently: {since is not None}")
    assert trend.independent_since == since
    if sessions:
        checklist = sessions[-1].checklist
        latest = sessions[-checklist.sessions_needed :]
        independent = len(latest) == checklist.sessions_needed and all(
            x.checklist == checklist and x.fidelity >= checklist.independent_at - TOLERANCE
            for x in latest
        )
        assert trend.implementing_independently is independent
    else:
        assert trend.latest is None
        assert not trend.implementing_independently


# --- carers' wellbeing: seen only by whom the carer chose --------------------------------------


@given(events=s.partnership_histories())
def test_wellbeing_notes_and_support_offers_are_seen_only_by_whom_the_carer_chose(
    events: list[al.Event],
) -> None:
    # Who may see what, from the events alone: a note by its carer and the professionals
    # they chose; an offer by the carer, the professional offering and those it names.
    note_readers = {
        e.note_id: {e.actor, *e.shared_with}
        for e in events
        if isinstance(e, al.events.WellbeingNoted)
    }
    offer_readers = {
        e.offer_id: {e.carer, e.actor, *e.shared_with}
        for e in events
        if isinstance(e, al.events.SupportOffered)
    }
    state = al.fold(events)
    for member in sorted(state.members):
        if not state.members[member].is_current:  # a former member has no view
            with pytest.raises(al.NotAMemberError, match="a former member has no view"):
                al.as_seen_by(state, member)
            continue
        view = al.as_seen_by(state, member)
        may_see_notes = {k for k, readers in note_readers.items() if member in readers}
        may_see_offers = {k for k, readers in offer_readers.items() if member in readers}
        assert set(view.wellbeing) == may_see_notes
        assert set(view.support_offers) == may_see_offers
        for note_id, note in view.wellbeing.items():
            assert member == note.carer or member in note.shared_with
            assert note == state.wellbeing[note_id]  # seen whole, not altered
        for offer_id, offer in view.support_offers.items():
            assert member in {offer.carer, offer.offered_by} or member in offer.shared_with
            assert offer == state.support_offers[offer_id]


# --- RolePolicy ------------------------------------------------------------------------------


CARERS_OWN = (al.events.WellbeingNoted, al.events.AgreementAcknowledged)
CLINICIANS_OWN = (
    al.events.FidelityChecklistSet,
    al.events.CoachingSessionHeld,
    al.events.TransitionPlanAgreed,
    al.events.SupportOffered,
    al.events.AgreementIssued,
)


@given(events=s.partnership_histories())
def test_the_role_policy_allows_the_family_side_drawn_and_would_refuse_the_other_sides(
    events: list[al.Event],
) -> None:
    """Recorded under RolePolicy, every family-side event is accepted from the actor drawn,
    and the carers' own acts would be refused from any professional or educator, the
    clinicians' own from any carer or educator: the actors matter, the policy is not
    vacuous."""
    first, *rest = events
    assert isinstance(first, al.events.PartnershipFormed)
    partnership = al.Partnership.form(first, policy=al.RolePolicy())
    for event in rest:
        state = partnership.state
        if isinstance(event, (*CARERS_OWN, *CLINICIANS_OWN)):
            own = "carer" if isinstance(event, CARERS_OWN) else "professional"
            assert side_of(state, event.actor) == own
            for other in sorted(state.current_members()):
                if side_of(state, other) != own:
                    with pytest.raises(al.PermissionDenied):
                        al.RolePolicy().authorise(state, attrs.evolve(event, actor=other))
        partnership.record(event)  # raises PermissionDenied if the policy refuses it
    assert partnership.state == al.fold(events)


@given(events=s.partnership_histories())
def test_the_family_side_is_drawn_by_role(events: list[al.Event]) -> None:
    """The sides the generators draw for the family's side, from the events alone: the
    carers' own acts by carers, the professionals' by therapists and supervisors, and
    coaching and support for carers."""
    sides: dict[str, str] = {}
    for event in events:
        if isinstance(event, al.events.CarerJoined):
            sides[event.member_id] = "carer"
        elif isinstance(event, al.events.ProfessionalJoined):
            educator = event.role is al.ProfessionalRole.EDUCATOR
            sides[event.member_id] = "educator" if educator else "clinician"
        elif isinstance(event, CARERS_OWN):
            assert sides[event.actor] == "carer"
        elif isinstance(event, CLINICIANS_OWN):
            assert sides[event.actor] == "clinician"
            if isinstance(event, al.events.CoachingSessionHeld | al.events.SupportOffered):
                assert sides[event.carer] == "carer"
        elif isinstance(event, al.events.EducationAttended | al.events.TransitionReviewed):
            assert sides[event.actor] in {"carer", "clinician"}
