"""The clinic-scale benchmark: build a synthetic clinic in SQLite, then time the clinic-wide
progress report beside a hand-written SQL query computing the same figures.

    .venv/bin/python benchmarks/clinic_report.py            # 10,000 partnerships, 50,000 goals,
                                                             # about 1,000,000 observations
    .venv/bin/python benchmarks/clinic_report.py --quick    # 200 partnerships (seconds)

Rows (one table on stdout, progress on stderr):

1. building the clinic: the library's ``SQLiteStore.append`` of each partnership's whole
   history in one batch (events, partnership index and the read model of goals and
   observations, one transaction each), beside raw ``sqlite3`` ``executemany`` of the
   very same rows into the same tables (read back from the library's database), one
   transaction per partnership, at the same durability (WAL, ``synchronous=FULL``).
   Target: within 3x. The checksums of every table's content must match.
2. the same build end to end, generating the events (``alliance.synthetic``, every event
   checked by ``Partnership.record``) as ``alliance demo`` does: information.
3. the clinic-wide ``progress_report(store)`` (every goal: baseline, latest, share of the
   way, trend, projection, mastery, counts by setting), read to the end, beside one
   hand-written SQL query computing baseline, target, latest, counts by setting and the
   least-squares sums over the 8-week trend window per goal (slope and intercept
   finished in Python per row). Target: within 1.5x.
4. the report's peak memory (``ru_maxrss`` of its process, interpreter included).
   Target: under 300 MB.

Each measurement runs in its own subprocess (this file with ``--worker``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CLINIC = "riverside-clinic"
FULL = {"partnerships": 10_000, "goals": 5, "weeks": 11}
QUICK = {"partnerships": 200, "goals": 5, "weeks": 11}
TABLES = {
    "alliance_events": "position",
    "alliance_partnerships": "clinic_id, partnership_id",
    "alliance_members": "clinic_id, partnership_id, member_id",
    "alliance_goals": "clinic_id, partnership_id, goal_id",
    "alliance_observations": "clinic_id, partnership_id, observation_id",
}
WEEK_US = 7 * 86_400 * 1_000_000


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _checksum(path: str) -> str:
    """SHA-256 over every row of the tables both builds write."""
    digest = hashlib.sha256()
    conn = sqlite3.connect(path)
    for table, order in TABLES.items():
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            digest.update(repr(row).encode())
    conn.close()
    return digest.hexdigest()


# --- workers ---------------------------------------------------------------------------------


def build_alliance(p: dict[str, Any]) -> dict[str, Any]:
    """Generate the clinic and append each partnership's history in one batch."""
    from alliance.storage.sqlite import SQLiteStore  # noqa: PLC0415
    from alliance.synthetic import synthetic_clinic  # noqa: PLC0415

    store = SQLiteStore(p["path"], CLINIC)
    clinic = synthetic_clinic(
        seed=1, partnerships=p["partnerships"], clinic_id=CLINIC, goals=p["goals"],
        weeks=p["weeks"],
    )  # fmt: skip
    generate = append = 0.0
    events = observations = goals = 0
    while True:
        started = time.perf_counter()
        partnership = next(clinic, None)
        generate += time.perf_counter() - started
        if partnership is None:
            break
        started = time.perf_counter()
        store.append(partnership.state.partnership_id, partnership.events, expected_version=0)
        append += time.perf_counter() - started
        events += partnership.version
        observations += len(partnership.state.observations)
        goals += len(partnership.state.goals)
    store.close()
    return {
        "seconds": append,
        "generate_seconds": generate,
        "events": events,
        "observations": observations,
        "goals": goals,
        "rss_mib": _rss_mib(),
    }


