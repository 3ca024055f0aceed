"""A partnership's state, folded from its timeline: the container and the fold.

:func:`fold` replays events in order, each folding itself in (:meth:`Event.apply`), and
never validates them (they were validated when they were recorded);
:class:`alliance.Partnership` checks new events before they are folded in. Treat a
:class:`PartnershipState` as read-only: it is rebuilt from the events whenever it is
needed.

A host's own events keep their part of the state in an **extension**: an attrs class
registered with :func:`state_extension` under a namespaced key, read with
:meth:`PartnershipState.extension` and stored with :meth:`PartnershipState.put_extension`.
It is copied, snapshotted and serialized with the rest of the state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

import attrs
import pendulum

from alliance.errors import DomainError
from alliance.model import _checks as c
from alliance.model._time import local_day
from alliance.model.agreement import AgreementVersion
from alliance.model.audience import AudienceScope
from alliance.model.celebrations import Celebration
from alliance.model.check_ins import ActionItemStatus, CheckIn
from alliance.model.coaching import CoachingSession, EducationRecord, StrategyChecklist
from alliance.model.communication_plan import CommunicationPlan
from alliance.model.concerns import Concern
from alliance.model.consent import Consent
from alliance.model.event import Event
from alliance.model.feedback import FeedbackItem
from alliance.model.goals import Goal, GoalStatus
from alliance.model.home_practice import HomePracticeStrategy, PracticeLogEntry
from alliance.model.measures import MeasureResponse
from alliance.model.membership import Membership
from alliance.model.partnership import PartnershipFormed, PartnershipStatus, Setting
from alliance.model.people import MemberRole
from alliance.model.progress import Observation
from alliance.model.resources import SharedResource
from alliance.model.setbacks import Setback
from alliance.model.transitions import Transition
from alliance.model.wellbeing import SupportOffer, WellbeingNote

__all__ = [
    "PartnershipState",
    "apply",
    "extension_types",
    "fold",
    "iter_states",
    "start",
    "state_extension",
]

T = TypeVar("T")

_EXTENSIONS: dict[str, type[Any]] = {}


def state_extension(key: str) -> Callable[[type[T]], type[T]]:
    """Register an attrs class as the state of a host's own facts, under *key*.

    *key* is namespaced by the host (``"acme.funding"``); the class must be an attrs
    class whose every field has a default, so that an empty one can be made before
    anything is folded into it. Its dict fields are copied with the state (keep frozen
    records in them, as the state's own collections do), and it is serialized with the
    state through the one converter, so snapshots hold it. Example::

        @state_extension("acme.funding")
        @attrs.define(kw_only=True)
        class Funding:
            authorisations: dict[str, FundingAuthorisation] = attrs.field(factory=dict)

    Raises:
        TypeError: *key* is used by another class, or the class is not an attrs class.
    """

    def register(cls: type[T]) -> type[T]:
        if not attrs.has(cast(type, cls)):
            raise TypeError(f"a state extension is an attrs class; {cls.__qualname__} is not")
        c.unclaimed(_EXTENSIONS, key, cls, "state extension key")
        _EXTENSIONS[key] = cls
        cls.__alliance_extension_key__ = key  # type: ignore[attr-defined]
        return cls

    return register


def extension_types() -> dict[str, type[Any]]:
    """Every registered state extension class by its key (a copy)."""
    return dict(_EXTENSIONS)


def _extension_key(kind: type[Any]) -> str:
    key = getattr(kind, "__alliance_extension_key__", None)
    if not isinstance(key, str) or _EXTENSIONS.get(key) is not kind:
        raise TypeError(
            f"{kind.__qualname__} is not a registered state extension; "
            "decorate it with @state_extension(key)"
        )
    return key


def _copied(value: Any) -> Any:
    """An attrs instance whose dict fields are copies (so the copy can change them)."""
    changes = {
        a.name: dict(getattr(value, a.name))
        for a in attrs.fields(type(value))
        if isinstance(getattr(value, a.name), dict)
    }
    return attrs.evolve(value, **changes)


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
        extensions: the state of the host's own facts, by extension key (see
            :func:`state_extension`; read it with :meth:`extension`).
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
    extensions: dict[str, Any] = attrs.field(factory=dict)

    # --- questions a clinic asks ------------------------------------------------------

    def local_date(self, moment: dt.datetime) -> pendulum.Date:
        """The date of *moment* in the partnership's time zone."""
        return local_day(c.utc_datetime("moment", moment), self.time_zone)

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
        (those held at the same moment by id, as :func:`alliance.model.fidelity_trend` orders
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
        """Transitions still to come or to look back on (:attr:`Transition.is_upcoming`),
        soonest first."""
        return sorted(
            (t for t in self.transitions.values() if t.is_upcoming),
            key=lambda t: (t.date, t.announced_at),
        )

    def extension(self, kind: type[T]) -> T:
        """The host's own part of the state held by the extension class *kind* (see
        :func:`state_extension`): the one folded so far, or a new empty one (not stored:
        an event's ``apply`` stores it with :meth:`put_extension`).

        Raises:
            TypeError: *kind* is not a registered state extension.
        """
        found = self.extensions.get(_extension_key(kind))
        if found is None:
            return kind()
        if not isinstance(found, kind):
            raise TypeError(f"extension {_extension_key(kind)!r} holds a {type(found).__name__}")
        return found

    def put_extension(self, value: object) -> None:
        """Store *value*, an instance of a registered extension class, under its key
        (for an event's ``apply``)."""
        self.extensions[_extension_key(type(value))] = value

    def copy(self) -> PartnershipState:
        """A copy whose collections can change without touching this one."""
        copy: PartnershipState = _copied(self)
        copy.extensions = {key: _copied(value) for key, value in self.extensions.items()}
        return copy


# --- folding -----------------------------------------------------------------------------


def fold(events: Iterable[Event]) -> PartnershipState:
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


def start(first: Event) -> PartnershipState:
    """The state right after a timeline's first event."""
    if not isinstance(first, PartnershipFormed):
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


def apply(state: PartnershipState, event: Event) -> None:
    """Fold one more event into *state* (in place): the event's own
    :meth:`~alliance.events.Event.apply`, then the version and the latest moment."""
    if not isinstance(event, Event):
        raise DomainError(
            "event", f"{type(event).__name__} is not an event a partnership's timeline can hold"
        )
    event.apply(state)
    state.version += 1
    state.last_event_at = max(state.last_event_at, event.occurred_at)


def iter_states(events: Iterable[Event]) -> Iterator[PartnershipState]:
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
