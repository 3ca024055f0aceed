"""A clinic's rule set: which rules apply and with which thresholds, configured not coded."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import cattrs

from alliance.errors import MalformedDataError, ValidationError
from alliance.model.partnership import PartnershipStatus
from alliance.model.timeline import Partnership
from alliance.rules.base import Rule, context_for
from alliance.rules.builtin import BUILT_IN_RULES
from alliance.rules.findings import Finding
from alliance.serialization import converter, describe_problem
from alliance.storage import load_partnership
from alliance.storage.interface import Store

__all__ = ["RuleSet", "evaluate_clinic", "iter_clinic_findings"]

_BY_ID = {cls.rule_id: cls for cls in BUILT_IN_RULES}


def _rule_tuple(values: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(values)


@attrs.frozen
class RuleSet:
    """The rules a clinic holds its partnerships to.

    Build it from configuration (:meth:`from_config`, :meth:`from_toml`), start from
    :meth:`default`, and add the clinic's own rules with :meth:`with_rules`.
    """

    rules: tuple[Rule, ...] = attrs.field(converter=_rule_tuple)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            if not isinstance(rule, Rule):
                raise ValidationError(f"rules[{index}]", "is not a rule (rule_id and evaluate)")
            if rule.rule_id in seen:
                raise ValidationError(f"rules[{index}]", f"rule id {rule.rule_id!r} is repeated")
            seen.add(rule.rule_id)

    @classmethod
    def default(cls) -> RuleSet:
        """Every built-in rule with its default thresholds."""
        return cls([rule() for rule in BUILT_IN_RULES])

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RuleSet:
        """Build a rule set from plain data, for example parsed TOML or JSON.

        Keys are built-in rule ids; each value may set ``enabled`` (default true) and the
        rule's thresholds, durations as ISO 8601 (``"P5D"``, ``"P2W"``) and severities
        as ``"info"``, ``"warning"`` or ``"breach"``. Rules not mentioned keep their
        defaults::

            {"feedback-answered": {"within": "P3D", "severity": "breach"},
             "good-news": {"enabled": False}}

        Raises:
            MalformedDataError: an unknown rule id, an unknown threshold, or a value of
                the wrong type or out of range, each with its path
                (``@ $.feedback-answered.within``).
        """
        if not isinstance(config, Mapping):
            raise MalformedDataError(["rule configuration must be a table @ $"])
        problems: list[str] = []
        rules: list[Rule] = []
        for rule_id in config:
            if rule_id not in _BY_ID:
                known = ", ".join(sorted(_BY_ID))
                problems.append(f"unknown rule {rule_id!r}; known rules: {known} @ $.{rule_id}")
        for rule_id, rule_class in _BY_ID.items():
            settings = config.get(rule_id, {})
            path = f"$.{rule_id}"
            if not isinstance(settings, Mapping):
                problems.append(f"expected a table of settings @ {path}")
                continue
            settings = dict(settings)
            enabled = settings.pop("enabled", True)
            if not isinstance(enabled, bool):
                problems.append(f"expected true or false @ {path}.enabled")
                continue
            try:
                rule = converter.structure(settings, rule_class)
            except (cattrs.BaseValidationError, ValidationError, ValueError) as exc:
                problems.extend(
                    cattrs.transform_error(exc, path=path, format_exception=describe_problem)
                )
                continue
            if enabled:
                rules.append(rule)
        if problems:
            raise MalformedDataError(problems, context="invalid rule configuration")
        return cls(rules)

    @classmethod
    def from_toml(cls, text: str) -> RuleSet:
        """Build a rule set from TOML text, one table per rule::

            [feedback-answered]
            within = "P3D"

            [good-news]
            enabled = false

        The tables are read as :meth:`from_config` reads a mapping.
        """
        try:
            config = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise MalformedDataError([f"not valid TOML: {exc} @ $"]) from exc
        return cls.from_config(config)

    def with_rules(self, *rules: Rule) -> RuleSet:
        """This rule set plus *rules* (the clinic's own)."""
        return RuleSet([*self.rules, *rules])

    def without(self, *rule_ids: str) -> RuleSet:
        """This rule set less the rules with *rule_ids*."""
        return RuleSet([r for r in self.rules if r.rule_id not in rule_ids])

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules, in order."""
        return tuple(r.rule_id for r in self.rules)

    def evaluate(
        self, partnership: Partnership, moment: dt.datetime, *, language: str | None = None
    ) -> list[Finding]:
        """Every rule's findings for *partnership* as of *moment*, most urgent first, their
        messages in *language* (a BCP 47 tag; English by default)."""
        context = context_for(partnership, moment, language=language)
        findings = [f for rule in self.rules for f in rule.evaluate(context)]
        return sorted(findings, key=Finding.sort_key)


def iter_clinic_findings(
    store: Store,
    rule_set: RuleSet,
    moment: dt.datetime,
    *,
    status: PartnershipStatus | None = None,
    language: str | None = None,
) -> Iterator[list[Finding]]:
    """Evaluate the clinic's partnerships one at a time, yielding each one's findings
    (their messages in *language*, English by default).

    Only one partnership is in memory at a time.
    """
    for summary in store.find_partnerships(status=status):
        try:
            partnership = load_partnership(
                store, summary.partnership_id, as_of=moment, use_snapshot=False
            )
        except LookupError:  # formed after the moment
            continue
        yield rule_set.evaluate(partnership, moment, language=language)


def evaluate_clinic(
    store: Store,
    rule_set: RuleSet,
    moment: dt.datetime,
    *,
    status: PartnershipStatus | None = None,
    language: str | None = None,
) -> list[Finding]:
    """Every finding for every partnership of the store's clinic as of *moment*, most
    severe first, then by when they became due (their messages in *language*, English by
    default)."""
    batches = iter_clinic_findings(store, rule_set, moment, status=status, language=language)
    findings = [f for batch in batches for f in batch]
    return sorted(findings, key=Finding.sort_key)
