"""Concerns and disagreements: talked through respectfully, solved together or escalated."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from alliance.errors import DomainError
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience, audience_field
from alliance.model.event import ActedOn, Event, Permission
from alliance.model.goals import goal_proposed_by

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "Concern",
    "ConcernEscalated",
    "ConcernKind",
    "ConcernRaised",
    "ConcernResolution",
    "ConcernResolved",
    "Escalation",
]


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


@attrs.frozen(kw_only=True)
class ConcernRaised(Event):
    """A member raised a concern or a disagreement (a safeguarding concern, say, for the
    professionals only: ``audience=Audience.professionals()``)."""

    permission = Permission(act="raising a concern", carer=True, professional=True)

    concern_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: ConcernKind = attrs.field(default=ConcernKind.CONCERN, validator=c.one_of(ConcernKind))
    description: str = attrs.field(validator=c.text)
    goal_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    audience: Audience = audience_field()

    def check(self, state: PartnershipState) -> None:
        """A new id; the goal it is about exists."""
        c.audience_members(state, self.audience, self.occurred_at)
        c.unused_id("concern_id", self.concern_id, state.concerns, "concern")
        if self.goal_id is not None:
            goal_proposed_by(state, self.goal_id, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """An open concern."""
        state.concerns[self.concern_id] = Concern(
            concern_id=self.concern_id,
            kind=self.kind,
            description=self.description,
            goal_id=self.goal_id,
            raised_by=self.actor,
            raised_at=self.occurred_at,
            audience=self.audience,
        )


@attrs.frozen(kw_only=True)
class _ConcernTakenUp(Event, abstract=True):
    """A step on an open concern (a base class)."""

    concern_id: str = attrs.field(validator=c.identifier)

    def check(self, state: PartnershipState) -> None:
        """An open concern, not before it was raised."""
        self._open_concern(state)

    def _open_concern(self, state: PartnershipState) -> Concern:
        concern = c.known(state.concerns, self.concern_id, "concern_id", "concern")
        if not concern.is_open:
            raise DomainError("concern_id", f"concern {self.concern_id!r} is already resolved")
        c.not_before("occurred_at", self.occurred_at, concern.raised_at, "the concern was raised")
        return concern

    def _update(self, state: PartnershipState, **changes: Any) -> None:
        """Fold *changes* into the concern taken up."""
        state.concerns[self.concern_id] = attrs.evolve(state.concerns[self.concern_id], **changes)

    def acted_on(self, state: PartnershipState) -> ActedOn | None:
        """The concern taken up."""
        concern = state.concerns[self.concern_id]
        return ActedOn(what="concern", audience=concern.audience, author=concern.raised_by)


@attrs.frozen(kw_only=True)
class ConcernResolved(_ConcernTakenUp):
    """A concern was resolved together: the options considered and what was agreed."""

    permission = Permission(act="resolving a concern", professional=True)

    options_considered: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    agreed: str = attrs.field(validator=c.text)

    def apply(self, state: PartnershipState) -> None:
        """The concern is resolved with what was agreed."""
        self._update(
            state,
            resolution=ConcernResolution(
                options_considered=self.options_considered,
                agreed=self.agreed,
                resolved_by=self.actor,
                resolved_at=self.occurred_at,
            ),
        )


@attrs.frozen(kw_only=True)
class ConcernEscalated(_ConcernTakenUp):
    """A concern the members could not solve together was taken further."""

    permission = Permission(act="escalating a concern", professional=True)

    escalated_to: str = attrs.field(validator=c.text)
    reason: str = attrs.field(validator=c.text)

    def check(self, state: PartnershipState) -> None:
        """An open concern, not escalated yet."""
        concern = self._open_concern(state)
        if concern.escalation is not None:
            raise DomainError("concern_id", f"concern {self.concern_id!r} is already escalated")

    def apply(self, state: PartnershipState) -> None:
        """The concern is escalated (it stays open)."""
        self._update(
            state,
            escalation=Escalation(
                escalated_to=self.escalated_to,
                reason=self.reason,
                escalated_by=self.actor,
                escalated_at=self.occurred_at,
            ),
        )
