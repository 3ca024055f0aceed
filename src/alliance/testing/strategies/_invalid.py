"""Events the model must refuse on top of a state (private; import
:func:`invalid_next_events` from :mod:`alliance.testing.strategies`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
import pendulum
from hypothesis import strategies as st

import alliance as al
from alliance.testing.strategies._events import events_of
from alliance.testing.strategies._scalars import finite_floats, ids
from alliance.testing.strategies._vocabulary import GAPS

__all__ = [
    "invalid_next_events",
]

_BEFORE = st.integers(1, 10**9).map(lambda n: pendulum.Duration(microseconds=n))


@st.composite
def invalid_next_events(draw: st.DrawFn, *, state: al.PartnershipState) -> al.Event:
    """An event, valid on its own, that :meth:`alliance.Partnership.record` must refuse on
    top of *state* (for any state folded from a valid timeline).

    One of: agreeing to, recording progress on, or answering feedback / reviewing a
    setback / completing an action item / correcting an observation with an unknown id;
    an actor who is not a current member; a moment before the partnership was formed; a
    second ``PartnershipFormed``; a current member or the child joining again; a goal id
    that is already used; coaching on an unknown strategy, a plan for an unknown
    transition, support in reply to an unknown wellbeing note, or acknowledging a
    version of the agreement that is not in force.
    """
    later = state.last_event_at + draw(GAPS)
    members = sorted(state.current_members())
    actor = draw(st.sampled_from(members)) if members else draw(ids(max_size=10))
    carer = min(state.carers, default=actor)

    def unknown(existing: Iterable[str]) -> str:
        taken = set(existing)
        return draw(ids(max_size=12).filter(lambda i: i not in taken))

    def at(moment: pendulum.DateTime, who: str = actor) -> dict[str, Any]:
        return {"actor": who, "occurred_at": moment}

    choices: list[Callable[[], al.Event]] = [
        lambda: al.events.GoalAgreed(**at(later), goal_id=unknown(state.goals)),
        lambda: al.events.ProgressRecorded(
            **at(later),
            goal_id=unknown(state.goals),
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=draw(finite_floats),
        ),
        lambda: al.events.ProgressCorrected(
            **at(later), observation_id=unknown(state.observations), reason="typo", value=1.0
        ),
        lambda: al.events.FeedbackAnswered(
            **at(later),
            feedback_id=unknown(state.feedback),
            response=al.model.FeedbackResponse.ACKNOWLEDGED,
        ),
        lambda: al.events.SetbackReviewed(
            **at(later), setback_id=unknown(state.setbacks), note="ok"
        ),
        lambda: al.events.ActionItemCompleted(
            **at(later), action_item_id=unknown(state.action_items)
        ),
        lambda: draw(
            events_of(
                al.events.ConcernRaised,
                actors=st.just(unknown(state.current_members())),
                times=st.just(later),
            )
        ),
        lambda: draw(
            events_of(
                al.events.ResourceShared,
                actors=st.just(actor),
                times=st.just(state.formed_at - draw(_BEFORE)),
            )
        ),
        lambda: draw(events_of(al.events.PartnershipFormed, times=st.just(later))),
        lambda: al.events.CarerJoined(
            **at(later, state.formed_by),
            member_id=draw(st.sampled_from([state.child_id, *members])),
            relationship=al.CarerRelationship.PARENT,
        ),
        lambda: al.events.CoachingSessionHeld(
            **at(later),
            session_id=unknown(state.coaching),
            strategy_id=unknown(state.strategies),
            carer=carer,
            steps=(al.model.StepFidelity(step_id="s1", observed=al.model.StepObserved.DONE),),
        ),
        lambda: attrs.evolve(
            draw(
                events_of(
                    al.events.TransitionPlanAgreed, actors=st.just(actor), times=st.just(later)
                )
            ),
            transition_id=unknown(state.transitions),
        ),
        lambda: al.events.SupportOffered(
            **at(later),
            offer_id=unknown(state.support_offers),
            carer=carer,
            kind=al.model.SupportKind.PEER_GROUP,
            description="a parents' group",
            in_reply_to=unknown(state.wellbeing),
        ),
        lambda: al.events.AgreementAcknowledged(
            **at(later),
            version=1 if state.agreement is None else state.agreement.version + 1,
        ),
    ]
    if state.goals:
        choices.append(
            lambda: attrs.evolve(
                draw(
                    events_of(al.events.GoalProposed, actors=st.just(actor), times=st.just(later))
                ),
                goal_id=draw(st.sampled_from(list(state.goals))),
            )
        )
    return draw(st.sampled_from(choices))()
