"""Write a partnership's story: who does what, and when, one event after another.

Every event carries its ``actor`` and its ``occurred_at``. A :class:`Scenario` keeps
both as the story goes on, so that writing a partnership (a demo, a test fixture, a
synthetic clinic) reads like the story it tells::

    import pendulum
    from alliance import events as ev
    from alliance.scenario import Scenario

    story = Scenario.start(partnership_id="p-1", clinic_id="c-1", child_id="sam",
                           time_zone="Europe/London", founder="ana",
                           at=pendulum.datetime(2025, 1, 6, 9, tz="Europe/London"))
    story.record(ev.ProfessionalJoined, member_id="ana", discipline=...)
    goal = story.on_day(3).by("maria").record(ev.GoalProposed, domain=..., ...)
    story.after(hours=2).by("ana").record(ev.GoalAgreed, goal_id=goal.goal_id)
    story.partnership  # the alliance.Partnership written so far

- :meth:`~Scenario.by` says who acts from now on; :meth:`~Scenario.on`,
  :meth:`~Scenario.on_day` and :meth:`~Scenario.after` move the story's clock. Each
  returns the story, so they chain. The clock never goes back unless asked: an event
  recorded late (last Tuesday's practice, logged on Friday) is backdated explicitly with
  ``backdate=True``.
- :meth:`~Scenario.record` builds the event with its own constructor (its validators
  run) and records it through :meth:`alliance.Partnership.record` (every rule and the
  partnership's policy apply; errors propagate unchanged); :meth:`~Scenario.build` only
  builds it; :meth:`~Scenario.all_or_nothing` records several events as one step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model._time import zone
from alliance.model.authorisation import Policy
from alliance.model.event import Event
from alliance.model.partnership import PartnershipFormed, Setting
from alliance.model.timeline import Partnership

__all__ = ["Scenario"]

E = TypeVar("E", bound=Event)

_STAMPED = ("actor", "occurred_at")


class Scenario:
    """A partnership's story being written: the partnership, who acts and when.

    Start one with :meth:`start`, or carry on the story of an existing partnership
    with ``Scenario(partnership)``. The story keeps who is acting (:attr:`actor`) and
    the story's clock (:attr:`now`, in the partnership's time zone) until told
    otherwise, and fills them in on every event it builds.
    """

    __slots__ = ("_actor", "_day_zero", "_now", "_partnership", "_pending", "_zone")

    def __init__(
        self,
        partnership: Partnership,
        *,
        at: dt.datetime | None = None,
        actor: str | None = None,
    ) -> None:
        """Carry on *partnership*'s story.

        Args:
            partnership: the partnership to write to.
            at: the story's clock to begin with (default: the latest moment an event
                of the partnership occurred); an aware datetime.
            actor: who acts to begin with (default: whoever formed the partnership).

        Raises:
            ValidationError: *at* is naive (``field="at"``).
        """
        state = partnership.state
        self._partnership = partnership
        self._zone = zone(state.time_zone)
        self._day_zero = state.formed_at.in_timezone(self._zone)
        moment = state.last_event_at if at is None else c.utc_datetime("at", at)
        self._now = moment.in_timezone(self._zone)
        self._actor = state.formed_by if actor is None else actor
        self._pending: list[Event] | None = None

    @classmethod
    def start(
        cls,
        *,
        partnership_id: str,
        clinic_id: str,
        child_id: str,
        time_zone: str,
        founder: str,
        at: dt.datetime,
        settings: frozenset[Setting] | None = None,
        policy: Policy | None = None,
    ) -> Scenario:
        """Form a partnership and start its story there: *founder* forms it *at* a moment.

        The founder acts first (adding the first members is theirs) and the clock reads
        *at*; day 0 of :meth:`on_day` is the local date of *at*. *settings* defaults to
        :class:`~alliance.events.PartnershipFormed`'s; *policy* to
        :class:`alliance.RolePolicy`.

        Raises:
            ValidationError: *at* is naive (``field="at"``), or a value is refused by
                :class:`~alliance.events.PartnershipFormed`.
        """
        moment = c.utc_datetime("at", at)
        optional = {} if settings is None else {"settings": settings}
        formed = PartnershipFormed(
            partnership_id=partnership_id,
            clinic_id=clinic_id,
            child_id=child_id,
            time_zone=time_zone,
            actor=founder,
            occurred_at=moment,
            **optional,
        )
        return cls(Partnership.form(formed, policy=policy), at=moment, actor=founder)

    # --- where the story stands -------------------------------------------------------

    @property
    def partnership(self) -> Partnership:
        """The partnership being written (inside :meth:`all_or_nothing`, without the
        events of the step under way)."""
        return self._partnership

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event of the partnership so far, in the order recorded (to append to a
        store, say)."""
        return self._partnership.events

    @property
    def now(self) -> pendulum.DateTime:
        """The story's clock: when the next event occurs, in the partnership's time zone."""
        return self._now

    @property
    def actor(self) -> str:
        """Who acts in the next event."""
        return self._actor

    # --- who and when -----------------------------------------------------------------

    def by(self, actor: str) -> Scenario:
        """From now on, *actor* (a member id) acts. Returns the story."""
        self._actor = actor
        return self

    def on(self, moment: dt.datetime, *, backdate: bool = False) -> Scenario:
        """Set the clock to *moment*, an aware datetime. Returns the story.

        Args:
            moment: when the next events occur.
            backdate: allow *moment* to be before the clock, for events recorded late
                (they count from when they occurred; see
                :meth:`alliance.Partnership.as_of`).

        Raises:
            ValidationError: *moment* is naive, or before the clock without *backdate*
                (``field="moment"``); the clock is left as it was.
        """
        local = c.utc_datetime("moment", moment).in_timezone(self._zone)
        return self._set_clock("moment", local, backdate=backdate)

    def on_day(
        self, day: int, hour: int | None = None, minute: int = 0, *, backdate: bool = False
    ) -> Scenario:
        """Set the clock to *day* days after the story's day 0 (the local date the
        partnership was formed), in the partnership's time zone. Returns the story.

        Args:
            day: the number of days after day 0.
            hour, minute: the local time of day (*minute* only with *hour*); without
                *hour*, the time of day the partnership was formed.
            backdate: allow going back, as for :meth:`on`.

        Raises:
            ValidationError: the time of day does not exist (``field="hour"`` or
                ``"minute"``), or the moment is before the clock without *backdate*
                (``field="day"``); the clock is left as it was.
        """
        moment = self._day_zero.add(days=day)
        if hour is None and minute:
            raise ValidationError("minute", "give the hour too, or neither")
        if hour is not None:
            for name, value, top in (("hour", hour, 23), ("minute", minute, 59)):
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
                    raise ValidationError(name, f"must be a whole number from 0 to {top}")
            moment = moment.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return self._set_clock("day", moment, backdate=backdate)

    def after(
        self, *, weeks: int = 0, days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0
    ) -> Scenario:
        """Move the clock forward by the given amounts (days and weeks in local calendar
        days, as pendulum adds them). Returns the story.

        Raises:
            ValidationError: an amount is negative (named by its field); use
                ``on(..., backdate=True)`` to go back.
        """
        amounts = {"weeks": weeks, "days": days, "hours": hours, "minutes": minutes}
        amounts["seconds"] = seconds
        for name, amount in amounts.items():
            if amount < 0:
                raise ValidationError(
                    name, f"{amount} would move the clock back; use on(..., backdate=True)"
                )
        self._now = self._now.add(**amounts)
        return self

    def _set_clock(self, field: str, moment: pendulum.DateTime, *, backdate: bool) -> Scenario:
        if moment < self._now and not backdate:
            raise ValidationError(
                field,
                f"{moment.isoformat()} is before the story's clock ({self._now.isoformat()}); "
                "pass backdate=True to record something that happened earlier",
            )
        self._now = moment
        return self

    # --- writing events ---------------------------------------------------------------

    def build(self, event_type: type[E], /, **fields: Any) -> E:
        """Build an *event_type* event by the story's actor at the story's clock, without
        recording it (to offer it to :meth:`alliance.Partnership.record` yourself).

        *fields* are the event's own fields; ``actor`` and ``occurred_at`` come from the
        story (:meth:`by`, :meth:`on`).

        Raises:
            TypeError: *fields* holds ``actor`` or ``occurred_at``.
            ValidationError: the event's constructor refuses a value.
        """
        given = [name for name in _STAMPED if name in fields]
        if given:
            raise TypeError(
                f"{' and '.join(given)} come from the story: say who with by() and when "
                "with on(), on_day() or after()"
            )
        return event_type(actor=self._actor, occurred_at=self._now, **fields)

    def record(self, event_type: type[E], /, **fields: Any) -> E:
        """Build an *event_type* event (as :meth:`build` does) and record it through
        :meth:`alliance.Partnership.record`. Returns the event, so a generated id can be
        read from it.

        Inside :meth:`all_or_nothing`, the event is recorded with the others when the
        step ends.

        Raises:
            TypeError: as for :meth:`build`.
            AllianceError: whatever building or recording it raises, unchanged; nothing
                is recorded, and the story's actor and clock are left as they were.
        """
        event = self.build(event_type, **fields)
        if self._pending is not None:
            self._pending.append(event)
        else:
            self._partnership.record(event)
        return event

    @contextmanager
    def all_or_nothing(self) -> Iterator[Scenario]:
        """Record the events of a ``with`` block as one step: all of them, or none.

        The events recorded in the block are checked one after another when the block
        ends (:meth:`alliance.Partnership.record_all`); if one is refused, or the block
        raises, nothing is recorded, the error propagates, and the story's actor and
        clock are put back as they were before the block. A block inside another is
        part of the outer one's step::

            with story.all_or_nothing():  # both join, or neither does
                story.record(ev.ProfessionalJoined, member_id="ana", discipline=...)
                story.record(ev.CarerJoined, member_id="maria", relationship=...)
        """
        if self._pending is not None:
            yield self
            return
        actor, now = self._actor, self._now
        self._pending = []
        try:
            yield self
            self._partnership.record_all(self._pending)
        except BaseException:
            self._actor, self._now = actor, now
            raise
        finally:
            self._pending = None

    def __repr__(self) -> str:
        return (
            f"<Scenario {self._partnership.id!r} version={self._partnership.version} "
            f"now={self._now.isoformat()} actor={self._actor!r}>"
        )
