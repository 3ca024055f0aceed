"""The partnership's timeline: record events after checking them against the current state.

Recording is the only way to change a partnership. :meth:`Partnership.record` takes an
event (a fact, written in the past tense: ``GoalAgreed``, ``SetbackReported``), checks it
against the state folded so far, and either appends it or raises — leaving the timeline
exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import pendulum

from alliance.errors import DomainError, NotAMemberError, UnknownRecordError, ValidationError
from alliance.model import _checks as c
from alliance.model import events as ev
from alliance.model.agreement import AgreementAcknowledged, AgreementIssued
from alliance.model.audience import Audience
from alliance.model.authorisation import Policy, RolePolicy
from alliance.model.celebrations import SuccessCelebrated
from alliance.model.coaching import CoachingSessionHeld, EducationAttended, FidelityChecklistSet
from alliance.model.concerns import Concern
from alliance.model.consent import ConsentGranted, ConsentWithdrawn
from alliance.model.feedback import FeedbackItem, FeedbackKind
from alliance.model.goals import Goal, GoalStatus, MeasurableTarget, Position
from alliance.model.home_practice import HomePracticeStrategy
from alliance.model.measures import MeasureCompleted, RespondentRole
from alliance.model.partnership import PartnershipStatus
from alliance.model.people import MemberRole
from alliance.model.progress import ObservationKind
from alliance.model.setbacks import Setback
from alliance.model.state import PartnershipState, apply, celebrated_goal, fold, start
from alliance.model.transitions import (
    Transition,
    TransitionAnnounced,
    TransitionInformationShared,
    TransitionPlanAgreed,
    TransitionRescheduled,
    TransitionReviewed,
)
from alliance.model.wellbeing import SupportOffered, WellbeingNoted

E = TypeVar("E", bound=ev.Event)


class Partnership:
    """A partnership around one child: its timeline of events and its current state.

    Start one with :meth:`form`, rebuild a stored one with :meth:`from_events`, and
    change it only through :meth:`record`.

    Example::

        p = Partnership.form(PartnershipFormed(
            partnership_id="p-1", clinic_id="clinic-1", child_id="child-1",
            time_zone="Europe/London", actor="ana", occurred_at=now))
        p.record(ProfessionalJoined(member_id="ana", discipline=Discipline.SPEECH_LANGUAGE,
                                    actor="ana", occurred_at=now))
    """

    __slots__ = ("_base_version", "_events", "_policy", "_state")

    def __init__(self, events: Iterable[ev.Event], *, policy: Policy | None = None) -> None:
        """Rebuild a partnership from its stored timeline (same as :meth:`from_events`)."""
        self._events: list[ev.Event] = list(events)
        self._state = fold(self._events)
        self._base_version = 0
        self._policy: Policy = policy if policy is not None else RolePolicy()

    @classmethod
    def from_snapshot(
        cls,
        state: PartnershipState,
        later: Iterable[ev.Event],
        *,
        policy: Policy | None = None,
    ) -> Partnership:
        """Continue from a saved state (a snapshot) and the events recorded after it.

        The result knows its current state and new events, but not the events before
        the snapshot: :attr:`events` and :meth:`as_of` need the whole timeline and
        raise :class:`DomainError` here.
        """
        partnership = cls.__new__(cls)
        partnership._state = state.copy()
        partnership._base_version = state.version
        partnership._events = []
        partnership._policy = policy if policy is not None else RolePolicy()
        for event in later:
            apply(partnership._state, event)
            partnership._events.append(event)
        return partnership

    @classmethod
    def from_events(
        cls, events: Iterable[ev.Event], *, policy: Policy | None = None
    ) -> Partnership:
        """Rebuild a partnership from a timeline recorded earlier.

        The events are folded, not checked again (nor authorised): they were checked when
        recorded, and a rule that changed since must not make history unreadable.
        *policy* authorises the events recorded from now on (default: :class:`RolePolicy`).
        """
        return cls(events, policy=policy)

    @classmethod
    def form(cls, formed: ev.PartnershipFormed, *, policy: Policy | None = None) -> Partnership:
        """Start a new partnership with its first event.

        *policy* decides who may record what from now on: :class:`RolePolicy` (the
        default) for the roles' permissions, :class:`AllowAll` when the host authorises
        in its own layer.
        """
        if not isinstance(formed, ev.PartnershipFormed):
            raise ValidationError("formed", "must be a PartnershipFormed event")
        return cls([formed], policy=policy)

    @property
    def policy(self) -> Policy:
        """The authorisation policy :meth:`record` consults."""
        return self._policy

    @property
    def id(self) -> str:
        """The partnership's id."""
        return self._state.partnership_id

    @property
    def state(self) -> PartnershipState:
        """The current state. Read it; do not change it."""
        return self._state

    @property
    def events(self) -> tuple[ev.Event, ...]:
        """Every event so far, in the order recorded.

        Raises:
            DomainError: for a partnership continued from a snapshot.
        """
        self._need_whole_timeline("events")
        return tuple(self._events)

    @property
    def version(self) -> int:
        """How many events the timeline holds."""
        return self._base_version + len(self._events)

    def events_since(self, version: int) -> tuple[ev.Event, ...]:
        """The events after *version* (for example those recorded since loading)."""
        if version < self._base_version:
            self._need_whole_timeline("events_since")
        return tuple(self._events[version - self._base_version :])

    def _need_whole_timeline(self, what: str) -> None:
        if self._base_version:
            raise DomainError(
                what,
                "this partnership was continued from a snapshot at version "
                f"{self._base_version}; load its whole timeline for this",
            )

    def record(self, event: E) -> E:
        """Check *event* against the current state and append it to the timeline.

        Returns the event, so a generated id can be read from it.

        Raises:
            ValidationError: a value in the event does not fit this partnership (a due
                date before the goal was proposed).
            UnknownRecordError: the event refers to a goal, feedback item, setback...
                that does not exist.
            NotAMemberError: the actor, or someone the event names, is not a member.
            DomainError: the current state does not allow it (agreeing twice,
                answering feedback that is not open, anything after closing).
            PermissionDenied: the partnership's policy does not let the actor do it
                (checked after the rules above).
        """
        check(self._state, event)
        self._policy.authorise(self._state, event)
        apply(self._state, event)
        self._events.append(event)
        return event

    def record_all(self, events: Sequence[ev.Event]) -> None:
        """Record several events as one step: all of them, or (on any error) none."""
        scratch = self._state.copy()
        for event in events:
            check(scratch, event)
            self._policy.authorise(scratch, event)
            apply(scratch, event)
        self._state = scratch
        self._events.extend(events)

    def as_of(self, moment: dt.datetime) -> PartnershipState:
        """The state folded from the events that occurred at or before *moment*.

        Events are kept in recorded order; an event recorded late but dated earlier (last
        Tuesday's practice, logged on Friday) counts from the moment it occurred.

        Raises:
            DomainError: if the partnership had not been formed by *moment*.
        """
        cutoff = c.utc_datetime("moment", moment)
        self._need_whole_timeline("as_of")
        if cutoff < self._state.formed_at:
            raise DomainError(
                "moment",
                f"the partnership was formed at {self._state.formed_at.isoformat()}, "
                f"after {cutoff.isoformat()}",
            )
        return fold(e for e in self._events if e.occurred_at <= cutoff)

    def __repr__(self) -> str:
        return f"<Partnership {self.id!r} version={self.version} status={self._state.status.value}>"


