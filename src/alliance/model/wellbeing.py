"""Carers' wellbeing and support: the carer's own record, seen only by whom they choose.

Carrying a child's programme at home is work; how carers are coping, and the support
around them (peer groups, extended family, respite), keeps them able to carry it. A
carer records a :class:`WellbeingNoted` for themselves and chooses which professionals
may see it (``shared_with``; nobody else, not other carers, ever does). Professionals
record support they offered (:class:`SupportOffered`), seen by the carer it is for, its
author and the professionals they name. None of this is a clinical assessment of the
carer: there are no scores, only the carer's own words and choices.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import DomainError, ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission
from alliance.model.people import MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "Coping",
    "SupportKind",
    "SupportOffer",
    "SupportOffered",
    "WellbeingNote",
    "WellbeingNoted",
]


class Coping(enum.StrEnum):
    """How the carer says they are coping (their own words, not a rating of them)."""

    WELL = "well"
    MANAGING = "managing"
    STRETCHED = "stretched"
    STRUGGLING = "struggling"


class SupportKind(enum.StrEnum):
    """A kind of support around a carer."""

    PEER_GROUP = "peer-group"
    EXTENDED_FAMILY = "extended-family"
    FRIENDS = "friends"
    RESPITE = "respite"
    COMMUNITY = "community"
    FAITH_COMMUNITY = "faith-community"
    COUNSELLING = "counselling"
    PRACTICAL_HELP = "practical-help"
    INFORMATION = "information"
    OTHER = "other"


@attrs.frozen(kw_only=True)
class WellbeingNoted(Event):
    """A carer noted, for themselves, how they are and what support they have.

    The actor is the carer it is about: nobody records this for a carer.

    Attributes:
        note_id: its id (generated when not given).
        coping: how they say they are coping, if they want to say.
        support: the support they have now.
        would_like: what they would like (more respite, to meet other parents...).
        note: anything else, in their words.
        shared_with: the professionals they choose to share it with (none: only them).
    """

    permission = Permission(
        act="noting a carer's wellbeing", carer="yes (the model allows carers only)"
    )

    note_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    coping: Coping | None = attrs.field(default=None, validator=c.optional_one_of(Coping))
    support: frozenset[SupportKind] = attrs.field(
        default=frozenset(), validator=c.set_of(SupportKind)
    )
    would_like: str | None = attrs.field(default=None, validator=c.optional_text)
    note: str | None = attrs.field(default=None, validator=c.optional_text)
    shared_with: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)

    def check(self, state: PartnershipState) -> None:
        """A new id; noted by the carer it is about; shared with professionals only."""
        c.unused_id("note_id", self.note_id, state.wellbeing, "wellbeing note")
        if state.role_of(self.actor) is not MemberRole.CARER:
            raise DomainError(
                "actor", "a wellbeing note is the carer's own record: only a carer notes their own"
            )
        _chosen_professionals(state, "shared_with", self.shared_with, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """The carer's wellbeing note."""
        state.wellbeing[self.note_id] = WellbeingNote(
            note_id=self.note_id,
            carer=self.actor,
            noted_at=self.occurred_at,
            coping=self.coping,
            support=self.support,
            would_like=self.would_like,
            note=self.note,
            shared_with=self.shared_with,
        )


@attrs.frozen(kw_only=True)
class SupportOffered(Event):
    """A professional offered a carer support (a parent group, respite information).

    Attributes:
        offer_id: its id (generated when not given).
        carer: the carer it is for.
        kind: what kind of support.
        description: what was offered.
        in_reply_to: the carer's wellbeing note it answers, if any (its author must have
            shared the note with the professional offering).
        shared_with: other professionals who may see the offer (none by default).
    """

    permission = Permission(act="offering support", professional=True)

    offer_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    carer: str = attrs.field(validator=c.identifier)
    kind: SupportKind = attrs.field(validator=c.one_of(SupportKind))
    description: str = attrs.field(validator=c.text)
    in_reply_to: str | None = attrs.field(default=None, validator=c.optional_identifier)
    shared_with: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)

    def check(self, state: PartnershipState) -> None:
        """A new id; offered by a professional to a current carer; shared with
        professionals only; in reply to a note the carer shared with the actor."""
        c.unused_id("offer_id", self.offer_id, state.support_offers, "support offer")
        if state.role_of(self.actor) is not MemberRole.PROFESSIONAL:
            raise DomainError("actor", "support is offered by a professional")
        c.member_with_role(state, "carer", self.carer, self.occurred_at, MemberRole.CARER)
        _chosen_professionals(state, "shared_with", self.shared_with, self.occurred_at)
        if self.in_reply_to is not None:
            note = c.known(state.wellbeing, self.in_reply_to, "in_reply_to", "wellbeing note")
            if note.carer != self.carer:
                raise ValidationError(
                    "in_reply_to", f"wellbeing note {self.in_reply_to!r} is not {self.carer!r}'s"
                )
            if not note.visible_to(self.actor):
                raise DomainError(
                    "in_reply_to",
                    f"{self.carer!r} has not shared wellbeing note {self.in_reply_to!r} "
                    f"with {self.actor!r}",
                )
            c.not_before("occurred_at", self.occurred_at, note.noted_at, "the wellbeing note")

    def apply(self, state: PartnershipState) -> None:
        """Support offered to the carer."""
        state.support_offers[self.offer_id] = SupportOffer(
            offer_id=self.offer_id,
            carer=self.carer,
            kind=self.kind,
            description=self.description,
            offered_by=self.actor,
            offered_at=self.occurred_at,
            in_reply_to=self.in_reply_to,
            shared_with=self.shared_with,
        )


def _chosen_professionals(
    state: PartnershipState, field: str, member_ids: Iterable[str], at: pendulum.DateTime
) -> None:
    for member_id in sorted(member_ids):
        if c.member(state, field, member_id, at) is not MemberRole.PROFESSIONAL:
            raise ValidationError(
                field, f"{member_id!r} is not a professional; share it with professionals only"
            )


@attrs.frozen(kw_only=True)
class WellbeingNote:
    """A carer's wellbeing note, as recorded.

    Attributes:
        note_id, coping, support, would_like, note, shared_with: as recorded.
        carer, noted_at: whose it is, and when.
    """

    note_id: str
    carer: str
    noted_at: pendulum.DateTime
    coping: Coping | None = None
    support: frozenset[SupportKind] = frozenset()
    would_like: str | None = None
    note: str | None = None
    shared_with: frozenset[str] = frozenset()

    def visible_to(self, member_id: str) -> bool:
        """Whether *member_id* may see it: the carer and whom they chose."""
        return member_id == self.carer or member_id in self.shared_with


@attrs.frozen(kw_only=True)
class SupportOffer:
    """Support offered to a carer, as recorded."""

    offer_id: str
    carer: str
    kind: SupportKind
    description: str
    offered_by: str
    offered_at: pendulum.DateTime
    in_reply_to: str | None = None
    shared_with: frozenset[str] = frozenset()

    def visible_to(self, member_id: str) -> bool:
        """Whether *member_id* may see it: the carer, its author, the named professionals."""
        return member_id in (self.carer, self.offered_by) or member_id in self.shared_with
