"""The base of every timeline event, and what each event declares about itself.

An event is an immutable fact about a partnership, in the past tense (``GoalAgreed``,
``SetbackReported``). Every event says who did it (``actor``, a member id) and when it
happened (``occurred_at``, an aware datetime kept in UTC), and refers to people by id
only.

Each concrete event class is the whole story of one fact. Beside its fields it
declares:

- :meth:`Event.check`: the model's rules, checked against the state folded so far when
  the event is recorded (never on replay: history is not re-checked);
- :meth:`Event.apply`: how it is folded into the state (one step of the fold);
- :attr:`Event.permission`: which sides may record it under
  :class:`alliance.RolePolicy` (a :class:`Permission`), with, where a side's right
  depends on the state, :meth:`Event.refusal_for` and :meth:`Event.acted_on`.

Defining a subclass registers its ``type_name`` (its class name unless set) for
serialization; :func:`event_types` lists every registered class, the host's own
included. A concrete class that lacks any of the three declarations is refused when it
is defined (``TypeError``); pass ``abstract=True`` in the class statement for a base
class of your own events that is never recorded itself.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import pendulum

from alliance.model import _checks as c
from alliance.model.audience import Audience

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = ["ActedOn", "Event", "Permission", "Side", "event_types"]

_EVENT_TYPES: dict[str, type[Event]] = {}


class Side(enum.StrEnum):
    """The side of the partnership a member stands on, as :class:`alliance.RolePolicy`
    and the views (:func:`alliance.as_seen_by`) see it."""

    CARER = "carer"
    PROFESSIONAL = "professional"
    """A therapist or a supervisor: the clinical team."""
    EDUCATOR = "educator"
    """A teacher or an early-childhood educator (``ProfessionalRole.EDUCATOR``)."""


def _side_rule(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool):
        return
    c.check_text(attribute.name, value)


@attrs.frozen(kw_only=True)
class Permission:
    """Which sides may record an event under :class:`alliance.RolePolicy`.

    Each side is ``True`` (it may), ``False`` (it may not), or a few words saying on what
    condition it may (``"at school, on a goal shared with the school"``): the event's
    :meth:`Event.refusal_for` holds that condition. The words make the role table in
    ``docs/privacy.md``, which is generated from these declarations.

    Attributes:
        act: what recording the event does, as a refusal says it ("proposing a goal").
        carer, professional, educator: each side's right.
        note: a remark on the whole row of the table, if any.
    """

    act: str = attrs.field(validator=c.text)
    carer: bool | str = attrs.field(default=False, validator=_side_rule)
    professional: bool | str = attrs.field(default=False, validator=_side_rule)
    educator: bool | str = attrs.field(default=False, validator=_side_rule)
    note: str | None = attrs.field(default=None, validator=c.optional_text)

    def right_of(self, side: Side) -> bool | str:
        """*side*'s right: ``True``, ``False`` or its condition in words."""
        right: bool | str = getattr(self, side.value)
        return right

    def allows(self, side: Side) -> bool:
        """Whether *side* may record the event at all (perhaps on a condition)."""
        return self.right_of(side) is not False

    @property
    def sides(self) -> frozenset[Side]:
        """The sides that may record the event (perhaps on a condition)."""
        return frozenset(side for side in Side if self.allows(side))

    def refusal(self, side: Side) -> str:
        """Why a member on *side* may not record it (for a side it does not allow)."""
        who = " and ".join(sorted(f"{s.value}s" for s in self.sides)) or "nobody"
        return f"{self.act} is for {who}, not for a member who is a {side.value}"


@attrs.frozen(kw_only=True)
class ActedOn:
    """A record with an audience that an event acts on (the feedback it answers, the
    setback it resolves): the actor must be able to see it.

    Attributes:
        what: what the record is, in words ("feedback", "setback").
        audience: its audience.
        author: who wrote it (an author always sees their own record).
    """

    what: str
    audience: Audience
    author: str


@attrs.frozen(kw_only=True)
class Event:
    """Base class of every timeline event.

    Attributes:
        actor: id of the member who did it (or, for the first event, who formed the
            partnership).
        occurred_at: when it happened: an aware datetime, converted to UTC.
    """

    type_name: ClassVar[str]
    schema_version: ClassVar[int] = 1
    permission: ClassVar[Permission]
    """Which sides may record it under :class:`alliance.RolePolicy`."""
    founder_may_record: ClassVar[bool] = False
    """Whether whoever formed the partnership may record it while the partnership is
    forming, member or not (adding the first members)."""

    actor: str = attrs.field(validator=c.identifier)
    occurred_at: pendulum.DateTime = attrs.field(converter=c.occurred_at)

    def __init_subclass__(cls, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if abstract:
            cls._abstract_event = True  # type: ignore[attr-defined]
        if cls.__dict__.get("_abstract_event", False):
            return
        name = cls.__dict__.get("type_name", cls.__name__)
        c.unclaimed(_EVENT_TYPES, name, cls, "event type name", "; set type_name to a unique name")
        _require_declarations(cls)
        cls.type_name = name
        _EVENT_TYPES[name] = cls

    def check(self, state: PartnershipState) -> None:
        """Raise unless this event may be recorded on top of *state*; change nothing.

        Called by :meth:`alliance.Partnership.record` after the checks every event goes
        through (the partnership is open, the actor a current member, the event not
        dated before the partnership). Raise :class:`alliance.ValidationError`,
        :class:`alliance.UnknownRecordError`, :class:`alliance.NotAMemberError` or
        :class:`alliance.DomainError` naming the field.
        """
        raise NotImplementedError

    def apply(self, state: PartnershipState) -> None:
        """Fold this event into *state*, in place, without checking anything.

        The fold trusts its input: the event was checked when it was recorded.
        """
        raise NotImplementedError

    def refusal_for(self, state: PartnershipState, side: Side) -> str | None:
        """Why a member on *side* (a side :attr:`permission` allows) may not record this
        event on top of *state*, or ``None`` when they may. The default allows."""
        return None

    def acted_on(self, state: PartnershipState) -> ActedOn | None:
        """The record with an audience this event acts on, if any: under
        :class:`alliance.RolePolicy` its actor must be able to see it."""
        return None


def _require_declarations(cls: type[Event]) -> None:
    missing = [
        name
        for name in ("check", "apply")
        if getattr(cls, name) is getattr(Event, name)  # not overridden anywhere
    ]
    if not isinstance(getattr(cls, "permission", None), Permission):
        missing.append("permission")
    if missing:
        raise TypeError(
            f"event class {cls.__qualname__} must declare {', '.join(missing)}: "
            "check(state) holds its rules, apply(state) folds it, and permission (a "
            "Permission) says which sides may record it; pass abstract=True for a base "
            "class that is never recorded"
        )


def event_types() -> dict[str, type[Event]]:
    """Every registered event class by its stored type name (a copy)."""
    return dict(_EVENT_TYPES)
