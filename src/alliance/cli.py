"""The ``alliance`` command-line tool.

``alliance demo`` builds the sample partnership and prints where each goal stands.
Exit codes: 0 success, 2 bad usage (argparse), 1 a library error (message on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from alliance.demo import goal_summary, sample_partnership, sample_people
from alliance.errors import AllianceError


def _demo(args: argparse.Namespace) -> int:
    partnership = sample_partnership()
    print(goal_summary(partnership.state, sample_people()))
    print(f"\n{partnership.version} events in the timeline.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``alliance`` command."""
    parser = argparse.ArgumentParser(
        prog="alliance",
        description="Model the partnership between a child's therapists and carers.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo", help="build a sample partnership and print where each goal stands"
    )
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``alliance`` command with *argv* (default: ``sys.argv[1:]``)."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except AllianceError as exc:
        print(f"alliance: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
