"""Redacting people's personal data without rewriting history.

Events name people by id only; names, dates of birth, contact details and households
live on the :class:`Child`, :class:`Carer` and :class:`Professional` records the host
keeps. :func:`redact` gives the record to keep after a family asks for their details to
be removed: the same id (so the timeline still reads), a placeholder name, and nothing
else that identifies them. Reports and exports then show the placeholder.
"""

from __future__ import annotations

from typing import overload

import attrs

from alliance.model.people import Carer, Child, Professional

__all__ = ["REDACTED", "display_name", "is_redacted", "redact"]

REDACTED = "[redacted]"
"""The placeholder a redacted person's name becomes."""


@overload
def redact(person: Child) -> Child: ...
@overload
def redact(person: Carer) -> Carer: ...
@overload
def redact(person: Professional) -> Professional: ...
def redact(person: Child | Carer | Professional) -> Child | Carer | Professional:
    """*person* with the same id and a placeholder name, and no date of birth,
    identifiers (a child's MRN), contact details or household. Communication preferences
    (language, channels, interpreter) stay, so the clinic can still reach the family in
    the way it asked."""
    if isinstance(person, Child):
        return attrs.evolve(person, name=REDACTED, date_of_birth=None, identifiers=())
    if isinstance(person, Carer):
        return Carer(id=person.id, name=REDACTED, preferences=person.preferences)
    return Professional(id=person.id, name=REDACTED, preferences=person.preferences)


def is_redacted(person: Child | Carer | Professional) -> bool:
    """Whether *person* is a redacted record."""
    return person.name == REDACTED


def display_name(person: Child | Carer | Professional | None) -> str:
    """The name to show for *person*: the placeholder when the record is redacted or
    missing."""
    return REDACTED if person is None else person.name