# --- checks ----------------------------------------------------------------------------------

_Check = Callable[[PartnershipState, Any], None]
_CHECKS: dict[type[ev.Event], _Check] = {}


def _checks(event_type: type[E]) -> Callable[[Callable[[PartnershipState, E], None]], _Check]:
    def register(fn: Callable[[PartnershipState, E], None]) -> _Check:
        _CHECKS[event_type] = fn
        return fn

    return register


def check(state: PartnershipState, event: ev.Event) -> None:
    """Raise unless *event* may be recorded on top of *state*. Changes nothing."""
    specific = _CHECKS.get(type(event))
    if specific is None:
        raise DomainError("event", f"{type(event).__name__} cannot be recorded on a timeline")
    if state.status is PartnershipStatus.CLOSED:
        raise DomainError("event", "the partnership is closed; nothing more can be recorded")
    if event.occurred_at < state.formed_at:
        raise ValidationError(
            "occurred_at",
            f"{event.occurred_at.isoformat()} is before the partnership was formed "
            f"({state.formed_at.isoformat()})",
        )
    founder_adding_members = (
        event.actor == state.formed_by
        and state.status is PartnershipStatus.FORMING
        and isinstance(event, ev.CarerJoined | ev.ProfessionalJoined)
    )
    if not founder_adding_members:
        _must_be_member(state, "actor", event.actor, event.occurred_at)
    specific(state, event)


def _must_be_member(
    state: PartnershipState, field: str, member_id: str, at: pendulum.DateTime | None = None
) -> MemberRole:
    membership = state.members.get(member_id)
    if membership is None or not membership.is_current:
        raise NotAMemberError(field, f"{member_id!r} is not a current member of the partnership")
    if at is not None and at < membership.joined_at:
        raise NotAMemberError(field, f"{member_id!r} joined after {at.isoformat()}")
    return membership.role


def _all_members(
    state: PartnershipState, field: str, member_ids: Iterable[str], at: pendulum.DateTime
) -> None:
    for member_id in sorted(member_ids):
        _must_be_member(state, field, member_id, at)


def _audience(state: PartnershipState, event: ev.Event, audience: Audience) -> None:
    """A named audience names current members."""
    _all_members(state, "audience.members", audience.members, event.occurred_at)


def _not_before(field: str, at: pendulum.DateTime, earliest: pendulum.DateTime, what: str) -> None:
    if at < earliest:
        raise ValidationError(field, f"{at.isoformat()} is before {what} ({earliest.isoformat()})")


def _new_id(field: str, new: str, existing: dict[str, Any], what: str) -> None:
    if new in existing:
        raise DomainError(field, f"a {what} with id {new!r} already exists")


