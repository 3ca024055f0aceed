"""The people around the child: the child, carers and professionals.

These records hold personal data (names, contact details). Events never copy it: they
refer to people by id, so a record can later be redacted without rewriting history.
A person's *part* in one partnership (a parent here, a grandparent there; the speech
therapist of one child, the supervisor in another case) lives on their membership of
that partnership, not on the person.
"""

from __future__ import annotations

import enum

import attrs
import pendulum

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


@attrs.frozen(kw_only=True)
class Child:
    """The child at the centre of a partnership. Never a login user of the system."""

    id: str = attrs.field(validator=c.identifier)
    name: str = attrs.field(validator=c.text)
    date_of_birth: pendulum.Date | None = attrs.field(default=None, converter=c.date_of_birth)
    preferred_language: str = attrs.field(default="en", validator=c.language)


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
