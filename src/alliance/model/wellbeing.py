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

import attrs
import pendulum

from alliance.model import _checks as c
from alliance.model.events import Event

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

    note_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    coping: Coping | None = attrs.field(default=None, validator=c.optional_one_of(Coping))
    support: frozenset[SupportKind] = attrs.field(
        default=frozenset(), validator=c.set_of(SupportKind)
    )
    would_like: str | None = attrs.field(default=None, validator=c.optional_text)
    note: str | None = attrs.field(default=None, validator=c.optional_text)
    shared_with: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)


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

    offer_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    carer: str = attrs.field(validator=c.identifier)
    kind: SupportKind = attrs.field(validator=c.one_of(SupportKind))
    description: str = attrs.field(validator=c.text)
    in_reply_to: str | None = attrs.field(default=None, validator=c.optional_identifier)
    shared_with: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)


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
