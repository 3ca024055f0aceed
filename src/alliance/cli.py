"""The ``alliance`` command-line tool.

- ``alliance demo`` builds the sample partnership and prints where each goal stands.
  With ``--store URL`` (or ``--save``, for the default store, see
  :func:`alliance.storage.default_url`) it also fills the store with the sample and a
  deterministic synthetic clinic (``--seed``, ``--partnerships``).
- ``alliance report progress|gas|health|coaching|learning`` reports over a store
  (``--format csv|json|md|html``; filters ``--member``, ``--domain``, ``--status``,
  ``--from``, ``--to``; ``--viewer ID`` for what one member may see).
- ``alliance check`` lists what the clinic's rules find, most urgent first.

Every command that reads or writes a store takes ``--store URL`` (default: the default
store), ``--clinic ID`` (default ``riverside-clinic``, the demo's clinic) and, for a store
encrypted at rest, ``--keys MODULE:NAME`` (the host's key provider; see
:mod:`alliance.storage.encryption`). ``report``
and ``check`` only read: they open a ``sqlite:///`` URL without a ``mode`` option as
``mode=rw``, so a file that does not exist is an error (exit 1) naming its absolute
path, and nothing is created (``?mode=ro`` opens it read-only). ``alliance --version``
prints the version. See docs/cli.md for every option.

Long work (building the demo clinic, reporting or checking over many partnerships) shows
a progress bar on stderr when stderr is a terminal and the ``cli`` extra (``rich``) is
installed; ``--quiet`` turns it off. Nothing the commands print on stdout changes. The
bar is the only coloured output, and has no colour when ``NO_COLOR`` is set to a
non-empty value (https://no-color.org).

Exit codes: 0 success; 1 a library error (message on stderr: a store that cannot be
opened, bad data); 2 bad usage (argparse: an unknown command or option, a malformed
date); 3 ``alliance check --fail-on`` found findings of that severity or worse.
"""

from __future__ import annotations

import argparse
import contextlib
import operator
import os
import sys
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pendulum

from alliance import __version__
from alliance.demo import goal_summary, sample_partnership, sample_people
from alliance.errors import AllianceError, ConcurrencyError, ValidationError
from alliance.model.goals import GoalDomain, GoalStatus
from alliance.model.state import PartnershipState
from alliance.model.timeline import Partnership
from alliance.reports.gas import DEFAULT_RHO

if TYPE_CHECKING:
    from alliance.reports import Period
    from alliance.storage import Store
    from alliance.storage.encryption import KeyProvider

DEFAULT_CLINIC = "riverside-clinic"


def _date(text: str) -> pendulum.Date:
    try:
        parsed = pendulum.parse(text, exact=True)
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc
    if not isinstance(parsed, pendulum.Date) or isinstance(parsed, pendulum.DateTime):
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")
    return parsed


def _moment(text: str) -> pendulum.DateTime:
    try:
        parsed = pendulum.parse(text, tz="UTC")
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        raise argparse.ArgumentTypeError(f"not a date or time (ISO 8601): {text!r}") from exc
    if isinstance(parsed, pendulum.DateTime):
        return parsed
    if isinstance(parsed, pendulum.Date):
        return pendulum.datetime(parsed.year, parsed.month, parsed.day, tz="UTC")
    raise argparse.ArgumentTypeError(f"not a date or time (ISO 8601): {text!r}")


def _whole(text: str, *, least: int, wanted: str) -> int:
    """*text* as a whole number of at least *least*; the error says *wanted*."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {wanted}, not {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be {wanted}, not {value}")
    return value


def _positive(text: str) -> int:
    """A whole number of 1 or more (``--window-weeks``)."""
    return _whole(text, least=1, wanted="a positive whole number")


def _count(text: str) -> int:
    """A whole number of 0 or more (``--partnerships``, ``--seed``)."""
    return _whole(text, least=0, wanted="a whole number 0 or more")


def _correlation(text: str) -> float:
    """A number at least 0 and below 1 (``--rho``, as :func:`alliance.reports.gas_t_score`
    takes it)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value < 1:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, not {value}")
    return value


