"""The performance harness: the library's cost beside the raw engines, in one run.

    .venv/bin/python benchmarks/run.py            # the full run (about 7 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # a tenth of the sizes (under a minute)

Needs the ``benchmarks`` extra (``.venv/bin/pip install -e '.[benchmarks]' --group dev``).
Prints one table: each row is the library's figure beside a baseline measured in the
same run on the same data, the ratio of their costs (time per event; above 1 means the
library is slower), the target and the peak memory of each side. See
docs/performance.md for what each row measures and the latest figures.

Every measurement runs in its own subprocess (this file, with ``--worker``), so that its
peak memory is its own and no measurement warms another's caches.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

FULL = {
    "partnerships": 2000,
    "per": 100,
    "batch": 100,
    "load_events": 20000,
    "serialize_events": 100000,
    "load_repeat": 5,
    "serialize_repeat": 3,
    "rounds": 4,
    "rounds_single": 10,
}
QUICK = {
    "partnerships": 200,
    "per": 100,
    "batch": 100,
    "load_events": 2000,
    "serialize_events": 10000,
    "load_repeat": 3,
    "serialize_repeat": 2,
    "rounds": 2,
    "rounds_single": 4,
}

GROUPS = ("sqlite", "memory", "load", "serialize", "postgres")


# --- running workers ------------------------------------------------------------------


class WorkerError(RuntimeError):
    pass


def run_worker(name: str, params: dict[str, Any], *, verbose: bool) -> dict[str, Any]:
    """Run one case in a fresh interpreter and return its result."""
    label = f"{name} {json.dumps({k: v for k, v in params.items() if k not in ('path', 'url')})}"
    if verbose:
        print(f"  running {label} ...", file=sys.stderr, end="", flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE / "run.py"), "--worker", name, "--params", json.dumps(params)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        if verbose:
            print(" failed", file=sys.stderr)
        raise WorkerError(f"{label} failed:\n{done.stderr.strip()}")
    if verbose:
        print(f" {time.perf_counter() - started:.1f} s", file=sys.stderr)
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise WorkerError(f"{label} printed nothing:\n{done.stderr.strip()}")
    out: dict[str, Any] = json.loads(lines[-1])
    return out


def worker_main(name: str, params_text: str) -> None:
    sys.path.insert(0, str(HERE))
    import cases  # noqa: PLC0415

    print(json.dumps(cases.run_worker(name, json.loads(params_text))))


# --- the table --------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    what: str
    unit: str  # "events/s", "ms", "us/event"
    baseline: str
    target: float | None  # the most the ratio may be; None: shown for information
    ours: dict[str, Any] | None = None
    base: dict[str, Any] | None = None
    ours_seconds: float | None = None
    base_seconds: float | None = None
    note: str = ""
    memory: tuple[float, float] | None = None  # MiB: ours, baseline

    @property
    def ratio(self) -> float | None:
        if not self.ours_seconds or not self.base_seconds:
            return None
        return self.ours_seconds / self.base_seconds


def figure(unit: str, seconds: float | None, events: int) -> str:
    if seconds is None:
        return "n/a"
    if unit == "events/s":
        return f"{events / seconds:,.0f}/s"
    if unit == "ms":
        return f"{seconds * 1000:,.1f} ms"
    return f"{seconds / events * 1e6:,.2f} us"


@dataclass
class Run:
    sizes: dict[str, Any]
    verbose: bool
    workdir: Path
    rows: list[Row] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    server_version: str | None = None
    load_at_start: float = field(default_factory=lambda: os.getloadavg()[0])

    def worker(self, name: str, **params: Any) -> dict[str, Any]:
        return run_worker(name, params, verbose=self.verbose)

    def interleaved(
        self, systems: dict[str, tuple[str, dict[str, Any]]], *, single: bool
    ) -> dict[str, Any]:
        """Run each system's append workload in rounds, rotating their order.

        The partnerships are split into ``rounds`` slices; each round appends the next
        slice with every system, one after the other, starting with a different one each
        time. A disk or a neighbour that slows down for a while then slows every system
        alike. One event per transaction is bound by the disk's flushes, the most
        variable part, so those rows take more, shorter rounds (``rounds_single``).
        Times and event counts are summed; memory is each round's peak, the highest; the
        checksum covers everything stored, taken in the last round.
        """
        s = self.sizes
        total = s["partnerships"]
        rounds = max(1, min(s["rounds_single" if single else "rounds"], total))
        bounds = [total * r // rounds for r in range(rounds + 1)]
        names = list(systems)
        merged: dict[str, Any] = {}
        for r in range(rounds):
            order = names[r % len(names) :] + names[: r % len(names)]
            for name in order:
                worker, params = systems[name]
                out = self.worker(
                    worker,
                    first=bounds[r],
                    partnerships=bounds[r + 1] - bounds[r],
                    per=s["per"],
                    checksum=r == rounds - 1,
                    **params,
                )
                seen = merged.setdefault(name, {**out, "seconds": 0.0, "events": 0, "rounds": 0})
                seen["seconds"] += out["seconds"]
                seen["events"] += out["events"]
                seen["rounds"] += 1
                seen["rss_peak_kib"] = max(seen["rss_peak_kib"], out["rss_peak_kib"])
                seen["rss_base_kib"] = min(seen["rss_base_kib"], out["rss_base_kib"])
                seen["checksum"] = out["checksum"]
        return merged

    def db(self, name: str) -> str:
        path = self.workdir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return str(path)

    def add(self, row: Row, ours: dict[str, Any] | None, base: dict[str, Any] | None) -> None:
        row.ours, row.base = ours, base
        if ours is not None:
            row.ours_seconds = ours["seconds"]
        if base is not None:
            row.base_seconds = base["seconds"]
        if ours is not None and base is not None:
            row.memory = (ours["rss_peak_kib"] / 1024, base["rss_peak_kib"] / 1024)
        self.rows.append(row)
        self.results[row.key] = {"ours": ours, "baseline": base}


def same_data(*results: dict[str, Any]) -> None:
    checksums = {r["checksum"] for r in results}
    if len(checksums) != 1:
        raise WorkerError(f"the systems were not given the same data: checksums {checksums}")


# --- the groups -----------------------------------------------------------------------


def sqlite_group(run: Run) -> None:
    s = run.sizes
    n = s["partnerships"] * s["per"]
    for mode, batch in (("one event per transaction", 1), (f"batches of {s['batch']}", s["batch"])):
        done = run.interleaved(
            {
                "raw": ("append.sqlite.raw", {"path": run.db("raw"), "batch": batch}),
                "ours": ("append.sqlite.alliance", {"path": run.db("alliance"), "batch": batch}),
                "es": ("append.sqlite.eventsourcing", {"path": run.db("es"), "batch": batch}),
            },
            single=batch == 1,
        )
        raw, ours, es = done["raw"], done["ours"], done["es"]
        same_data(raw, ours, es)
        what = f"SQLite append, {n:,} events / {s['partnerships']:,} partnerships, {mode}"
        tag = "single" if batch == 1 else "batch"
        label = (
            "raw sqlite3, an INSERT per transaction" if batch == 1 else "raw sqlite3 executemany"
        )
        run.add(
            Row(f"sqlite.append.{tag}.raw", what, "events/s", label, 2.0),
            ours,
            raw,
        )
        run.add(
            Row(
                f"sqlite.append.{tag}.eventsourcing",
                what,
                "events/s",
                "eventsourcing SQLiteApplicationRecorder",
                0.5,
            ),
            ours,
            es,
        )


def memory_group(run: Run) -> None:
    s = run.sizes
    small = max(1, s["partnerships"] // 4)
    common = {"per": s["per"], "batch": s["batch"]}
    # Each in one process from start to end (the rows above split the work into rounds).
    large = run.worker(
        "append.sqlite.alliance", path=run.db("alliance"), partnerships=s["partnerships"], **common
    )
    little = run.worker(
        "append.sqlite.alliance", path=run.db("alliance-small"), partnerships=small, **common
    )
    row = Row(
        "memory.flat",
        f"Peak memory of SQLite append in batches: {s['partnerships']:,} vs {small:,} partnerships",
        "MiB",
        f"the same at {small:,} partnerships",
        1.10,
    )
    row.ours, row.base = large, little
    row.ours_seconds = large["rss_peak_kib"] / 1024
    row.base_seconds = little["rss_peak_kib"] / 1024
    row.memory = (large["rss_peak_kib"] / 1024, little["rss_peak_kib"] / 1024)
    growth = (large["rss_peak_kib"] - large["rss_base_kib"]) / 1024
    growth_small = (little["rss_peak_kib"] - little["rss_base_kib"]) / 1024
    row.note = f"growth during the work: {growth:.1f} vs {growth_small:.1f} MiB"
    run.rows.append(row)
    run.results[row.key] = {"ours": large, "baseline": little}


def load_rows(run: Run, backend: str, **where: Any) -> None:
    s = run.sizes
    n = s["load_events"]
    tail = max(1, n // 40)
    params = {"backend": backend, "events": n, "tail": tail, **where}
    run.worker("load.prepare", **params)
    name = "SQLite" if backend == "sqlite" else "PostgreSQL"
    for snapshot in (False, True):
        common = {**params, "snapshot": snapshot, "repeat": s["load_repeat"]}
        ours = run.worker("load.alliance", **common)
        raw = run.worker("load.raw", **common)
        same_data(ours, raw)  # the same number of observations found
        how = (
            f"from a snapshot at {n - tail:,} + {tail:,} later events"
            if snapshot
            else "whole timeline, no snapshot"
        )
        run.add(
            Row(
                f"{backend}.load.{'snapshot' if snapshot else 'whole'}",
                f"{name} load and fold one partnership of {n:,} events, {how}",
                "ms",
                "SELECT + json.loads of the same payloads",
                3.0,
            ),
            ours,
            raw,
        )


def load_group(run: Run) -> None:
    load_rows(run, "sqlite", path=run.db("load"))


def serialize_group(run: Run) -> None:
    s = run.sizes
    params = {"events": s["serialize_events"], "per": s["per"], "repeat": s["serialize_repeat"]}
    ours = run.worker("serialize.alliance", **params)
    base = run.worker("serialize.msgspec", **params)
    same_data(ours, base)
    n = ours["events"]
    labels = {
        "to_data": ("alliance.to_data", "msgspec.to_builtins"),
        "dumps": ("alliance.dumps", "msgspec.json.encode"),
        "from_data": ("alliance.from_data", "msgspec.convert"),
        "loads": ("alliance.loads", "msgspec.json.decode"),
    }
    for op, (ours_name, base_name) in labels.items():
        row = Row(
            f"serialize.{op}",
            f"{ours_name} of {n:,} events",
            "us/event",
            f"{base_name} on Structs of the same shape",
            3.0,
        )
        run.add(
            row, {**ours, "seconds": ours["timings"][op]}, {**base, "seconds": base["timings"][op]}
        )


def postgres_group(run: Run, mode: str) -> None:
    sys.path.insert(0, str(HERE))
    import pgserver  # noqa: PLC0415

    s = run.sizes
    n = s["partnerships"] * s["per"]
    try:
        with pgserver.server() as server:
            import psycopg  # noqa: PLC0415

            with psycopg.connect(server) as conn:
                run.server_version = str(conn.execute("SHOW server_version").fetchone()[0])
            for mode_name, batch in (
                ("one event per transaction", 1),
                (f"batches of {s['batch']}", s["batch"]),
            ):
                tag = "single" if batch == 1 else "batch"
                with contextlib.ExitStack() as stack:
                    systems = {
                        name: (
                            f"append.postgres.{kind}",
                            {
                                "url": stack.enter_context(pgserver.fresh_database(server)),
                                "batch": batch,
                                **({"copy": True} if name == "copy" else {}),
                            },
                        )
                        for name, kind in (("raw", "raw"), ("ours", "alliance"), ("copy", "raw"))
                        if name != "copy" or batch > 1
                    }
                    done = run.interleaved(systems, single=batch == 1)
                raw, ours, copy = done["raw"], done["ours"], done.get("copy")
                same_data(*(r for r in (raw, ours, copy) if r is not None))
                what = (
                    f"PostgreSQL append, {n:,} events / {s['partnerships']:,} partnerships, "
                    f"{mode_name}"
                )
                label = (
                    "raw psycopg, an INSERT per transaction"
                    if batch == 1
                    else "raw psycopg executemany"
                )
                run.add(Row(f"postgres.append.{tag}.raw", what, "events/s", label, 2.0), ours, raw)
                if copy is not None:
                    run.add(
                        Row(
                            f"postgres.append.{tag}.copy",
                            what,
                            "events/s",
                            "raw psycopg COPY (bulk load: information)",
                            None,
                        ),
                        ours,
                        copy,
                    )
            with pgserver.fresh_database(server) as url:
                load_rows(run, "postgres", url=url)
    except pgserver.UnavailableError as exc:
        if mode == "require":
            raise WorkerError(f"PostgreSQL is required but unavailable: {exc}") from exc
        run.notes.append(f"PostgreSQL rows skipped: {exc}")
        postgres_skipped(run, "skipped: no PostgreSQL server")


def postgres_skipped(run: Run, why: str) -> None:
    """The PostgreSQL rows, without figures."""
    copy = "raw psycopg COPY (bulk load: information)"
    for key, what, unit, baseline, target in (
        ("postgres.append.single.raw", "append, one event per transaction", "events/s",
         "raw psycopg execute", 2.0),
        ("postgres.append.batch.raw", "append, in batches", "events/s",
         "raw psycopg executemany", 2.0),
        ("postgres.append.batch.copy", "append, in batches", "events/s", copy, None),
        ("postgres.load.whole", "load and fold, whole timeline", "ms", "SELECT + json.loads", 3.0),
        ("postgres.load.snapshot", "load and fold, from a snapshot", "ms",
         "SELECT + json.loads", 3.0),
    ):  # fmt: skip
        run.rows.append(Row(key, f"PostgreSQL {what}", unit, baseline, target, note=why))


# --- output -------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {}
    for name in ("alliance", "attrs", "cattrs", "pendulum", "psycopg", "eventsourcing", "msgspec"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def render(run: Run, command: str, elapsed: float) -> str:
    lines = [
        f"command: {command}",
        f"machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL "
        f"{run.server_version or 'not run'}",
        "versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
        f"load average (1 min) at the start and the end: {run.load_at_start:.2f}, "
        f"{os.getloadavg()[0]:.2f} (other work on the machine skews the figures)",
        "",
        "| # | measurement | baseline | alliance | baseline | ratio | target "
        "| peak RSS MiB (alliance / baseline) |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for number, row in enumerate(run.rows, start=1):
        events = (row.ours or row.base or {}).get("events", 0)
        base_events = (row.base or row.ours or {}).get("events", 0)
        if row.unit == "MiB":
            ours_text = f"{row.ours_seconds:,.1f} MiB" if row.ours_seconds else "n/a"
            base_text = f"{row.base_seconds:,.1f} MiB" if row.base_seconds else "n/a"
        else:
            ours_text = figure(row.unit, row.ours_seconds, events)
            base_text = figure(row.unit, row.base_seconds, base_events)
        ratio = row.ratio
        ratio_text = "n/a" if ratio is None else f"{ratio:.2f}x"
        if row.target is None:
            target_text = "information"
        else:
            verdict = "n/a" if ratio is None else ("met" if ratio <= row.target else "MISSED")
            target_text = f"<= {row.target:.2f}x: {verdict}"
        memory = "n/a" if row.memory is None else f"{row.memory[0]:.0f} / {row.memory[1]:.0f}"
        what = row.what + (f" ({row.note})" if row.note else "")
        lines.append(
            f"| {number} | {what} | {row.baseline} | {ours_text} | {base_text} | {ratio_text} "
            f"| {target_text} | {memory} |"
        )
    lines.append("")
    lines.append(
        "ratio: the library's cost divided by the baseline's (time per event; for memory, "
        "peak RSS); above 1 the library is slower. Targets: append <= 2x raw and at least 2x "
        "the eventsourcing recorder's rate (<= 0.5x), load <= 3x raw decode, serialization "
        "<= 3x msgspec, memory flat in the number of partnerships (<= 1.10x)."
    )
    lines.extend(run.notes)
    lines.append(f"total time: {elapsed / 60:.1f} min")
    return "\n".join(lines)


@contextlib.contextmanager
def workdir(given: str | None) -> Iterator[Path]:
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="alliance-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="The library's cost beside the raw engines, in one table.",
    )
    parser.add_argument("--quick", action="store_true", help="a tenth of the full sizes")
    parser.add_argument("--partnerships", type=int, help="partnerships to append (full: 2000)")
    parser.add_argument("--events-per-partnership", type=int, dest="per", help="full: 100")
    parser.add_argument("--batch", type=int, help="events per append in batch mode (full: 100)")
    parser.add_argument("--load-events", type=int, help="events of the loaded partnership (20000)")
    parser.add_argument("--serialize-events", type=int, help="events to serialize (100000)")
    parser.add_argument("--repeat", type=int, help="timed repeats of load and serialization")
    parser.add_argument(
        "--rounds",
        type=int,
        help="rounds the append rows are split into (full: 10 for one event per "
        "transaction, 4 for batches; quick: 4 and 2)",
    )
    parser.add_argument(
        "--postgres",
        choices=("auto", "off", "require"),
        default="auto",
        help="auto: run the PostgreSQL rows when a server can be had "
        "($ALLIANCE_BENCH_POSTGRES_DSN, or a throwaway one from /usr/lib/postgresql)",
    )
    parser.add_argument(
        "--only", action="append", choices=GROUPS, help="run only these groups (repeatable)"
    )
    parser.add_argument("--workdir", help="where the database files go (default: a temp dir)")
    parser.add_argument("--json", help="also write every result to this JSON file")
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.worker:
        worker_main(args.worker, args.params)
        return 0
    for module in ("eventsourcing", "msgspec"):
        try:
            __import__(module)
        except ImportError:
            print(
                f"{module} is missing: install the benchmarks extra with "
                "`.venv/bin/pip install -e '.[benchmarks]' --group dev`",
                file=sys.stderr,
            )
            return 2
    sizes = dict(QUICK if args.quick else FULL)
    overrides = {
        "partnerships": args.partnerships,
        "per": args.per,
        "batch": args.batch,
        "load_events": args.load_events,
        "serialize_events": args.serialize_events,
        "load_repeat": args.repeat,
        "serialize_repeat": args.repeat,
        "rounds": args.rounds,
        "rounds_single": args.rounds,
    }
    sizes.update({k: v for k, v in overrides.items() if v is not None})
    if sizes["per"] < 9 or sizes["load_events"] < 9:
        print("a benchmark timeline has at least 9 events", file=sys.stderr)
        return 2
    groups = args.only or list(GROUPS)
    command = "benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    with workdir(args.workdir) as where:
        run = Run(sizes=sizes, verbose=not args.quiet, workdir=where)
        failures = []
        for group in GROUPS:
            if group not in groups:
                continue
            if not args.quiet:
                print(f"{group}:", file=sys.stderr)
            try:
                if group == "postgres" and args.postgres == "off":
                    postgres_skipped(run, "not run: --postgres off")
                elif group == "postgres":
                    postgres_group(run, args.postgres)
                else:
                    {
                        "sqlite": sqlite_group,
                        "memory": memory_group,
                        "load": load_group,
                        "serialize": serialize_group,
                    }[group](run)
            except WorkerError as exc:  # report it, and go on with the other groups
                print(str(exc), file=sys.stderr)
                failures.append(group)
                run.notes.append(f"FAILED: the {group} group ({str(exc).splitlines()[0]})")
    table = render(run, command.strip(), time.perf_counter() - started)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"sizes": sizes, "results": run.results}, indent=2) + "\n",
            encoding="utf-8",
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
