"""Every way to read a store: ``STORE_READS``, every read of a store (every public member
of the store protocols and the built-in stores that returns stored data), each as a call
on a store holding a partnership, with whether the read names that partnership; and
``REPORTS``, every public report taking a store. Shared by the read-audit and the
encryption tests, which each check every read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pendulum

import alliance as al
from alliance import reports


def _bounds(pid: str) -> list[al.storage.ReportBounds]:
    as_of = pendulum.datetime(2030, 1, 1, tz="UTC")
    return [
        al.storage.ReportBounds(
            partnership_id=pid, as_of=as_of, since=None, window_start=as_of.subtract(years=20)
        )
    ]


# --- what is a read: every public member of the protocols and the built-in stores ---------

# Each read of a store, called on a store with the id of a stored partnership, with the
# operation (and partnership) its ReadAccess must name.
StoreRead = Callable[[Any, str], Any]
STORE_READS: dict[str, tuple[StoreRead, bool]] = {
    # name: (call, whether the access names the partnership read)
    "load": (lambda s, pid: s.load(pid), True),
    "load_snapshot": (lambda s, pid: s.load_snapshot(pid), True),
    "find_partnerships": (lambda s, pid: s.find_partnerships(), False),
    "read_all": (lambda s, pid: s.read_all(), False),
    "chain_records": (lambda s, pid: s.chain_records(), False),
    "index_records": (lambda s, pid: s.index_records(), False),
    "snapshot_records": (lambda s, pid: s.snapshot_records(), False),
    "read_model_records": (lambda s, pid: s.read_model_records(), False),
    "tombstones": (lambda s, pid: s.tombstones(), False),
    "report_partnerships": (lambda s, pid: s.report_partnerships(), False),
    "goal_facts": (lambda s, pid: s.goal_facts(_bounds(pid)), True),
    "progress_figures": (lambda s, pid: s.progress_figures(_bounds(pid)), True),
}


# Each public report taking a store, called on a store (consumed by the test).
Report = Callable[[Any], Iterator[Any]]
NORMS = {"turns taken": reports.MetricNorms(reliability=0.85, norm_sd=15)}
REPORTS: dict[str, Report] = {
    "iter_states": reports.iter_states,
    "select_goals": reports.select_goals,
    "progress_report": reports.progress_report,
    "gas_report": reports.gas_report,
    "health_report": reports.health_report,
    "coaching_report": reports.coaching_report,
    "learning_report": reports.learning_report,
    "reliable_change_report": lambda s: reports.reliable_change_report(s, NORMS),
}