T = TypeVar("T")


def _interactive() -> bool:
    """Whether stderr is a terminal (progress bars are shown only then)."""
    return sys.stderr.isatty()


def _no_progress(n: int) -> None:
    """No progress bar: nothing to advance."""


@contextlib.contextmanager
def _progress(
    description: str, total: int | None, *, quiet: bool
) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr; yields ``advance(n)``. Off with *quiet*, when stderr is
    not a terminal, or without ``rich`` (the ``cli`` extra); without colour when
    ``NO_COLOR`` is set to a non-empty value."""
    if quiet or not _interactive():
        yield _no_progress
        return
    try:
        from rich.console import Console  # noqa: PLC0415 (optional extra)
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
    except ImportError:
        yield _no_progress
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        # NO_COLOR (https://no-color.org): said explicitly rather than left to rich, which
        # in older releases (13.0) also took an empty NO_COLOR as set.
        console=Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR"))),
        transient=True,
        redirect_stdout=False,  # what the command prints stays on stdout
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task(description, total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)

        yield advance


def _counted(
    items: Iterable[T], advance: Callable[[int], None], key: Callable[[T], str]
) -> Iterator[T]:
    """*items*, advancing the bar each time ``key(item)`` (a partnership id) changes."""
    last: str | None = None
    for item in items:
        current = key(item)
        if current != last:
            if last is not None:
                advance(1)
            last = current
        yield item
    if last is not None:
        advance(1)


def _open(args: argparse.Namespace, *, reading: bool) -> Store:
    """Open ``--store`` (default: the default store). For a command that only *reads*, a
    SQLite URL that names no ``mode`` is opened with ``mode=rw``: a file that does not
    exist is then an error naming its absolute path, never a new empty database."""
    from alliance.storage import default_url, open_store  # noqa: PLC0415

    keys = None if args.keys is None else _key_provider(args.keys)
    url = args.store or default_url()
    if reading:
        url = _must_exist(url)
    store = open_store(url, clinic_id=args.clinic)
    if keys is None:
        return store
    from alliance.storage.encryption import EncryptedStore  # noqa: PLC0415

    return EncryptedStore(store, keys)


def _key_provider(where: str) -> KeyProvider:
    """The key provider at ``MODULE:NAME`` (called first when it is a class or a function
    that takes no arguments: a factory of the provider)."""
    import importlib  # noqa: PLC0415
    import inspect  # noqa: PLC0415

    from alliance.storage.encryption import KeyProvider  # noqa: PLC0415 (the checked type)

    module, _, name = where.partition(":")
    if not module or not name:
        raise ValidationError("keys", f"give the key provider as MODULE:NAME, not {where!r}")
    try:
        found: object = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise ValidationError("keys", f"cannot import {where!r}: {exc}") from exc
    if inspect.isclass(found) or (
        inspect.isfunction(found) and not inspect.signature(found).parameters
    ):
        found = found()
    if not isinstance(found, KeyProvider):
        raise ValidationError(
            "keys", f"{where!r} is not a key provider (key_for_writing, key_for_reading)"
        )
    return found


def _must_exist(url: str) -> str:
    """*url* with ``mode=rw`` added when it is a SQLite URL without a ``mode`` option (an
    explicit ``mode``, even ``rwc``, is the user's choice and is kept)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "sqlite" or parts.fragment:  # a fragment is refused by the store
        return url
    if any(name == "mode" for name, _ in urllib.parse.parse_qsl(parts.query, True)):
        return url
    return f"{url}{'&' if parts.query else '?'}mode=rw"


# --- demo ---------------------------------------------------------------------------------


_PEOPLE_KINDS = {"children": "Child", "carers": "Carer", "professionals": "Professional"}


def _write_people(path: str) -> None:
    """Write the sample partnership's person records to *path*, as ``--people`` reads."""
    import json  # noqa: PLC0415

    from alliance.serialization import to_data  # noqa: PLC0415

    people = list(sample_people().values())
    data = {
        key: [to_data(p) for p in people if type(p).__name__ == kind]
        for key, kind in _PEOPLE_KINDS.items()
    }
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"Wrote the sample's people to {path}", file=sys.stderr)