def _goal(state: PartnershipState, goal_id: str, field: str = "goal_id") -> Goal:
    goal = state.goals.get(goal_id)
    if goal is None:
        raise UnknownRecordError(field, f"no goal with id {goal_id!r} in this partnership")
    return goal


def _goal_by(
    state: PartnershipState, goal_id: str, at: pendulum.DateTime, field: str = "goal_id"
) -> Goal:
    """The goal, which must have been proposed by *at*."""
    goal = _goal(state, goal_id, field)
    _not_before("occurred_at", at, goal.proposed_at, f"goal {goal_id!r} was proposed")
    return goal


def _open_goal(
    state: PartnershipState,
    event: ev.Event,
    goal_id: str,
    field: str = "goal_id",
    *,
    changes_goal: bool = False,
) -> Goal:
    """The goal, if it is open; an event that *changes_goal* (a position, a revision, a
    status) may not be dated before the goal's last change, or "as of" reads would see
    its effects out of order."""
    goal = _goal(state, goal_id, field)
    if goal.status.is_closed:
        raise DomainError(field, f"goal {goal_id!r} is {goal.status.value}; it is closed")
    _not_before(
        "occurred_at", event.occurred_at, goal.proposed_at, f"goal {goal_id!r} was proposed"
    )
    if changes_goal:
        last_change = max(goal.status_changed_at, goal.current.written_at)
        _not_before("occurred_at", event.occurred_at, last_change, f"goal {goal_id!r} last changed")
    return goal


def _due_not_before(
    state: PartnershipState, target: MeasurableTarget, at: pendulum.DateTime
) -> None:
    today = state.local_date(at)
    if target.due < today:
        raise ValidationError(
            "target.due",
            f"{target.due.isoformat()} is before the goal was set ({today.isoformat()})",
        )


@_checks(ev.PartnershipFormed)
def _check_formed(state: PartnershipState, event: ev.PartnershipFormed) -> None:
    raise DomainError("event", "the partnership is already formed")


@_checks(ev.CarerJoined)
def _check_carer_joined(state: PartnershipState, event: ev.CarerJoined) -> None:
    _check_joining(state, event.member_id)


@_checks(ev.ProfessionalJoined)
def _check_professional_joined(state: PartnershipState, event: ev.ProfessionalJoined) -> None:
    _check_joining(state, event.member_id)


def _check_joining(state: PartnershipState, member_id: str) -> None:
    if member_id == state.child_id:
        raise ValidationError(
            "member_id", "the child is the focus of the partnership, not a member"
        )
    if state.role_of(member_id) is not None:
        raise DomainError("member_id", f"{member_id!r} is already a member")


@_checks(ev.MemberLeft)
def _check_member_left(state: PartnershipState, event: ev.MemberLeft) -> None:
    _must_be_member(state, "member_id", event.member_id, event.occurred_at)


@_checks(ev.SettingsChanged)
def _check_settings(state: PartnershipState, event: ev.SettingsChanged) -> None:
    _not_before(
        "occurred_at",
        event.occurred_at,
        state.settings_changed_at or state.formed_at,
        "the settings last changed",
    )
    if event.settings == state.settings:
        raise DomainError("settings", "the partnership already has exactly these settings")


@_checks(ev.CommunicationPlanAgreed)
def _check_plan(state: PartnershipState, event: ev.CommunicationPlanAgreed) -> None:
    if state.communication_plan_agreed_at is not None:
        _not_before(
            "occurred_at",
            event.occurred_at,
            state.communication_plan_agreed_at,
            "the current communication plan was agreed",
        )
    _all_members(state, "participants", event.participants, event.occurred_at)
    roles = {state.role_of(m) for m in event.participants}
    if MemberRole.CARER not in roles or MemberRole.PROFESSIONAL not in roles:
        raise ValidationError(
            "participants", "a communication plan includes at least one carer and one professional"
        )


_TRANSITIONS = {
    PartnershipStatus.FORMING: {PartnershipStatus.ACTIVE, PartnershipStatus.CLOSED},
    PartnershipStatus.ACTIVE: {PartnershipStatus.PAUSED, PartnershipStatus.CLOSED},
    PartnershipStatus.PAUSED: {PartnershipStatus.ACTIVE, PartnershipStatus.CLOSED},
}


@_checks(ev.PartnershipStatusChanged)
def _check_status(state: PartnershipState, event: ev.PartnershipStatusChanged) -> None:
    _not_before(
        "occurred_at", event.occurred_at, state.status_changed_at, "the status last changed"
    )
    allowed = _TRANSITIONS.get(state.status, set())
    if event.status not in allowed:
        raise DomainError(
            "status", f"a {state.status.value} partnership cannot become {event.status.value}"
        )
    if event.status is PartnershipStatus.ACTIVE and not (state.carers and state.professionals):
        raise DomainError(
            "status",
            "a partnership becomes active only with at least one carer and one professional",
        )


