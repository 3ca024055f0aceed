"""Every error ``alliance`` raises on purpose.

All of them derive from :class:`AllianceError`, so host applications can catch the
library's refusals with one ``except`` clause and let genuine bugs through.

- :class:`ValidationError` — a value is malformed on its own (an empty name, a naive
  datetime, a target equal to its baseline). Raised by constructors.
- :class:`DomainError` — a command is well formed but the partnership's current state
  does not allow it (agreeing to a goal twice, answering feedback that is not open).
  :class:`UnknownRecordError` and :class:`NotAMemberError` are the common special cases.
- :class:`MalformedDataError` — serialized data (JSON from a database, a file or another
  system) cannot be turned back into ``alliance`` objects. It lists every problem with
  its path inside the data. :class:`CorruptEventError` is the stored-event case and also
  names the partnership and the version.
- :class:`PermissionDenied` — the actor is a member, but their role in the partnership
  does not allow what they asked (a carer revising a goal's target, a teacher recording
  on a goal the family has not shared with the school). Raised by
  :meth:`alliance.Partnership.record` under an authorisation policy; nothing is recorded.
- :class:`ConcurrencyError` — someone else recorded events for the same partnership since
  it was loaded; nothing was written. Reload and try again (``alliance.storage.update``
  does that for you).
- :class:`StoreError` — the storage backend failed (unknown URL scheme, server
  unreachable, disk full or read-only, database locked, written by a newer schema).
  Nothing was written.
"""

from __future__ import annotations

__all__ = [
    "AllianceError",
    "ConcurrencyError",
    "CorruptEventError",
    "DomainError",
    "MalformedDataError",
    "NotAMemberError",
    "PermissionDenied",
    "StoreError",
    "UnknownRecordError",
    "ValidationError",
]


class AllianceError(Exception):
    """Base class of every error the library raises deliberately."""


class _FieldError(AllianceError):
    """An error about one field (of a value, or a command's argument), with the reason in
    plain words: ``"<field>: <reason>"``."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")

    def __reduce__(self) -> tuple[type[_FieldError], tuple[str, str]]:
        return (type(self), (self.field, self.reason))


class ValidationError(_FieldError, ValueError):
    """A value given to a constructor or command is invalid.

    Attributes:
        field: the name of the offending field, as written in the constructor or
            command signature (for example ``"target.due"`` or ``"occurred_at"``).
        reason: a plain-language explanation of what is wrong.
    """


class DomainError(_FieldError):
    """A command is refused because of the partnership's current state.

    Nothing is recorded when a command raises it.

    Attributes:
        field: the argument of the command the refusal is about.
        reason: a plain-language explanation.
    """


class UnknownRecordError(DomainError, LookupError):
    """A command refers to a goal, feedback item, setback... that does not exist."""


class NotAMemberError(DomainError):
    """A command names a person who is not a current member of the partnership."""


class PermissionDenied(AllianceError):  # noqa: N818 (the name the issue documents)
    """The actor may not do this: their role in the partnership does not allow it.

    Raised by :meth:`alliance.Partnership.record` (and ``record_all``) when the
    partnership's authorisation policy refuses an event. Nothing is recorded.

    Attributes:
        actor: the member who asked.
        action: what they asked to do: the event's type name (``"GoalRevised"``).
        reason: a plain-language explanation of why it is refused.
    """

    def __init__(self, actor: str, action: str, reason: str) -> None:
        self.actor = actor
        self.action = action
        self.reason = reason
        super().__init__(f"{actor!r} may not record {action}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.actor, self.action, self.reason))


class MalformedDataError(AllianceError):
    """Serialized data could not be turned back into ``alliance`` objects.

    Attributes:
        problems: one message per problem, each ending with its path inside the data,
            for example ``"invalid value for type, expected float @ $.target.baseline"``.
    """

    def __init__(self, problems: list[str] | tuple[str, ...], *, context: str = "") -> None:
        self.problems = tuple(problems)
        self.context = context
        prefix = f"{context}: " if context else ""
        super().__init__(prefix + "; ".join(self.problems))

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_malformed, (self.problems, self.context))


def _rebuild_malformed(problems: tuple[str, ...], context: str) -> MalformedDataError:
    return MalformedDataError(problems, context=context)


class CorruptEventError(MalformedDataError):
    """A stored event's payload cannot be read.

    Attributes:
        partnership_id: the partnership whose timeline holds it.
        version: its version (1-based position in that timeline).
        problems: what is wrong, each with its path inside the payload.
    """

    def __init__(self, partnership_id: str, version: int, problems: list[str] | tuple[str, ...]):
        self.partnership_id = partnership_id
        self.version = version
        super().__init__(problems, context=f"partnership {partnership_id!r}, version {version}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.partnership_id, self.version, self.problems))


class ConcurrencyError(AllianceError):
    """The partnership changed since it was loaded; the append wrote nothing.

    Attributes:
        partnership_id: the partnership.
        expected_version: the version the caller loaded.
        actual_version: the version now stored.
    """

    def __init__(self, partnership_id: str, expected_version: int, actual_version: int) -> None:
        self.partnership_id = partnership_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            f"partnership {partnership_id!r} is at version {actual_version}, not "
            f"{expected_version}: someone else recorded events since it was loaded; "
            "reload it and try again"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.partnership_id, self.expected_version, self.actual_version))


class StoreError(AllianceError):
    """The storage backend could not do what was asked; nothing was written.

    Attributes:
        url: the store's URL, with any password masked.
        reason: what went wrong.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.url, self.reason))
