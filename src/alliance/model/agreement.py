"""The partnership agreement: what each side can expect, and the service's bottom lines.

Partnership shares power, and sharing power means being open about it: how quickly
messages are answered, how to reach whom, how disagreements are handled, and what the
service will always do whatever is agreed (safeguarding duties, say). A professional
issues the agreement (:class:`AgreementIssued`, numbered 1, 2, 3... as it changes) and
each carer acknowledges the version in force (:class:`AgreementAcknowledged`). A new
version asks every carer to acknowledge it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import DomainError, UnknownRecordError, ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission
from alliance.model.people import Channel, MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "AgreementAcknowledged",
    "AgreementIssued",
    "AgreementVersion",
    "ContactRoute",
    "PartnershipAgreement",
    "ResponseTime",
]


@attrs.frozen(kw_only=True)
class ResponseTime:
    """How soon a message on a channel is answered."""

    channel: Channel = attrs.field(validator=c.one_of(Channel))
    within: pendulum.Duration = attrs.field(validator=c.positive_duration)


@attrs.frozen(kw_only=True)
class ContactRoute:
    """Who to reach, for what, and how."""

    purpose: str = attrs.field(validator=c.text)
    member_id: str = attrs.field(validator=c.identifier)
    channel: Channel = attrs.field(validator=c.one_of(Channel))


@attrs.frozen(kw_only=True)
class PartnershipAgreement:
    """What each side can expect, in plain language.

    Attributes:
        family_can_expect: what the family can expect of the service.
        service_asks: what the service asks of the family.
        response_times: how soon messages are answered, per channel (one per channel).
        contacts: who to reach for what.
        disagreements: how disagreements are talked through and, if need be, escalated.
        bottom_lines: what the service holds to whatever is agreed (safeguarding
            duties, say): its non-negotiables, said openly.
    """

    family_can_expect: tuple[str, ...] = attrs.field(validator=c.texts)
    service_asks: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    response_times: tuple[ResponseTime, ...] = attrs.field(
        default=(), validator=c.tuple_of(ResponseTime)
    )
    contacts: tuple[ContactRoute, ...] = attrs.field(default=(), validator=c.tuple_of(ContactRoute))
    disagreements: str = attrs.field(validator=c.text)
    bottom_lines: tuple[str, ...] = attrs.field(default=(), validator=c.texts)

    def __attrs_post_init__(self) -> None:
        if not self.family_can_expect:
            raise ValidationError(
                "family_can_expect", "say at least one thing the family can expect"
            )
        channels = [r.channel for r in self.response_times]
        for index, channel in enumerate(channels):
            if channels.index(channel) != index:
                raise ValidationError(
                    f"response_times[{index}].channel",
                    f"{channel.value!r} has more than one response time",
                )


@attrs.frozen(kw_only=True)
class AgreementIssued(Event):
    """A professional issued the partnership agreement, or a new version of it.

    Attributes:
        version: its number: 1 for the first, then one more than the version before.
        agreement: what it says.
        changes: what changed since the version before, in plain language.
    """

    permission = Permission(act="issuing the partnership agreement", professional=True)

    version: int = attrs.field(validator=c.whole_number(1))
    agreement: PartnershipAgreement = attrs.field(validator=c.instance_of(PartnershipAgreement))
    changes: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """The next version, not before the one before; its contacts are current members."""
        current = state.agreement
        expected = 1 if current is None else current.version + 1
        if self.version != expected:
            raise ValidationError(
                "version", f"the next version of the agreement is {expected}, not {self.version}"
            )
        if current is not None:
            c.not_before("occurred_at", self.occurred_at, current.issued_at, "the version before")
        for index, route in enumerate(self.agreement.contacts):
            c.member(
                state, f"agreement.contacts[{index}].member_id", route.member_id, self.occurred_at
            )

    def apply(self, state: PartnershipState) -> None:
        """The agreement in force is this version."""
        state.agreements = (
            *state.agreements,
            AgreementVersion(
                version=self.version,
                agreement=self.agreement,
                issued_by=self.actor,
                issued_at=self.occurred_at,
                changes=self.changes,
            ),
        )


@attrs.frozen(kw_only=True)
class AgreementAcknowledged(Event):
    """A carer acknowledged the agreement in force (by its version)."""

    permission = Permission(
        act="acknowledging the partnership agreement", carer="yes (the model allows carers only)"
    )

    version: int = attrs.field(validator=c.whole_number(1))
    comment: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """The version in force, acknowledged once by each carer, not before it was
        issued."""
        current = state.agreement
        if current is None:
            raise UnknownRecordError("version", "no partnership agreement has been issued yet")
        if state.role_of(self.actor) is not MemberRole.CARER:
            raise DomainError("actor", "the agreement is acknowledged by the carers")
        if self.version != current.version:
            raise DomainError(
                "version",
                f"version {self.version} is not the agreement in force (version {current.version})",
            )
        if current.acknowledged_by(self.actor):
            raise DomainError(
                "version", f"{self.actor!r} has already acknowledged version {current.version}"
            )
        c.not_before("occurred_at", self.occurred_at, current.issued_at, "the agreement was issued")

    def apply(self, state: PartnershipState) -> None:
        """The carer's acknowledgement of the version in force."""
        versions = list(state.agreements)
        index = next(i for i, v in enumerate(versions) if v.version == self.version)
        versions[index] = attrs.evolve(
            versions[index],
            acknowledgements={**versions[index].acknowledgements, self.actor: self.occurred_at},
        )
        state.agreements = tuple(versions)


@attrs.frozen(kw_only=True)
class AgreementVersion:
    """One version of the agreement and who has acknowledged it.

    Attributes:
        version, agreement, changes: as issued.
        issued_by, issued_at: who issued it, and when.
        acknowledgements: carer id -> when they acknowledged this version.
    """

    version: int
    agreement: PartnershipAgreement
    issued_by: str
    issued_at: pendulum.DateTime
    changes: str | None = None
    acknowledgements: dict[str, pendulum.DateTime] = attrs.field(factory=dict)

    def acknowledged_by(self, carer: str) -> bool:
        """Whether *carer* has acknowledged this version."""
        return carer in self.acknowledgements
