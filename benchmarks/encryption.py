"""The cost of encryption at rest: an SQLite store wrapped in an ``EncryptedStore`` beside
the same store unwrapped, side by side in one run.

    .venv/bin/python benchmarks/encryption.py            # about a minute on 2 cores
    .venv/bin/python benchmarks/encryption.py --quick    # a tenth of the sizes

Both sides get the same events (``benchmarks/workload.py``: 43 of each 100 carry text to
seal, a note, a message or a description; the rest are ids and numbers) in their own SQLite
file at the library's durability (WAL, ``synchronous=FULL``). Each round runs both
sides, alternating which goes first; the figures are the medians over the rounds of
wall time. Rows: appends in batches of 100; loading and folding one long partnership,
whole and from a snapshot; the clinic-wide progress report (computed in SQL by the read
model; the text of its rows opened). The ratio is encrypted / plain: above 1, encryption
costs that much more. Information only: no target (issue 16 asks for the figure).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import alliance as al
from alliance.reports import progress_report
from alliance.storage import SQLiteStore, Store
from alliance.storage.encryption import EncryptedStore, MemoryKeyProvider

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workload

FULL = {"partnerships": 100, "per": 100, "long": 10_000, "rounds": 5}
QUICK = {"partnerships": 10, "per": 100, "long": 1_000, "rounds": 3}


def _stores(folder: Path, round_: int) -> dict[str, Store]:
    return {
        "plain": SQLiteStore(folder / f"plain-{round_}.db", workload.CLINIC_ID),
        "encrypted": EncryptedStore(
            SQLiteStore(folder / f"encrypted-{round_}.db", workload.CLINIC_ID),
            MemoryKeyProvider(),
        ),
    }


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _append(store: Store, timelines: list[tuple[str, list[al.Event]]]) -> None:
    for pid, events in timelines:
        for before in range(0, len(events), 100):
            store.append(pid, events[before : before + 100], expected_version=before)


def main() -> int:
    """Run the rounds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    sizes = QUICK if parser.parse_args().quick else FULL
    timelines = [
        (workload.partnership_id(n), workload.timeline(n, sizes["per"]))
        for n in range(1, sizes["partnerships"] + 1)
    ]
    long_id, long = workload.partnership_id(0), workload.timeline(0, sizes["long"])
    tail = sizes["long"] // 20
    times: dict[tuple[str, str], list[float]] = {}
    reports: dict[str, list[object]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(sizes["rounds"]):
            stores = _stores(Path(folder), round_)
            order = list(stores) if round_ % 2 == 0 else list(reversed(stores))
            for side in order:
                store = stores[side]

                def timed(row: str, fn: Callable[[], object], side: str = side) -> None:
                    times.setdefault((row, side), []).append(_timed(fn))

                timed("append", lambda store=store: _append(store, timelines))
                store.append(long_id, long, expected_version=0)
                timed(
                    "load",
                    lambda store=store: al.load_partnership(store, long_id, use_snapshot=False),
                )
                prefix = al.Partnership.from_events(long[: len(long) - tail]).state
                store.save_snapshot(prefix)  # type: ignore[attr-defined]
                timed("snapshot", lambda store=store: al.load_partnership(store, long_id))
                timed(
                    "report",
                    lambda store=store, side=side: reports.__setitem__(
                        side, list(progress_report(store))
                    ),
                )
                store.close()
    if reports["plain"] != reports["encrypted"]:
        print("the two sides' progress reports differ", file=sys.stderr)
        return 1
    events, count = sizes["partnerships"] * sizes["per"], sizes["partnerships"]
    rows = {
        "append": f"append {events:,} events / {count} partnerships, batches of 100",
        "load": f"load and fold one partnership of {sizes['long']:,} events, whole",
        "snapshot": f"the same from a snapshot + {tail:,} later events",
        "report": f"clinic-wide progress report ({len(reports['plain'])} goals, in SQL)",
    }
    print(f"encryption at rest on SQLite: medians of {sizes['rounds']} rounds\n")
    print("| measurement | plain | encrypted | ratio |")
    print("|---|---:|---:|---:|")
    for key, what in rows.items():
        plain = statistics.median(times[key, "plain"])
        sealed = statistics.median(times[key, "encrypted"])
        print(f"| {what} | {plain * 1000:.1f} ms | {sealed * 1000:.1f} ms | {sealed / plain:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
