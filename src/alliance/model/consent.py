"""Consent: what the family agrees may be shared, with whom, and when they took it back.

A carer grants consent for sharing with a named party (``"school"``, another clinic,
a member by id), for every goal or for some goals; a carer withdraws it later. Both are
events, so the history shows when sharing was allowed and when it stopped. Withdrawal
stops further sharing from that moment: a consent counts for what happens at or after
it was granted and before it was withdrawn.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model.events import Event

__all__ = ["SCHOOL", "Consent", "ConsentGranted", "ConsentWithdrawn"]

SCHOOL = "school"
"""The party name for the child's school or early-years setting: a consent for sharing
with ``"school"`` shares the goals it covers with every educator in the partnership."""


@attrs.frozen(kw_only=True)
class ConsentGranted(Event):
    """A carer consented to sharing with a named party.

    Attributes:
        consent_id: the consent's id (generated when not given).
        party: who may receive: ``SCHOOL`` (``"school"``), a member's id, or another
            party's name (``"clinic:northside"``).
        goal_ids: the goals it covers; ``None`` for every goal, present and future.
        note: the terms in the family's words, if any.
    """

    consent_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    party: str = attrs.field(validator=c.identifier)
    goal_ids: frozenset[str] | None = attrs.field(default=None)
    note: str | None = attrs.field(default=None, validator=c.optional_text)

    @goal_ids.validator
    def _goal_ids(self, attribute: attrs.Attribute[frozenset[str] | None], value: object) -> None:
        if value is None:
            return
        c.identifiers(self, attribute, value)
        if not value:
            raise ValidationError("goal_ids", "name at least one goal, or None for every goal")


@attrs.frozen(kw_only=True)
class ConsentWithdrawn(Event):
    """A carer withdrew a consent: nothing more is shared under it from this moment."""

    consent_id: str = attrs.field(validator=c.identifier)
    reason: str | None = attrs.field(default=None, validator=c.optional_text)


@attrs.frozen(kw_only=True)
class Consent:
    """A consent as it stands, folded from the timeline.

    Attributes:
        consent_id, party, goal_ids, note: as granted.
        granted_by, granted_at: the carer who granted it, and when.
        withdrawn_by, withdrawn_at, withdrawal_reason: set once it is withdrawn.
    """

    consent_id: str
    party: str
    goal_ids: frozenset[str] | None
    granted_by: str
    granted_at: pendulum.DateTime
    note: str | None = None
    withdrawn_by: str | None = None
    withdrawn_at: pendulum.DateTime | None = None
    withdrawal_reason: str | None = None

    @property
    def in_force(self) -> bool:
        """Whether it has not been withdrawn."""
        return self.withdrawn_at is None

    def in_force_at(self, moment: dt.datetime) -> bool:
        """Whether it had been granted and not yet withdrawn at *moment*."""
        return self.granted_at <= moment and (
            self.withdrawn_at is None or moment < self.withdrawn_at
        )

    def covers(self, goal_id: str) -> bool:
        """Whether it covers *goal_id*."""
        return self.goal_ids is None or goal_id in self.goal_ids