def _read_people(path: str) -> dict[str, Any]:
    """The person records in *path* (``--people``): a JSON object whose ``children``,
    ``carers`` and ``professionals`` are lists of records, by id."""
    import json  # noqa: PLC0415

    from alliance.model import people as model  # noqa: PLC0415
    from alliance.serialization import from_data  # noqa: PLC0415

    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise _UsageError(f"--people {path}: {exc}") from exc
    if not isinstance(data, dict) or not set(data) <= set(_PEOPLE_KINDS):
        raise _UsageError(
            f"--people {path}: must be a JSON object with lists under "
            f"{', '.join(repr(k) for k in _PEOPLE_KINDS)}"
        )
    people: dict[str, Any] = {}
    for key, kind in _PEOPLE_KINDS.items():
        records = data.get(key, [])
        if not isinstance(records, list):
            raise _UsageError(f"--people {path}: {key!r} must be a list of records")
        for index, record in enumerate(records):
            try:
                person = from_data(record, getattr(model, kind))
            except AllianceError as exc:
                raise _UsageError(f"--people {path}: {key}[{index}]: {exc}") from exc
            if person.id in people:
                raise _UsageError(f"--people {path}: {key}[{index}]: id {person.id!r} twice")
            people[person.id] = person
    return people


def _demo(args: argparse.Namespace) -> int:
    partnership = sample_partnership()
    print(goal_summary(partnership.state, sample_people()))
    print(f"\n{partnership.version} events in the timeline.")
    if args.people:
        _write_people(args.people)
    if args.store is None and not args.save:
        return 0
    from alliance.synthetic import synthetic_clinic  # noqa: PLC0415

    store = _open(args, reading=False)
    try:
        existing = {s.partnership_id for s in store.find_partnerships()}
        stored = skipped = events = 0
        clinic = synthetic_clinic(
            seed=args.seed, partnerships=args.partnerships, clinic_id=args.clinic
        )
        partnerships: Iterable[Partnership] = clinic
        total = args.partnerships
        if args.clinic == sample_partnership().state.clinic_id:
            partnerships = [partnership, *clinic]
            total += 1
        with _progress("Building the demo clinic", total, quiet=args.quiet) as advance:
            for p in partnerships:
                advance(1)
                pid = p.state.partnership_id
                if pid in existing:
                    skipped += 1
                    continue
                try:
                    store.append(pid, p.events, expected_version=0)
                except ConcurrencyError:
                    skipped += 1
                    continue
                stored += 1
                events += p.version
        print(
            f"Stored {stored} partnership(s) ({events} events) in {store.url} for clinic "
            f"{args.clinic!r}"
            + (f"; {skipped} already there, left as they were." if skipped else ".")
        )
    finally:
        store.close()
    return 0


# --- report ---------------------------------------------------------------------------------


def _period(args: argparse.Namespace) -> Period:
    from alliance.reports import Period  # noqa: PLC0415

    try:
        return Period(start=args.start, end=args.end)
    except AllianceError as exc:
        raise _UsageError(str(exc)) from exc


class _UsageError(Exception):
    pass


