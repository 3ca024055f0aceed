"""docs/cli.md holds each command's ``--help`` exactly as argparse prints it, and every
``alliance ...`` command line and option the docs show is one the parser takes.

When the help changes, regenerate the page's help blocks with::

    PYTHONPATH=src python tests/cli/test_cli_docs.py --write
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

from alliance.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
CLI_DOCS = ROOT / "docs" / "cli.md"
COMMANDS = ("alliance", "alliance demo", "alliance report", "alliance check")
COLUMNS = "80"  # argparse wraps the help to the terminal's width: fix it
HELP_BLOCK = re.compile(r"<!-- help: (?P<command>[^>]+?) -->\n```text\n(?P<help>.*?)```", re.S)


def help_text(command: str) -> str:
    """What ``<command> --help`` prints, at a terminal width of :data:`COLUMNS`."""
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = COLUMNS
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            build_parser().parse_args([*command.split()[1:], "--help"])
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return out.getvalue()


def documented_help() -> dict[str, str]:
    """The help blocks of docs/cli.md, by command."""
    text = CLI_DOCS.read_text(encoding="utf-8")
    return {m["command"]: m["help"] for m in HELP_BLOCK.finditer(text)}


def write() -> None:
    """Rewrite the help blocks of docs/cli.md from the parser."""
    text = CLI_DOCS.read_text(encoding="utf-8")
    text = HELP_BLOCK.sub(
        lambda m: f"<!-- help: {m['command']} -->\n```text\n{help_text(m['command'])}```", text
    )
    CLI_DOCS.write_text(text, encoding="utf-8")


def _options(command: str) -> set[str]:
    """Every option string ``<command> --help`` shows."""
    parser = build_parser()
    for word in command.split()[1:]:
        parser = next(a for a in parser._actions if a.dest == "command").choices[word]  # type: ignore[index]
    return {option for action in parser._actions for option in action.option_strings}


def test_every_command_has_its_help_in_the_docs() -> None:
    assert sorted(documented_help()) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_documented_help_is_what_the_parser_prints(command: str) -> None:
    assert documented_help()[command] == help_text(command), (
        f"docs/cli.md is out of date for `{command} --help`: run "
        "PYTHONPATH=src python tests/cli/test_cli_docs.py --write"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_the_help_shows_every_option_the_parser_takes(command: str) -> None:
    shown = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", help_text(command)))
    assert _options(command) <= shown


def _docs() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _command_lines(text: str) -> list[str]:
    """``alliance ...`` command lines: in shell blocks, and in inline code with an option
    (a bare ```alliance report``` names the command rather than running it)."""
    lines = []
    for block in re.findall(r"```(?:bash|sh|console|shell)\n(.*?)```", text, flags=re.S):
        for raw in block.splitlines():
            line = raw.split("  #", 1)[0].strip().removeprefix("$ ")
            if line.startswith("alliance "):
                lines.append(line)
    lines += [
        span
        for span in re.findall(r"`(alliance [^`]+)`", text)
        if " -" in span and "|" not in span and "..." not in span and "<" not in span
    ]
    return lines


def test_every_command_line_in_the_docs_parses() -> None:
    seen = 0
    for path in _docs():
        for line in _command_lines(path.read_text(encoding="utf-8")):
            argv = shlex.split(line)[1:]
            if "--help" in argv or "--version" in argv:
                continue
            try:
                build_parser().parse_args(argv)
            except SystemExit as exc:  # pragma: no cover - the failure message
                raise AssertionError(f"{path.name}: `{line}` does not parse") from exc
            seen += 1
    assert seen >= 10


def test_every_option_the_docs_name_is_one_the_parser_takes() -> None:
    known = set().union(*(_options(c) for c in COMMANDS))
    named: set[str] = set()
    for prose in (CLI_DOCS, ROOT / "docs" / "reports.md"):
        text = HELP_BLOCK.sub("", prose.read_text(encoding="utf-8"))
        named |= set(re.findall(r"`(--?[a-z][a-z-]*)", text))
    for path in _docs():
        for line in _command_lines(path.read_text(encoding="utf-8")):
            named |= {w.split("=")[0] for w in shlex.split(line) if w.startswith("-")}
    assert named, "docs/cli.md should describe the options"
    assert named <= known, f"the docs name options the parser does not take: {named - known}"


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit("usage: PYTHONPATH=src python tests/cli/test_cli_docs.py --write")
    write()
