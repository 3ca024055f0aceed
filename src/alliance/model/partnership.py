"""The partnership itself: where the child is supported, its lifecycle, and the events
that form it, change its settings and move it through its life.

``forming`` → ``active`` ⇄ ``paused``; any of them → ``closed`` (final).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs

from alliance.errors import DomainError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "PartnershipFormed",
    "PartnershipStatus",
    "PartnershipStatusChanged",
    "Setting",
    "SettingsChanged",
]


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
class PartnershipFormed(Event):
    """A partnership around a child was formed. Always the first event of a timeline.

    Attributes:
        partnership_id: the partnership's id.
        clinic_id: the clinic (tenant) it belongs to.
        child_id: the child at its centre.
        time_zone: IANA name of the zone its local dates ("this week") are reckoned in.
        settings: where the child is supported.
    """

    permission = Permission(
        act="forming a partnership",
        note="the first event: `Partnership.form` starts a timeline with it",
    )

    partnership_id: str = attrs.field(validator=c.identifier)
    clinic_id: str = attrs.field(validator=c.identifier)
    child_id: str = attrs.field(validator=c.identifier)
    time_zone: str = attrs.field(validator=c.time_zone)
    settings: frozenset[Setting] = attrs.field(
        default=frozenset({Setting.CLINIC, Setting.HOME}),
        validator=c.set_of(Setting, non_empty=True),
    )

    def check(self, state: PartnershipState) -> None:
        """A partnership is formed once."""
        raise DomainError("event", "the partnership is already formed")

    def apply(self, state: PartnershipState) -> None:
        """Only a timeline's first event (:func:`alliance.model.state.start` folds it)."""
        raise DomainError("event", "PartnershipFormed can only be a timeline's first event")


@attrs.frozen(kw_only=True)
class SettingsChanged(Event):
    """The places where the child is supported changed (a new school, say)."""

    permission = Permission(act="changing the settings", professional=True)

    settings: frozenset[Setting] = attrs.field(validator=c.set_of(Setting, non_empty=True))

    def check(self, state: PartnershipState) -> None:
        """Not dated before the last change; the settings must change."""
        c.not_before(
            "occurred_at",
            self.occurred_at,
            state.settings_changed_at or state.formed_at,
            "the settings last changed",
        )
        if self.settings == state.settings:
            raise DomainError("settings", "the partnership already has exactly these settings")

    def apply(self, state: PartnershipState) -> None:
        """The partnership's settings are the new ones."""
        state.settings = self.settings
        state.settings_changed_at = self.occurred_at


_NEXT_STATUSES = {
    PartnershipStatus.FORMING: {PartnershipStatus.ACTIVE, PartnershipStatus.CLOSED},
    PartnershipStatus.ACTIVE: {PartnershipStatus.PAUSED, PartnershipStatus.CLOSED},
    PartnershipStatus.PAUSED: {PartnershipStatus.ACTIVE, PartnershipStatus.CLOSED},
}


@attrs.frozen(kw_only=True)
class PartnershipStatusChanged(Event):
    """The partnership became active, paused, resumed or closed."""

    permission = Permission(
        act="changing the partnership's status",
        professional=True,
        note="activate, pause, close",
    )

    status: PartnershipStatus = attrs.field(validator=c.one_of(PartnershipStatus))
    reason: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """A status the current one may move to; active needs a carer and a professional."""
        c.not_before(
            "occurred_at", self.occurred_at, state.status_changed_at, "the status last changed"
        )
        if self.status not in _NEXT_STATUSES.get(state.status, set()):
            raise DomainError(
                "status", f"a {state.status.value} partnership cannot become {self.status.value}"
            )
        if self.status is PartnershipStatus.ACTIVE and not (state.carers and state.professionals):
            raise DomainError(
                "status",
                "a partnership becomes active only with at least one carer and one professional",
            )

    def apply(self, state: PartnershipState) -> None:
        """The partnership's status is the new one."""
        state.status = self.status
        state.status_changed_at = self.occurred_at
