"""The partnership's own vocabulary: where the child is supported, its lifecycle, and the
communication plan the members agreed."""

from __future__ import annotations

import enum

import attrs
import pendulum

from alliance.model import _checks as c
from alliance.model.people import Channel


class Setting(enum.StrEnum):
    """A place where the child is supported and skills are practised."""

    CLINIC = "clinic"
    HOME = "home"
    SCHOOL = "school"
    COMMUNITY = "community"


class PartnershipStatus(enum.StrEnum):
    """Where a partnership is in its life.

    ``forming`` → ``active`` ⇄ ``paused``; any of them → ``closed`` (final).
    """

    FORMING = "forming"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


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
