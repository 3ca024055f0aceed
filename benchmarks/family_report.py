"""The whole-clinic family report with charts: inline SVG (the library's own drawing)
beside matplotlib PNGs (the path before issue 18), side by side in one run.

    .venv/bin/python benchmarks/family_report.py             # 3 rounds: about a minute
    .venv/bin/python benchmarks/family_report.py --rounds 1  # quicker, noisier

The clinic is what ``alliance demo --store URL`` stores: the sample partnership and the
synthetic clinic of seed 1 with 20 partnerships (45 goals, so 45 charts). Each round
builds the report once each way, alternating, from the same folded states (folding is not
timed); the figures are the medians of wall time, and the page's size in bytes. Targets
(issue 18): inline at least 10x faster and at most a quarter of the PNG page's size. A
missed one is printed as MISSED, and fails the run with ``--strict``. Needs the
``reports`` extra (matplotlib) for the PNG side.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from alliance.demo import sample_partnership
from alliance.model.state import PartnershipState
from alliance.reports.family import family_report
from alliance.synthetic import synthetic_clinic

SPEED_TARGET = 10.0
SIZE_TARGET = 0.25


def _clinic(partnerships: int) -> list[PartnershipState]:
    sample = sample_partnership()
    clinic = synthetic_clinic(seed=1, partnerships=partnerships, clinic_id=sample.state.clinic_id)
    return [sample.state, *(p.state for p in clinic)]


def _timed(states: list[PartnershipState], chart_format: str) -> tuple[float, int]:
    started = time.perf_counter()
    page = family_report(states, chart_format=chart_format).html
    return time.perf_counter() - started, len(page.encode("utf-8"))


def main() -> int:
    """Run the rounds and print the table; exit 1 with ``--strict`` if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--partnerships", type=int, default=20, help="synthetic partnerships (default 20)"
    )
    args = parser.parse_args()
    states = _clinic(args.partnerships)
    charts = sum(len(s.goals) for s in states)
    family_report(states[:1], chart_format="png")  # import matplotlib and warm both paths
    family_report(states[:1], chart_format="inline")
    times: dict[str, list[float]] = {"png": [], "inline": []}
    sizes: dict[str, int] = {}
    for round_ in range(args.rounds):
        for fmt in ("png", "inline") if round_ % 2 == 0 else ("inline", "png"):
            seconds, size = _timed(states, fmt)
            times[fmt].append(seconds)
            sizes[fmt] = size
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    png, inline = statistics.median(times["png"]), statistics.median(times["inline"])
    speed = png / inline
    size = sizes["inline"] / sizes["png"]
    speed_ok, size_ok = speed >= SPEED_TARGET, size <= SIZE_TARGET
    print(f"whole-clinic family report: {len(states)} partnerships, {charts} charts")
    print(f"{'path':<22}{'median s':>10}{'bytes':>12}")
    print(f"{'matplotlib PNG':<22}{png:>10.3f}{sizes['png']:>12,}")
    print(f"{'inline SVG':<22}{inline:>10.3f}{sizes['inline']:>12,}")
    print(
        f"speed: PNG / inline = {speed:.1f}x (target at least {SPEED_TARGET:.0f}x): "
        + ("met" if speed_ok else "MISSED")
    )
    print(
        f"size: inline / PNG = {size:.3f} (target at most {SIZE_TARGET}): "
        + ("met" if size_ok else "MISSED")
    )
    return 1 if args.strict and not (speed_ok and size_ok) else 0


if __name__ == "__main__":
    sys.exit(main())
