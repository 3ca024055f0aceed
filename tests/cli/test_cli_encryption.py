"""``--keys MODULE:NAME``: the commands work over a store encrypted at rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance.cli import main
from alliance.demo import sample_partnership

STATEMENT = next(iter(sample_partnership().state.goals.values())).statement


def test_the_demo_fills_an_encrypted_store_and_the_reports_open_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    assert main(["demo", "--store", url, "--partnerships", "1", "--keys", "cli_keys:KEYS"]) == 0
    capsys.readouterr()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert STATEMENT.encode() not in raw
    assert b"alliance-sealed:1 " in raw

    assert main(["report", "progress", "--store", url, "--keys", "cli_keys:KEYS"]) == 0
    assert STATEMENT in capsys.readouterr().out
    # Without the keys, the report shows the text as it is stored: sealed.
    assert main(["report", "progress", "--store", url]) == 0
    out = capsys.readouterr().out
    assert STATEMENT not in out
    assert "alliance-sealed:1 " in out


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ("cli_keys", "give the key provider as MODULE:NAME"),
        ("cli_keys:MISSING", "cannot import 'cli_keys:MISSING'"),
        ("no_such_module:KEYS", "cannot import 'no_such_module:KEYS'"),
        ("cli_keys:NOT_KEYS", "'cli_keys:NOT_KEYS' is not a key provider"),
    ],
)
def test_a_key_provider_that_cannot_be_had_is_an_error_naming_it(
    keys: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    assert main(["demo", "--store", url, "--partnerships", "1", "--keys", keys]) == 1
    err = capsys.readouterr().err
    assert "keys" in err
    assert says in err
    assert list(tmp_path.iterdir()) == []  # refused before the store was opened
