"""Feedback loops: progress updates to carers, and carers' reports of what works at home.

A loop is open until the other side answers it: acknowledges it, adapts the strategy,
or explains.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import DomainError
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience, audience_field
from alliance.model.event import ActedOn, Event, Permission
from alliance.model.goals import goal_proposed_by
from alliance.model.home_practice import strategy_planned_by
from alliance.model.people import MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "FeedbackAnswer",
    "FeedbackAnswered",
    "FeedbackGiven",
    "FeedbackItem",
    "FeedbackKind",
    "FeedbackResponse",
]


class FeedbackKind(enum.StrEnum):
    """Which way feedback flows."""

    PROGRESS_UPDATE = "progress-update"
    """From a professional to the carers."""
    HOME_REPORT = "home-report"
    """From a carer to the professionals: what works, or does not, at home."""


class FeedbackResponse(enum.StrEnum):
    """How the other side answered feedback."""

    ACKNOWLEDGED = "acknowledged"
    STRATEGY_ADAPTED = "strategy-adapted"
    EXPLAINED = "explained"


@attrs.frozen(kw_only=True)
class FeedbackAnswer:
    """The other side's answer to a feedback item."""

    response: FeedbackResponse
    message: str | None
    answered_by: str
    answered_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class FeedbackItem:
    """One piece of feedback and, once given, its answer.

    Attributes:
        feedback_id: its id.
        kind: a progress update to carers or a home report from a carer.
        given_by: who gave it.
        given_at: when.
        message: what was said.
        goal_id: the goal it is about, if any.
        strategy_id: the home-practice strategy it is about, if any.
        answer: the other side's answer, or ``None`` while the loop is open.
        audience: who may see it (everyone unless whoever gave it chose otherwise).
    """

    feedback_id: str
    kind: FeedbackKind
    given_by: str
    given_at: pendulum.DateTime
    message: str
    goal_id: str | None = None
    strategy_id: str | None = None
    answer: FeedbackAnswer | None = None
    audience: Audience = EVERYONE

    @property
    def is_open(self) -> bool:
        """Whether the loop still waits for the other side's answer."""
        return self.answer is None

    def open_for(self, moment: dt.datetime) -> pendulum.Duration:
        """How long the loop has been (or was) open at *moment*.

        For an answered item this is the time it took to answer, whatever *moment* is.
        """
        end = (
            self.answer.answered_at if self.answer is not None else c.utc_datetime("moment", moment)
        )
        if end <= self.given_at:
            return pendulum.duration()
        return end - self.given_at


_FEEDBACK_FROM = {
    FeedbackKind.PROGRESS_UPDATE: MemberRole.PROFESSIONAL,
    FeedbackKind.HOME_REPORT: MemberRole.CARER,
}


@attrs.frozen(kw_only=True)
class FeedbackGiven(Event):
    """Feedback was given: a progress update to carers, or a carer's report from home."""

    permission = Permission(act="giving feedback", carer=True, professional=True)

    feedback_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: FeedbackKind = attrs.field(validator=c.one_of(FeedbackKind))
    message: str = attrs.field(validator=c.text)
    goal_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    strategy_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    audience: Audience = audience_field()

    def check(self, state: PartnershipState) -> None:
        """A new id; progress updates from professionals, home reports from carers; the
        goal and strategy it is about exist."""
        c.audience_members(state, self.audience, self.occurred_at)
        c.unused_id("feedback_id", self.feedback_id, state.feedback, "feedback item")
        expected = _FEEDBACK_FROM[self.kind]
        if state.role_of(self.actor) is not expected:
            raise DomainError("kind", f"a {self.kind.value} is given by a {expected.value}")
        if self.goal_id is not None:
            goal_proposed_by(state, self.goal_id, self.occurred_at)
        if self.strategy_id is not None:
            strategy_planned_by(state, self.strategy_id, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """An open feedback loop."""
        state.feedback[self.feedback_id] = FeedbackItem(
            feedback_id=self.feedback_id,
            kind=self.kind,
            given_by=self.actor,
            given_at=self.occurred_at,
            message=self.message,
            goal_id=self.goal_id,
            strategy_id=self.strategy_id,
            audience=self.audience,
        )


@attrs.frozen(kw_only=True)
class FeedbackAnswered(Event):
    """The other side answered open feedback, closing the loop."""

    permission = Permission(act="answering feedback", carer=True, professional=True)

    feedback_id: str = attrs.field(validator=c.identifier)
    response: FeedbackResponse = attrs.field(validator=c.one_of(FeedbackResponse))
    message: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """Open feedback, answered by the other side, not before it was given."""
        item = c.known(state.feedback, self.feedback_id, "feedback_id", "feedback")
        if not item.is_open:
            raise DomainError(
                "feedback_id", f"feedback {self.feedback_id!r} is not open: it was already answered"
            )
        giver_side = _FEEDBACK_FROM[item.kind]
        if state.role_of(self.actor) is giver_side:
            raise DomainError(
                "actor",
                f"a {item.kind.value} is answered by the other side, not by a {giver_side.value}",
            )
        c.not_before("occurred_at", self.occurred_at, item.given_at, "the feedback was given")

    def acted_on(self, state: PartnershipState) -> ActedOn | None:
        """The feedback answered."""
        item = state.feedback[self.feedback_id]
        return ActedOn(what="feedback", audience=item.audience, author=item.given_by)

    def apply(self, state: PartnershipState) -> None:
        """The loop is closed with the answer."""
        state.feedback[self.feedback_id] = attrs.evolve(
            state.feedback[self.feedback_id],
            answer=FeedbackAnswer(
                response=self.response,
                message=self.message,
                answered_by=self.actor,
                answered_at=self.occurred_at,
            ),
        )