def _report(args: argparse.Namespace) -> int:
    from alliance import reports  # noqa: PLC0415
    from alliance.reports import render  # noqa: PLC0415

    period = _period(args)
    domain = GoalDomain(args.domain) if args.domain else None
    status = GoalStatus(args.status) if args.status else None
    people = _read_people(args.people) if args.people else None
    store = _open(args, reading=True)
    try:
        rows: list[object]
        total = len(store.find_partnerships(member_id=args.viewer or args.member))
        with _progress(f"{args.kind.capitalize()} report", total, quiet=args.quiet) as advance:
            if args.kind == "progress" and args.format == "html":
                states = _counted(
                    (
                        s
                        for s in reports.iter_states(store, member_id=args.viewer or args.member)
                        if args.member is None or s.role_of(args.member) is not None
                    ),
                    advance,
                    lambda s: s.partnership_id,
                )
                from alliance.reports.family import family_report  # noqa: PLC0415

                report = family_report(
                    _filtered(states, domain, status, period),
                    period=period,
                    window=pendulum.duration(weeks=args.window_weeks),
                    charts=not args.no_charts,
                    title=args.title,
                    viewer=args.viewer,
                    people=people,
                    language=args.language,
                    templates=args.templates,
                    wording=args.wording,
                    written_in=args.written_in,
                )
                text = report.html
                if report.fell_back:
                    print(
                        f"note: no catalog for language {report.requested!r}; the family "
                        "report is in English",
                        file=sys.stderr,
                    )
                rows = []
            else:
                rows = list(
                    _report_rows(
                        args, store, period=period, domain=domain, status=status, advance=advance
                    )
                )
        if not (args.kind == "progress" and args.format == "html"):
            title = args.title or f"{args.kind.capitalize()} report: clinic {args.clinic}"
            if args.format == "csv":
                text = render.to_csv(rows)
            elif args.format == "json":
                text = render.to_json(rows) + "\n"
            elif args.format == "md":
                text = render.to_markdown(rows, title=title)
            else:
                text = render.table_html(rows, title=title)
    finally:
        store.close()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _report_rows(
    args: argparse.Namespace,
    store: Store,
    *,
    period: Period,
    domain: GoalDomain | None,
    status: GoalStatus | None,
    advance: Callable[[int], None],
) -> Iterator[object]:
    """The rows of ``alliance report progress|gas|health`` (not the HTML family report)."""
    from alliance import reports  # noqa: PLC0415

    rows: Iterable[Any]
    key: Callable[[Any], str] = operator.attrgetter("partnership_id")
    if args.kind == "progress":
        rows = reports.progress_report(
            store,
            member_id=args.member,
            domain=domain,
            status=status,
            period=period,
            window=pendulum.duration(weeks=args.window_weeks),
            viewer=args.viewer,
        )
        key = operator.attrgetter("goal.partnership_id")
    elif args.kind == "gas":
        periods = [period]
        if args.every:
            if period.start is None or period.end is None:
                raise _UsageError("--every needs both --from and --to")
            periods = reports.periods_between(period.start, period.end, args.every)
        rows = reports.gas_report(
            store,
            periods=periods,
            member_id=args.member,
            domain=domain,
            status=status,
            rho=args.rho,
            viewer=args.viewer,
        )
    else:
        report = {
            "coaching": reports.coaching_report,
            "learning": reports.learning_report,
        }.get(args.kind, reports.health_report)
        rows = report(store, period=period, member_id=args.member, viewer=args.viewer)
    yield from _counted(rows, advance, key)


def _filtered(
    states: Iterable[PartnershipState],
    domain: GoalDomain | None,
    status: GoalStatus | None,
    period: Period,
) -> Iterator[PartnershipState]:
    """Leave out partnerships with no goal matching the filters (for the HTML report)."""
    from alliance.reports._common import select_goals_in  # noqa: PLC0415

    for state in states:
        if select_goals_in(state, domain=domain, status=status, period=period):
            yield state


# --- check ---------------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    from alliance.rules import FindingSeverity, RuleSet, iter_clinic_findings  # noqa: PLC0415

    rule_set = (
        RuleSet.from_toml(Path(args.rules).read_text(encoding="utf-8"))
        if args.rules
        else RuleSet.default()
    )
    moment = args.at or pendulum.now("UTC")
    if args.language is not None:
        from alliance._i18n import language  # noqa: PLC0415

        if language(args.language).fell_back:
            print(
                f"note: no catalog for language {args.language!r}; the findings are in English",
                file=sys.stderr,
            )
    store = _open(args, reading=True)
    worst = 0
    count = 0
    try:
        total = len(store.find_partnerships())
        with _progress("Checking", total, quiet=args.quiet) as advance:
            batches = iter_clinic_findings(store, rule_set, moment, language=args.language)
            for findings in batches:
                advance(1)
                for f in findings:
                    count += 1
                    worst = max(worst, f.severity.rank)
                    print(
                        f"{f.severity.value:<8} {f.partnership_id}  {f.rule_id}  "
                        f"{f.subject.kind.value} {f.subject.id}: {f.message}"
                    )
    finally:
        store.close()
    print(f"{count} finding(s) as of {moment.to_iso8601_string()}.", file=sys.stderr)
    if args.fail_on is not None and count and worst >= FindingSeverity(args.fail_on).rank:
        return 3
    return 0


