"""Transitions planned together: a new setting, a new class or school, a change at home,
moving to another clinic, ending therapy.

A transition is announced with its date, the people involved and the goals and
strategies it affects (:class:`TransitionAnnounced`); a plan is agreed with the carers
(:class:`TransitionPlanAgreed`: steps, who, by when; agreed again when it changes);
information is shared early (:class:`TransitionInformationShared`); the date may move
(:class:`TransitionRescheduled`); and after the date the team and family look back
(:class:`TransitionReviewed`), which completes it. A transition that will not happen
after all is called off, with the reason (:class:`TransitionCancelled`): nothing more is
planned or reviewed for it.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from alliance.errors import DomainError, ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission
from alliance.model.goals import goals_proposed_by
from alliance.model.home_practice import strategy_planned_by
from alliance.model.people import MemberRole
from alliance.model.setbacks import PlanStep

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "Transition",
    "TransitionAnnounced",
    "TransitionCancellation",
    "TransitionCancelled",
    "TransitionInformationShared",
    "TransitionKind",
    "TransitionPlan",
    "TransitionPlanAgreed",
    "TransitionRescheduled",
    "TransitionReview",
    "TransitionReviewed",
    "SharedInformation",
]


class TransitionKind(enum.StrEnum):
    """What is changing for the child."""

    NEW_SETTING = "new-setting"
    """Starting at a new setting: nursery, preschool, an after-school club."""
    NEW_CLASS = "new-class"
    NEW_SCHOOL = "new-school"
    HOME_CHANGE = "home-change"
    """A change at home: a move, a new sibling, a parent away."""
    NEW_CLINIC = "new-clinic"
    """Moving to another clinic or service."""
    ENDING_THERAPY = "ending-therapy"
    OTHER = "other"


def _transition_date(value: dt.date) -> pendulum.Date:
    return c.to_pendulum_date("date", value)


def open_transition(state: PartnershipState, event: Event, transition_id: str) -> Transition:
    """The transition, not yet reviewed, announced by the time of *event*."""
    transition = c.known(state.transitions, transition_id, "transition_id", "transition")
    if transition.is_reviewed:
        raise DomainError("transition_id", f"transition {transition_id!r} is already reviewed")
    if transition.cancellation is not None:
        raise DomainError("transition_id", f"transition {transition_id!r} was called off")
    c.not_before(
        "occurred_at", event.occurred_at, transition.announced_at, "the transition was announced"
    )
    return transition


@attrs.frozen(kw_only=True)
class TransitionAnnounced(Event):
    """A coming transition was put on the partnership's record.

    Attributes:
        transition_id: its id (generated when not given).
        kind: what is changing.
        description: what is changing, in plain language.
        date: the (local) date it happens.
        people: the members involved (at least one).
        affected_goals: the goals it affects.
        affected_strategies: the home-practice strategies it affects.
    """

    permission = Permission(
        act="announcing a transition", carer=True, professional=True, educator=True
    )

    transition_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: TransitionKind = attrs.field(validator=c.one_of(TransitionKind))
    description: str = attrs.field(validator=c.text)
    date: pendulum.Date = attrs.field(converter=_transition_date)
    people: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)
    affected_goals: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)
    affected_strategies: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)

    def check(self, state: PartnershipState) -> None:
        """A new id; the people are current members; the goals and strategies it affects
        exist."""
        c.unused_id("transition_id", self.transition_id, state.transitions, "transition")
        c.members(state, "people", self.people, self.occurred_at)
        goals_proposed_by(state, self.affected_goals, self.occurred_at, "affected_goals")
        for strategy_id in sorted(self.affected_strategies):
            strategy_planned_by(state, strategy_id, self.occurred_at, "affected_strategies")

    def apply(self, state: PartnershipState) -> None:
        """A coming transition."""
        state.transitions[self.transition_id] = Transition(
            transition_id=self.transition_id,
            kind=self.kind,
            description=self.description,
            date=self.date,
            people=self.people,
            affected_goals=self.affected_goals,
            affected_strategies=self.affected_strategies,
            announced_by=self.actor,
            announced_at=self.occurred_at,
        )


@attrs.frozen(kw_only=True)
class _TransitionWorkedOn(Event, abstract=True):
    """A step on an open transition (a base class): one neither reviewed nor called off,
    announced by the time of the step."""

    transition_id: str = attrs.field(validator=c.identifier)

    def _open_transition(self, state: PartnershipState) -> Transition:
        """The transition, which must still be open."""
        return open_transition(state, self, self.transition_id)

    def _update(self, state: PartnershipState, **changes: Any) -> None:
        """Fold *changes* into the transition worked on."""
        state.transitions[self.transition_id] = attrs.evolve(
            state.transitions[self.transition_id], **changes
        )


@attrs.frozen(kw_only=True)
class TransitionPlanAgreed(_TransitionWorkedOn):
    """A plan for a transition was agreed with the carers (again, when it changes).

    Attributes:
        transition_id: the transition.
        steps: who does what by when (at least one step).
        agreed_with: the carers who agreed it (at least one).
    """

    permission = Permission(
        act="recording a transition plan agreed with the carers", professional=True
    )

    steps: tuple[PlanStep, ...] = attrs.field(validator=c.tuple_of(PlanStep))
    agreed_with: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)

    @steps.validator
    def _steps(self, attribute: attrs.Attribute[tuple[PlanStep, ...]], value: object) -> None:
        if not value:
            raise ValidationError("steps", "a transition plan has at least one step")

    def check(self, state: PartnershipState) -> None:
        """An open transition, not before the plan before it; agreed with current carers;
        each step's owner a current member."""
        transition = self._open_transition(state)
        if transition.plan is not None:
            c.not_before(
                "occurred_at", self.occurred_at, transition.plan.agreed_at, "the plan before it"
            )
        c.members_with_role(
            state, "agreed_with", self.agreed_with, self.occurred_at, MemberRole.CARER
        )
        for index, step in enumerate(self.steps):
            c.member(state, f"steps[{index}].owner", step.owner, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """The plan in force (earlier plans kept)."""
        plan = TransitionPlan(
            steps=self.steps,
            agreed_with=self.agreed_with,
            agreed_by=self.actor,
            agreed_at=self.occurred_at,
        )
        self._update(state, plans=(*state.transitions[self.transition_id].plans, plan))


@attrs.frozen(kw_only=True)
class TransitionInformationShared(_TransitionWorkedOn):
    """Information about a transition was shared with members (a visit to the new
    class, a photo book of the new setting, the new team's names)."""

    permission = Permission(
        act="sharing information about a transition",
        carer=True,
        professional=True,
        educator=True,
    )

    shared_with: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)
    summary: str = attrs.field(validator=c.text)

    def check(self, state: PartnershipState) -> None:
        """An open transition, shared with current members."""
        self._open_transition(state)
        c.members(state, "shared_with", self.shared_with, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """What was shared, kept with the transition."""
        shared = SharedInformation(
            summary=self.summary,
            shared_with=self.shared_with,
            shared_by=self.actor,
            shared_at=self.occurred_at,
        )
        information = state.transitions[self.transition_id].information
        self._update(state, information=(*information, shared))


@attrs.frozen(kw_only=True)
class TransitionRescheduled(_TransitionWorkedOn):
    """A transition's date moved."""

    permission = Permission(
        act="rescheduling a transition", carer=True, professional=True, educator=True
    )

    date: pendulum.Date = attrs.field(converter=_transition_date)
    reason: str = attrs.field(validator=c.text)

    def check(self, state: PartnershipState) -> None:
        """An open transition, moved to another date."""
        transition = self._open_transition(state)
        if self.date == transition.date:
            raise ValidationError("date", f"the transition is already on {self.date.isoformat()}")

    def apply(self, state: PartnershipState) -> None:
        """The transition's new date."""
        self._update(state, date=self.date)


@attrs.frozen(kw_only=True)
class TransitionReviewed(_TransitionWorkedOn):
    """The team and family looked back at a transition after its date: how it went and
    what comes next. A reviewed transition is complete."""

    permission = Permission(act="reviewing a transition", carer=True, professional=True)

    how_it_went: str = attrs.field(validator=c.text)
    next_steps: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """An open transition whose (local) date has come."""
        transition = self._open_transition(state)
        today = state.local_date(self.occurred_at)
        if today < transition.date:
            raise DomainError(
                "occurred_at",
                f"a transition is reviewed after it happens; transition {self.transition_id!r} "
                f"is on {transition.date.isoformat()}",
            )

    def apply(self, state: PartnershipState) -> None:
        """The look back, which completes the transition."""
        self._update(
            state,
            review=TransitionReview(
                how_it_went=self.how_it_went,
                next_steps=self.next_steps,
                reviewed_by=self.actor,
                reviewed_at=self.occurred_at,
            ),
        )


@attrs.frozen(kw_only=True)
class TransitionCancelled(_TransitionWorkedOn):
    """A transition was called off: it will not happen (a school place fell through, the
    family stays put). Nothing more is planned or reviewed for it."""

    permission = Permission(act="calling off a transition", carer=True, professional=True)

    reason: str = attrs.field(validator=c.text)

    def check(self, state: PartnershipState) -> None:
        """A transition neither reviewed nor called off, not before it was announced."""
        self._open_transition(state)

    def apply(self, state: PartnershipState) -> None:
        """The transition is called off, with the reason."""
        self._update(
            state,
            cancellation=TransitionCancellation(
                reason=self.reason, cancelled_by=self.actor, cancelled_at=self.occurred_at
            ),
        )


@attrs.frozen(kw_only=True)
class TransitionCancellation:
    """Why and when a transition was called off, and by whom."""

    reason: str
    cancelled_by: str
    cancelled_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class TransitionPlan:
    """A plan as agreed."""

    steps: tuple[PlanStep, ...]
    agreed_with: frozenset[str]
    agreed_by: str
    agreed_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class SharedInformation:
    """Information shared about a transition."""

    summary: str
    shared_with: frozenset[str]
    shared_by: str
    shared_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class TransitionReview:
    """The look back after a transition."""

    how_it_went: str
    next_steps: str | None
    reviewed_by: str
    reviewed_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class Transition:
    """A transition as it stands, folded from the timeline.

    Attributes:
        transition_id, kind, description, people, affected_goals, affected_strategies:
            as announced.
        date: its (local) date, after any rescheduling.
        announced_by, announced_at: who put it on record, and when.
        plans: every plan agreed, oldest first (the last is the plan in force).
        information: what was shared about it, oldest first.
        review: the look back, once done.
        cancellation: why and when it was called off, if it was.
    """

    transition_id: str
    kind: TransitionKind
    description: str
    date: pendulum.Date
    people: frozenset[str]
    affected_goals: frozenset[str]
    affected_strategies: frozenset[str]
    announced_by: str
    announced_at: pendulum.DateTime
    plans: tuple[TransitionPlan, ...] = ()
    information: tuple[SharedInformation, ...] = ()
    review: TransitionReview | None = None
    cancellation: TransitionCancellation | None = None

    @property
    def plan(self) -> TransitionPlan | None:
        """The plan in force (the latest agreed), if any."""
        return self.plans[-1] if self.plans else None

    @property
    def is_reviewed(self) -> bool:
        """Whether the transition has been reviewed (it is then complete)."""
        return self.review is not None

    @property
    def is_upcoming(self) -> bool:
        """Whether the transition is still to come or to look back on: not reviewed, and
        not called off."""
        return not self.is_reviewed and self.cancellation is None