@_checks(ev.GoalProposed)
def _check_goal_proposed(state: PartnershipState, event: ev.GoalProposed) -> None:
    _new_id("goal_id", event.goal_id, state.goals, "goal")
    _due_not_before(state, event.target, event.occurred_at)


def _check_position(
    state: PartnershipState, event: ev.Event, goal_id: str, position: Position
) -> None:
    goal = _open_goal(state, event, goal_id, changes_goal=True)
    current = goal.positions.get(event.actor)
    if current is not None:
        _not_before("occurred_at", event.occurred_at, current.at, "your last position on it")
    if current is not None and current.position is position:
        raise DomainError(
            "goal_id",
            f"{event.actor!r} has already {position.value} to goal {goal_id!r}"
            if position is Position.AGREED
            else f"{event.actor!r} has already {position.value} about goal {goal_id!r}",
        )


@_checks(ev.GoalAgreed)
def _check_goal_agreed(state: PartnershipState, event: ev.GoalAgreed) -> None:
    _check_position(state, event, event.goal_id, Position.AGREED)


@_checks(ev.GoalConcernNoted)
def _check_goal_concern(state: PartnershipState, event: ev.GoalConcernNoted) -> None:
    _check_position(state, event, event.goal_id, Position.CONCERNED)


@_checks(ev.GoalObjected)
def _check_goal_objected(state: PartnershipState, event: ev.GoalObjected) -> None:
    _check_position(state, event, event.goal_id, Position.OBJECTED)


@_checks(ev.GoalRevised)
def _check_goal_revised(state: PartnershipState, event: ev.GoalRevised) -> None:
    _open_goal(state, event, event.goal_id, changes_goal=True)
    _due_not_before(state, event.target, event.occurred_at)


@_checks(ev.GoalPutOnHold)
def _check_goal_on_hold(state: PartnershipState, event: ev.GoalPutOnHold) -> None:
    goal = _open_goal(state, event, event.goal_id, changes_goal=True)
    if goal.status is not GoalStatus.ACTIVE:
        raise DomainError(
            "goal_id",
            f"only an active goal can be put on hold; {event.goal_id!r} is {goal.status.value}",
        )


@_checks(ev.GoalResumed)
def _check_goal_resumed(state: PartnershipState, event: ev.GoalResumed) -> None:
    goal = _open_goal(state, event, event.goal_id, changes_goal=True)
    if goal.status is not GoalStatus.ON_HOLD:
        raise DomainError("goal_id", f"goal {event.goal_id!r} is not on hold")


@_checks(ev.GoalAchieved)
def _check_goal_achieved(state: PartnershipState, event: ev.GoalAchieved) -> None:
    goal = _open_goal(state, event, event.goal_id, changes_goal=True)
    if goal.status is not GoalStatus.ACTIVE:
        raise DomainError(
            "goal_id",
            f"only an active (shared) goal can be achieved; "
            f"{event.goal_id!r} is {goal.status.value}",
        )


@_checks(ev.GoalDiscontinued)
def _check_goal_discontinued(state: PartnershipState, event: ev.GoalDiscontinued) -> None:
    _open_goal(state, event, event.goal_id, changes_goal=True)


@_checks(ev.ProgressRecorded)
def _check_progress(state: PartnershipState, event: ev.ProgressRecorded) -> None:
    _audience(state, event, event.audience)
    goal = _open_goal(state, event, event.goal_id)
    _new_id("observation_id", event.observation_id, state.observations, "observation")
    if (
        event.kind is not ObservationKind.EVERYDAY
        and state.role_of(event.actor) is not MemberRole.PROFESSIONAL
    ):
        raise DomainError(
            "kind",
            f"only a professional records {event.kind.value} data; "
            f"a carer's observation is recorded as '{ObservationKind.EVERYDAY.value}'",
        )
    if event.gas_level is not None and goal.current.gas_scale is None:
        raise ValidationError(
            "gas_level", f"goal {event.goal_id!r} has no Goal Attainment Scaling scale"
        )


@_checks(ev.ProgressCorrected)
def _check_correction(state: PartnershipState, event: ev.ProgressCorrected) -> None:
    observation = state.observations.get(event.observation_id)
    if observation is None:
        raise UnknownRecordError(
            "observation_id", f"no observation with id {event.observation_id!r}"
        )
    _not_before("occurred_at", event.occurred_at, observation.observed_at, "the observation")
    if event.gas_level is not None and state.goals[observation.goal_id].current.gas_scale is None:
        raise ValidationError(
            "gas_level", f"goal {observation.goal_id!r} has no Goal Attainment Scaling scale"
        )


@_checks(ev.CheckInHeld)
def _check_check_in(state: PartnershipState, event: ev.CheckInHeld) -> None:
    _audience(state, event, event.audience)
    _new_id("check_in_id", event.check_in_id, state.check_ins, "check-in")
    _all_members(state, "participants", event.participants, event.occurred_at)
    seen: set[str] = set()
    for index, item in enumerate(event.action_items):
        field = f"action_items[{index}]"
        _must_be_member(state, f"{field}.owner", item.owner, event.occurred_at)
        if item.action_item_id in seen or item.action_item_id in state.action_items:
            raise DomainError(
                f"{field}.action_item_id", f"action item id {item.action_item_id!r} is already used"
            )
        seen.add(item.action_item_id)


