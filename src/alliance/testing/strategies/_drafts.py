"""The drafts of the few events whose fields have a rule across them, and what a
history prefers and needs (private; used by :mod:`._histories`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

import alliance as al
from alliance.model.membership import side_of
from alliance.testing.strategies._scalars import ids
from alliance.testing.strategies._values import (
    fidelity_checklists,
    measurable_targets,
    measure_answers,
    score_steps,
)

if TYPE_CHECKING:
    from alliance.testing.strategies._histories import History

SHORT_IDS = ids(max_size=10)
VALUES = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
MAYBE_VALUES = st.none() | VALUES
MAX_MEMBERS = 8


# --- rules across fields: the drafts of a few events ---------------------------------------------

_Draft = Callable[["History", dict[str, Any]], dict[str, Any] | None]


def _joining(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    if "member_id" in fixed:
        return {}
    if len(h.state.current_members()) >= MAX_MEMBERS:
        return None
    former = sorted(m for m, ms in h.state.members.items() if not ms.is_current)
    return {"member_id": h.pick(former) if former and h.chance() else h.fresh("member")}


def _leaving(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    """Only from a side with two or more members, never the last professional: both
    sides stay staffed, so that the history can go on."""
    professionals = h.members(al.Side.PROFESSIONAL)
    leavers = [
        m
        for side in (h.state.carers, h.state.professionals)
        if len(side) >= 2
        for m in sorted(side)
        if m not in professionals or len(professionals) >= 2
    ]
    return {"member_id": h.pick(leavers)} if leavers else None


def _status(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    if "status" in fixed:
        return {}
    return {
        "status": h.pick((al.model.PartnershipStatus.ACTIVE, al.model.PartnershipStatus.PAUSED))
    }


def _value_and_gas(h: History, goal: al.model.Goal) -> dict[str, Any]:
    gas = goal.current.gas_scale is not None
    shape = h.draw(st.integers(0, 2)) if gas else 0
    value = h.draw(VALUES) if shape != 1 else None
    level = h.draw(st.integers(-2, 2)) if shape != 0 else None
    return {"value": value, "gas_level": level}


def _progress(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    goals = [g for g in h.state.goals.values() if not g.status.is_closed]
    if "goal_id" in fixed:
        goals = [h.state.goals[fixed["goal_id"]]]
    if not goals:
        return None
    goal = h.pick(goals)
    # mostly everyday observations, which every side records; else session or probe data
    kind = (
        al.model.ObservationKind.EVERYDAY if h.chance() else h.pick(list(al.model.ObservationKind))
    )
    return {"goal_id": goal.goal_id, "kind": kind, **_value_and_gas(h, goal)}


def _correction(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    if not h.state.observations:
        return None
    observation = h.state.observations[h.pick(sorted(h.state.observations))]
    goal = h.state.goals[observation.goal_id]
    return {"observation_id": observation.observation_id, **_value_and_gas(h, goal)}


def _measure(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    state = h.state
    by_role = {
        al.measures.RespondentRole.CHILD: [state.child_id],
        al.measures.RespondentRole.CARER: sorted(state.carers),
        al.measures.RespondentRole.PROFESSIONAL: sorted(state.professionals),
    }
    choices = [
        (instrument, respondent)
        for instrument in al.measures.SHIPPED_INSTRUMENTS
        for role in sorted(instrument.respondents)
        for respondent in by_role[role]
    ]
    instrument, respondent = h.pick(choices)
    return {
        "instrument": instrument,
        "respondent": respondent,
        "answers": measure_answers(h.draw, instrument),
    }


def _coaching(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    coached = sorted(
        s
        for s, strategy in h.state.strategies.items()
        if strategy.is_active and s in h.state.checklists
    )
    if not coached or not h.state.carers:
        return None
    strategy = h.state.strategies[h.pick(coached)]
    theirs = sorted(strategy.carers & h.state.carers)
    checklist = h.state.checklists[strategy.strategy_id].checklist
    if h.chance():  # every step as coached, so that carers reach independence
        steps = tuple(
            al.model.StepFidelity(step_id=step_id, rating=5)
            if checklist.scale is al.model.FidelityScale.RATING
            else al.model.StepFidelity(step_id=step_id, observed=al.model.StepObserved.DONE)
            for step_id in checklist.step_ids
        )
    else:
        steps = score_steps(h.draw, checklist)
    return {
        "strategy_id": strategy.strategy_id,
        "carer": h.pick(theirs or sorted(h.state.carers)),
        "steps": steps,
    }


def _checklist(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    return {"checklist": h.draw(_HISTORY_CHECKLISTS)}


_HISTORY_CHECKLISTS = fidelity_checklists(max_steps=4)


def _agreement_issued(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    current = h.state.agreement
    return {"version": 1 if current is None else current.version + 1}


def _agreement_acknowledged(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    current = h.state.agreement
    return None if current is None else {"version": current.version}


def _transition_reviewed(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    open_ones = sorted(t for t, x in h.state.transitions.items() if not x.is_reviewed)
    if not open_ones:
        return None
    transition = h.state.transitions[h.pick(open_ones)]
    h.until(transition.date)
    return {"transition_id": transition.transition_id}


def _celebration(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    """Linked to nothing, a goal, an observation (and its goal) or a strategy (and the
    goal it serves)."""
    state = h.state
    shape = h.draw(st.integers(0, 3))
    if shape == 1 and state.goals:
        return {"goal_id": h.pick(sorted(state.goals)), "observation_id": None, "strategy_id": None}
    if shape == 2 and state.observations:
        observation = state.observations[h.pick(sorted(state.observations))]
        goal_id = observation.goal_id if h.chance() else None
        return {
            "goal_id": goal_id,
            "observation_id": observation.observation_id,
            "strategy_id": None,
        }
    if shape == 3 and state.strategies:
        strategy = state.strategies[h.pick(sorted(state.strategies))]
        goal_id = strategy.goal_id if h.chance() else None
        return {"goal_id": goal_id, "observation_id": None, "strategy_id": strategy.strategy_id}
    return {"goal_id": None, "observation_id": None, "strategy_id": None}


def _support(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    notes = sorted(h.state.wellbeing)
    shared = frozenset() if h.chance() else h.some(h.members(al.Side.PROFESSIONAL), min_size=1)
    if notes and h.chance():
        note = h.state.wellbeing[h.pick(notes)]
        return {"in_reply_to": note.note_id, "carer": note.carer, "shared_with": shared}
    return {"in_reply_to": None, "shared_with": shared}


def _wellbeing(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    shared = frozenset() if h.chance() else h.some(h.members(al.Side.PROFESSIONAL), min_size=1)
    return {"shared_with": shared}


def _plan(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    carers, professionals = h.members(al.Side.CARER), h.members(al.Side.PROFESSIONAL)
    if not carers or not professionals:
        return None
    chosen = {h.pick(carers), h.pick(professionals)} | set(h.some(h.members(), min_size=0))
    return {"participants": frozenset(chosen)}


def _consent(h: History, fixed: dict[str, Any]) -> dict[str, Any] | None:
    """For the school, a member (mostly an educator) by name, or another party."""
    kind = h.draw(st.integers(0, 2))
    if kind == 0:
        party = al.model.SCHOOL
    elif kind == 1:
        party = h.pick(h.members(al.Side.EDUCATOR) or h.members())
    else:
        party = h.draw(SHORT_IDS)
    return {"party": party}


DRAFTS: dict[type[al.Event], _Draft] = {
    al.events.CarerJoined: _joining,
    al.events.ProfessionalJoined: _joining,
    al.events.MemberLeft: _leaving,
    al.events.PartnershipStatusChanged: _status,
    al.events.ProgressRecorded: _progress,
    al.events.ProgressCorrected: _correction,
    al.events.MeasureCompleted: _measure,
    al.events.FidelityChecklistSet: _checklist,
    al.events.CoachingSessionHeld: _coaching,
    al.events.AgreementIssued: _agreement_issued,
    al.events.AgreementAcknowledged: _agreement_acknowledged,
    al.events.TransitionReviewed: _transition_reviewed,
    al.events.SuccessCelebrated: _celebration,
    al.events.SupportOffered: _support,
    al.events.WellbeingNoted: _wellbeing,
    al.events.CommunicationPlanAgreed: _plan,
    al.events.ConsentGranted: _consent,
}
"""Events whose fields have a rule across them: the fields drafted together (the rest
of the event is drafted field by field)."""

STATE_VALUES: dict[type[Any], Callable[[History], Any]] = {
    al.model.Audience: lambda h: h.audience(),
    al.model.MeasurableTarget: lambda h: h.draw(
        measurable_targets(due=st.just(h.due()), values=VALUES)
    ),
}
"""Values drawn from the state by hand (a rule across their fields)."""

FREE_VALUES: frozenset[type[Any]] = frozenset(
    {al.model.GasScale, al.model.MasteryCriterion, al.model.FidelityChecklist}
)


def sharing(h: History) -> Callable[[al.Event], bool]:
    """Agreement from the side a proposed goal still lacks (so that goals get shared)."""

    def would_share(event: al.Event) -> bool:
        assert isinstance(event, al.events.GoalAgreed)
        goal = h.state.goals[event.goal_id]
        agreed = {h.state.role_of(m) for m in goal.members_with(al.model.Position.AGREED)}
        return (
            goal.status is al.model.GoalStatus.PROPOSED
            and h.state.role_of(event.actor) not in agreed
        )

    return would_share


def _new_side(h: History) -> Callable[[al.Event], bool]:
    """An observation from a side that has not observed the goal yet (so that goals are
    observed at home and in the clinic)."""

    def new(event: al.Event) -> bool:
        assert isinstance(event, al.events.ProgressRecorded)
        seen = {h.state.members[o.observer].side for o in h.state.observations_for(event.goal_id)}
        return side_of(h.state, event.actor) not in seen

    return new


PREFER: dict[type[al.Event], Callable[[History], Callable[[al.Event], bool]]] = {
    al.events.GoalAgreed: sharing,
    al.events.ProgressRecorded: _new_side,
}
"""Whom a history prefers to record an event, among those the model accepts."""

NEEDS: dict[type[al.Event], Callable[[al.PartnershipState], bool]] = {
    al.events.AgreementAcknowledged: lambda state: state.agreement is not None,
    al.events.CoachingSessionHeld: lambda state: bool(state.checklists),
}
"""What an event needs in the state beyond the records its fields name."""

ACTIVE = {"status": al.model.PartnershipStatus.ACTIVE}
CARER_SETTINGS = frozenset({al.model.Setting.HOME, al.model.Setting.COMMUNITY})

ALWAYS: tuple[type[al.Event], ...] = (
    al.events.GoalProposed,
    al.events.ConcernRaised,
    al.events.SetbackReported,
    al.events.TransitionAnnounced,
)
"""Events some member may record in any open partnership with a carer and a
professional."""
