"""Transitions planned together: a new setting, a new class or school, a change at home,
moving to another clinic, ending therapy.

A transition is announced with its date, the people involved and the goals and
strategies it affects (:class:`TransitionAnnounced`); a plan is agreed with the carers
(:class:`TransitionPlanAgreed`: steps, who, by when; agreed again when it changes);
information is shared early (:class:`TransitionInformationShared`); the date may move
(:class:`TransitionRescheduled`); and after the date the team and family look back
(:class:`TransitionReviewed`), which completes it.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model.events import Event
from alliance.model.setbacks import PlanStep

__all__ = [
    "Transition",
    "TransitionAnnounced",
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

    transition_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: TransitionKind = attrs.field(validator=c.one_of(TransitionKind))
    description: str = attrs.field(validator=c.text)
    date: pendulum.Date = attrs.field(converter=_transition_date)
    people: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)
    affected_goals: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)
    affected_strategies: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)


@attrs.frozen(kw_only=True)
class TransitionPlanAgreed(Event):
    """A plan for a transition was agreed with the carers (again, when it changes).

    Attributes:
        transition_id: the transition.
        steps: who does what by when (at least one step).
        agreed_with: the carers who agreed it (at least one).
    """

    transition_id: str = attrs.field(validator=c.identifier)
    steps: tuple[PlanStep, ...] = attrs.field(validator=c.tuple_of(PlanStep))
    agreed_with: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)

    @steps.validator
    def _steps(self, attribute: attrs.Attribute[tuple[PlanStep, ...]], value: object) -> None:
        if not value:
            raise ValidationError("steps", "a transition plan has at least one step")


@attrs.frozen(kw_only=True)
class TransitionInformationShared(Event):
    """Information about a transition was shared with members (a visit to the new
    class, a photo book of the new setting, the new team's names)."""

    transition_id: str = attrs.field(validator=c.identifier)
    shared_with: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)
    summary: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class TransitionRescheduled(Event):
    """A transition's date moved."""

    transition_id: str = attrs.field(validator=c.identifier)
    date: pendulum.Date = attrs.field(converter=_transition_date)
    reason: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class TransitionReviewed(Event):
    """The team and family looked back at a transition after its date: how it went and
    what comes next. A reviewed transition is complete."""

    transition_id: str = attrs.field(validator=c.identifier)
    how_it_went: str = attrs.field(validator=c.text)
    next_steps: str | None = attrs.field(default=None, validator=c.optional_text)


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

    @property
    def plan(self) -> TransitionPlan | None:
        """The plan in force (the latest agreed), if any."""
        return self.plans[-1] if self.plans else None

    @property
    def is_reviewed(self) -> bool:
        """Whether the transition has been reviewed (it is then complete)."""
        return self.review is not None