@_checks(ev.ActionItemCompleted)
def _check_action_done(state: PartnershipState, event: ev.ActionItemCompleted) -> None:
    status = state.action_items.get(event.action_item_id)
    if status is None:
        raise UnknownRecordError(
            "action_item_id", f"no action item with id {event.action_item_id!r}"
        )
    if status.completed_at is not None:
        raise DomainError("action_item_id", f"action item {event.action_item_id!r} is already done")
    held_at = state.check_ins[status.check_in_id].held_at
    _not_before("occurred_at", event.occurred_at, held_at, "the check-in that agreed it")


_FEEDBACK_FROM = {
    FeedbackKind.PROGRESS_UPDATE: MemberRole.PROFESSIONAL,
    FeedbackKind.HOME_REPORT: MemberRole.CARER,
}


@_checks(ev.FeedbackGiven)
def _check_feedback(state: PartnershipState, event: ev.FeedbackGiven) -> None:
    _audience(state, event, event.audience)
    _new_id("feedback_id", event.feedback_id, state.feedback, "feedback item")
    expected = _FEEDBACK_FROM[event.kind]
    if state.role_of(event.actor) is not expected:
        raise DomainError("kind", f"a {event.kind.value} is given by a {expected.value}")
    if event.goal_id is not None:
        _goal_by(state, event.goal_id, event.occurred_at)
    if event.strategy_id is not None:
        strategy = _strategy(state, event.strategy_id)
        _not_before(
            "occurred_at", event.occurred_at, strategy.planned_at, "the strategy was planned"
        )


def _feedback(state: PartnershipState, feedback_id: str) -> FeedbackItem:
    item = state.feedback.get(feedback_id)
    if item is None:
        raise UnknownRecordError("feedback_id", f"no feedback with id {feedback_id!r}")
    return item


@_checks(ev.FeedbackAnswered)
def _check_feedback_answer(state: PartnershipState, event: ev.FeedbackAnswered) -> None:
    item = _feedback(state, event.feedback_id)
    if not item.is_open:
        raise DomainError(
            "feedback_id", f"feedback {event.feedback_id!r} is not open: it was already answered"
        )
    giver_side = _FEEDBACK_FROM[item.kind]
    if state.role_of(event.actor) is giver_side:
        raise DomainError(
            "actor",
            f"a {item.kind.value} is answered by the other side, not by a {giver_side.value}",
        )
    _not_before("occurred_at", event.occurred_at, item.given_at, "the feedback was given")


def _strategy(state: PartnershipState, strategy_id: str) -> HomePracticeStrategy:
    strategy = state.strategies.get(strategy_id)
    if strategy is None:
        raise UnknownRecordError(
            "strategy_id", f"no home-practice strategy with id {strategy_id!r}"
        )
    return strategy


def _active_strategy(
    state: PartnershipState, event: ev.Event, strategy_id: str
) -> HomePracticeStrategy:
    strategy = _strategy(state, strategy_id)
    if not strategy.is_active:
        raise DomainError("strategy_id", f"strategy {strategy_id!r} was stopped")
    _not_before("occurred_at", event.occurred_at, strategy.planned_at, "the strategy was planned")
    return strategy


@_checks(ev.HomePracticePlanned)
def _check_practice_planned(state: PartnershipState, event: ev.HomePracticePlanned) -> None:
    _new_id("strategy_id", event.strategy_id, state.strategies, "strategy")
    _open_goal(state, event, event.goal_id)
    for carer in sorted(event.carers):
        if _must_be_member(state, "carers", carer, event.occurred_at) is not MemberRole.CARER:
            raise ValidationError("carers", f"{carer!r} is not a carer")


@_checks(ev.HomePracticeAdapted)
def _check_practice_adapted(state: PartnershipState, event: ev.HomePracticeAdapted) -> None:
    _active_strategy(state, event, event.strategy_id)


@_checks(ev.HomePracticeStopped)
def _check_practice_stopped(state: PartnershipState, event: ev.HomePracticeStopped) -> None:
    _active_strategy(state, event, event.strategy_id)


@_checks(ev.PracticeLogged)
def _check_practice_logged(state: PartnershipState, event: ev.PracticeLogged) -> None:
    _new_id("entry_id", event.entry_id, state.practice_log, "practice log entry")
    _active_strategy(state, event, event.strategy_id)
    if state.role_of(event.actor) is not MemberRole.CARER:
        raise DomainError(
            "actor", "the practice log is the carers' own record; log practice as a carer"
        )


def _open_setback(state: PartnershipState, event: ev.Event, setback_id: str) -> Setback:
    setback = state.setbacks.get(setback_id)
    if setback is None:
        raise UnknownRecordError("setback_id", f"no setback with id {setback_id!r}")
    if setback.is_resolved:
        raise DomainError("setback_id", f"setback {setback_id!r} is already resolved")
    _not_before("occurred_at", event.occurred_at, setback.reported_at, "the setback was reported")
    return setback


