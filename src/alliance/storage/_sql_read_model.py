"""The SQL stores' read model of goals and observations (private): kept in the same
transaction as the events it derives from, rebuilt from them, and read by reports.

The rows themselves are folded by the model's own fold (:mod:`alliance.storage._read_model`);
this is the SQL around it: :class:`ReadModelSql` gives :class:`alliance.storage._sql.SqlStore`
the :class:`~alliance.storage.ReadModelStore` and
:class:`~alliance.storage.ProgressFiguresStore` methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pendulum

from alliance.model._time import from_micros, to_micros
from alliance.model.event import Event
from alliance.model.goals import (
    Direction,
    Goal,
    GoalDomain,
    GoalStatus,
    MasteryCriterion,
    MetricKind,
)
from alliance.model.membership import Membership
from alliance.model.partnership import PartnershipFormed, PartnershipStatus, Setting
from alliance.model.progress import Observation
from alliance.serialization import loads
from alliance.storage import _common
from alliance.storage import _read_model as rm
from alliance.storage._sql_base import Connection, SqlBase
from alliance.storage.interface import (
    GoalFacts,
    GoalFigures,
    MeasuredRow,
    ReadModelPartnership,
    ReportBounds,
)

# How many events the read model's rebuild reads at a time.
_REBUILD_PAGE = 2000
_RM_EVENTS = rm.READ_MODEL_EVENTS
# The columns rm.observation_of reads, bare and qualified by the alias "o".
_OBSERVATION_FIELDS = rm.OBSERVATION_COLUMNS.split(", ", 2)[2]
_OBSERVATION_FIELDS_O = ", ".join(f"o.{name}" for name in _OBSERVATION_FIELDS.split(", "))
# "Since the beginning of time" for report bounds (before any stored moment).
_MIN_US = -(2**62)
# The columns of a selected goal (GoalFigures' order).
_GOAL_FIELDS = (
    "g.partnership_id, g.goal_id, g.seq, g.domain, g.status, g.status_changed_us, "
    "g.statement, g.metric, g.unit, g.metric_kind, g.baseline, g.target, g.direction, g.due, "
    "g.proposed_at_us, g.shared_at_us, g.gas_weight, g.mastery"
)
# The selected goals' measured observations by the report's moment (after the goals'
# WHERE clause, with "alliance_observations o" joined).
_MEASURED = (
    " AND o.clinic_id = g.clinic_id AND o.partnership_id = g.partnership_id "
    "AND o.goal_id = g.goal_id AND o.value IS NOT NULL AND o.observed_at_us <= b.as_of"
)
# CROSS JOIN: SQLite then loops over the bounds first, as written (PostgreSQL plans it as
# an inner join).
_GOALS = " FROM b CROSS JOIN alliance_goals g"
_GOALS_AND_OBSERVATIONS = _GOALS + " CROSS JOIN alliance_observations o"
# Each goal's observations oldest first, ties in the order they were recorded.
_IN_ORDER = "ORDER BY g.partnership_id, g.goal_id, o.observed_at_us, o.seq"
# What ReadModelSql._selection gives: the WITH clause of the bounds, the WHERE clause
# selecting the goals, the parameters of both, and each partnership's (since, wstart).
_Selected = tuple[str, str, tuple[Any, ...], dict[str, tuple[int, int]]]


class ReadModelSql(SqlBase):
    """The read model of goals and observations, in SQL: its upkeep and its queries."""

    # --- upkeep -------------------------------------------------------------------------

    def _update_read_model(  # noqa: PLR0917 (private; called in two places)
        self,
        conn: Connection,
        clinic_id: str,
        partnership_id: str,
        events: Sequence[Event],
        versions: Sequence[int],
        members: dict[str, Membership] | None,
    ) -> dict[str, Membership] | None:
        """Fold a batch into ``alliance_goals`` and ``alliance_observations``.

        *members*: the partnership's members before the batch, or ``None`` to read them
        from ``alliance_members`` (an append, before the index is updated). Returns the
        members after the batch (``None`` when the batch held nothing for the read model).
        """
        relevant = [(e, v) for e, v in zip(events, versions, strict=True) if type(e) in _RM_EVENTS]
        if not relevant:
            return members
        batch_events = [e for e, _ in relevant]
        key = (clinic_id, partnership_id)
        state = None
        if not isinstance(batch_events[0], PartnershipFormed):
            if members is None:
                members = {}
                if rm.needs_members(batch_events):
                    rows = conn.execute(
                        self._sql(
                            "SELECT member_id, role, is_current FROM alliance_members "
                            "WHERE clinic_id = ? AND partnership_id = ?"
                        ),
                        key,
                    ).fetchall()
                    members = {m: rm.membership(m, role, bool(cur)) for m, role, cur in rows}
            state = rm.skeleton(partnership_id, clinic_id, members)

        def load_goal(goal_id: str) -> tuple[int, Goal] | None:
            row = conn.execute(
                self._sql(
                    "SELECT seq, state FROM alliance_goals "
                    "WHERE clinic_id = ? AND partnership_id = ? AND goal_id = ?"
                ),
                (*key, goal_id),
            ).fetchone()
            return None if row is None else (int(row[0]), rm.goal_of(row[1]))

        def load_observation(observation_id: str) -> tuple[int, Observation] | None:
            row = conn.execute(
                self._sql(
                    f"SELECT {_OBSERVATION_FIELDS} FROM alliance_observations "
                    "WHERE clinic_id = ? AND partnership_id = ? AND observation_id = ?"
                ),
                (*key, observation_id),
            ).fetchone()
            return None if row is None else rm.observation_of(row)

        batch = rm.fold_batch(
            state,
            batch_events,
            [v for _, v in relevant],
            load_goal=load_goal,
            load_observation=load_observation,
        )
        for table, id_column, touched in (
            ("alliance_goals", "goal_id", batch.goals),
            ("alliance_observations", "observation_id", batch.observations),
        ):
            old = [(*key, rid) for rid, (_, existed) in touched.items() if existed]
            if old:
                self._executemany(
                    conn,
                    self._sql(
                        f"DELETE FROM {table} "
                        f"WHERE clinic_id = ? AND partnership_id = ? AND {id_column} = ?"
                    ),
                    old,
                )
        if batch.goals:
            self._executemany(
                conn,
                self._sql(
                    f"INSERT INTO alliance_goals ({rm.GOAL_COLUMNS}) VALUES ({', '.join('?' * 20)})"
                ),
                batch.goal_rows(clinic_id),
            )
        if batch.observations:
            self._executemany(
                conn,
                self._sql(
                    f"INSERT INTO alliance_observations ({rm.OBSERVATION_COLUMNS}) "
                    f"VALUES ({', '.join('?' * 18)})"
                ),
                batch.observation_rows(clinic_id),
            )
        return batch.state.members

    def _rebuild(self, conn: Connection, clinic_id: str | None) -> None:
        """Rebuild the read model of *clinic_id* (``None``: every clinic) in *conn*."""
        only = "" if clinic_id is None else " WHERE clinic_id = ?"
        params: tuple[Any, ...] = () if clinic_id is None else (clinic_id,)
        conn.execute(self._sql("DELETE FROM alliance_goals" + only), params)
        conn.execute(self._sql("DELETE FROM alliance_observations" + only), params)
        conn.execute(
            self._sql(
                "UPDATE alliance_partnerships SET last_event_us = (SELECT MAX(e.occurred_at_us) "
                "FROM alliance_events e WHERE e.clinic_id = alliance_partnerships.clinic_id "
                "AND e.partnership_id = alliance_partnerships.partnership_id)" + only
            ),
            params,
        )
        names = sorted(t.type_name for t in _RM_EVENTS)
        sql = (
            "SELECT position, clinic_id, partnership_id, version, payload FROM alliance_events "
            f"WHERE position > ? AND event_type IN ({', '.join('?' * len(names))})"
            + ("" if clinic_id is None else " AND clinic_id = ?")
            + " ORDER BY position LIMIT ?"
        )
        members: dict[tuple[str, str], dict[str, Membership]] = {}
        zones: list[tuple[str, str, str]] = []
        pending: list[Event] = []
        versions: list[int] = []
        timeline: tuple[str, str] | None = None

        def flush() -> None:
            if timeline is not None and pending:
                after = self._update_read_model(
                    conn, *timeline, pending, versions, members.get(timeline, {})
                )
                members[timeline] = after or {}
            pending.clear()
            versions.clear()

        after = 0
        while True:
            rows = conn.execute(self._sql(sql), (after, *names, *params, _REBUILD_PAGE)).fetchall()
            for position, cid, pid, version, payload in rows:
                event = _common.decode(pid, int(version), payload)
                if (cid, pid) != timeline:
                    flush()
                    timeline = (cid, pid)
                if isinstance(event, PartnershipFormed):
                    zones.append((event.time_zone, cid, pid))
                pending.append(event)
                versions.append(int(version))
                after = int(position)
            if len(rows) < _REBUILD_PAGE:
                break
        flush()
        if zones:
            self._executemany(
                conn,
                self._sql(
                    "UPDATE alliance_partnerships SET time_zone = ? "
                    "WHERE clinic_id = ? AND partnership_id = ?"
                ),
                zones,
            )

    # --- reports from the read model (ReadModelStore, ProgressFiguresStore) --------------

    def report_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[ReadModelPartnership]:
        """See :meth:`alliance.storage.ReadModelStore.report_partnerships`."""
        sql, params = self._partnerships_query(
            "p.partnership_id, p.child_id, p.time_zone, p.last_event_us", member_id, status
        )
        rows = self._fetch(sql, params)
        return [
            ReadModelPartnership(
                partnership_id=pid,
                child_id=child_id,
                time_zone=zone,
                last_event_at=from_micros(int(last)),
            )
            for pid, child_id, zone, last in rows
        ]

    def _selection(
        self,
        bounds: Sequence[ReportBounds],
        domain: GoalDomain | None,
        status: GoalStatus | None,
    ) -> _Selected:
        """The goals of the partnerships in *bounds* (in *domain*, with *status*): the
        ``WITH b (pid, as_of, since, wstart)`` clause of the bounds (in microseconds), the
        ``WHERE`` clause selecting the goals ``g`` of those partnerships, the parameters of
        both, and each partnership's ``(since, wstart)``."""
        values = ", ".join(
            ["(?, CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))"] * len(bounds)
        )
        params: list[Any] = []
        window: dict[str, tuple[int, int]] = {}
        for b in bounds:
            since = _MIN_US if b.since is None else to_micros(b.since)
            wstart = to_micros(b.window_start)
            params += [b.partnership_id, to_micros(b.as_of), since, wstart]
            window[b.partnership_id] = (since, wstart)
        params.append(self._clinic_id)
        where = " WHERE g.clinic_id = ? AND g.partnership_id = b.pid"
        if domain is not None:
            where += " AND g.domain = ?"
            params.append(domain.value)
        if status is not None:
            where += " AND g.status = ?"
            params.append(status.value)
        cte = f"WITH b (pid, as_of, since, wstart) AS (VALUES {values}) "
        return cte, where, tuple(params), window

    def _goal_rows(
        self, conn: Connection, bounds: Sequence[ReportBounds], selected: _Selected
    ) -> list[Any]:
        """The rows (:data:`_GOAL_FIELDS`) of the goals *selected* from *bounds* (see
        :meth:`_selection`), by partnership in the order of *bounds* and then in the order
        they were proposed."""
        cte, where, params, _window = selected
        rows: list[Any] = conn.execute(
            self._sql(f"{cte}SELECT {_GOAL_FIELDS}{_GOALS}{where}"), params
        ).fetchall()
        order = {b.partnership_id: index for index, b in enumerate(bounds)}
        rows.sort(key=lambda row: (order[row[0]], int(row[2])))
        return rows

    def goal_facts(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
        figures: bool = True,
    ) -> list[GoalFacts]:
        """See :meth:`alliance.storage.ReadModelStore.goal_facts`: the goals and figures of
        :meth:`progress_figures` as typed values, with the measured observations of the
        goals with a mastery criterion."""
        if not bounds:
            return []
        selected = self._selection(bounds, domain, status)
        cte, where, params, _window = selected
        observed: dict[tuple[str, str], list[Observation]] = {}
        with self._transaction(write=False) as conn:
            if figures:
                goals = self._figures(conn, bounds, selected)
            else:
                goals = [GoalFigures(row) for row in self._goal_rows(conn, bounds, selected)]
            if figures and goals:  # the measured observations a mastery criterion judges
                for row in conn.execute(
                    self._sql(
                        f"{cte}SELECT g.partnership_id, {_OBSERVATION_FIELDS_O}"
                        f"{_GOALS_AND_OBSERVATIONS}{where} AND g.mastery IS NOT NULL{_MEASURED} "
                        + _IN_ORDER
                    ),
                    params,
                ):
                    _seq, observation = rm.observation_of(row[1:])
                    observed.setdefault((row[0], observation.goal_id), []).append(observation)
        return [
            GoalFacts(
                partnership_id=g.partnership_id,
                goal_id=g.goal_id,
                domain=GoalDomain(g.domain),
                status=GoalStatus(g.status),
                status_changed_at=from_micros(int(g.status_changed_us)),
                statement=g.statement,
                metric=g.metric,
                unit=g.unit,
                metric_kind=MetricKind(g.metric_kind),
                baseline=g.baseline,
                target=g.target,
                direction=Direction(g.direction),
                due=pendulum.Date.fromisoformat(g.due),
                proposed_at=from_micros(int(g.proposed_us)),
                shared_at=None if g.shared_us is None else from_micros(int(g.shared_us)),
                has_gas_scale=g.gas_weight is not None,
                mastery=None if g.mastery is None else loads(g.mastery, MasteryCriterion),
                latest=None if g.latest is None else (from_micros(int(g.latest[0])), g.latest[1]),
                in_period={Setting(setting): n for setting, n in g.counts.items()},
                recent=tuple((int(at), value) for at, value in g.recent),
                observations=tuple(observed.get((g.partnership_id, g.goal_id), ())),
            )
            for g in goals
        ]

    def progress_figures(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
    ) -> list[GoalFigures]:
        """See :meth:`alliance.storage.ProgressFiguresStore.progress_figures`: what
        :meth:`goal_facts` gives, as raw column values, in two queries and one pass over
        the measured observations."""
        if not bounds:
            return []
        selected = self._selection(bounds, domain, status)
        with self._transaction(write=False) as conn:
            return self._figures(conn, bounds, selected)

    def _figures(
        self, conn: Connection, bounds: Sequence[ReportBounds], selected: _Selected
    ) -> list[GoalFigures]:
        """The goals *selected* from *bounds* (see :meth:`_selection`) in report order, with
        their figures, in *conn*: the goals' query, then one pass over their measured
        observations."""
        cte, where, params, window = selected
        # the fields mastery reads, for goals with a criterion only
        mastery_fields = ", ".join(
            f"CASE WHEN g.mastery IS NULL THEN NULL ELSE o.{column} END"
            for column in ("observer", "kind", "trials", "first_trial_independent")
        )
        goal_rows = self._goal_rows(conn, bounds, selected)
        if not goal_rows:
            return []
        goals = {(row[0], row[1]): GoalFigures(row) for row in goal_rows}
        # One pass over every measured observation by the report's moment, each goal's
        # oldest first: counts in the period, the latest, the trend window, mastery.
        rows = conn.execute(
            self._sql(
                f"{cte}SELECT g.partnership_id, g.goal_id, o.observed_at_us, o.value, "
                f"o.setting, {mastery_fields}{_GOALS_AND_OBSERVATIONS}{where}{_MEASURED} "
                + _IN_ORDER
            ),
            params,
        )
        figures: GoalFigures | None = None
        last: tuple[int, float] | None = None
        pid = gid = None
        since = wstart = 0
        counts: dict[str, int] = {}
        recent: list[tuple[int, float]] = []
        measured: list[MeasuredRow] | None = None
        for row_pid, row_gid, at, value, setting, observer, kind, trials, independent in rows:
            if row_gid != gid or row_pid != pid:
                if figures is not None:
                    figures.latest = last
                pid, gid = row_pid, row_gid
                figures = goals[(pid, gid)]
                since, wstart = window[pid]
                counts, recent, measured = figures.counts, figures.recent, figures.measured
            if at >= since:
                counts[setting] = counts.get(setting, 0) + 1
            last = (at, value)
            if at > wstart:
                recent.append(last)
            if measured is not None:
                measured.append((at, observer, setting, kind, value, trials, independent))
        if figures is not None:
            figures.latest = last
        return list(goals.values())
