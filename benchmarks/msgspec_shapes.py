"""msgspec Structs of the same shape as the events the benchmark workload uses.

The baseline for serialization: the same fields, the same JSON keys (a ``type`` tag and a
``schema_version``), the same enums, and as much of the library's strictness as msgspec
checks natively in C: ids must match the library's id pattern and length, texts must not
be blank, datetimes must carry an offset, bounded numbers are bounded, and unknown fields
are refused. The benchmark decodes the library's own JSON with these types, which proves
that the shapes match; :func:`check_shapes` also compares the field names with the
library's classes, so a field added to the model is noticed here at once.

What msgspec does not do that the library does: build attrs objects with pendulum times
(msgspec gives plain ``datetime``), validate IANA time zone names, run the cross-field
checks (a target must differ from its baseline; a progress observation needs a value or a
GAS level), collect every problem with its path, and upcast older schema versions.

Fields listed as *newer* are included only when the installed library has them, so the
harness measures the model as it is in the working tree.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Union

import attrs
import msgspec
from msgspec import Meta

import alliance as al
from alliance.model import goals as _goals

Id = Annotated[str, Meta(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$")]
Text = Annotated[str, Meta(pattern=r"\S")]
Moment = Annotated[dt.datetime, Meta(tz=True)]
Count = Annotated[int, Meta(ge=1)]
Gas = Annotated[int, Meta(ge=-2, le=2)]

Field = tuple[str, Any] | tuple[str, Any, Any]

_OPTIONS: dict[str, Any] = {"forbid_unknown_fields": True, "frozen": True, "kw_only": True}


def _fields(library_class: type, fields: list[Field], newer: list[Field]) -> list[Field]:
    present = attrs.fields_dict(library_class)
    return fields + [f for f in newer if f[0] in present]


def _library_class(name: str) -> type:
    """The library's class of that name: an event (``alliance.events``) or a value
    (``alliance.model``)."""
    found: type = getattr(al.events, name, None) or getattr(al.model, name)
    return found


def _value(name: str, fields: list[Field], newer: list[Field] | None = None) -> Any:
    library_class = _library_class(name)
    return msgspec.defstruct(
        name, _fields(library_class, fields, newer or []), module=__name__, **_OPTIONS
    )


_metric_kind = getattr(_goals, "MetricKind", None)
MeasurableTarget = _value(
    "MeasurableTarget",
    [
        ("metric", Text),
        ("unit", Text),
        ("baseline", float),
        ("target", float),
        ("direction", al.model.Direction),
        ("due", dt.date),
    ],
    [("metric_kind", _metric_kind, _metric_kind.LEVEL)] if _metric_kind else [],
)
GasLevel = _value("GasLevel", [("level", Gas), ("description", Text)])
GasScale = _value("GasScale", [("levels", tuple[GasLevel, ...]), ("weight", float, 1.0)])
MasteryCriterion = _value(
    "MasteryCriterion",
    [
        ("threshold", float),
        ("consecutive", Count),
        ("comparison", al.model.Comparison, al.model.Comparison.AT_LEAST),
        ("frame", al.model.MasteryFrame, al.model.MasteryFrame.SESSIONS),
    ],
    [
        ("out_of_last", Count | None, None),
        ("min_trials", Count | None, None),
        ("min_observers", Count, 1),
        ("min_settings", Count, 1),
        ("probes_only", bool, False),
        ("first_trial_independent", bool, False),
    ],
)
ActionItem = _value(
    "ActionItem",
    [("description", Text), ("owner", Id), ("due", dt.date), ("action_item_id", Id)],
)
Audience = _value(
    "Audience",
    [
        ("scope", al.model.AudienceScope, al.model.AudienceScope.EVERYONE),
        ("members", frozenset[Id], frozenset()),
    ],
)
# The library leaves an audience of everyone out of its JSON; decoding gives the default.
# msgspec omits defaults only for a whole Struct (which would drop every other default
# too), so these Structs write it out: the JSON differs, the decoded values do not.
_AUDIENCE: Field = ("audience", Audience, Audience())


class Event(msgspec.Struct, tag_field="type", **_OPTIONS):
    schema_version: int = 1
    actor: Id
    occurred_at: Moment


def _event(name: str, fields: list[Field], newer: list[Field] | None = None) -> Any:
    library_class = _library_class(name)
    return msgspec.defstruct(
        name,
        _fields(library_class, fields, newer or []),
        bases=(Event,),
        module=__name__,
        tag=True,
        **_OPTIONS,
    )


PartnershipFormed = _event(
    "PartnershipFormed",
    [
        ("partnership_id", Id),
        ("clinic_id", Id),
        ("child_id", Id),
        ("time_zone", Id),
        ("settings", frozenset[al.model.Setting]),
    ],
)
CarerJoined = _event("CarerJoined", [("member_id", Id), ("relationship", al.CarerRelationship)])
ProfessionalJoined = _event(
    "ProfessionalJoined",
    [
        ("member_id", Id),
        ("discipline", al.Discipline),
        ("role", al.ProfessionalRole, al.ProfessionalRole.THERAPIST),
    ],
)
GoalProposed = _event(
    "GoalProposed",
    [
        ("goal_id", Id),
        ("domain", al.model.GoalDomain),
        ("statement", Text),
        ("why_it_matters", Text),
        ("target", MeasurableTarget),
        ("gas_scale", GasScale | None, None),
        ("mastery", MasteryCriterion | None, None),
    ],
)
GoalAgreed = _event("GoalAgreed", [("goal_id", Id), ("comment", Text | None, None)])
HomePracticePlanned = _event(
    "HomePracticePlanned",
    [
        ("strategy_id", Id),
        ("goal_id", Id),
        ("description", Text),
        ("times_per_week", Annotated[int, Meta(ge=1, le=70)]),
        ("setting", al.model.Setting, al.model.Setting.HOME),
        ("carers", Annotated[frozenset[Id], Meta(min_length=1)]),
    ],
)
ProgressRecorded = _event(
    "ProgressRecorded",
    [
        ("observation_id", Id),
        ("goal_id", Id),
        ("setting", al.model.Setting),
        ("kind", al.model.ObservationKind),
        ("value", float | None, None),
        ("gas_level", Gas | None, None),
        ("note", Text | None, None),
    ],
    [
        ("trials", Count | None, None),
        ("first_trial_independent", bool | None, None),
        _AUDIENCE,
    ],
)
PracticeLogged = _event(
    "PracticeLogged",
    [
        ("entry_id", Id),
        ("strategy_id", Id),
        ("done", bool),
        ("difficulty", al.model.Difficulty | None, None),
        ("confidence", Annotated[int, Meta(ge=1, le=5)] | None, None),
        ("note", Text | None, None),
    ],
)
FeedbackGiven = _event(
    "FeedbackGiven",
    [
        ("feedback_id", Id),
        ("kind", al.model.FeedbackKind),
        ("message", Text),
        ("goal_id", Id | None, None),
        ("strategy_id", Id | None, None),
    ],
    [_AUDIENCE],
)
FeedbackAnswered = _event(
    "FeedbackAnswered",
    [("feedback_id", Id), ("response", al.model.FeedbackResponse), ("message", Text | None, None)],
)
CheckInHeld = _event(
    "CheckInHeld",
    [
        ("check_in_id", Id),
        ("kind", al.model.CheckInKind),
        ("purpose", al.model.CheckInPurpose, al.model.CheckInPurpose.ROUTINE),
        ("channel", al.model.Channel, al.model.Channel.IN_PERSON),
        ("participants", Annotated[frozenset[Id], Meta(min_length=1)]),
        ("topics", tuple[Text, ...], ()),
        ("good_news", tuple[Text, ...], ()),
        ("concerns", tuple[Text, ...], ()),
        ("decisions", tuple[Text, ...], ()),
        ("action_items", tuple[ActionItem, ...], ()),
    ],
    [_AUDIENCE],
)
ActionItemCompleted = _event(
    "ActionItemCompleted", [("action_item_id", Id), ("note", Text | None, None)]
)

SHAPES = (
    MeasurableTarget,
    GasLevel,
    GasScale,
    MasteryCriterion,
    ActionItem,
    Audience,
    PartnershipFormed,
    CarerJoined,
    ProfessionalJoined,
    GoalProposed,
    GoalAgreed,
    HomePracticePlanned,
    ProgressRecorded,
    PracticeLogged,
    FeedbackGiven,
    FeedbackAnswered,
    CheckInHeld,
    ActionItemCompleted,
)

AnyEvent = Union[tuple(s for s in SHAPES if issubclass(s, Event))]  # type: ignore[valid-type]  # noqa: UP007


def check_shapes() -> None:
    """Raise unless every Struct has exactly the fields of the library's class."""
    for shape in SHAPES:
        library_class = _library_class(shape.__name__)
        ours = set(attrs.fields_dict(library_class))
        theirs = set(shape.__struct_fields__) - {"schema_version"}
        if ours != theirs:
            raise AssertionError(
                f"benchmarks/msgspec_shapes.py: {shape.__name__} differs from the library's "
                f"class: missing {sorted(ours - theirs)}, extra {sorted(theirs - ours)}"
            )