@_checks(ev.SetbackReported)
def _check_setback(state: PartnershipState, event: ev.SetbackReported) -> None:
    _audience(state, event, event.audience)
    _new_id("setback_id", event.setback_id, state.setbacks, "setback")
    for goal_id in sorted(event.affected_goals):
        _goal_by(state, goal_id, event.occurred_at, "affected_goals")


@_checks(ev.SetbackResponsePlanned)
def _check_setback_plan(state: PartnershipState, event: ev.SetbackResponsePlanned) -> None:
    _open_setback(state, event, event.setback_id)
    for index, step in enumerate(event.steps):
        _must_be_member(state, f"steps[{index}].owner", step.owner, event.occurred_at)


@_checks(ev.SetbackReviewed)
def _check_setback_review(state: PartnershipState, event: ev.SetbackReviewed) -> None:
    setback = _open_setback(state, event, event.setback_id)
    if setback.response_plan is None:
        raise DomainError(
            "setback_id", f"setback {event.setback_id!r} has no response plan to review yet"
        )


@_checks(ev.SetbackResolved)
def _check_setback_resolved(state: PartnershipState, event: ev.SetbackResolved) -> None:
    _open_setback(state, event, event.setback_id)


def _open_concern(state: PartnershipState, event: ev.Event, concern_id: str) -> Concern:
    concern = state.concerns.get(concern_id)
    if concern is None:
        raise UnknownRecordError("concern_id", f"no concern with id {concern_id!r}")
    if not concern.is_open:
        raise DomainError("concern_id", f"concern {concern_id!r} is already resolved")
    _not_before("occurred_at", event.occurred_at, concern.raised_at, "the concern was raised")
    return concern


@_checks(ev.ConcernRaised)
def _check_concern(state: PartnershipState, event: ev.ConcernRaised) -> None:
    _audience(state, event, event.audience)
    _new_id("concern_id", event.concern_id, state.concerns, "concern")
    if event.goal_id is not None:
        _goal_by(state, event.goal_id, event.occurred_at)


@_checks(ev.ConcernResolved)
def _check_concern_resolved(state: PartnershipState, event: ev.ConcernResolved) -> None:
    _open_concern(state, event, event.concern_id)


@_checks(ev.ConcernEscalated)
def _check_concern_escalated(state: PartnershipState, event: ev.ConcernEscalated) -> None:
    concern = _open_concern(state, event, event.concern_id)
    if concern.escalation is not None:
        raise DomainError("concern_id", f"concern {event.concern_id!r} is already escalated")


@_checks(ev.ResourceShared)
def _check_resource(state: PartnershipState, event: ev.ResourceShared) -> None:
    _new_id("resource_id", event.resource_id, state.resources, "resource")
    _all_members(state, "shared_with", event.shared_with, event.occurred_at)
    if event.goal_id is not None:
        _goal_by(state, event.goal_id, event.occurred_at)


@_checks(MeasureCompleted)
def _check_measure(state: PartnershipState, event: MeasureCompleted) -> None:
    _new_id("response_id", event.response_id, state.measures, "measure response")
    instrument = event.instrument
    if event.respondent == state.child_id:
        role = RespondentRole.CHILD
    else:
        role = RespondentRole(
            _must_be_member(state, "respondent", event.respondent, event.occurred_at).value
        )
    if role not in instrument.respondents:
        answered_by = " or ".join(
            "the child" if r is RespondentRole.CHILD else f"a {r.value}"
            for r in sorted(instrument.respondents)
        )
        who = (
            "the child does not answer it"
            if role is RespondentRole.CHILD
            else f"{event.respondent!r} is a {role.value}"
        )
        raise DomainError(
            "respondent", f"{instrument.instrument_id!r} is answered by {answered_by}; {who}"
        )
    if (
        role is not RespondentRole.CHILD
        and event.respondent != event.actor
        and state.role_of(event.actor) is not MemberRole.PROFESSIONAL
    ):
        raise DomainError(
            "actor",
            f"{event.actor!r} cannot record {event.respondent!r}'s answers: members record "
            "their own answers or the child's, and professionals enter answers for others",
        )


@_checks(ConsentGranted)
def _check_consent_granted(state: PartnershipState, event: ConsentGranted) -> None:
    _new_id("consent_id", event.consent_id, state.consents, "consent")
    if state.role_of(event.actor) is not MemberRole.CARER:
        raise DomainError("actor", "consent to sharing is the family's to give: a carer grants it")
    for goal_id in sorted(event.goal_ids or ()):
        _goal_by(state, goal_id, event.occurred_at, "goal_ids")


@_checks(ConsentWithdrawn)
def _check_consent_withdrawn(state: PartnershipState, event: ConsentWithdrawn) -> None:
    consent = state.consents.get(event.consent_id)
    if consent is None:
        raise UnknownRecordError("consent_id", f"no consent with id {event.consent_id!r}")
    if state.role_of(event.actor) is not MemberRole.CARER:
        raise DomainError("actor", "consent is the family's to withdraw: a carer withdraws it")
    if not consent.in_force:
        raise DomainError("consent_id", f"consent {event.consent_id!r} is already withdrawn")
    _not_before("occurred_at", event.occurred_at, consent.granted_at, "the consent was granted")


