"""What an event class's fields and its ``check`` use: the model's own validators and
the checks against the state its events share, for a host's events too.

Validators (for ``attrs.field(validator=...)``) raise :class:`alliance.ValidationError`
naming the field, and say what they accept, so that the testing kit draws valid values
for the fields they guard: :func:`identifier`, :func:`optional_identifier`,
:func:`identifiers`, :func:`non_empty_identifiers`, :func:`text`,
:func:`optional_text`, :func:`texts`, :func:`language`, :func:`finite`,
:func:`optional_finite`, :func:`whole_number`, :func:`one_of`, :func:`optional_one_of`,
:func:`set_of`, :func:`tuple_of`, :func:`instance_of`, :func:`optional_instance_of`,
:func:`positive_duration`; :func:`new_id` makes a record's id. Numbers are bounded:
:data:`MAX_MAGNITUDE` for measured values (:func:`finite`), :data:`MAX_COUNT` for whole
numbers without an upper bound of their own (:func:`whole_number`), :data:`MAX_DURATION`
for durations (:func:`positive_duration`), and an event's
``occurred_at`` lies between :data:`EARLIEST_TIME` and :data:`LATEST_TIME`.

Checks against the state (for an event's ``check``) raise the error a refusal calls
for, naming the field: :func:`member`, :func:`members`, :func:`member_with_role`,
:func:`audience_members`, :func:`not_before`, :func:`unused_id`, and the lookups of the
records a host's events most often refer to: :func:`goal_in`, :func:`goal_proposed_by`,
:func:`open_goal`, :func:`strategy_in`, :func:`active_strategy`.
"""

from __future__ import annotations

from alliance.model._checks import (
    EARLIEST_TIME,
    LATEST_TIME,
    MAX_COUNT,
    MAX_DURATION,
    MAX_MAGNITUDE,
    audience_members,
    finite,
    identifier,
    identifiers,
    instance_of,
    language,
    member,
    member_with_role,
    members,
    new_id,
    non_empty_identifiers,
    not_before,
    one_of,
    optional_finite,
    optional_identifier,
    optional_instance_of,
    optional_one_of,
    optional_text,
    positive_duration,
    set_of,
    text,
    texts,
    tuple_of,
    unused_id,
    whole_number,
)
from alliance.model.goals import goal_in, goal_proposed_by, open_goal
from alliance.model.home_practice import active_strategy, strategy_in

__all__ = [
    # bounds
    "EARLIEST_TIME",
    "LATEST_TIME",
    "MAX_COUNT",
    "MAX_DURATION",
    "MAX_MAGNITUDE",
    # validators
    "finite",
    "identifier",
    "identifiers",
    "instance_of",
    "language",
    "new_id",
    "non_empty_identifiers",
    "one_of",
    "optional_finite",
    "optional_identifier",
    "optional_instance_of",
    "optional_one_of",
    "optional_text",
    "positive_duration",
    "set_of",
    "text",
    "texts",
    "tuple_of",
    "whole_number",
    # checks against the state
    "active_strategy",
    "audience_members",
    "goal_in",
    "goal_proposed_by",
    "member",
    "member_with_role",
    "members",
    "not_before",
    "open_goal",
    "strategy_in",
    "unused_id",
]
