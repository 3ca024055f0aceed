"""Feedback loops: progress updates to carers, and carers' reports of what works at home.

A loop is open until the other side answers it: acknowledges it, adapts the strategy,
or explains.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs
import pendulum

from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience


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
