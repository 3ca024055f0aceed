"""Setbacks: expected, recorded without blame, answered with a plan, reviewed, resolved.

A setback names what happened and which goals it affects; it never names a culprit.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from alliance.errors import DomainError
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience, audience_field
from alliance.model.event import ActedOn, Event, Permission
from alliance.model.goals import goals_proposed_by

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "PlanStep",
    "ResponsePlan",
    "Setback",
    "SetbackKind",
    "SetbackReported",
    "SetbackResolved",
    "SetbackResponsePlanned",
    "SetbackReview",
    "SetbackReviewed",
    "Severity",
]


class SetbackKind(enum.StrEnum):
    """What kind of setback it is."""

    REGRESSION = "regression"
    LIFE_EVENT = "life-event-or-transition"
    ILLNESS = "illness"
    MISSED_SESSIONS = "missed-sessions"
    DISAGREEMENT = "disagreement"
    OTHER = "other"


class Severity(enum.StrEnum):
    """How much a setback affects the work."""

    MINOR = "minor"
    MODERATE = "moderate"
    MAJOR = "major"


@attrs.frozen(kw_only=True)
class PlanStep:
    """One step of a response plan: who does what, by when."""

    description: str = attrs.field(validator=c.text)
    owner: str = attrs.field(validator=c.identifier)
    due: pendulum.Date = attrs.field(converter=c.due)


@attrs.frozen(kw_only=True)
class ResponsePlan:
    """How the team answers a setback."""

    changes: str
    steps: tuple[PlanStep, ...]
    planned_by: str
    planned_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class SetbackReview:
    """A look back at a setback and its plan, before it is resolved."""

    note: str
    reviewed_by: str
    reviewed_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class Setback:
    """A setback as it stands.

    Attributes:
        setback_id: its id.
        kind: regression, life event, illness, missed sessions, disagreement or other.
        severity: minor, moderate or major.
        description: what happened, in plain words and without blame.
        affected_goals: ids of the goals it affects.
        reported_by: who reported it.
        reported_at: when.
        response_plan: the team's plan, once made (the latest if re-planned).
        reviews: reviews so far, oldest first.
        resolved_at: when it was resolved, or ``None``.
        resolution: how it was resolved.
    """

    setback_id: str
    kind: SetbackKind
    severity: Severity
    description: str
    affected_goals: frozenset[str]
    reported_by: str
    reported_at: pendulum.DateTime
    response_plan: ResponsePlan | None = None
    reviews: tuple[SetbackReview, ...] = ()
    resolved_at: pendulum.DateTime | None = None
    resolution: str | None = None
    audience: Audience = EVERYONE

    @property
    def is_resolved(self) -> bool:
        """Whether the setback has been resolved."""
        return self.resolved_at is not None


@attrs.frozen(kw_only=True)
class SetbackReported(Event):
    """Someone reported a setback. Setbacks are expected; say what happened, not who is to
    blame."""

    permission = Permission(act="reporting a setback", carer=True, professional=True)

    setback_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: SetbackKind = attrs.field(validator=c.one_of(SetbackKind))
    severity: Severity = attrs.field(validator=c.one_of(Severity))
    description: str = attrs.field(validator=c.text)
    affected_goals: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)
    audience: Audience = audience_field()

    def check(self, state: PartnershipState) -> None:
        """A new id; the goals it affects exist."""
        c.audience_members(state, self.audience, self.occurred_at)
        c.unused_id("setback_id", self.setback_id, state.setbacks, "setback")
        goals_proposed_by(state, self.affected_goals, self.occurred_at, "affected_goals")

    def apply(self, state: PartnershipState) -> None:
        """An open setback."""
        state.setbacks[self.setback_id] = Setback(
            setback_id=self.setback_id,
            kind=self.kind,
            severity=self.severity,
            description=self.description,
            affected_goals=self.affected_goals,
            reported_by=self.actor,
            reported_at=self.occurred_at,
            audience=self.audience,
        )


@attrs.frozen(kw_only=True)
class _SetbackWorkedThrough(Event, abstract=True):
    """A step in working through an open setback (a base class)."""

    setback_id: str = attrs.field(validator=c.identifier)

    def check(self, state: PartnershipState) -> None:
        """An open setback, not before it was reported."""
        self._open_setback(state)

    def _open_setback(self, state: PartnershipState) -> Setback:
        setback = c.known(state.setbacks, self.setback_id, "setback_id", "setback")
        if setback.is_resolved:
            raise DomainError("setback_id", f"setback {self.setback_id!r} is already resolved")
        c.not_before(
            "occurred_at", self.occurred_at, setback.reported_at, "the setback was reported"
        )
        return setback

    def _update(self, state: PartnershipState, **changes: Any) -> None:
        """Fold *changes* into the setback worked through."""
        state.setbacks[self.setback_id] = attrs.evolve(state.setbacks[self.setback_id], **changes)

    def acted_on(self, state: PartnershipState) -> ActedOn | None:
        """The setback worked through."""
        setback = state.setbacks[self.setback_id]
        return ActedOn(what="setback", audience=setback.audience, author=setback.reported_by)


@attrs.frozen(kw_only=True)
class SetbackResponsePlanned(_SetbackWorkedThrough):
    """The team planned its response to a setback: what will change, who does what."""

    permission = Permission(act="planning a setback response", professional=True)

    changes: str = attrs.field(validator=c.text)
    steps: tuple[PlanStep, ...] = attrs.field(default=(), validator=c.tuple_of(PlanStep))

    def check(self, state: PartnershipState) -> None:
        """An open setback; each step's owner is a current member."""
        self._open_setback(state)
        for index, step in enumerate(self.steps):
            c.member(state, f"steps[{index}].owner", step.owner, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """The setback's response plan (replacing any earlier one)."""
        self._update(
            state,
            response_plan=ResponsePlan(
                changes=self.changes,
                steps=self.steps,
                planned_by=self.actor,
                planned_at=self.occurred_at,
            ),
        )


@attrs.frozen(kw_only=True)
class SetbackReviewed(_SetbackWorkedThrough):
    """The team looked back at a setback and its plan."""

    permission = Permission(act="reviewing a setback", professional=True)

    note: str = attrs.field(validator=c.text)

    def check(self, state: PartnershipState) -> None:
        """An open setback with a response plan to review."""
        setback = self._open_setback(state)
        if setback.response_plan is None:
            raise DomainError(
                "setback_id", f"setback {self.setback_id!r} has no response plan to review yet"
            )

    def apply(self, state: PartnershipState) -> None:
        """One more review of the setback."""
        review = SetbackReview(note=self.note, reviewed_by=self.actor, reviewed_at=self.occurred_at)
        self._update(state, reviews=(*state.setbacks[self.setback_id].reviews, review))


@attrs.frozen(kw_only=True)
class SetbackResolved(_SetbackWorkedThrough):
    """A setback was worked through."""

    permission = Permission(act="resolving a setback", professional=True)

    resolution: str = attrs.field(validator=c.text)

    def apply(self, state: PartnershipState) -> None:
        """The setback is resolved."""
        self._update(state, resolved_at=self.occurred_at, resolution=self.resolution)
