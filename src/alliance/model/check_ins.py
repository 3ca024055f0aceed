"""Check-ins and contacts: meetings, calls, messages, the chat at drop-off and pick-up,
with the good news and concerns shared and the action items agreed."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import DomainError
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience, audience_field
from alliance.model.event import ActedOn, Event, Permission, Side
from alliance.model.people import Channel

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "ActionItem",
    "ActionItemCompleted",
    "ActionItemStatus",
    "CheckIn",
    "CheckInHeld",
    "CheckInKind",
    "CheckInPurpose",
]


class CheckInKind(enum.StrEnum):
    """What kind of contact a check-in was."""

    MEETING = "meeting"
    CALL = "call"
    MESSAGE = "message"
    DROP_OFF_PICK_UP = "drop-off-pick-up"
    HOME_VISIT = "home-visit"


class CheckInPurpose(enum.StrEnum):
    """Which step of the work a check-in served. Carers take part in every step."""

    INTAKE = "intake"
    ASSESSMENT = "assessment"
    GOAL_SETTING = "goal-setting"
    PLANNING = "intervention-planning"
    PROGRESS_REVIEW = "progress-review"
    ROUTINE = "routine"
    TRANSITION = "transition"


@attrs.frozen(kw_only=True)
class ActionItem:
    """Something someone agreed to do, by when.

    Attributes:
        action_item_id: its id (generated when not given).
        description: what will be done.
        owner: the member who will do it.
        due: the local date it is due.
    """

    description: str = attrs.field(validator=c.text)
    owner: str = attrs.field(validator=c.identifier)
    due: pendulum.Date = attrs.field(converter=c.due)
    action_item_id: str = attrs.field(factory=c.new_id, validator=c.identifier)


@attrs.frozen(kw_only=True)
class CheckIn:
    """A check-in as recorded.

    Attributes:
        check_in_id: its id.
        held_at: when it took place.
        recorded_by: who recorded it.
        kind: meeting, call, message, drop-off/pick-up chat or home visit.
        purpose: the step of the work it served.
        channel: how it was held.
        participants: who took part.
        topics: what was talked about.
        good_news: good news shared about the child.
        concerns: concerns raised.
        decisions: decisions made together.
        action_items: who does what by when.
        audience: who may see it (everyone unless whoever recorded it chose otherwise).
    """

    check_in_id: str
    held_at: pendulum.DateTime
    recorded_by: str
    kind: CheckInKind
    purpose: CheckInPurpose
    channel: Channel
    participants: frozenset[str]
    topics: tuple[str, ...] = ()
    good_news: tuple[str, ...] = ()
    concerns: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    audience: Audience = EVERYONE


@attrs.frozen(kw_only=True)
class ActionItemStatus:
    """An action item from a check-in, and whether it is done."""

    item: ActionItem
    check_in_id: str
    completed_at: pendulum.DateTime | None = None
    completion_note: str | None = None


@attrs.frozen(kw_only=True)
class CheckInHeld(Event):
    """A meeting, call, message or drop-off chat took place."""

    permission = Permission(act="recording a check-in", professional=True)

    check_in_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: CheckInKind = attrs.field(validator=c.one_of(CheckInKind))
    purpose: CheckInPurpose = attrs.field(
        default=CheckInPurpose.ROUTINE, validator=c.one_of(CheckInPurpose)
    )
    channel: Channel = attrs.field(default=Channel.IN_PERSON, validator=c.one_of(Channel))
    participants: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)
    topics: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    good_news: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    concerns: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    decisions: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    action_items: tuple[ActionItem, ...] = attrs.field(default=(), validator=c.tuple_of(ActionItem))
    audience: Audience = audience_field()

    def check(self, state: PartnershipState) -> None:
        """A new id; participants and action items' owners are current members; action
        item ids are new."""
        c.audience_members(state, self.audience, self.occurred_at)
        c.unused_id("check_in_id", self.check_in_id, state.check_ins, "check-in")
        c.members(state, "participants", self.participants, self.occurred_at)
        seen: set[str] = set()
        for index, item in enumerate(self.action_items):
            field = f"action_items[{index}]"
            c.member(state, f"{field}.owner", item.owner, self.occurred_at)
            if item.action_item_id in seen or item.action_item_id in state.action_items:
                raise DomainError(
                    f"{field}.action_item_id",
                    f"action item id {item.action_item_id!r} is already used",
                )
            seen.add(item.action_item_id)

    def apply(self, state: PartnershipState) -> None:
        """A new check-in, and its action items, open."""
        state.check_ins[self.check_in_id] = CheckIn(
            check_in_id=self.check_in_id,
            held_at=self.occurred_at,
            recorded_by=self.actor,
            kind=self.kind,
            purpose=self.purpose,
            channel=self.channel,
            participants=self.participants,
            topics=self.topics,
            good_news=self.good_news,
            concerns=self.concerns,
            decisions=self.decisions,
            action_items=self.action_items,
            audience=self.audience,
        )
        for item in self.action_items:
            state.action_items[item.action_item_id] = ActionItemStatus(
                item=item, check_in_id=self.check_in_id
            )


@attrs.frozen(kw_only=True)
class ActionItemCompleted(Event):
    """An action item from a check-in was done."""

    permission = Permission(
        act="completing an action item",
        carer="their own items",
        professional=True,
        educator="their own items",
    )

    action_item_id: str = attrs.field(validator=c.identifier)
    note: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """An open action item, not done before the check-in that agreed it."""
        status = c.known(state.action_items, self.action_item_id, "action_item_id", "action item")
        if status.completed_at is not None:
            raise DomainError(
                "action_item_id", f"action item {self.action_item_id!r} is already done"
            )
        held_at = state.check_ins[status.check_in_id].held_at
        c.not_before("occurred_at", self.occurred_at, held_at, "the check-in that agreed it")

    def refusal_for(self, state: PartnershipState, side: Side) -> str | None:
        """Members complete their own items; professionals anyone's."""
        owner = state.action_items[self.action_item_id].item.owner
        if side is Side.PROFESSIONAL or owner == self.actor:
            return None
        return "members complete their own action items; only professionals complete others'"

    def acted_on(self, state: PartnershipState) -> ActedOn | None:
        """The check-in the item came from, unless the item is the actor's own (its owner
        was given it, whoever may read the check-in)."""
        status = state.action_items[self.action_item_id]
        if status.item.owner == self.actor:
            return None
        check_in = state.check_ins[status.check_in_id]
        return ActedOn(what="check-in", audience=check_in.audience, author=check_in.recorded_by)

    def apply(self, state: PartnershipState) -> None:
        """The item is done."""
        state.action_items[self.action_item_id] = attrs.evolve(
            state.action_items[self.action_item_id],
            completed_at=self.occurred_at,
            completion_note=self.note,
        )
