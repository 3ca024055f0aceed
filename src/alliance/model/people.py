"""The people around the child: the child, carers and professionals.

These records hold personal data (names, contact details). Events never copy it: they
refer to people by id, so a record can later be redacted without rewriting history.
A person's *part* in one partnership (a parent here, a grandparent there; the speech
therapist of one child, the supervisor in another case) lives on their membership of
that partnership, not on the person.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c

__all__ = [
    "Carer",
    "CarerRelationship",
    "Channel",
    "Child",
    "CommunicationPreferences",
    "ContactDetails",
    "Discipline",
    "MemberRole",
    "PersonIdentifier",
    "Professional",
    "ProfessionalRole",
]


class Channel(enum.StrEnum):
    """A way of keeping in touch."""

    IN_PERSON = "in-person"
    PHONE = "phone"
    VIDEO = "video"
    MESSAGE = "message"
    EMAIL = "email"


class MemberRole(enum.StrEnum):
    """Which side of the partnership a member stands on."""

    CARER = "carer"
    PROFESSIONAL = "professional"


class CarerRelationship(enum.StrEnum):
    """A carer's relationship to the child."""

    PARENT = "parent"
    GUARDIAN = "guardian"
    FOSTER_CARER = "foster-carer"
    GRANDPARENT = "grandparent"
    OTHER = "other"


class Discipline(enum.StrEnum):
    """A professional's discipline within a partnership."""

    ABA = "aba"
    SPEECH_LANGUAGE = "speech-language"
    OCCUPATIONAL_THERAPY = "occupational-therapy"
    PHYSICAL_THERAPY = "physical-therapy"
    PSYCHOLOGY = "psychology-counselling"
    EARLY_CHILDHOOD_EDUCATION = "early-childhood-education"
    TEACHING = "teaching"


class ProfessionalRole(enum.StrEnum):
    """What a professional does in a partnership."""

    THERAPIST = "therapist"
    SUPERVISOR = "supervisor"
    EDUCATOR = "educator"
    """An early-childhood educator or a teacher at the child's school or setting."""


@attrs.frozen(kw_only=True)
class CommunicationPreferences:
    """How a member likes to be kept informed.

    Attributes:
        language: BCP 47 tag of the language they prefer (``"en"``, ``"es-MX"``).
        channels: the channels they are happy to be reached on.
        needs_interpreter: whether conversations need an interpreter.
    """

    language: str = attrs.field(default="en", validator=c.language)
    channels: frozenset[Channel] = attrs.field(
        default=frozenset({Channel.IN_PERSON}), validator=c.set_of(Channel, non_empty=True)
    )
    needs_interpreter: bool = attrs.field(default=False, validator=c.instance_of(bool))


@attrs.frozen(kw_only=True)
class ContactDetails:
    """How to reach someone. Personal data: never copied into events."""

    email: str | None = attrs.field(default=None, validator=c.optional_text)
    phone: str | None = attrs.field(default=None, validator=c.optional_text)


_ALLIANCE_SYSTEMS = "urn:alliance:"


def _identifier_system(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.check_text(attribute.name, value)
    assert isinstance(value, str)
    if value != value.strip() or any(ch.isspace() for ch in value):
        raise ValidationError(attribute.name, f"{value!r} is not a URI: it holds whitespace")
    if value.startswith(_ALLIANCE_SYSTEMS):
        raise ValidationError(
            attribute.name,
            f"{value!r} is one of alliance's own systems; the child's alliance id is "
            "Child.id, and identifiers are those other systems give the child",
        )


def _identifier_value(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.check_text(attribute.name, value)
    assert isinstance(value, str)
    if value != value.strip():
        raise ValidationError(attribute.name, "must not start or end with whitespace")


@attrs.frozen(kw_only=True)
class PersonIdentifier:
    """An identifier another system gives a person: the host's medical record number
    (MRN), a national health number. Personal data, kept on the person's record, never
    in events. FHIR writes it as an ``Identifier`` (``system``, ``value``).

    Attributes:
        system: the URI of the system that issued it, e.g.
            ``"https://clinic.example/mrn"`` (not one of alliance's own ``urn:alliance:``
            systems; no whitespace).
        value: the identifier in that system, e.g. ``"MRN-004211"`` (no leading or
            trailing whitespace).
    """

    system: str = attrs.field(validator=_identifier_system)
    value: str = attrs.field(validator=_identifier_value)


def _person_identifiers(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.tuple_of(PersonIdentifier)(_instance, attribute, value)
    assert isinstance(value, tuple)
    seen: set[PersonIdentifier] = set()
    for index, item in enumerate(value):
        if item in seen:
            raise ValidationError(
                f"{attribute.name}[{index}]", f"{item.system}|{item.value} is listed twice"
            )
        seen.add(item)


@attrs.frozen(kw_only=True)
class Child:
    """The child at the centre of a partnership. Never a login user of the system.

    Attributes:
        id: the host's id of the child (the partnership's ``child_id``).
        name: the child's name.
        date_of_birth: a calendar date, when known.
        preferred_language: BCP 47 tag of the language the child prefers.
        identifiers: the identifiers other systems give the child (the host's MRN, say),
            as :class:`PersonIdentifier` values; the FHIR export writes them on
            ``Patient.identifier``, and the FHIR import matches the patient a resource
            is about against them (see ``docs/fhir.md``).
    """

    id: str = attrs.field(validator=c.identifier)
    name: str = attrs.field(validator=c.text)
    date_of_birth: pendulum.Date | None = attrs.field(default=None, converter=c.date_of_birth)
    preferred_language: str = attrs.field(default="en", validator=c.language)
    identifiers: tuple[PersonIdentifier, ...] = attrs.field(
        default=(), validator=_person_identifiers
    )


@attrs.frozen(kw_only=True)
class _Adult:
    """What the host keeps about every adult in the partnership, carer or professional:
    their id, name, how they like to be contacted and their contact details (a base
    class)."""

    id: str = attrs.field(validator=c.identifier)
    name: str = attrs.field(validator=c.text)
    preferences: CommunicationPreferences = attrs.field(
        factory=CommunicationPreferences, validator=c.instance_of(CommunicationPreferences)
    )
    contact: ContactDetails = attrs.field(
        factory=ContactDetails, validator=c.instance_of(ContactDetails)
    )


@attrs.frozen(kw_only=True)
class Carer(_Adult):
    """A parent, guardian, foster carer, grandparent or other carer of a child.

    Two carers in different households are two records, each taking part in their own
    right; ``household`` only labels where a carer lives, for planning contact.
    """

    household: str | None = attrs.field(default=None, validator=c.optional_text)


@attrs.frozen(kw_only=True)
class Professional(_Adult):
    """A therapist, supervisor, educator or teacher working with a child's family."""
