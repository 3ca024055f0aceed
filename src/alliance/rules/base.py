"""The rule interface: a rule looks at a partnership as of a moment and returns findings.

Rules are pure and deterministic: the same partnership and moment always give the same
findings, and a rule never changes what it looks at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs
import pendulum

from alliance._i18n import Language
from alliance._i18n import language as language_for
from alliance.model import _checks as c
from alliance.model._time import local_start
from alliance.model.event import Event
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.model.timeline import Partnership
from alliance.rules.findings import Finding, FindingSeverity, Subject, SubjectKind

__all__ = ["BuiltInRule", "Rule", "RuleContext", "context_for"]


@attrs.frozen(kw_only=True)
class RuleContext:
    """What a rule sees: the partnership as it stood at ``moment``.

    Attributes:
        state: the state folded from the events that occurred by ``moment``.
        events: those events, in recorded order.
        moment: when the partnership is looked at (UTC).
    """

    state: PartnershipState
    events: tuple[Event, ...]
    moment: pendulum.DateTime
    language: Language = attrs.field(factory=language_for, eq=False, repr=False)
    """The language findings are written in (English unless :func:`context_for` is told
    otherwise)."""

    def local_start_of_day_after(self, day: pendulum.Date) -> pendulum.DateTime:
        """The first moment after *day* in the partnership's time zone, in UTC."""
        return local_start(day.add(days=1), self.state.time_zone).in_timezone("UTC")


def context_for(
    partnership: Partnership, moment: dt.datetime, *, language: str | None = None
) -> RuleContext:
    """The context for looking at *partnership* as of *moment*, its findings written in
    *language* (a BCP 47 tag; English by default, and for a language without a catalog:
    see ``docs/family-report.md``)."""
    cutoff = c.utc_datetime("moment", moment)
    return RuleContext(
        state=partnership.as_of(cutoff),
        events=tuple(e for e in partnership.events if e.occurred_at <= cutoff),
        moment=cutoff,
        language=language_for(language),
    )


@runtime_checkable
class Rule(Protocol):
    """A rule a clinic holds its partnerships to."""

    @property
    def rule_id(self) -> str:
        """A stable id such as ``"feedback-answered"``."""
        ...

    def evaluate(self, context: RuleContext) -> Iterable[Finding]:
        """The findings for the partnership in *context*. Must not change anything."""
        ...


@attrs.frozen(kw_only=True)
class _Deadline:
    """When a rule's finding about *subject_id* falls due, and what it says (at the
    rule's severity unless *severity* says otherwise)."""

    subject_id: str
    due: pendulum.DateTime
    message: str
    severity: FindingSeverity | None = None


class BuiltInRule:
    """Shared helpers of the built-in rules (attrs classes with their thresholds)."""

    rule_id: ClassVar[str]
    description: ClassVar[str]
    applies_to: ClassVar[frozenset[PartnershipStatus]] = frozenset({PartnershipStatus.ACTIVE})
    _subject_kind: ClassVar[SubjectKind]  # what each of the rule's findings is about
    severity: FindingSeverity  # each rule's field: the severity of its findings

    def _applies(self, context: RuleContext) -> bool:
        return context.state.status in self.applies_to

    def evaluate(self, context: RuleContext) -> Iterator[Finding]:
        """The findings for the partnership in *context*: none unless the rule applies to
        its status; then the rule's own (for most rules, each of its deadlines that the
        moment looked at has reached)."""
        if not self._applies(context):
            return
        yield from self._findings(context)

    def _findings(self, context: RuleContext) -> Iterator[Finding]:
        """The findings for a partnership the rule applies to: a finding for each of
        :meth:`_deadlines` once the moment looked at has reached it; nothing before."""
        for deadline in self._deadlines(context):
            yield from self._when_due(context, deadline)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """The rule's deadlines in *context* (each rule that keeps to deadlines defines it)."""
        raise NotImplementedError

    def _finding(
        self,
        context: RuleContext,
        *,
        subject_id: str,
        due_at: pendulum.DateTime,
        message: str,
        severity: FindingSeverity | None = None,
    ) -> Finding:
        """A finding of this rule about its subject *subject_id*, at the rule's severity
        unless *severity* says otherwise."""
        return Finding(
            rule_id=self.rule_id,
            severity=self.severity if severity is None else severity,
            message=message,
            partnership_id=context.state.partnership_id,
            subject=Subject(kind=self._subject_kind, id=subject_id),
            due_at=due_at,
        )

    def _when_due(self, context: RuleContext, deadline: _Deadline) -> Iterator[Finding]:
        """The finding *deadline* describes, once the moment looked at has reached its
        due moment; nothing before."""
        if context.moment >= deadline.due:
            yield self._finding(
                context,
                subject_id=deadline.subject_id,
                due_at=deadline.due,
                message=deadline.message,
                severity=deadline.severity,
            )


def period(**length: int) -> Any:
    """A rule's time threshold as an attrs field: a positive duration, *length* unless
    configured (``period(weeks=2)``)."""
    return attrs.field(default=pendulum.duration(**length), validator=c.positive_duration)


def severity_field(default: FindingSeverity) -> Any:
    """A rule's ``severity`` as an attrs field: *default* unless configured."""
    return attrs.field(default=default, validator=c.one_of(FindingSeverity))


def days(duration: pendulum.Duration) -> str:
    """A duration in plain English words ("2 weeks", "1 week and 3 days")."""
    return language_for().duration(duration)
