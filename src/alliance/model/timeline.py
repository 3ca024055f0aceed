"""The partnership's timeline: record events after checking them against the current state.

Recording is the only way to change a partnership. :meth:`Partnership.record` takes an
event (a fact, written in the past tense: ``GoalAgreed``, ``SetbackReported``), checks it
against the state folded so far, and either appends it or raises — leaving the timeline
exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar

from alliance.errors import DomainError, ValidationError
from alliance.model import _checks as c
from alliance.model.authorisation import Policy, RolePolicy
from alliance.model.event import Event
from alliance.model.membership import founder_adding_members
from alliance.model.partnership import PartnershipFormed, PartnershipStatus
from alliance.model.state import PartnershipState, apply, fold

__all__ = ["Partnership", "check"]

E = TypeVar("E", bound=Event)


class Partnership:
    """A partnership around one child: its timeline of events and its current state.

    Start one with :meth:`form`, rebuild a stored one with :meth:`from_events`, and
    change it only through :meth:`record`.

    Example::

        p = Partnership.form(PartnershipFormed(
            partnership_id="p-1", clinic_id="clinic-1", child_id="child-1",
            time_zone="Europe/London", actor="ana", occurred_at=now))
        p.record(ProfessionalJoined(member_id="ana", discipline=Discipline.SPEECH_LANGUAGE,
                                    actor="ana", occurred_at=now))
    """

    __slots__ = ("_base_version", "_events", "_policy", "_state")

    def __init__(self, events: Iterable[Event], *, policy: Policy | None = None) -> None:
        """Rebuild a partnership from its stored timeline (same as :meth:`from_events`)."""
        self._events: list[Event] = list(events)
        self._state = fold(self._events)
        self._base_version = 0
        self._policy: Policy = policy if policy is not None else RolePolicy()

    @classmethod
    def from_snapshot(
        cls,
        state: PartnershipState,
        later: Iterable[Event],
        *,
        policy: Policy | None = None,
    ) -> Partnership:
        """Continue from a saved state (a snapshot) and the events recorded after it.

        The result knows its current state and new events, but not the events before
        the snapshot: :attr:`events` and :meth:`as_of` need the whole timeline and
        raise :class:`DomainError` here.
        """
        partnership = cls.__new__(cls)
        partnership._state = state.copy()
        partnership._base_version = state.version
        partnership._events = []
        partnership._policy = policy if policy is not None else RolePolicy()
        for event in later:
            apply(partnership._state, event)
            partnership._events.append(event)
        return partnership

    @classmethod
    def from_events(cls, events: Iterable[Event], *, policy: Policy | None = None) -> Partnership:
        """Rebuild a partnership from a timeline recorded earlier.

        The events are folded, not checked again (nor authorised): they were checked when
        recorded, and a rule that changed since must not make history unreadable.
        *policy* authorises the events recorded from now on (default: :class:`RolePolicy`).
        """
        return cls(events, policy=policy)

    @classmethod
    def form(cls, formed: PartnershipFormed, *, policy: Policy | None = None) -> Partnership:
        """Start a new partnership with its first event.

        *policy* decides who may record what from now on: :class:`RolePolicy` (the
        default) for the roles' permissions, :class:`AllowAll` when the host authorises
        in its own layer.
        """
        if not isinstance(formed, PartnershipFormed):
            raise ValidationError("formed", "must be a PartnershipFormed event")
        return cls([formed], policy=policy)

    @property
    def policy(self) -> Policy:
        """The authorisation policy :meth:`record` consults."""
        return self._policy

    @property
    def id(self) -> str:
        """The partnership's id."""
        return self._state.partnership_id

    @property
    def state(self) -> PartnershipState:
        """The current state. Read it; do not change it."""
        return self._state

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event so far, in the order recorded.

        Raises:
            DomainError: for a partnership continued from a snapshot.
        """
        self._need_whole_timeline("events")
        return tuple(self._events)

    @property
    def version(self) -> int:
        """How many events the timeline holds."""
        return self._base_version + len(self._events)

    def events_since(self, version: int) -> tuple[Event, ...]:
        """The events after *version* (for example those recorded since loading)."""
        if version < self._base_version:
            self._need_whole_timeline("events_since")
        return tuple(self._events[version - self._base_version :])

    def _need_whole_timeline(self, what: str) -> None:
        if self._base_version:
            raise DomainError(
                what,
                "this partnership was continued from a snapshot at version "
                f"{self._base_version}; load its whole timeline for this",
            )

    def record(self, event: E) -> E:
        """Check *event* against the current state and append it to the timeline.

        Returns the event, so a generated id can be read from it.

        Raises:
            ValidationError: a value in the event does not fit this partnership (a due
                date before the goal was proposed).
            UnknownRecordError: the event refers to a goal, feedback item, setback...
                that does not exist.
            NotAMemberError: the actor, or someone the event names, is not a member.
            DomainError: the current state does not allow it (agreeing twice,
                answering feedback that is not open, anything after closing).
            PermissionDenied: the partnership's policy does not let the actor do it
                (checked after the rules above).
        """
        check(self._state, event)
        self._policy.authorise(self._state, event)
        apply(self._state, event)
        self._events.append(event)
        return event

    def record_all(self, events: Sequence[Event]) -> None:
        """Record several events as one step: all of them, or (on any error) none."""
        scratch = self._state.copy()
        for event in events:
            check(scratch, event)
            self._policy.authorise(scratch, event)
            apply(scratch, event)
        self._state = scratch
        self._events.extend(events)

    def as_of(self, moment: dt.datetime) -> PartnershipState:
        """The state folded from the events that occurred at or before *moment*.

        Events are kept in recorded order; an event recorded late but dated earlier (last
        Tuesday's practice, logged on Friday) counts from the moment it occurred.

        Raises:
            DomainError: if the partnership had not been formed by *moment*.
        """
        cutoff = c.utc_datetime("moment", moment)
        self._need_whole_timeline("as_of")
        if cutoff < self._state.formed_at:
            raise DomainError(
                "moment",
                f"the partnership was formed at {self._state.formed_at.isoformat()}, "
                f"after {cutoff.isoformat()}",
            )
        return fold(e for e in self._events if e.occurred_at <= cutoff)

    def __repr__(self) -> str:
        return f"<Partnership {self.id!r} version={self.version} status={self._state.status.value}>"


# --- the checks every event goes through -------------------------------------------------------


def check(state: PartnershipState, event: Event) -> None:
    """Raise unless *event* may be recorded on top of *state*. Changes nothing.

    First the checks every event goes through (the partnership is not closed, the event
    is not dated before it was formed, the actor is a current member who had joined by
    then, unless the founder is adding members while it forms), then the event's own
    :meth:`~alliance.events.Event.check`.
    """
    if not isinstance(event, Event):
        raise DomainError("event", f"{type(event).__name__} cannot be recorded on a timeline")
    if state.status is PartnershipStatus.CLOSED:
        raise DomainError("event", "the partnership is closed; nothing more can be recorded")
    if event.occurred_at < state.formed_at:
        raise ValidationError(
            "occurred_at",
            f"{event.occurred_at.isoformat()} is before the partnership was formed "
            f"({state.formed_at.isoformat()})",
        )
    if not founder_adding_members(state, event):
        c.member(state, "actor", event.actor, event.occurred_at)
    event.check(state)
