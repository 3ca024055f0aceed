"""A partnership's state, folded from its timeline.

:func:`fold` replays events in order and never validates them (they were validated when
they were recorded); :class:`alliance.Partnership` validates new events before they are
folded in. Treat a :class:`PartnershipState` as read-only: it is rebuilt from the events
whenever it is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import attrs
import pendulum

from alliance.errors import DomainError
from alliance.model import _checks as c
from alliance.model import events as ev
from alliance.model.agreement import AgreementAcknowledged, AgreementIssued, AgreementVersion
from alliance.model.audience import AudienceScope
from alliance.model.celebrations import Celebration, SuccessCelebrated
from alliance.model.check_ins import ActionItemStatus, CheckIn
from alliance.model.coaching import (
    CoachingSession,
    CoachingSessionHeld,
    EducationAttended,
    EducationRecord,
    FidelityChecklist,
    FidelityChecklistSet,
)
from alliance.model.concerns import Concern, ConcernResolution, Escalation
from alliance.model.consent import Consent, ConsentGranted, ConsentWithdrawn
from alliance.model.feedback import FeedbackAnswer, FeedbackItem
from alliance.model.goals import Goal, GoalPosition, GoalStatus, GoalVersion, Position
from alliance.model.home_practice import HomePracticeStrategy, PracticeLogEntry, StrategyAdaptation
from alliance.model.measures import MeasureCompleted, MeasureResponse, RespondentRole
from alliance.model.partnership import CommunicationPlan, PartnershipStatus, Setting
from alliance.model.people import MemberRole, Membership
from alliance.model.progress import Observation
from alliance.model.resources import SharedResource
from alliance.model.setbacks import ResponsePlan, Setback, SetbackReview
from alliance.model.transitions import (
    SharedInformation,
    Transition,
    TransitionAnnounced,
    TransitionInformationShared,
    TransitionPlan,
    TransitionPlanAgreed,
    TransitionRescheduled,
    TransitionReview,
    TransitionReviewed,
)
from alliance.model.wellbeing import SupportOffer, SupportOffered, WellbeingNote, WellbeingNoted

E = TypeVar("E", bound=ev.Event)


@attrs.frozen(kw_only=True)
class StrategyChecklist:
    """The fidelity checklist a coached strategy has now, and who set it when."""

    strategy_id: str
    checklist: FidelityChecklist
    set_by: str
    set_at: pendulum.DateTime


@attrs.define(kw_only=True)
class PartnershipState:
    """Where a partnership stands after a sequence of events.

    Collections are dicts keyed by id, in the order the records were created.

    Attributes:
        partnership_id, clinic_id, child_id, time_zone: from the forming event.
        settings: where the child is supported now.
        status: the partnership's lifecycle status.
        formed_at, formed_by: when and by whom it was formed.
        status_changed_at: when ``status`` last changed.
        version: how many events have been folded.
        last_event_at: the latest ``occurred_at`` folded.
        members: everyone who ever joined, by id (see :attr:`Membership.is_current`).
        communication_plan: the latest agreed plan, if any.
        goals, observations, check_ins, action_items, feedback, strategies,
        practice_log, setbacks, concerns, resources, measures: the partnership's
        records (``measures`` holds the completed standardised measures).
        consents: the family's consents to sharing, granted and withdrawn, by id.
        checklists: the fidelity checklist of each coached strategy, by strategy id
            (:class:`StrategyChecklist`).
        coaching: coaching sessions (carers' training), by id.
        education: education carers attended, by id.
        transitions: transitions planned together, by id.
        celebrations: successes celebrated, by id.
        wellbeing: carers' own wellbeing notes, by id (see :func:`alliance.as_seen_by`).
        support_offers: support offered to carers, by id.
        agreements: every version of the partnership agreement, oldest first.
    """

    partnership_id: str
    clinic_id: str
    child_id: str
    time_zone: str
    settings: frozenset[Setting]
    status: PartnershipStatus
    formed_at: pendulum.DateTime
    formed_by: str
    status_changed_at: pendulum.DateTime
    version: int
    last_event_at: pendulum.DateTime
    members: dict[str, Membership] = attrs.field(factory=dict)
    settings_changed_at: pendulum.DateTime | None = None
    communication_plan: CommunicationPlan | None = None
    communication_plan_agreed_at: pendulum.DateTime | None = None
    goals: dict[str, Goal] = attrs.field(factory=dict)
    observations: dict[str, Observation] = attrs.field(factory=dict)
    check_ins: dict[str, CheckIn] = attrs.field(factory=dict)
    action_items: dict[str, ActionItemStatus] = attrs.field(factory=dict)
    feedback: dict[str, FeedbackItem] = attrs.field(factory=dict)
    strategies: dict[str, HomePracticeStrategy] = attrs.field(factory=dict)
    practice_log: dict[str, PracticeLogEntry] = attrs.field(factory=dict)
    setbacks: dict[str, Setback] = attrs.field(factory=dict)
    concerns: dict[str, Concern] = attrs.field(factory=dict)
    resources: dict[str, SharedResource] = attrs.field(factory=dict)
    measures: dict[str, MeasureResponse] = attrs.field(factory=dict)
    consents: dict[str, Consent] = attrs.field(factory=dict)
    checklists: dict[str, StrategyChecklist] = attrs.field(factory=dict)
    coaching: dict[str, CoachingSession] = attrs.field(factory=dict)
    education: dict[str, EducationRecord] = attrs.field(factory=dict)
    transitions: dict[str, Transition] = attrs.field(factory=dict)
    celebrations: dict[str, Celebration] = attrs.field(factory=dict)
    wellbeing: dict[str, WellbeingNote] = attrs.field(factory=dict)
    support_offers: dict[str, SupportOffer] = attrs.field(factory=dict)
    agreements: tuple[AgreementVersion, ...] = ()

    # --- questions a clinic asks ------------------------------------------------------

    def local_date(self, moment: dt.datetime) -> pendulum.Date:
        """The date of *moment* in the partnership's time zone."""
        local = c.utc_datetime("moment", moment).in_timezone(self.time_zone)
        return pendulum.Date(local.year, local.month, local.day)

    def role_of(self, member_id: str) -> MemberRole | None:
        """The current role of *member_id*, or ``None`` if they are not a current member."""
        membership = self.members.get(member_id)
        if membership is None or not membership.is_current:
            return None
        return membership.role

    def current_members(self, role: MemberRole | None = None) -> frozenset[str]:
        """Ids of current members, optionally only those with *role*."""
        return frozenset(
            m.member_id
            for m in self.members.values()
            if m.is_current and (role is None or m.role is role)
        )

    @property
    def carers(self) -> frozenset[str]:
        """Ids of the current carers."""
        return self.current_members(MemberRole.CARER)

    @property
    def professionals(self) -> frozenset[str]:
        """Ids of the current professionals."""
        return self.current_members(MemberRole.PROFESSIONAL)

    def goals_with(self, *statuses: GoalStatus) -> list[Goal]:
        """Goals whose status is one of *statuses*, in the order they were proposed."""
        return [g for g in self.goals.values() if g.status in statuses]

    @property
    def shared_goals(self) -> list[Goal]:
        """Active goals: agreed by at least one carer and one professional."""
        return self.goals_with(GoalStatus.ACTIVE)

    def observations_for(self, goal_id: str) -> list[Observation]:
        """A goal's observations ordered by when the child was observed."""
        found = [o for o in self.observations.values() if o.goal_id == goal_id]
        found.sort(key=lambda o: o.observed_at)
        return found

    def open_feedback(self) -> list[FeedbackItem]:
        """Feedback still waiting for the other side's answer, oldest first."""
        return sorted((f for f in self.feedback.values() if f.is_open), key=lambda f: f.given_at)

    def open_setbacks(self) -> list[Setback]:
        """Setbacks not yet resolved, oldest first."""
        return [s for s in self.setbacks.values() if not s.is_resolved]

    def open_concerns(self) -> list[Concern]:
        """Concerns and disagreements not yet resolved, oldest first."""
        return [x for x in self.concerns.values() if x.is_open]

    def practice_for(self, strategy_id: str) -> list[PracticeLogEntry]:
        """A strategy's practice log, ordered by when the practice took place."""
        found = [p for p in self.practice_log.values() if p.strategy_id == strategy_id]
        found.sort(key=lambda p: p.practised_at)
        return found

    def measures_for(
        self, instrument_id: str | None = None, respondent: str | None = None
    ) -> list[MeasureResponse]:
        """Completed measures, optionally of one instrument and one respondent, ordered by
        when they were answered."""
        found = [
            m
            for m in self.measures.values()
            if (instrument_id is None or m.instrument_id == instrument_id)
            and (respondent is None or m.respondent == respondent)
        ]
        found.sort(key=lambda m: m.completed_at)
        return found

    def consents_for(
        self, party: str, goal_id: str | None = None, at: dt.datetime | None = None
    ) -> list[Consent]:
        """Consents for sharing with *party* (covering *goal_id*, if given) that are in
        force now, or were at *at*, oldest first."""
        moment = None if at is None else c.utc_datetime("at", at)
        return [
            x
            for x in self.consents.values()
            if x.party == party
            and (goal_id is None or x.covers(goal_id))
            and (x.in_force if moment is None else x.in_force_at(moment))
        ]

    @property
    def agreement(self) -> AgreementVersion | None:
        """The partnership agreement in force (its latest version), if one was issued."""
        return self.agreements[-1] if self.agreements else None

    def coaching_for(
        self, strategy_id: str | None = None, carer: str | None = None
    ) -> list[CoachingSession]:
        """Coaching sessions, optionally of one strategy and one carer, oldest first
        (those held at the same moment by id, as :func:`alliance.fidelity_trend` orders
        them)."""
        found = [
            x
            for x in self.coaching.values()
            if (strategy_id is None or x.strategy_id == strategy_id)
            and (carer is None or x.carer == carer)
        ]
        found.sort(key=lambda x: (x.held_at, x.session_id))
        return found

    def celebrations_shared_with_family(self) -> list[Celebration]:
        """Successes a professional celebrated with the family (for everyone, or naming a
        current carer), oldest first: good news shared."""
        found = []
        for celebration in self.celebrations.values():
            author = self.members.get(celebration.celebrated_by)
            if author is None or author.role is not MemberRole.PROFESSIONAL:
                continue
            audience = celebration.audience
            if audience.scope is AudienceScope.EVERYONE or (
                audience.scope is AudienceScope.NAMED and audience.members & self.carers
            ):
                found.append(celebration)
        found.sort(key=lambda x: x.celebrated_at)
        return found

    def upcoming_transitions(self) -> list[Transition]:
        """Transitions not yet reviewed, soonest first."""
        return sorted(
            (t for t in self.transitions.values() if not t.is_reviewed),
            key=lambda t: (t.date, t.announced_at),
        )

    def copy(self) -> PartnershipState:
        """A copy whose collections can change without touching this one."""
        changes: dict[str, Any] = {
            a.name: dict(getattr(self, a.name))
            for a in attrs.fields(PartnershipState)
            if isinstance(getattr(self, a.name), dict)
        }
        return attrs.evolve(self, **changes)


# --- folding -----------------------------------------------------------------------------

_Apply = Callable[[PartnershipState, Any], None]
_APPLY: dict[type[ev.Event], _Apply] = {}


def _applies(event_type: type[E]) -> Callable[[Callable[[PartnershipState, E], None]], _Apply]:
    def register(fn: Callable[[PartnershipState, E], None]) -> _Apply:
        _APPLY[event_type] = fn
        return fn

    return register


def fold(events: Iterable[ev.Event]) -> PartnershipState:
    """Fold *events* (a timeline, first event :class:`PartnershipFormed`) into a state.

    Raises:
        DomainError: if there are no events or the first is not ``PartnershipFormed``.
    """
    iterator = iter(events)
    first = next(iterator, None)
    if first is None:
        raise DomainError("events", "a timeline needs at least its PartnershipFormed event")
    state = start(first)
    for event in iterator:
        apply(state, event)
    return state


def start(first: ev.Event) -> PartnershipState:
    """The state right after a timeline's first event."""
    if not isinstance(first, ev.PartnershipFormed):
        raise DomainError(
            "events", f"a timeline starts with PartnershipFormed, not {type(first).__name__}"
        )
    return PartnershipState(
        partnership_id=first.partnership_id,
        clinic_id=first.clinic_id,
        child_id=first.child_id,
        time_zone=first.time_zone,
        settings=first.settings,
        status=PartnershipStatus.FORMING,
        formed_at=first.occurred_at,
        formed_by=first.actor,
        status_changed_at=first.occurred_at,
        version=1,
        last_event_at=first.occurred_at,
    )


def apply(state: PartnershipState, event: ev.Event) -> None:
    """Fold one more event into *state* (in place)."""
    handler = _APPLY.get(type(event))
    if handler is None:
        raise DomainError(
            "event", f"{type(event).__name__} is not an event a partnership's timeline can hold"
        )
    handler(state, event)
    state.version += 1
    state.last_event_at = max(state.last_event_at, event.occurred_at)


def iter_states(events: Iterable[ev.Event]) -> Iterator[PartnershipState]:
    """Yield a copy of the state after each event (for tests and audits; O(n²) copies)."""
    iterator = iter(events)
    first = next(iterator, None)
    if first is None:
        return
    state = start(first)
    yield state.copy()
    for event in iterator:
        apply(state, event)
        yield state.copy()


# --- members and the partnership -----------------------------------------------------------


@_applies(ev.PartnershipFormed)
def _formed_again(state: PartnershipState, event: ev.PartnershipFormed) -> None:
    raise DomainError("event", "PartnershipFormed can only be a timeline's first event")


@_applies(ev.CarerJoined)
def _carer_joined(state: PartnershipState, event: ev.CarerJoined) -> None:
    state.members[event.member_id] = Membership(
        member_id=event.member_id,
        role=MemberRole.CARER,
        relationship=event.relationship,
        joined_at=event.occurred_at,
    )


@_applies(ev.ProfessionalJoined)
def _professional_joined(state: PartnershipState, event: ev.ProfessionalJoined) -> None:
    state.members[event.member_id] = Membership(
        member_id=event.member_id,
        role=MemberRole.PROFESSIONAL,
        discipline=event.discipline,
        professional_role=event.role,
        joined_at=event.occurred_at,
    )


@_applies(ev.MemberLeft)
def _member_left(state: PartnershipState, event: ev.MemberLeft) -> None:
    state.members[event.member_id] = attrs.evolve(
        state.members[event.member_id], left_at=event.occurred_at
    )


@_applies(ev.SettingsChanged)
def _settings_changed(state: PartnershipState, event: ev.SettingsChanged) -> None:
    state.settings = event.settings
    state.settings_changed_at = event.occurred_at


@_applies(ev.CommunicationPlanAgreed)
def _plan_agreed(state: PartnershipState, event: ev.CommunicationPlanAgreed) -> None:
    state.communication_plan = CommunicationPlan(
        cadence=event.cadence, channels=event.channels, participants=event.participants
    )
    state.communication_plan_agreed_at = event.occurred_at


@_applies(ev.PartnershipStatusChanged)
def _status_changed(state: PartnershipState, event: ev.PartnershipStatusChanged) -> None:
    state.status = event.status
    state.status_changed_at = event.occurred_at


# --- goals -----------------------------------------------------------------------------


def _share_if_agreed(state: PartnershipState, goal: Goal, at: pendulum.DateTime) -> Goal:
    """Make a proposed goal active once a carer and a professional agree to it."""
    if goal.status is not GoalStatus.PROPOSED:
        return goal
    roles = {
        p.role if p.role is not None else state.role_of(p.member_id)
        for p in goal.positions.values()
        if p.position is Position.AGREED
    }
    if MemberRole.CARER in roles and MemberRole.PROFESSIONAL in roles:
        return attrs.evolve(
            goal,
            status=GoalStatus.ACTIVE,
            status_changed_at=at,
            shared_at=goal.shared_at or at,
            status_reason=None,
        )
    return goal


@_applies(ev.GoalProposed)
def _goal_proposed(state: PartnershipState, event: ev.GoalProposed) -> None:
    version = GoalVersion(
        number=1,
        statement=event.statement,
        why_it_matters=event.why_it_matters,
        target=event.target,
        gas_scale=event.gas_scale,
        mastery=event.mastery,
        written_by=event.actor,
        written_at=event.occurred_at,
    )
    goal = Goal(
        goal_id=event.goal_id,
        domain=event.domain,
        proposed_by=event.actor,
        proposed_at=event.occurred_at,
        versions=(version,),
        positions={
            event.actor: GoalPosition(
                member_id=event.actor,
                position=Position.AGREED,
                at=event.occurred_at,
                role=state.role_of(event.actor),
            )
        },
        status=GoalStatus.PROPOSED,
        status_changed_at=event.occurred_at,
    )
    state.goals[event.goal_id] = _share_if_agreed(state, goal, event.occurred_at)


def _take_position(
    state: PartnershipState, event: ev.Event, goal_id: str, position: Position, reason: str | None
) -> None:
    goal = state.goals[goal_id]
    positions = dict(goal.positions)
    positions[event.actor] = GoalPosition(
        member_id=event.actor,
        position=position,
        at=event.occurred_at,
        reason=reason,
        role=state.role_of(event.actor),
    )
    goal = attrs.evolve(goal, positions=positions)
    state.goals[goal_id] = _share_if_agreed(state, goal, event.occurred_at)


@_applies(ev.GoalAgreed)
def _goal_agreed(state: PartnershipState, event: ev.GoalAgreed) -> None:
    _take_position(state, event, event.goal_id, Position.AGREED, event.comment)


@_applies(ev.GoalConcernNoted)
def _goal_concern(state: PartnershipState, event: ev.GoalConcernNoted) -> None:
    _take_position(state, event, event.goal_id, Position.CONCERNED, event.reason)


@_applies(ev.GoalObjected)
def _goal_objected(state: PartnershipState, event: ev.GoalObjected) -> None:
    _take_position(state, event, event.goal_id, Position.OBJECTED, event.reason)


@_applies(ev.GoalRevised)
def _goal_revised(state: PartnershipState, event: ev.GoalRevised) -> None:
    goal = state.goals[event.goal_id]
    version = GoalVersion(
        number=len(goal.versions) + 1,
        statement=event.statement,
        why_it_matters=event.why_it_matters,
        target=event.target,
        gas_scale=event.gas_scale,
        mastery=event.mastery,
        written_by=event.actor,
        written_at=event.occurred_at,
        revision_reason=event.reason,
        explanation=event.explanation,
    )
    goal = attrs.evolve(
        goal,
        versions=(*goal.versions, version),
        positions={
            event.actor: GoalPosition(
                member_id=event.actor,
                position=Position.AGREED,
                at=event.occurred_at,
                role=state.role_of(event.actor),
            )
        },
        status=GoalStatus.PROPOSED,
        status_changed_at=event.occurred_at,
        status_reason=None,
    )
    state.goals[event.goal_id] = _share_if_agreed(state, goal, event.occurred_at)


def _set_goal_status(
    state: PartnershipState, event: ev.Event, goal_id: str, status: GoalStatus, reason: str | None
) -> None:
    state.goals[goal_id] = attrs.evolve(
        state.goals[goal_id],
        status=status,
        status_changed_at=event.occurred_at,
        status_reason=reason,
    )


@_applies(ev.GoalPutOnHold)
def _goal_on_hold(state: PartnershipState, event: ev.GoalPutOnHold) -> None:
    _set_goal_status(state, event, event.goal_id, GoalStatus.ON_HOLD, event.reason)


@_applies(ev.GoalResumed)
def _goal_resumed(state: PartnershipState, event: ev.GoalResumed) -> None:
    _set_goal_status(state, event, event.goal_id, GoalStatus.ACTIVE, None)


@_applies(ev.GoalAchieved)
def _goal_achieved(state: PartnershipState, event: ev.GoalAchieved) -> None:
    _set_goal_status(state, event, event.goal_id, GoalStatus.ACHIEVED, event.note)


@_applies(ev.GoalDiscontinued)
def _goal_discontinued(state: PartnershipState, event: ev.GoalDiscontinued) -> None:
    _set_goal_status(state, event, event.goal_id, GoalStatus.DISCONTINUED, event.reason)


# --- progress --------------------------------------------------------------------------


@_applies(ev.ProgressRecorded)
def _progress_recorded(state: PartnershipState, event: ev.ProgressRecorded) -> None:
    state.observations[event.observation_id] = Observation(
        observation_id=event.observation_id,
        goal_id=event.goal_id,
        observed_at=event.occurred_at,
        observer=event.actor,
        setting=event.setting,
        kind=event.kind,
        value=event.value,
        gas_level=event.gas_level,
        note=event.note,
        trials=event.trials,
        first_trial_independent=event.first_trial_independent,
        audience=event.audience,
    )


@_applies(ev.ProgressCorrected)
def _progress_corrected(state: PartnershipState, event: ev.ProgressCorrected) -> None:
    state.observations[event.observation_id] = attrs.evolve(
        state.observations[event.observation_id],
        value=event.value,
        gas_level=event.gas_level,
        correction_reason=event.reason,
        corrected_by=event.actor,
        corrected_at=event.occurred_at,
    )


# --- check-ins -------------------------------------------------------------------------


@_applies(ev.CheckInHeld)
def _check_in_held(state: PartnershipState, event: ev.CheckInHeld) -> None:
    state.check_ins[event.check_in_id] = CheckIn(
        check_in_id=event.check_in_id,
        held_at=event.occurred_at,
        recorded_by=event.actor,
        kind=event.kind,
        purpose=event.purpose,
        channel=event.channel,
        participants=event.participants,
        topics=event.topics,
        good_news=event.good_news,
        concerns=event.concerns,
        decisions=event.decisions,
        action_items=event.action_items,
        audience=event.audience,
    )
    for item in event.action_items:
        state.action_items[item.action_item_id] = ActionItemStatus(
            item=item, check_in_id=event.check_in_id
        )


@_applies(ev.ActionItemCompleted)
def _action_done(state: PartnershipState, event: ev.ActionItemCompleted) -> None:
    state.action_items[event.action_item_id] = attrs.evolve(
        state.action_items[event.action_item_id],
        completed_at=event.occurred_at,
        completion_note=event.note,
    )


# --- feedback --------------------------------------------------------------------------


@_applies(ev.FeedbackGiven)
def _feedback_given(state: PartnershipState, event: ev.FeedbackGiven) -> None:
    state.feedback[event.feedback_id] = FeedbackItem(
        feedback_id=event.feedback_id,
        kind=event.kind,
        given_by=event.actor,
        given_at=event.occurred_at,
        message=event.message,
        goal_id=event.goal_id,
        strategy_id=event.strategy_id,
        audience=event.audience,
    )


@_applies(ev.FeedbackAnswered)
def _feedback_answered(state: PartnershipState, event: ev.FeedbackAnswered) -> None:
    state.feedback[event.feedback_id] = attrs.evolve(
        state.feedback[event.feedback_id],
        answer=FeedbackAnswer(
            response=event.response,
            message=event.message,
            answered_by=event.actor,
            answered_at=event.occurred_at,
        ),
    )


# --- home practice ---------------------------------------------------------------------


@_applies(ev.HomePracticePlanned)
def _practice_planned(state: PartnershipState, event: ev.HomePracticePlanned) -> None:
    state.strategies[event.strategy_id] = HomePracticeStrategy(
        strategy_id=event.strategy_id,
        goal_id=event.goal_id,
        description=event.description,
        times_per_week=event.times_per_week,
        setting=event.setting,
        carers=event.carers,
        planned_by=event.actor,
        planned_at=event.occurred_at,
    )


@_applies(ev.HomePracticeAdapted)
def _practice_adapted(state: PartnershipState, event: ev.HomePracticeAdapted) -> None:
    strategy = state.strategies[event.strategy_id]
    adaptation = StrategyAdaptation(
        description=event.description,
        times_per_week=event.times_per_week,
        reason=event.reason,
        adapted_by=event.actor,
        adapted_at=event.occurred_at,
    )
    state.strategies[event.strategy_id] = attrs.evolve(
        strategy,
        description=event.description,
        times_per_week=event.times_per_week,
        adaptations=(*strategy.adaptations, adaptation),
    )


@_applies(ev.HomePracticeStopped)
def _practice_stopped(state: PartnershipState, event: ev.HomePracticeStopped) -> None:
    state.strategies[event.strategy_id] = attrs.evolve(
        state.strategies[event.strategy_id],
        stopped_at=event.occurred_at,
        stop_reason=event.reason,
    )


@_applies(ev.PracticeLogged)
def _practice_logged(state: PartnershipState, event: ev.PracticeLogged) -> None:
    state.practice_log[event.entry_id] = PracticeLogEntry(
        entry_id=event.entry_id,
        strategy_id=event.strategy_id,
        carer=event.actor,
        practised_at=event.occurred_at,
        done=event.done,
        difficulty=event.difficulty,
        confidence=event.confidence,
        note=event.note,
    )


# --- setbacks --------------------------------------------------------------------------


@_applies(ev.SetbackReported)
def _setback_reported(state: PartnershipState, event: ev.SetbackReported) -> None:
    state.setbacks[event.setback_id] = Setback(
        setback_id=event.setback_id,
        kind=event.kind,
        severity=event.severity,
        description=event.description,
        affected_goals=event.affected_goals,
        reported_by=event.actor,
        reported_at=event.occurred_at,
        audience=event.audience,
    )


@_applies(ev.SetbackResponsePlanned)
def _setback_planned(state: PartnershipState, event: ev.SetbackResponsePlanned) -> None:
    state.setbacks[event.setback_id] = attrs.evolve(
        state.setbacks[event.setback_id],
        response_plan=ResponsePlan(
            changes=event.changes,
            steps=event.steps,
            planned_by=event.actor,
            planned_at=event.occurred_at,
        ),
    )


@_applies(ev.SetbackReviewed)
def _setback_reviewed(state: PartnershipState, event: ev.SetbackReviewed) -> None:
    setback = state.setbacks[event.setback_id]
    review = SetbackReview(note=event.note, reviewed_by=event.actor, reviewed_at=event.occurred_at)
    state.setbacks[event.setback_id] = attrs.evolve(setback, reviews=(*setback.reviews, review))


@_applies(ev.SetbackResolved)
def _setback_resolved(state: PartnershipState, event: ev.SetbackResolved) -> None:
    state.setbacks[event.setback_id] = attrs.evolve(
        state.setbacks[event.setback_id],
        resolved_at=event.occurred_at,
        resolution=event.resolution,
    )


# --- concerns --------------------------------------------------------------------------


@_applies(ev.ConcernRaised)
def _concern_raised(state: PartnershipState, event: ev.ConcernRaised) -> None:
    state.concerns[event.concern_id] = Concern(
        concern_id=event.concern_id,
        kind=event.kind,
        description=event.description,
        goal_id=event.goal_id,
        raised_by=event.actor,
        raised_at=event.occurred_at,
        audience=event.audience,
    )


@_applies(ev.ConcernResolved)
def _concern_resolved(state: PartnershipState, event: ev.ConcernResolved) -> None:
    state.concerns[event.concern_id] = attrs.evolve(
        state.concerns[event.concern_id],
        resolution=ConcernResolution(
            options_considered=event.options_considered,
            agreed=event.agreed,
            resolved_by=event.actor,
            resolved_at=event.occurred_at,
        ),
    )


@_applies(ev.ConcernEscalated)
def _concern_escalated(state: PartnershipState, event: ev.ConcernEscalated) -> None:
    state.concerns[event.concern_id] = attrs.evolve(
        state.concerns[event.concern_id],
        escalation=Escalation(
            escalated_to=event.escalated_to,
            reason=event.reason,
            escalated_by=event.actor,
            escalated_at=event.occurred_at,
        ),
    )


# --- resources -------------------------------------------------------------------------


@_applies(ev.ResourceShared)
def _resource_shared(state: PartnershipState, event: ev.ResourceShared) -> None:
    state.resources[event.resource_id] = SharedResource(
        resource_id=event.resource_id,
        kind=event.kind,
        title=event.title,
        language=event.language,
        shared_with=event.shared_with,
        shared_by=event.actor,
        shared_at=event.occurred_at,
        url=event.url,
        goal_id=event.goal_id,
    )


# --- standardised measures ---------------------------------------------------------------


@_applies(MeasureCompleted)
def _measure_completed(state: PartnershipState, event: MeasureCompleted) -> None:
    if event.respondent == state.child_id:
        role = RespondentRole.CHILD
    else:
        role = RespondentRole(state.members[event.respondent].role.value)
    state.measures[event.response_id] = MeasureResponse(
        response_id=event.response_id,
        instrument=event.instrument,
        respondent=event.respondent,
        respondent_role=role,
        answers=event.answers,
        completed_at=event.occurred_at,
        recorded_by=event.actor,
        note=event.note,
    )


# --- consent -----------------------------------------------------------------------------


@_applies(ConsentGranted)
def _consent_granted(state: PartnershipState, event: ConsentGranted) -> None:
    state.consents[event.consent_id] = Consent(
        consent_id=event.consent_id,
        party=event.party,
        goal_ids=event.goal_ids,
        granted_by=event.actor,
        granted_at=event.occurred_at,
        note=event.note,
    )


@_applies(ConsentWithdrawn)
def _consent_withdrawn(state: PartnershipState, event: ConsentWithdrawn) -> None:
    state.consents[event.consent_id] = attrs.evolve(
        state.consents[event.consent_id],
        withdrawn_by=event.actor,
        withdrawn_at=event.occurred_at,
        withdrawal_reason=event.reason,
    )


# --- coaching and education -----------------------------------------------------------------


@_applies(FidelityChecklistSet)
def _checklist_set(state: PartnershipState, event: FidelityChecklistSet) -> None:
    state.checklists[event.strategy_id] = StrategyChecklist(
        strategy_id=event.strategy_id,
        checklist=event.checklist,
        set_by=event.actor,
        set_at=event.occurred_at,
    )


@_applies(CoachingSessionHeld)
def _coaching_held(state: PartnershipState, event: CoachingSessionHeld) -> None:
    checklist = state.checklists[event.strategy_id].checklist
    state.coaching[event.session_id] = CoachingSession(
        session_id=event.session_id,
        strategy_id=event.strategy_id,
        carer=event.carer,
        steps=event.steps,
        checklist=checklist,
        fidelity=checklist.fidelity(event.steps),
        coached_by=event.actor,
        held_at=event.occurred_at,
        carer_confidence=event.carer_confidence,
        approaches=event.approaches,
        note=event.note,
        audience=event.audience,
    )


@_applies(EducationAttended)
def _education(state: PartnershipState, event: EducationAttended) -> None:
    state.education[event.education_id] = EducationRecord(
        education_id=event.education_id,
        kind=event.kind,
        title=event.title,
        attendees=event.attendees,
        language=event.language,
        recorded_by=event.actor,
        attended_at=event.occurred_at,
        goal_id=event.goal_id,
    )


# --- transitions -----------------------------------------------------------------------------


@_applies(TransitionAnnounced)
def _transition_announced(state: PartnershipState, event: TransitionAnnounced) -> None:
    state.transitions[event.transition_id] = Transition(
        transition_id=event.transition_id,
        kind=event.kind,
        description=event.description,
        date=event.date,
        people=event.people,
        affected_goals=event.affected_goals,
        affected_strategies=event.affected_strategies,
        announced_by=event.actor,
        announced_at=event.occurred_at,
    )


@_applies(TransitionPlanAgreed)
def _transition_plan(state: PartnershipState, event: TransitionPlanAgreed) -> None:
    transition = state.transitions[event.transition_id]
    plan = TransitionPlan(
        steps=event.steps,
        agreed_with=event.agreed_with,
        agreed_by=event.actor,
        agreed_at=event.occurred_at,
    )
    state.transitions[event.transition_id] = attrs.evolve(
        transition, plans=(*transition.plans, plan)
    )


@_applies(TransitionInformationShared)
def _transition_information(state: PartnershipState, event: TransitionInformationShared) -> None:
    transition = state.transitions[event.transition_id]
    shared = SharedInformation(
        summary=event.summary,
        shared_with=event.shared_with,
        shared_by=event.actor,
        shared_at=event.occurred_at,
    )
    state.transitions[event.transition_id] = attrs.evolve(
        transition, information=(*transition.information, shared)
    )


@_applies(TransitionRescheduled)
def _transition_rescheduled(state: PartnershipState, event: TransitionRescheduled) -> None:
    state.transitions[event.transition_id] = attrs.evolve(
        state.transitions[event.transition_id], date=event.date
    )


@_applies(TransitionReviewed)
def _transition_reviewed(state: PartnershipState, event: TransitionReviewed) -> None:
    state.transitions[event.transition_id] = attrs.evolve(
        state.transitions[event.transition_id],
        review=TransitionReview(
            how_it_went=event.how_it_went,
            next_steps=event.next_steps,
            reviewed_by=event.actor,
            reviewed_at=event.occurred_at,
        ),
    )


# --- celebrations ----------------------------------------------------------------------------


def celebrated_goal(state: PartnershipState, event: SuccessCelebrated) -> str | None:
    """The goal *event* celebrates: its own ``goal_id``, else its observation's, else its
    strategy's (the records it names must exist in *state*)."""
    if event.goal_id is not None:
        return event.goal_id
    if event.observation_id is not None:
        return state.observations[event.observation_id].goal_id
    if event.strategy_id is not None:
        return state.strategies[event.strategy_id].goal_id
    return None


@_applies(SuccessCelebrated)
def _celebrated(state: PartnershipState, event: SuccessCelebrated) -> None:
    goal_id = celebrated_goal(state, event)
    state.celebrations[event.celebration_id] = Celebration(
        celebration_id=event.celebration_id,
        kind=event.kind,
        description=event.description,
        celebrated_by=event.actor,
        celebrated_at=event.occurred_at,
        goal_id=goal_id,
        observation_id=event.observation_id,
        strategy_id=event.strategy_id,
        audience=event.audience,
    )


# --- carers' wellbeing -------------------------------------------------------------------------


@_applies(WellbeingNoted)
def _wellbeing_noted(state: PartnershipState, event: WellbeingNoted) -> None:
    state.wellbeing[event.note_id] = WellbeingNote(
        note_id=event.note_id,
        carer=event.actor,
        noted_at=event.occurred_at,
        coping=event.coping,
        support=event.support,
        would_like=event.would_like,
        note=event.note,
        shared_with=event.shared_with,
    )


@_applies(SupportOffered)
def _support_offered(state: PartnershipState, event: SupportOffered) -> None:
    state.support_offers[event.offer_id] = SupportOffer(
        offer_id=event.offer_id,
        carer=event.carer,
        kind=event.kind,
        description=event.description,
        offered_by=event.actor,
        offered_at=event.occurred_at,
        in_reply_to=event.in_reply_to,
        shared_with=event.shared_with,
    )


# --- the partnership agreement ----------------------------------------------------------------


@_applies(AgreementIssued)
def _agreement_issued(state: PartnershipState, event: AgreementIssued) -> None:
    state.agreements = (
        *state.agreements,
        AgreementVersion(
            version=event.version,
            agreement=event.agreement,
            issued_by=event.actor,
            issued_at=event.occurred_at,
            changes=event.changes,
        ),
    )


@_applies(AgreementAcknowledged)
def _agreement_acknowledged(state: PartnershipState, event: AgreementAcknowledged) -> None:
    versions = list(state.agreements)
    index = next(i for i, v in enumerate(versions) if v.version == event.version)
    versions[index] = attrs.evolve(
        versions[index],
        acknowledgements={**versions[index].acknowledgements, event.actor: event.occurred_at},
    )
    state.agreements = tuple(versions)
