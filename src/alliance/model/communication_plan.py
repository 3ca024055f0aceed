"""The communication plan: how often and how the members agreed to keep each other
informed (meetings, calls, messages, the chat at drop-off and pick-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission
from alliance.model.people import Channel, MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = ["CommunicationPlan", "CommunicationPlanAgreed"]


@attrs.frozen(kw_only=True)
class CommunicationPlan:
    """How the members agreed to keep each other informed.

    Attributes:
        cadence: how often check-ins happen, e.g. ``pendulum.duration(weeks=2)``.
        channels: the channels check-ins use.
        participants: ids of the members who take part in check-ins.
    """

    cadence: pendulum.Duration = attrs.field(validator=c.positive_duration)
    channels: frozenset[Channel] = attrs.field(validator=c.set_of(Channel, non_empty=True))
    participants: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)


@attrs.frozen(kw_only=True)
class CommunicationPlanAgreed(Event):
    """The members agreed how often and how they keep each other informed."""

    permission = Permission(
        act="recording the communication plan",
        carer=True,
        professional=True,
        note="agreed together: either side records it",
    )

    cadence: pendulum.Duration = attrs.field(validator=c.positive_duration)
    channels: frozenset[Channel] = attrs.field(validator=c.set_of(Channel, non_empty=True))
    participants: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)

    def check(self, state: PartnershipState) -> None:
        """Not before the current plan; its participants are current members, at least
        one carer and one professional."""
        if state.communication_plan_agreed_at is not None:
            c.not_before(
                "occurred_at",
                self.occurred_at,
                state.communication_plan_agreed_at,
                "the current communication plan was agreed",
            )
        c.members(state, "participants", self.participants, self.occurred_at)
        roles = {state.role_of(m) for m in self.participants}
        if MemberRole.CARER not in roles or MemberRole.PROFESSIONAL not in roles:
            raise ValidationError(
                "participants",
                "a communication plan includes at least one carer and one professional",
            )

    def apply(self, state: PartnershipState) -> None:
        """The plan in force is this one."""
        state.communication_plan = CommunicationPlan(
            cadence=self.cadence, channels=self.channels, participants=self.participants
        )
        state.communication_plan_agreed_at = self.occurred_at
