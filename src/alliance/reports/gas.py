"""Goal Attainment Scaling T-scores (Kiresuk & Sherman, 1968) and Jacobson-Truax reliable
change indices."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model.goals import Direction, GoalDomain, GoalStatus
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.reports._common import Period, moment_of, select_goals_in, start_of
from alliance.reports._viewing import viewed
from alliance.storage.interface import Store

__all__ = [
    "DEFAULT_RHO",
    "RCI_THRESHOLD",
    "GasGoal",
    "GasRow",
    "MetricNorms",
    "ReliableChangeRow",
    "gas_for",
    "gas_report",
    "gas_t_score",
    "reliable_change_index",
    "reliable_change_report",
    "reliable_changes_for",
]

DEFAULT_RHO = 0.3
"""The assumed correlation between goals' attainment scores (Kiresuk & Sherman)."""

RCI_THRESHOLD = 1.96
"""A change is reliable when ``|RCI| >= 1.96`` (p < .05, two-sided)."""


def gas_t_score(
    levels: Sequence[int | float],
    weights: Sequence[float] | None = None,
    *,
    rho: float = DEFAULT_RHO,
) -> float:
    """The Kiresuk-Sherman T-score of attainment *levels* (each -2..2).

    ``T = 50 + 10·Σwᵢxᵢ / sqrt((1-rho)·Σwᵢ² + rho·(Σwᵢ)²)``, weights 1 unless given.

    Raises:
        ValidationError: no levels, a level outside -2..2, weights of another length or
            not positive, or rho outside [0, 1).
    """
    if not levels:
        raise ValidationError("levels", "a T-score needs at least one goal's level")
    if weights is None:
        weights = [1.0] * len(levels)
    if len(weights) != len(levels):
        raise ValidationError("weights", f"need one weight per level ({len(levels)})")
    if any(not -2 <= x <= 2 for x in levels):
        raise ValidationError("levels", f"must each be between -2 and 2, not {list(levels)}")
    if any(w <= 0 for w in weights):
        raise ValidationError("weights", "must each be greater than zero")
    if not 0 <= rho < 1:
        raise ValidationError("rho", f"must be at least 0 and below 1, not {rho}")
    numerator = math.fsum(w * x for w, x in zip(weights, levels, strict=True))
    denominator = math.sqrt(
        (1 - rho) * math.fsum(w * w for w in weights) + rho * math.fsum(weights) ** 2
    )
    return 50 + 10 * numerator / denominator


@attrs.frozen(kw_only=True)
class GasGoal:
    """One goal's part in a GAS T-score.

    Attributes:
        goal_id: the goal.
        weight: its weight (from its ``GasScale``).
        baseline_level: its first rating (``None``: never rated by the period's end).
        level: its latest rating by the period's end, if that rating falls in the period
            (``None``: no rating in the period, the goal is left out of ``t_score``).
    """

    goal_id: str
    weight: float
    baseline_level: int | None
    level: int | None


@attrs.frozen(kw_only=True)
class GasRow:
    """A child's GAS T-score over a period.

    Attributes:
        partnership_id, child_id: whose.
        period: the period.
        goals: every goal with a GAS scale, and its levels.
        rated: how many of them were rated in the period (count in ``t_score``).
        missing: ids of the goals with a GAS scale but no rating in the period.
        t_score: the T-score of the rated goals (``None`` if none was rated).
        baseline_t_score: the T-score of the goals' first ratings (``None`` if none).
        change: ``t_score - baseline_t_score`` when both exist.
    """

    partnership_id: str
    child_id: str
    period: Period
    goals: tuple[GasGoal, ...]
    rated: int
    missing: tuple[str, ...]
    t_score: float | None
    baseline_t_score: float | None
    change: float | None


def gas_for(
    state: PartnershipState,
    *,
    period: Period | None = None,
    rho: float = DEFAULT_RHO,
    domain: GoalDomain | None = None,
    status: GoalStatus | None = None,
) -> GasRow:
    """The GAS T-score of the goals of *state* that have a GAS scale.

    A goal's level for the period is its latest rating made during the period; a goal
    not rated in the period is *missing*: left out of the T-score (never counted as -1
    or -2) and listed in ``missing``. Its baseline is its first rating ever made (by
    the period's end); the baseline T-score uses every goal that has one.
    """
    period = period or Period()
    as_of = moment_of(state, period)
    since = start_of(state, period)
    goals = []
    for goal in select_goals_in(state, domain=domain, status=status, period=period):
        scale = goal.current.gas_scale
        if scale is None:
            continue
        rated = [
            o
            for o in state.observations_for(goal.goal_id)
            if o.gas_level is not None and o.observed_at <= as_of
        ]
        baseline = rated[0].gas_level if rated else None
        level = None
        if rated and (since is None or rated[-1].observed_at >= since):
            level = rated[-1].gas_level
        goals.append(
            GasGoal(
                goal_id=goal.goal_id,
                weight=float(scale.weight),
                baseline_level=baseline,
                level=level,
            )
        )
    now = [g for g in goals if g.level is not None]
    first = [g for g in goals if g.baseline_level is not None]
    t_score = (
        gas_t_score([g.level for g in now if g.level is not None], [g.weight for g in now], rho=rho)
        if now
        else None
    )
    baseline_t = (
        gas_t_score(
            [g.baseline_level for g in first if g.baseline_level is not None],
            [g.weight for g in first],
            rho=rho,
        )
        if first
        else None
    )
    return GasRow(
        partnership_id=state.partnership_id,
        child_id=state.child_id,
        period=period,
        goals=tuple(goals),
        rated=len(now),
        missing=tuple(g.goal_id for g in goals if g.level is None),
        t_score=t_score,
        baseline_t_score=baseline_t,
        change=t_score - baseline_t if t_score is not None and baseline_t is not None else None,
    )


