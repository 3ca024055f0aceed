"""Concerns and disagreements: talked through respectfully, solved together or escalated."""

from __future__ import annotations

import enum

import attrs
import pendulum

from alliance.model.audience import EVERYONE, Audience


class ConcernKind(enum.StrEnum):
    """Whether a member raised a worry or disagrees with something."""

    CONCERN = "concern"
    DISAGREEMENT = "disagreement"


@attrs.frozen(kw_only=True)
class ConcernResolution:
    """What the members agreed after collaborative problem-solving."""

    options_considered: tuple[str, ...]
    agreed: str
    resolved_by: str
    resolved_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class Escalation:
    """Where a concern was taken when the members could not solve it together."""

    escalated_to: str
    reason: str
    escalated_by: str
    escalated_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class Concern:
    """A concern or disagreement as it stands.

    Attributes:
        concern_id: its id.
        kind: concern or disagreement.
        description: what it is about.
        goal_id: the goal it is about, if any.
        raised_by: who raised it.
        raised_at: when.
        escalation: where it was escalated to, if it was.
        resolution: what was agreed, once resolved.
    """

    concern_id: str
    kind: ConcernKind
    description: str
    raised_by: str
    raised_at: pendulum.DateTime
    goal_id: str | None = None
    escalation: Escalation | None = None
    resolution: ConcernResolution | None = None
    audience: Audience = EVERYONE

    @property
    def is_open(self) -> bool:
        """Whether it is still unresolved (escalated concerns stay open until resolved)."""
        return self.resolution is None