# --- coaching and education -------------------------------------------------------------------


def _with_role(
    state: PartnershipState, field: str, member_id: str, at: pendulum.DateTime, role: MemberRole
) -> None:
    if _must_be_member(state, field, member_id, at) is not role:
        raise ValidationError(field, f"{member_id!r} is not a {role.value}")


@_checks(FidelityChecklistSet)
def _check_checklist(state: PartnershipState, event: FidelityChecklistSet) -> None:
    _active_strategy(state, event, event.strategy_id)
    current = state.checklists.get(event.strategy_id)
    if current is not None:
        _not_before(
            "occurred_at", event.occurred_at, current.set_at, "the strategy's checklist was set"
        )


@_checks(CoachingSessionHeld)
def _check_coaching(state: PartnershipState, event: CoachingSessionHeld) -> None:
    _audience(state, event, event.audience)
    _new_id("session_id", event.session_id, state.coaching, "coaching session")
    _active_strategy(state, event, event.strategy_id)
    checklist = state.checklists.get(event.strategy_id)
    if checklist is None:
        raise DomainError(
            "strategy_id",
            f"strategy {event.strategy_id!r} has no fidelity checklist yet; set one first",
        )
    _not_before(
        "occurred_at", event.occurred_at, checklist.set_at, "the strategy's checklist was set"
    )
    if state.role_of(event.actor) is not MemberRole.PROFESSIONAL:
        raise DomainError("actor", "a coaching session is recorded by the professional coaching")
    _with_role(state, "carer", event.carer, event.occurred_at, MemberRole.CARER)
    checklist.checklist.check(event.steps)


@_checks(EducationAttended)
def _check_education(state: PartnershipState, event: EducationAttended) -> None:
    _new_id("education_id", event.education_id, state.education, "education record")
    for carer in sorted(event.attendees):
        _with_role(state, "attendees", carer, event.occurred_at, MemberRole.CARER)
    if event.goal_id is not None:
        _goal_by(state, event.goal_id, event.occurred_at)


# --- transitions -------------------------------------------------------------------------------


def _open_transition(state: PartnershipState, event: ev.Event, transition_id: str) -> Transition:
    transition = state.transitions.get(transition_id)
    if transition is None:
        raise UnknownRecordError("transition_id", f"no transition with id {transition_id!r}")
    if transition.is_reviewed:
        raise DomainError("transition_id", f"transition {transition_id!r} is already reviewed")
    _not_before(
        "occurred_at", event.occurred_at, transition.announced_at, "the transition was announced"
    )
    return transition


@_checks(TransitionAnnounced)
def _check_transition(state: PartnershipState, event: TransitionAnnounced) -> None:
    _new_id("transition_id", event.transition_id, state.transitions, "transition")
    _all_members(state, "people", event.people, event.occurred_at)
    for goal_id in sorted(event.affected_goals):
        _goal_by(state, goal_id, event.occurred_at, "affected_goals")
    for strategy_id in sorted(event.affected_strategies):
        strategy = state.strategies.get(strategy_id)
        if strategy is None:
            raise UnknownRecordError(
                "affected_strategies", f"no home-practice strategy with id {strategy_id!r}"
            )
        _not_before(
            "occurred_at", event.occurred_at, strategy.planned_at, "the strategy was planned"
        )


@_checks(TransitionPlanAgreed)
def _check_transition_plan(state: PartnershipState, event: TransitionPlanAgreed) -> None:
    transition = _open_transition(state, event, event.transition_id)
    if transition.plan is not None:
        _not_before(
            "occurred_at", event.occurred_at, transition.plan.agreed_at, "the plan before it"
        )
    for carer in sorted(event.agreed_with):
        _with_role(state, "agreed_with", carer, event.occurred_at, MemberRole.CARER)
    for index, step in enumerate(event.steps):
        _must_be_member(state, f"steps[{index}].owner", step.owner, event.occurred_at)


@_checks(TransitionInformationShared)
def _check_transition_information(
    state: PartnershipState, event: TransitionInformationShared
) -> None:
    _open_transition(state, event, event.transition_id)
    _all_members(state, "shared_with", event.shared_with, event.occurred_at)


@_checks(TransitionRescheduled)
def _check_transition_rescheduled(state: PartnershipState, event: TransitionRescheduled) -> None:
    transition = _open_transition(state, event, event.transition_id)
    if event.date == transition.date:
        raise ValidationError("date", f"the transition is already on {event.date.isoformat()}")


@_checks(TransitionReviewed)
def _check_transition_reviewed(state: PartnershipState, event: TransitionReviewed) -> None:
    transition = _open_transition(state, event, event.transition_id)
    today = state.local_date(event.occurred_at)
    if today < transition.date:
        raise DomainError(
            "occurred_at",
            f"a transition is reviewed after it happens; transition {event.transition_id!r} "
            f"is on {transition.date.isoformat()}",
        )