def build_raw(p: dict[str, Any]) -> dict[str, Any]:
    """Insert the library's own rows into a fresh database with executemany."""
    from alliance.storage.sqlite import SQLiteStore  # noqa: PLC0415

    SQLiteStore(p["path"], CLINIC).close()  # the same schema, empty
    source = sqlite3.connect(p["source"])
    target = sqlite3.connect(p["path"], isolation_level=None)
    target.execute("PRAGMA journal_mode = WAL")
    target.execute("PRAGMA synchronous = FULL")
    ids = [r[0] for r in source.execute("SELECT partnership_id FROM alliance_partnerships")]
    seconds = 0.0
    events = 0
    for pid in ids:
        batches = []
        for table in TABLES:
            rows = source.execute(
                f"SELECT * FROM {table} WHERE clinic_id = ? AND partnership_id = ?",
                (CLINIC, pid),
            ).fetchall()
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                batches.append((f"INSERT INTO {table} VALUES ({marks})", rows))
            if table == "alliance_events":
                events += len(rows)
        started = time.perf_counter()
        target.execute("BEGIN IMMEDIATE")
        for sql, rows in batches:
            target.executemany(sql, rows)
        target.execute("COMMIT")
        seconds += time.perf_counter() - started
    source.close()
    target.close()
    return {
        "seconds": seconds,
        "events": events,
        "rss_mib": _rss_mib(),
        "checksum": _checksum(p["path"]),
        "source_checksum": _checksum(p["source"]),
    }


