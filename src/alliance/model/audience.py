"""Who a record is for: everyone in the partnership, the professionals only, or named
members.

An event that creates a setback or a concern may carry an :class:`Audience`; without one
it is for everyone, as every event recorded before audiences existed is.
:func:`alliance.as_seen_by` builds the view of a partnership one member may see.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from alliance.errors import ValidationError
from alliance.model import _checks as c

__all__ = ["EVERYONE", "Audience", "AudienceScope", "audience_field"]


class AudienceScope(enum.StrEnum):
    """How far a record reaches."""

    EVERYONE = "everyone"
    """Every member of the partnership (teachers only for goals shared with the school)."""
    PROFESSIONALS = "professionals"
    """The clinical team: therapists and supervisors (not carers, not educators):
    clinical notes, safeguarding concerns."""
    NAMED = "named"
    """Only the members named in ``members``."""


@attrs.frozen(kw_only=True)
class Audience:
    """Who may see a record. Its author always may.

    Attributes:
        scope: everyone, professionals, or named members.
        members: the members' ids, for ``NAMED`` only (and then at least one).
    """

    scope: AudienceScope = attrs.field(
        default=AudienceScope.EVERYONE, validator=c.one_of(AudienceScope)
    )
    members: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)

    def __attrs_post_init__(self) -> None:
        if self.scope is AudienceScope.NAMED and not self.members:
            raise ValidationError("members", "a named audience names at least one member")
        if self.scope is not AudienceScope.NAMED and self.members:
            raise ValidationError(
                "members", f"an audience of {self.scope.value} names no members; use NAMED"
            )

    @classmethod
    def everyone(cls) -> Audience:
        """Every member."""
        return cls()

    @classmethod
    def professionals(cls) -> Audience:
        """The clinical team only."""
        return cls(scope=AudienceScope.PROFESSIONALS)

    @classmethod
    def named(cls, *member_ids: str) -> Audience:
        """Only these members."""
        return cls(scope=AudienceScope.NAMED, members=frozenset(member_ids))


EVERYONE = Audience()
"""The default audience: every member of the partnership."""


def audience_field() -> Any:
    """An event's optional ``audience`` field: everyone by default, and left out of the
    stored data when it is everyone, so events without one serialize exactly as they
    did before audiences existed."""
    return attrs.field(
        default=EVERYONE, validator=c.instance_of(Audience), metadata={"omit_if_default": True}
    )