# --- celebrations ------------------------------------------------------------------------------


@_checks(SuccessCelebrated)
def _check_celebration(state: PartnershipState, event: SuccessCelebrated) -> None:
    _audience(state, event, event.audience)
    _new_id("celebration_id", event.celebration_id, state.celebrations, "celebration")
    if event.goal_id is not None:
        _goal_by(state, event.goal_id, event.occurred_at)
    if event.observation_id is not None:
        observation = state.observations.get(event.observation_id)
        if observation is None:
            raise UnknownRecordError(
                "observation_id", f"no observation with id {event.observation_id!r}"
            )
        _not_before("occurred_at", event.occurred_at, observation.observed_at, "the observation")
        if event.goal_id is not None and observation.goal_id != event.goal_id:
            raise ValidationError(
                "goal_id",
                f"observation {event.observation_id!r} is of goal {observation.goal_id!r}, "
                f"not {event.goal_id!r}",
            )
    if event.strategy_id is not None:
        strategy = _strategy(state, event.strategy_id)
        _not_before(
            "occurred_at", event.occurred_at, strategy.planned_at, "the strategy was planned"
        )
        goal_id = celebrated_goal(state, event)
        if strategy.goal_id != goal_id:
            raise ValidationError(
                "strategy_id",
                f"strategy {event.strategy_id!r} serves goal {strategy.goal_id!r}, not {goal_id!r}",
            )


# --- carers' wellbeing -------------------------------------------------------------------------


def _chosen_professionals(
    state: PartnershipState, field: str, member_ids: Iterable[str], at: pendulum.DateTime
) -> None:
    for member_id in sorted(member_ids):
        if _must_be_member(state, field, member_id, at) is not MemberRole.PROFESSIONAL:
            raise ValidationError(
                field, f"{member_id!r} is not a professional; share it with professionals only"
            )


@_checks(WellbeingNoted)
def _check_wellbeing(state: PartnershipState, event: WellbeingNoted) -> None:
    _new_id("note_id", event.note_id, state.wellbeing, "wellbeing note")
    if state.role_of(event.actor) is not MemberRole.CARER:
        raise DomainError(
            "actor", "a wellbeing note is the carer's own record: only a carer notes their own"
        )
    _chosen_professionals(state, "shared_with", event.shared_with, event.occurred_at)


@_checks(SupportOffered)
def _check_support(state: PartnershipState, event: SupportOffered) -> None:
    _new_id("offer_id", event.offer_id, state.support_offers, "support offer")
    if state.role_of(event.actor) is not MemberRole.PROFESSIONAL:
        raise DomainError("actor", "support is offered by a professional")
    _with_role(state, "carer", event.carer, event.occurred_at, MemberRole.CARER)
    _chosen_professionals(state, "shared_with", event.shared_with, event.occurred_at)
    if event.in_reply_to is not None:
        note = state.wellbeing.get(event.in_reply_to)
        if note is None:
            raise UnknownRecordError(
                "in_reply_to", f"no wellbeing note with id {event.in_reply_to!r}"
            )
        if note.carer != event.carer:
            raise ValidationError(
                "in_reply_to", f"wellbeing note {event.in_reply_to!r} is not {event.carer!r}'s"
            )
        if not note.visible_to(event.actor):
            raise DomainError(
                "in_reply_to",
                f"{event.carer!r} has not shared wellbeing note {event.in_reply_to!r} "
                f"with {event.actor!r}",
            )
        _not_before("occurred_at", event.occurred_at, note.noted_at, "the wellbeing note")


# --- the partnership agreement -----------------------------------------------------------------


@_checks(AgreementIssued)
def _check_agreement(state: PartnershipState, event: AgreementIssued) -> None:
    current = state.agreement
    expected = 1 if current is None else current.version + 1
    if event.version != expected:
        raise ValidationError(
            "version", f"the next version of the agreement is {expected}, not {event.version}"
        )
    if current is not None:
        _not_before("occurred_at", event.occurred_at, current.issued_at, "the version before")
    for index, route in enumerate(event.agreement.contacts):
        _must_be_member(
            state, f"agreement.contacts[{index}].member_id", route.member_id, event.occurred_at
        )


@_checks(AgreementAcknowledged)
def _check_acknowledged(state: PartnershipState, event: AgreementAcknowledged) -> None:
    current = state.agreement
    if current is None:
        raise UnknownRecordError("version", "no partnership agreement has been issued yet")
    if state.role_of(event.actor) is not MemberRole.CARER:
        raise DomainError("actor", "the agreement is acknowledged by the carers")
    if event.version != current.version:
        raise DomainError(
            "version",
            f"version {event.version} is not the agreement in force (version {current.version})",
        )
    if current.acknowledged_by(event.actor):
        raise DomainError(
            "version", f"{event.actor!r} has already acknowledged version {current.version}"
        )
    _not_before("occurred_at", event.occurred_at, current.issued_at, "the agreement was issued")


__all__ = ["Partnership", "check", "start"]
