"""Reports for one member: the partnerships they are in, as they may see them (private)."""

from __future__ import annotations

from collections.abc import Iterator

from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.model.timeline import Partnership
from alliance.model.visibility import as_seen_by
from alliance.storage import load_partnership
from alliance.storage.interface import Store


def viewed(
    store: Store,
    *,
    viewer: str | None,
    member_id: str | None,
    status: PartnershipStatus | None,
    whole: bool = False,
) -> Iterator[tuple[Partnership, PartnershipState]]:
    """(partnership, state) of each selected partnership of *store*, one at a time.

    Without a *viewer*: every partnership where *member_id* (if given) is a current
    member, and its whole state. With one: only the partnerships *viewer* is a current
    member of (and *member_id* too, if given), each state as *viewer* may see it
    (:func:`alliance.as_seen_by`). *whole* loads the whole timeline (no snapshot), for
    reports that read the events.
    """
    for summary in store.find_partnerships(
        member_id=viewer if viewer is not None else member_id, status=status
    ):
        partnership = load_partnership(store, summary.partnership_id, use_snapshot=not whole)
        state = partnership.state
        if viewer is None:
            yield partnership, state
            continue
        if member_id is not None and state.role_of(member_id) is None:
            continue
        yield partnership, as_seen_by(state, viewer)
