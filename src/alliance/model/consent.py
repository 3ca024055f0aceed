"""Consent: what the family agrees may be shared, with whom, and when they took it back.

A carer grants consent for sharing with a named party (``"school"``, another clinic,
a member by id), for every goal or for some goals; a carer withdraws it later. Both are
events, so the history shows when sharing was allowed and when it stopped. Withdrawal
stops further sharing from that moment: a consent counts for what happens at or after
it was granted and before it was withdrawn.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import DomainError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission
from alliance.model.goals import goals_proposed_by
from alliance.model.people import MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = ["SCHOOL", "Consent", "ConsentGranted", "ConsentWithdrawn", "shared_with_school"]

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

    permission = Permission(act="granting consent", carer="yes (the model allows carers only)")

    consent_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    party: str = attrs.field(validator=c.identifier)
    goal_ids: frozenset[str] | None = attrs.field(
        default=None,
        validator=c.optional_non_empty_identifiers(
            "name at least one goal, or None for every goal"
        ),
    )
    note: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """A new id, granted by a carer, for goals that exist."""
        c.unused_id("consent_id", self.consent_id, state.consents, "consent")
        if state.role_of(self.actor) is not MemberRole.CARER:
            raise DomainError(
                "actor", "consent to sharing is the family's to give: a carer grants it"
            )
        goals_proposed_by(state, self.goal_ids or (), self.occurred_at, "goal_ids")

    def apply(self, state: PartnershipState) -> None:
        """A consent in force from now."""
        state.consents[self.consent_id] = Consent(
            consent_id=self.consent_id,
            party=self.party,
            goal_ids=self.goal_ids,
            granted_by=self.actor,
            granted_at=self.occurred_at,
            note=self.note,
        )


@attrs.frozen(kw_only=True)
class ConsentWithdrawn(Event):
    """A carer withdrew a consent: nothing more is shared under it from this moment."""

    permission = Permission(act="withdrawing consent", carer="yes (the model allows carers only)")

    consent_id: str = attrs.field(validator=c.identifier)
    reason: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """A consent in force, withdrawn by a carer, not before it was granted."""
        consent = c.known(state.consents, self.consent_id, "consent_id", "consent")
        if state.role_of(self.actor) is not MemberRole.CARER:
            raise DomainError("actor", "consent is the family's to withdraw: a carer withdraws it")
        if not consent.in_force:
            raise DomainError("consent_id", f"consent {self.consent_id!r} is already withdrawn")
        c.not_before("occurred_at", self.occurred_at, consent.granted_at, "the consent was granted")

    def apply(self, state: PartnershipState) -> None:
        """The consent stops counting from now."""
        state.consents[self.consent_id] = attrs.evolve(
            state.consents[self.consent_id],
            withdrawn_by=self.actor,
            withdrawn_at=self.occurred_at,
            withdrawal_reason=self.reason,
        )


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


def shared_with_school(
    state: PartnershipState, goal_id: str, member_id: str, at: dt.datetime
) -> bool:
    """Whether a carer's consent in force at *at* shares *goal_id* with the school (party
    ``"school"``) or with *member_id* by name."""
    return any(
        consent.in_force_at(at) and consent.covers(goal_id)
        for party in (SCHOOL, member_id)
        for consent in state.consents.values()
        if consent.party == party
    )
