"""What a rule reports: findings, with a severity, a plain-language message and a subject."""

from __future__ import annotations

import enum

import attrs
import pendulum

from alliance.model import _checks as c


class FindingSeverity(enum.StrEnum):
    """How much a finding matters."""

    INFO = "info"
    """Worth knowing: a nudge, not a problem."""
    WARNING = "warning"
    """Something slipping that the team should look at."""
    BREACH = "breach"
    """The clinic's standard is not met."""

    @property
    def rank(self) -> int:
        """2 for a breach, 1 for a warning, 0 for information."""
        return _RANK[self]


_RANK = {FindingSeverity.INFO: 0, FindingSeverity.WARNING: 1, FindingSeverity.BREACH: 2}


class SubjectKind(enum.StrEnum):
    """What a finding is about."""

    PARTNERSHIP = "partnership"
    GOAL = "goal"
    CHECK_IN = "check-in"
    FEEDBACK = "feedback"
    SETBACK = "setback"
    CONCERN = "concern"
    STRATEGY = "strategy"
    MEMBER = "member"
    MEASURE = "measure"
    """A standardised measure: a response (an alliance flag) or an instrument (a measure
    that is due)."""
    TRANSITION = "transition"


@attrs.frozen(kw_only=True)
class Subject:
    """The record a finding is about: its kind and id."""

    kind: SubjectKind = attrs.field(validator=c.one_of(SubjectKind))
    id: str = attrs.field(validator=c.identifier)


@attrs.frozen(kw_only=True)
class Finding:
    """One thing a rule noticed about a partnership.

    Attributes:
        rule_id: the rule that found it (``"feedback-answered"``).
        severity: info, warning or breach.
        message: what is wrong, in words a carer could read.
        partnership_id: the partnership.
        subject: the record it is about (the partnership itself, a goal, a feedback
            item...).
        due_at: when the thing became due (so findings can be ordered by urgency).
    """

    rule_id: str = attrs.field(validator=c.identifier)
    severity: FindingSeverity = attrs.field(validator=c.one_of(FindingSeverity))
    message: str = attrs.field(validator=c.text)
    partnership_id: str = attrs.field(validator=c.identifier)
    subject: Subject = attrs.field(validator=c.instance_of(Subject))
    due_at: pendulum.DateTime = attrs.field(converter=c.due_at)

    def sort_key(self) -> tuple[int, pendulum.DateTime, str, str, str]:
        """Most severe first, then the longest overdue, then by partnership and rule."""
        return (
            -self.severity.rank,
            self.due_at,
            self.partnership_id,
            self.rule_id,
            self.subject.id,
        )
