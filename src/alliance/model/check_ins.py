"""Check-ins and contacts: meetings, calls, messages, the chat at drop-off and pick-up."""

from __future__ import annotations

import enum

import attrs
import pendulum

from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience
from alliance.model.people import Channel


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
