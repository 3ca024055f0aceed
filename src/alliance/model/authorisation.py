"""Who may record what: authorisation policies consulted by :meth:`Partnership.record`.

A policy is any object with ``authorise(state, event)`` that raises
:class:`alliance.PermissionDenied` to refuse. :meth:`Partnership.record` consults the
partnership's policy after the model's own checks passed and before anything is
written, so a refusal leaves the timeline exactly as it was.

- :class:`RolePolicy` (the default) gives each side what each event declares
  (:attr:`alliance.events.Event.permission`, :meth:`~alliance.events.Event.refusal_for`,
  :meth:`~alliance.events.Event.acted_on`); :func:`role_table` writes the declarations
  as the table in ``docs/privacy.md``.
- :class:`AllowAll` allows every event the model accepts: for hosts that authorise in
  their own layer. Opt out of the roles with ``Partnership.form(formed,
  policy=AllowAll())``, ``load_partnership(store, id, policy=AllowAll())`` or
  ``update(..., policy=...)``.

Stored timelines are folded without any policy, so history recorded under another
policy always reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import attrs

from alliance.errors import PermissionDenied
from alliance.model.event import Event, Side, event_types
from alliance.model.membership import founder_adding_members, side_of
from alliance.model.state import PartnershipState
from alliance.model.visibility import can_see

__all__ = ["AllowAll", "Policy", "RolePolicy", "role_table"]


@runtime_checkable
class Policy(Protocol):
    """Decides whether an event's actor may record it."""

    def authorise(self, state: PartnershipState, event: Event) -> None:
        """Return if *event*'s actor may record it on top of *state*; otherwise raise
        :class:`alliance.PermissionDenied`. Must change nothing."""
        ...


@attrs.frozen
class AllowAll:
    """Allows every event the model's own rules accept (authorise in the host instead)."""

    def authorise(self, state: PartnershipState, event: Event) -> None:
        """Allow."""


@attrs.frozen
class RolePolicy:
    """Each side may record what the event declares it may (its
    :attr:`~alliance.events.Event.permission`): carers, professionals (therapists and
    supervisors) and educators (``ProfessionalRole.EDUCATOR``: teachers,
    early-childhood educators). The table of every event is in ``docs/privacy.md``
    (:func:`role_table` writes it).

    On top of the sides, an event may refuse on a condition
    (:meth:`~alliance.events.Event.refusal_for`: a carer records observations at home or
    in the community, an educator only on goals a carer's consent shares with the
    school...), and nobody acts on a record whose audience leaves them out
    (:meth:`~alliance.events.Event.acted_on`: the feedback answered, the setback
    resolved, the observation corrected or celebrated, the check-in of someone else's
    action item). The founder may add members while the partnership is forming, as the
    model allows. The model's own rules still apply first (only a carer logs practice, a
    progress update comes from a professional...).
    """

    def authorise(self, state: PartnershipState, event: Event) -> None:
        """Raise :class:`PermissionDenied` unless the actor's side allows *event*."""
        action = type(event).type_name
        if founder_adding_members(state, event):
            return  # the founder adding the first members, as the model allows
        side = side_of(state, event.actor)
        if side is None:
            raise PermissionDenied(event.actor, action, "not a current member")
        permission = type(event).permission
        if not permission.allows(side):
            raise PermissionDenied(event.actor, action, permission.refusal(side))
        reason = event.refusal_for(state, side)
        if reason is not None:
            raise PermissionDenied(event.actor, action, reason)
        seen = event.acted_on(state)
        if seen is not None and not can_see(side, event.actor, seen.audience, seen.author):
            raise PermissionDenied(
                event.actor,
                action,
                f"the {seen.what} is not shared with them (its audience leaves them out)",
            )


def _cell(right: bool | str) -> str:
    if right is True:
        return "yes"
    if right is False:
        return "no"
    return right


def role_table(event_classes: Iterable[type[Event]] | None = None) -> str:
    """The Markdown table of what each side may record under :class:`RolePolicy`, one row
    per event type (default: every built-in type, by topic, then in the order each topic
    module defines them; pass a host's classes for theirs), from the events' own
    :attr:`~alliance.events.Event.permission`."""
    if event_classes is None:
        registered = [
            cls for cls in event_types().values() if cls.__module__.startswith("alliance.")
        ]
        classes = sorted(registered, key=lambda cls: (_topic(cls), registered.index(cls)))
    else:
        classes = list(event_classes)
    lines = [
        "| Topic | Event | Carer | Professional | Educator |",
        "|---|---|---|---|---|",
    ]
    for cls in classes:
        permission = cls.permission
        name = f"`{cls.type_name}`"
        if permission.note is not None:
            name += f" ({permission.note})"
        cells = [_cell(permission.right_of(side)) for side in Side]
        lines.append(f"| {_topic(cls)} | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _topic(cls: type[Event]) -> str:
    return cls.__module__.rsplit(".", 1)[-1].replace("_", " ")
