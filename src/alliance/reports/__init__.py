"""Reports over goal progress: typed rows computed from a store, ready to render.

Every report folds the store's partnerships one at a time (streaming), so it works on
every backend and holds one timeline in memory at a time. See docs/reports.md for the
formulas and a worked example.

- :func:`select_goals` (:class:`GoalRow`): goals filtered by member, domain, status and
  period.
- :func:`progress_report` / :func:`goal_progress` (:class:`GoalProgress`): baseline,
  latest, target, share of the way, trend, projected date, mastery, counts by setting.
- :func:`gas_report` / :func:`gas_for` (:class:`GasRow`): Goal Attainment Scaling
  T-scores per child and period, with baseline T-scores; :func:`gas_t_score`.
- :func:`reliable_change_report` (:class:`ReliableChangeRow`): Jacobson-Truax reliable
  change index for metrics whose :class:`MetricNorms` are declared.
- :func:`health_report` / :func:`partnership_health` (:class:`PartnershipHealth`).
- :func:`coaching_report` / :func:`fidelity_rows` (:class:`FidelityRow`): each carer's
  fidelity in each coached strategy beside the goal's progress;
  :func:`learning_report` / :func:`carer_learning` (:class:`CarerLearningRow`): training
  (coaching) told apart from education.
"""

from __future__ import annotations

from alliance.reports import coaching, gas, health, progress
from alliance.reports._common import Period, iter_states, periods_between
from alliance.reports.coaching import *
from alliance.reports.gas import *
from alliance.reports.health import *
from alliance.reports.progress import *

__all__ = ["Period", "iter_states", "periods_between"]
__all__ += coaching.__all__
__all__ += gas.__all__
__all__ += health.__all__
__all__ += progress.__all__