def gas_report(
    store: Store,
    *,
    periods: Iterable[Period] = (Period(),),
    member_id: str | None = None,
    domain: GoalDomain | None = None,
    status: GoalStatus | None = None,
    rho: float = DEFAULT_RHO,
    partnership_status: PartnershipStatus | None = None,
    viewer: str | None = None,
) -> Iterator[GasRow]:
    """:func:`gas_for` each selected partnership (one child each) and each period.

    With *viewer* (a member's id): only the partnerships they are a current member of,
    each computed from what they may see (:func:`alliance.as_seen_by`).
    """
    periods = tuple(periods)
    for _, state in viewed(store, viewer=viewer, member_id=member_id, status=partnership_status):
        for period in periods:
            yield gas_for(state, period=period, rho=rho, domain=domain, status=status)


# --- reliable change ----------------------------------------------------------------------


def _reliability(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0 <= value < 1:
        raise ValidationError(attribute.name, f"must be at least 0 and below 1, not {value}")


def _positive(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0 or not math.isfinite(value):
        raise ValidationError(attribute.name, f"must be a number above 0, not {value}")


@attrs.frozen(kw_only=True)
class MetricNorms:
    """What a standardised measure's manual declares, needed for a reliable change index.

    Declared by the report's caller, keyed by a goal's metric name (``MeasurableTarget.
    metric``), so stored goals need no new fields.

    Attributes:
        reliability: the test-retest reliability (or Cronbach's alpha), 0 ≤ r < 1.
        norm_sd: the standard deviation of the normative (or pre-treatment) sample.
    """

    reliability: float = attrs.field(validator=_reliability)
    norm_sd: float = attrs.field(validator=_positive)

    @property
    def standard_error(self) -> float:
        """``SE = SD·sqrt(1 - r)``."""
        return self.norm_sd * math.sqrt(1 - self.reliability)

    @property
    def s_diff(self) -> float:
        """``S_diff = sqrt(2·SE²)``: the standard error of a difference of two scores."""
        return math.sqrt(2 * self.standard_error**2)


def reliable_change_index(earlier: float, later: float, norms: MetricNorms) -> float:
    """Jacobson & Truax (1991): ``RCI = (later - earlier) / S_diff``."""
    return (later - earlier) / norms.s_diff


@attrs.frozen(kw_only=True)
class ReliableChangeRow:
    """The reliable change of one goal's measure from its first to its latest value.

    Attributes:
        partnership_id, child_id, goal_id, metric: which.
        earlier, later: the first and latest measured values by the report's moment.
        rci: the reliable change index (positive: the value went up).
        reliable: ``|rci| >= 1.96``.
        improved: the change is reliable and in the goal's direction.
        deteriorated: the change is reliable and against it.
    """

    partnership_id: str
    child_id: str
    goal_id: str
    metric: str
    earlier: float
    later: float
    earlier_at: pendulum.DateTime
    later_at: pendulum.DateTime
    rci: float
    reliable: bool
    improved: bool
    deteriorated: bool


def reliable_changes_for(
    state: PartnershipState, norms: Mapping[str, MetricNorms], *, period: Period | None = None
) -> list[ReliableChangeRow]:
    """The reliable change of each goal of *state* whose metric has declared *norms* and
    which has at least two measured values by the period's end."""
    period = period or Period()
    as_of = moment_of(state, period)
    rows = []
    for goal in select_goals_in(state, period=period):
        metric_norms = norms.get(goal.target.metric)
        if metric_norms is None:
            continue
        measured = [
            o
            for o in state.observations_for(goal.goal_id)
            if o.value is not None and o.observed_at <= as_of
        ]
        if len(measured) < 2:
            continue
        first, last = measured[0], measured[-1]
        if first.value is None or last.value is None:  # pragma: no cover (filtered above)
            continue
        rci = reliable_change_index(first.value, last.value, metric_norms)
        toward = rci if goal.target.direction is Direction.INCREASE else -rci
        reliable = abs(rci) >= RCI_THRESHOLD
        rows.append(
            ReliableChangeRow(
                partnership_id=state.partnership_id,
                child_id=state.child_id,
                goal_id=goal.goal_id,
                metric=goal.target.metric,
                earlier=float(first.value),
                later=float(last.value),
                earlier_at=first.observed_at,
                later_at=last.observed_at,
                rci=rci,
                reliable=reliable,
                improved=reliable and toward > 0,
                deteriorated=reliable and toward < 0,
            )
        )
    return rows


def reliable_change_report(
    store: Store,
    norms: Mapping[str, MetricNorms],
    *,
    period: Period | None = None,
    member_id: str | None = None,
    viewer: str | None = None,
) -> Iterator[ReliableChangeRow]:
    """:func:`reliable_changes_for` each selected partnership, one at a time (with
    *viewer*: as for :func:`gas_report`)."""
    for _, state in viewed(store, viewer=viewer, member_id=member_id, status=None):
        yield from reliable_changes_for(state, norms, period=period)
