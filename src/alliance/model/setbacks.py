"""Setbacks: expected, recorded without blame, answered with a plan, reviewed, resolved.

A setback names what happened and which goals it affects; it never names a culprit.
"""

from __future__ import annotations

import enum

import attrs
import pendulum

from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience


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
