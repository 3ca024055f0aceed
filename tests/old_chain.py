"""Make a database's hash chain look like one an older alliance wrote: chain format 1
(schema versions 2 and 3), which hashed the version, the previous hash and the payload."""

from __future__ import annotations

from typing import Any

from alliance.storage import _common


def as_format_1(conn: Any, mark: str = "?") -> None:
    """Re-chain every stored event of *conn* (a DB-API connection in autocommit, with
    *mark* placeholders) in format 1."""
    rows = conn.execute(
        "SELECT position, clinic_id, partnership_id, version, payload FROM alliance_events "
        "ORDER BY clinic_id, partnership_id, version"
    ).fetchall()
    previous, timeline = _common.GENESIS, None
    for position, clinic_id, partnership_id, version, payload in rows:
        if (clinic_id, partnership_id) != timeline:
            previous, timeline = _common.GENESIS, (clinic_id, partnership_id)
        previous = _common.chain_hash_1(previous, int(version), payload)
        conn.execute(
            f"UPDATE alliance_events SET chain_hash = {mark} WHERE position = {mark}",
            (previous, position),
        )
