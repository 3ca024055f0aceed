"""Who is in the partnership: carers and professionals joining and leaving, and the
side each member stands on.

A person's part in one partnership (a parent here, the speech therapist there) is their
:class:`Membership`, folded from :class:`CarerJoined`, :class:`ProfessionalJoined` and
:class:`MemberLeft`. The child is at the centre of the partnership and is never a
member. Whoever formed the partnership may add its first members while it is forming,
member or not (:func:`founder_adding_members`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import DomainError, ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission, Side
from alliance.model.partnership import PartnershipStatus
from alliance.model.people import CarerRelationship, Discipline, MemberRole, ProfessionalRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "CarerJoined",
    "MemberLeft",
    "Membership",
    "ProfessionalJoined",
    "founder_adding_members",
    "side_of",
]


@attrs.frozen(kw_only=True)
class Membership:
    """A person's part in one partnership, folded from the timeline.

    Attributes:
        member_id: the person's id.
        role: carer or professional.
        relationship: a carer's relationship to this child (carers only).
        discipline: a professional's discipline here (professionals only).
        professional_role: therapist, supervisor or educator (professionals only).
        joined_at: when they joined.
        left_at: when they left, or ``None`` while they are a member.
    """

    member_id: str
    role: MemberRole
    joined_at: pendulum.DateTime
    relationship: CarerRelationship | None = None
    discipline: Discipline | None = None
    professional_role: ProfessionalRole | None = None
    left_at: pendulum.DateTime | None = None

    @property
    def is_current(self) -> bool:
        """Whether the person is still a member."""
        return self.left_at is None

    @property
    def side(self) -> Side:
        """The side they stand on: a carer, a professional (a therapist or supervisor) or
        an educator (a teacher or early-childhood educator)."""
        if self.role is MemberRole.CARER:
            return Side.CARER
        if self.professional_role is ProfessionalRole.EDUCATOR:
            return Side.EDUCATOR
        return Side.PROFESSIONAL

    def was_member_at(self, moment: dt.datetime) -> bool:
        """Whether the person was a member at *moment*."""
        return self.joined_at <= moment and (self.left_at is None or moment < self.left_at)


def side_of(state: PartnershipState, member_id: str) -> Side | None:
    """The side of *member_id* (:attr:`Membership.side`), or ``None`` for someone who is
    not a current member."""
    membership = state.members.get(member_id)
    if membership is None or not membership.is_current:
        return None
    return membership.side


def founder_adding_members(state: PartnershipState, event: Event) -> bool:
    """Whether *event* is whoever formed the partnership adding a member while it is
    forming (which they may, member or not, whatever their side)."""
    return (
        type(event).founder_may_record
        and event.actor == state.formed_by
        and state.status is PartnershipStatus.FORMING
    )


def _check_joining(state: PartnershipState, member_id: str) -> None:
    if member_id == state.child_id:
        raise ValidationError(
            "member_id", "the child is the focus of the partnership, not a member"
        )
    if state.role_of(member_id) is not None:
        raise DomainError("member_id", f"{member_id!r} is already a member")


@attrs.frozen(kw_only=True)
class _MemberJoined(Event, abstract=True):
    """Someone joined the partnership (a base class): a professional adds them, or
    whoever formed it while it is forming."""

    permission = Permission(act="adding a member", professional=True)
    founder_may_record = True

    member_id: str = attrs.field(validator=c.identifier)

    def check(self, state: PartnershipState) -> None:
        """Not the child, and not a current member."""
        _check_joining(state, self.member_id)


@attrs.frozen(kw_only=True)
class CarerJoined(_MemberJoined):
    """A carer joined the partnership, in their own right."""

    relationship: CarerRelationship = attrs.field(validator=c.one_of(CarerRelationship))

    def apply(self, state: PartnershipState) -> None:
        """They are a carer member from now."""
        state.members[self.member_id] = Membership(
            member_id=self.member_id,
            role=MemberRole.CARER,
            relationship=self.relationship,
            joined_at=self.occurred_at,
        )


@attrs.frozen(kw_only=True)
class ProfessionalJoined(_MemberJoined):
    """A professional joined the care team."""

    discipline: Discipline = attrs.field(validator=c.one_of(Discipline))
    role: ProfessionalRole = attrs.field(
        default=ProfessionalRole.THERAPIST, validator=c.one_of(ProfessionalRole)
    )

    def apply(self, state: PartnershipState) -> None:
        """They are a professional member from now."""
        state.members[self.member_id] = Membership(
            member_id=self.member_id,
            role=MemberRole.PROFESSIONAL,
            discipline=self.discipline,
            professional_role=self.role,
            joined_at=self.occurred_at,
        )


@attrs.frozen(kw_only=True)
class MemberLeft(Event):
    """A member left the partnership. What they recorded stays in the timeline."""

    permission = Permission(
        act="recording a member leaving",
        carer="themselves",
        professional=True,
        educator="themselves",
    )

    member_id: str = attrs.field(validator=c.identifier)
    reason: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """The member is a current member who had joined by then."""
        c.member(state, "member_id", self.member_id, self.occurred_at)

    def refusal_for(self, state: PartnershipState, side: Side) -> str | None:
        """Members may leave themselves; professionals record anyone leaving."""
        if side is Side.PROFESSIONAL or self.member_id == self.actor:
            return None
        return "members may leave themselves; only professionals record someone else leaving"

    def apply(self, state: PartnershipState) -> None:
        """Their membership ends now."""
        state.members[self.member_id] = attrs.evolve(
            state.members[self.member_id], left_at=self.occurred_at
        )