# --- the parser --------------------------------------------------------------------------------


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, showing an option's value once after all its names
    (``--output, -o FILE``) as Python 3.13 does, so that the help (and docs/cli.md, which
    holds it) reads the same on every supported Python."""

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        value = self._format_args(action, self._get_default_metavar_for_optional(action))
        return f"{', '.join(action.option_strings)} {value}"


_EXIT_CODES = (
    "exit codes: 0 success; 1 a library error (message on stderr); 2 bad usage; "
    "3 check --fail-on found a finding that severe"
)


def _store_options(parser: argparse.ArgumentParser, *, reading: bool) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        help="the store (sqlite:///file.db, sqlite:///file.db?mode=ro, memory://, "
        "postgresql://...); default: $ALLIANCE_STORE_URL or "
        "~/.local/share/alliance/alliance.db"
        + (
            "; a SQLite file that does not exist is an error (nothing is created)"
            if reading
            else "; a SQLite file that does not exist is created"
        ),
    )
    parser.add_argument(
        "--clinic",
        metavar="ID",
        default=DEFAULT_CLINIC,
        help=f"the clinic (default {DEFAULT_CLINIC})",
    )
    parser.add_argument(
        "--keys",
        metavar="MODULE:NAME",
        help="a store encrypted at rest: its key provider, importable as MODULE:NAME "
        "(an object, or a class or function called with no arguments to make one)",
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress bar on stderr (shown only when stderr is a terminal)",
    )


def _add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    more: str,
    *,
    reading: bool,
) -> argparse.ArgumentParser:
    """A subcommand: ``summary`` in the list of commands, and as its description's start
    (with ``more`` after it); the store options, for a command that only reads or not."""
    command = commands.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}{more}",
        epilog=_EXIT_CODES,
        formatter_class=_HelpFormatter,
    )
    _store_options(command, reading=reading)
    return command


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``alliance`` command."""
    parser = argparse.ArgumentParser(
        prog="alliance",
        description="Model the partnership between a child's therapists and carers.",
        epilog=_EXIT_CODES,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo_help = (
        "build a sample partnership and print where each goal stands; with --store or "
        "--save, also fill a store with it and a synthetic clinic"
    )
    demo = _add_command(
        commands,
        "demo",
        demo_help,
        ". Partnerships already in the store are left as they were.",
        reading=False,
    )
    demo.add_argument(
        "--save", action="store_true", help="store the demo clinic in the default store"
    )
    demo.add_argument(
        "--seed",
        type=_count,
        default=1,
        help="the synthetic clinic's seed, a whole number (default 1)",
    )
    demo.add_argument(
        "--partnerships",
        type=_count,
        default=20,
        metavar="N",
        help="how many synthetic partnerships to add (default 20)",
    )
    demo.add_argument(
        "--people",
        metavar="FILE",
        help="also write the sample's person records (names, preferred languages) to FILE, "
        "as `report --people` reads them",
    )
    demo.set_defaults(run=_demo)

    report_help = "report over a store: progress, gas, health, coaching or learning"
    report = _add_command(
        commands,
        "report",
        report_help,
        ", as CSV, JSON, Markdown or HTML, on stdout or in a file.",
        reading=True,
    )
    report.add_argument(
        "kind",
        choices=("progress", "gas", "health", "coaching", "learning"),
        help="which report (progress: per goal; gas: Goal Attainment Scaling T-scores; "
        "health: check-ins, feedback, setbacks, home practice; coaching: carers' "
        "fidelity beside progress; learning: training apart from education)",
    )
    report.add_argument(
        "--format",
        choices=("csv", "json", "md", "html"),
        default="md",
        help="md (the default), csv, json or html (progress: the family report, with charts)",
    )
    report.add_argument("--member", metavar="ID", help="only partnerships with this member")
    report.add_argument(
        "--viewer",
        metavar="ID",
        help="as this member may see it: only their partnerships, only what they may see",
    )
    report.add_argument(
        "--domain", choices=[d.value for d in GoalDomain], help="only goals in this domain"
    )
    report.add_argument(
        "--status", choices=[s.value for s in GoalStatus], help="only goals with this status"
    )
    report.add_argument(
        "--from",
        dest="start",
        type=_date,
        metavar="DATE",
        help="the period's first day, YYYY-MM-DD (default: since the beginning)",
    )
    report.add_argument(
        "--to",
        dest="end",
        type=_date,
        metavar="DATE",
        help="the period's last day, YYYY-MM-DD (default: up to the latest event)",
    )
    report.add_argument(
        "--window-weeks",
        type=_positive,
        default=8,
        metavar="N",
        help="progress: the trend window, a positive whole number of weeks (default 8)",
    )
    report.add_argument(
        "--rho",
        type=_correlation,
        default=DEFAULT_RHO,
        help=f"gas: the inter-goal correlation, at least 0 and below 1 (default {DEFAULT_RHO})",
    )
    report.add_argument(
        "--every",
        choices=("week", "month", "quarter"),
        help="gas: one row per child and week, month or quarter between --from and --to",
    )
    report.add_argument(
        "--no-charts", action="store_true", help="progress --format html: leave out the charts"
    )
    report.add_argument(
        "--people",
        metavar="FILE",
        help="progress --format html: the person records (JSON: lists under 'children', "
        "'carers', 'professionals'; `demo --people` writes one) to name people from",
    )
    report.add_argument(
        "--language",
        metavar="TAG",
        help="progress --format html: the language (es, ar, en-GB...); default the "
        "viewer's preferred language from --people, else English",
    )
    report.add_argument(
        "--templates",
        metavar="DIR",
        help="progress --format html: the clinic's own templates, in place of the shipped ones",
    )
    report.add_argument(
        "--wording",
        metavar="DIR",
        help="progress --format html: the clinic's own catalogs "
        "(DIR/<language>/LC_MESSAGES/alliance.po)",
    )
    report.add_argument(
        "--written-in",
        metavar="TAG",
        help="progress --format html: the language the team writes its records in; "
        "on a page in another language that text is marked with it",
    )
    report.add_argument(
        "--title",
        help="the report's title (default: '<Kind> report: clinic <ID>'; the family report: "
        "'How things are going')",
    )
    report.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    report.set_defaults(run=_report)

    check_help = "list what the clinic's rules find, most urgent first"
    check = _add_command(
        commands,
        "check",
        check_help,
        ": one finding a line on stdout, the count on stderr.",
        reading=True,
    )
    check.add_argument(
        "--at",
        type=_moment,
        metavar="MOMENT",
        help="as of this date or ISO 8601 time (UTC unless it gives an offset; default now)",
    )
    check.add_argument(
        "--rules",
        metavar="FILE.toml",
        help="the rules' configuration, TOML (default: the default rule set)",
    )
    check.add_argument(
        "--fail-on",
        choices=("info", "warning", "breach"),
        help="exit with 3 when a finding is at least this severe",
    )
    check.add_argument(
        "--language",
        metavar="TAG",
        help="write the findings in this language (es, ar, en-GB...; default English)",
    )
    check.set_defaults(run=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``alliance`` command with *argv* (default: ``sys.argv[1:]``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except _UsageError as exc:
        parser.exit(2, f"alliance: {exc}\n")
    except (AllianceError, OSError) as exc:
        print(f"alliance: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