def report_alliance(p: dict[str, Any]) -> dict[str, Any]:
    """The clinic-wide progress report, read to the end."""
    from alliance.reports import progress  # noqa: PLC0415
    from alliance.storage.sqlite import SQLiteStore  # noqa: PLC0415

    store = SQLiteStore(p["path"], CLINIC)
    spent = [0.0]
    status = progress.mastery_status  # what the SQL stores' report judges mastery with

    def timed(*args: Any, **kwargs: Any) -> Any:  # how much of it is mastery evaluation
        started = time.perf_counter()
        try:
            return status(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    progress.mastery_status = timed  # type: ignore[assignment]
    started = time.perf_counter()
    rows = 0
    figures = [0.0, 0.0, 0.0]  # latest values, slopes, observations
    trends = mastered = 0
    for row in progress.progress_report(store):
        rows += 1
        figures[0] += row.latest or 0.0
        figures[2] += row.observations
        if row.trend is not None:
            trends += 1
            figures[1] += row.trend.slope_per_week
        mastered += row.mastery == "mastered"
    seconds = time.perf_counter() - started
    store.close()
    return {
        "seconds": seconds,
        "rows": rows,
        "mastery_seconds": spent[0],
        "latest_sum": figures[0],
        "slope_sum": figures[1],
        "observations": int(figures[2]),
        "trends": trends,
        "mastered": mastered,
        "rss_mib": _rss_mib(),
    }


HAND_SQL = """
SELECT g.partnership_id, g.goal_id, g.baseline, g.target, g.direction, g.due, p.last_event_us,
  (SELECT l.value FROM alliance_observations l
    WHERE l.clinic_id = g.clinic_id AND l.partnership_id = g.partnership_id
      AND l.goal_id = g.goal_id AND l.value IS NOT NULL AND l.observed_at_us <= p.last_event_us
    ORDER BY l.observed_at_us DESC, l.seq DESC LIMIT 1) AS latest,
  COUNT(o.value),
  COALESCE(SUM(o.setting = 'clinic'), 0), COALESCE(SUM(o.setting = 'home'), 0),
  COALESCE(SUM(o.setting = 'school'), 0), COALESCE(SUM(o.setting = 'community'), 0),
  COALESCE(SUM(o.observed_at_us > p.last_event_us - :window), 0) AS n,
  SUM(CASE WHEN o.observed_at_us > p.last_event_us - :window
      THEN (o.observed_at_us - p.last_event_us + :window) / :week END) AS sx,
  SUM(CASE WHEN o.observed_at_us > p.last_event_us - :window THEN o.value END) AS sy,
  SUM(CASE WHEN o.observed_at_us > p.last_event_us - :window
      THEN (o.observed_at_us - p.last_event_us + :window) / :week * o.value END) AS sxy,
  SUM(CASE WHEN o.observed_at_us > p.last_event_us - :window
      THEN (o.observed_at_us - p.last_event_us + :window) / :week
         * (o.observed_at_us - p.last_event_us + :window) / :week END) AS sxx
FROM alliance_partnerships p
JOIN alliance_goals g ON g.clinic_id = p.clinic_id AND g.partnership_id = p.partnership_id
LEFT JOIN alliance_observations o ON o.clinic_id = g.clinic_id
  AND o.partnership_id = g.partnership_id AND o.goal_id = g.goal_id
  AND o.value IS NOT NULL AND o.observed_at_us <= p.last_event_us
WHERE p.clinic_id = :clinic
GROUP BY g.partnership_id, g.goal_id
ORDER BY g.partnership_id, g.seq
"""


def report_sql(p: dict[str, Any]) -> dict[str, Any]:
    """The same figures by hand: one query, slope and share finished per row."""
    conn = sqlite3.connect(p["path"])
    started = time.perf_counter()
    rows = 0
    figures = [0.0, 0.0, 0.0]  # latest values, slopes, observations
    trends = 0
    for row in conn.execute(
        HAND_SQL, {"clinic": CLINIC, "window": 8 * WEEK_US, "week": float(WEEK_US)}
    ):
        rows += 1
        _pid, _gid, baseline, target, _dir, _due, _as_of, latest, count = row[:9]
        figures[2] += count
        n, sx, sy, sxy, sxx = row[13:]
        if n >= 2 and (den := n * sxx - sx * sx):
            slope = (n * sxy - sx * sy) / den
            _intercept = (sy - slope * sx) / n
            trends += 1
            figures[1] += slope
        if latest is not None:
            figures[0] += latest
            _share = (latest - baseline) / (target - baseline)
    seconds = time.perf_counter() - started
    conn.close()
    return {
        "seconds": seconds,
        "rows": rows,
        "latest_sum": figures[0],
        "slope_sum": figures[1],
        "observations": int(figures[2]),
        "trends": trends,
        "rss_mib": _rss_mib(),
    }


WORKERS = {
    "build.alliance": build_alliance,
    "build.raw": build_raw,
    "report.alliance": report_alliance,
    "report.sql": report_sql,
}


# --- the harness -------------------------------------------------------------------------------


def run_worker(name: str, params: dict[str, Any], *, verbose: bool) -> dict[str, Any]:
    """Run one worker in a fresh interpreter and return its result."""
    if verbose:
        print(f"  {name} ...", file=sys.stderr, end="", flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--worker", name, "--params", json.dumps(params)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr.strip()}")
    if verbose:
        print(f" {time.perf_counter() - started:.1f} s", file=sys.stderr)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _versions() -> str:
    found = []
    for name in ("alliance", "attrs", "cattrs", "pendulum"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def _row(  # noqa: PLR0917
    number: int,
    what: str,
    base: str,
    ours: str,
    theirs: str,
    ratio: float | None,
    target: float | None,
    memory: str,
) -> str:
    ratio_text = "n/a" if ratio is None else f"{ratio:.2f}x"
    if target is None:
        verdict = "information"
    else:
        met = ratio is not None and ratio <= target
        verdict = f"<= {target:.2f}x: {'met' if met else 'MISSED'}"
    return (
        f"| {number} | {what} | {base} | {ours} | {theirs} | {ratio_text} | {verdict} | {memory} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description="The clinic-scale progress-report benchmark.")
    parser.add_argument("--quick", action="store_true", help="200 partnerships instead of 10,000")
    parser.add_argument("--partnerships", type=int, help="partnerships (full: 10,000)")
    parser.add_argument("--goals", type=int, help="goals per partnership (5)")
    parser.add_argument("--weeks", type=int, help="weeks of sessions per partnership (11)")
    parser.add_argument("--workdir", help="where the databases go (default: a temporary dir)")
    parser.add_argument("--json", help="also write every result to this JSON file")
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.worker:
        sys.path.insert(0, str(HERE.parent / "src"))
        print(json.dumps(WORKERS[args.worker](json.loads(args.params))))
        return 0
    sizes = dict(QUICK if args.quick else FULL)
    for key in sizes:
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    command = "benchmarks/clinic_report.py " + " ".join(sys.argv[1:] if argv is None else argv)
    verbose = not args.quiet
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    where = (
        Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="alliance-clinic-"))
    )
    where.mkdir(parents=True, exist_ok=True)
    try:
        ours_db, raw_db = str(where / "clinic.db"), str(where / "raw.db")
        for path in (ours_db, raw_db):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        build = run_worker("build.alliance", {"path": ours_db, **sizes}, verbose=verbose)
        raw = run_worker("build.raw", {"path": raw_db, "source": ours_db}, verbose=verbose)
        if raw["checksum"] != raw["source_checksum"] or raw["events"] != build["events"]:
            print("the raw build does not hold the same rows as the library's", file=sys.stderr)
            return 1
        report = run_worker("report.alliance", {"path": ours_db}, verbose=verbose)
        hand = run_worker("report.sql", {"path": ours_db}, verbose=verbose)
        # the same goals, latest values, counts and trend lines (slopes agree up to the
        # rounding of the two ways of summing)
        if (
            any(report[key] != hand[key] for key in ("rows", "observations", "trends"))
            or abs(report["latest_sum"] - hand["latest_sum"])
            > 1e-6 * max(1.0, abs(hand["latest_sum"]))
            or abs(report["slope_sum"] - hand["slope_sum"])
            > 1e-6 * max(1.0, abs(hand["slope_sum"]))
        ):
            print(f"the report and the hand-written SQL disagree: {report} {hand}", file=sys.stderr)
            return 1
    finally:
        if not args.workdir:
            shutil.rmtree(where, ignore_errors=True)
    n = build["events"]
    size = (
        f"{sizes['partnerships']:,} partnerships, {build['goals']:,} goals, "
        f"{build['observations']:,} observations, {n:,} events"
    )
    end_to_end = build["seconds"] + build["generate_seconds"]
    lines = [
        f"command: {command.strip()}",
        f"machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}; {_versions()}",
        f"load average (1 min) at the start and the end: {load_start:.2f}, "
        f"{os.getloadavg()[0]:.2f}",
        f"clinic: {size}",
        "",
        "| # | measurement | baseline | alliance | baseline | ratio | target "
        "| peak RSS MiB (alliance / baseline) |",
        "|---|---|---|---:|---:|---:|---|---|",
        _row(1, "Build the clinic in SQLite: append each partnership's history in one batch "
             "(events, index, read model)", "raw sqlite3 executemany of the same rows, "
             "a transaction per partnership", f"{n / build['seconds']:,.0f}/s",
             f"{n / raw['seconds']:,.0f}/s", build["seconds"] / raw["seconds"], 3.0,
             f"{build['rss_mib']:.0f} / {raw['rss_mib']:.0f}"),
        _row(2, "The same, end to end: generating and checking the events too "
             "(as alliance demo)", "raw sqlite3 executemany", f"{n / end_to_end:,.0f}/s",
             f"{n / raw['seconds']:,.0f}/s", end_to_end / raw["seconds"], None,
             f"{build['rss_mib']:.0f} / {raw['rss_mib']:.0f}"),
        _row(3, f"Clinic-wide progress_report, {report['rows']:,} goals (of which mastery "
             f"evaluation in Python: {report['mastery_seconds']:.2f} s)",
             "hand-written SQL: the same figures in one query", f"{report['seconds']:.2f} s",
             f"{hand['seconds']:.2f} s", report["seconds"] / hand["seconds"], 1.5,
             f"{report['rss_mib']:.0f} / {hand['rss_mib']:.0f}"),
        _row(4, "Peak memory of the clinic-wide progress report", "300 MB limit",
             f"{report['rss_mib']:.0f} MiB", "286 MiB",
             report["rss_mib"] / (300e6 / 2**20), 1.0,
             f"{report['rss_mib']:.0f} / -"),
        "",
        "ratio: the library's time (or memory) divided by the baseline's; above 1 the library "
        "is slower. Targets: build <= 3x raw inserts, report <= 1.5x hand SQL, report memory "
        "under 300 MB.",
        f"total time: {(time.perf_counter() - started) / 60:.1f} min",
    ]  # fmt: skip
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    if args.json:
        results = {"sizes": sizes, "build": build, "raw": raw, "report": report, "sql": hand}
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
