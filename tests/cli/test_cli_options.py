"""``alliance --version`` and the validation of numeric options."""

from __future__ import annotations

import pytest

import alliance as al
from alliance.cli import main


def test_version_prints_the_version_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"alliance {al.__version__}\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["report", "progress", "--window-weeks", "-3"],
            "argument --window-weeks: must be a positive whole number, not -3",
        ),
        (
            ["report", "progress", "--window-weeks", "0"],
            "argument --window-weeks: must be a positive whole number, not 0",
        ),
        (
            ["report", "progress", "--window-weeks", "2.5"],
            "argument --window-weeks: must be a positive whole number, not '2.5'",
        ),
        (
            ["report", "gas", "--rho", "1"],
            "argument --rho: must be at least 0 and below 1, not 1.0",
        ),
        (["report", "gas", "--rho", "-0.1"], "argument --rho: must be at least 0 and below 1"),
        (["report", "gas", "--rho", "nan"], "argument --rho: must be at least 0 and below 1"),
        (["report", "gas", "--rho", "lots"], "argument --rho: not a number: 'lots'"),
        (
            ["demo", "--partnerships", "-1"],
            "argument --partnerships: must be a whole number 0 or more, not -1",
        ),
        (
            ["demo", "--partnerships", "x"],
            "argument --partnerships: must be a whole number 0 or more, not 'x'",
        ),
        (["demo", "--seed", "-5"], "argument --seed: must be a whole number 0 or more, not -5"),
        (["demo", "--seed", "1e3"], "argument --seed: must be a whole number 0 or more, not '1e3'"),
    ],
)
def test_numeric_options_are_refused_with_the_option_and_the_reason(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: alliance ")
    assert f"alliance {argv[0]}: error: {message}" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "gas", "--store", "memory://", "--rho", "0"],
        ["report", "gas", "--store", "memory://", "--rho", "0.99"],
        ["report", "progress", "--store", "memory://", "--window-weeks", "1"],
        ["demo", "--partnerships", "0", "--seed", "0"],
    ],
)
def test_numeric_options_at_their_bounds_are_accepted(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 0
    capsys.readouterr()
