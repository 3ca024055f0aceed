"""What export and import share: URLs, code systems, stable ids, and small builders (private).

Nothing here does I/O, and nothing depends on a FHIR library: resources are plain
JSON-ready dicts.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
import uuid
from collections.abc import Iterable
from typing import Any, Literal

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model.state import PartnershipState

Json = dict[str, Any]
FhirVersion = Literal["R4", "R5"]
"""A FHIR release an export can be written in: ``"R4"`` or ``"R5"``."""
FHIR_VERSIONS: tuple[FhirVersion, ...] = ("R4", "R5")
"""The FHIR releases :func:`alliance.fhir.export_bundle` can write, oldest first."""

# --- HL7 URLs -------------------------------------------------------------------------------

PERTAINS_TO_GOAL = "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal"
GOAL_ACCEPTANCE = "http://hl7.org/fhir/StructureDefinition/goal-acceptance"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GOAL_CATEGORY = "http://terminology.hl7.org/CodeSystem/goal-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
PARTICIPATION_MODE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"
BCP_47 = "urn:ietf:bcp:47"

# --- alliance's own systems -----------------------------------------------------------------
#
# URNs, so that nothing pretends to resolve: identifier systems name the kind of alliance
# id, code systems alliance's own enums, extensions what FHIR has no element for.

IDENTIFIER_SYSTEM = "urn:alliance:id:"
CODE_SYSTEM = "urn:alliance:code:"
EXTENSION = "urn:alliance:ext:"

PERSON_ID = IDENTIFIER_SYSTEM + "person"
CLINIC_ID = IDENTIFIER_SYSTEM + "clinic"
PARTNERSHIP_ID = IDENTIFIER_SYSTEM + "partnership"
GOAL_ID = IDENTIFIER_SYSTEM + "goal"
OBSERVATION_ID = IDENTIFIER_SYSTEM + "observation"
STRATEGY_ID = IDENTIFIER_SYSTEM + "strategy"
CHECK_IN_ID = IDENTIFIER_SYSTEM + "check-in"
FEEDBACK_ID = IDENTIFIER_SYSTEM + "feedback"

GOAL_DOMAIN = CODE_SYSTEM + "goal-domain"
OBSERVATION_KIND = CODE_SYSTEM + "observation-kind"
OBSERVATION_COMPONENT = CODE_SYSTEM + "observation-component"
GAS_LEVEL_CODE = "gas-level"
CHECK_IN_KIND = CODE_SYSTEM + "check-in-kind"
CHECK_IN_PURPOSE = CODE_SYSTEM + "check-in-purpose"
FEEDBACK_KIND = CODE_SYSTEM + "feedback-kind"
FEEDBACK_RESPONSE = CODE_SYSTEM + "feedback-response"
DISCIPLINE = CODE_SYSTEM + "discipline"
PROFESSIONAL_ROLE = CODE_SYSTEM + "professional-role"
MEMBER_ROLE = CODE_SYSTEM + "member-role"
CARER_RELATIONSHIP = CODE_SYSTEM + "carer-relationship"

BASELINE_EXTENSION = EXTENSION + "goal-baseline"
TARGET_DETAILS_EXTENSION = EXTENSION + "target-details"
GAS_SCALE_EXTENSION = EXTENSION + "gas-scale"
MASTERY_EXTENSION = EXTENSION + "mastery"
SETTING_EXTENSION = EXTENSION + "setting"
OBSERVATION_DETAILS_EXTENSION = EXTENSION + "observation-details"
AUDIENCE_EXTENSION = EXTENSION + "audience"
"""Who a record is for, when not everyone: a part ``scope`` (``professionals`` or
``named``) and, for ``named``, a part ``member`` per member (a person identifier)."""
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"

TARGET_CORE = frozenset({"metric", "unit", "baseline", "target", "direction", "due"})
"""``MeasurableTarget`` fields with a FHIR element of their own; any other field (such as
``metric_kind``) travels in the ``target-details`` extension."""

PROGRESS_CORE = frozenset(
    {"actor", "occurred_at", "observation_id", "goal_id", "setting", "kind", "value"}
    | {"gas_level", "note"}
)
"""``ProgressRecorded`` fields with a FHIR element (or extension) of their own; any other
field (such as ``trials``) travels in the ``observation-details`` extension."""

PROGRESS_NOT_EXPORTED = frozenset({"audience"})
"""``ProgressRecorded`` fields not in the details extension: an observation's audience
travels in the ``audience`` extension (and a ``restricted`` security label)."""

PLACEHOLDER_NAME = "Name not on record"
"""The name given to a person whose record the host did not pass to the export."""

# --- stable ids -------------------------------------------------------------------------------

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:alliance:fhir")


def stable_id(*parts: str) -> str:
    """A FHIR resource id derived from *parts*: the same parts always give the same id.

    A version-5 UUID (36 characters of ``[0-9a-f-]``, a valid FHIR id). The parts are
    joined with ``|``, which alliance ids never contain, so different parts never collide.
    """
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


class Ids:
    """The FHIR ids of one partnership's resources.

    People seen across a clinic (the child, professionals) get ids scoped by the clinic,
    so two partnerships of the same clinic refer to the same ``Patient`` and
    ``Practitioner``; everything else is scoped by the partnership.
    """

    def __init__(self, state: PartnershipState) -> None:
        self.clinic = state.clinic_id
        self.partnership = state.partnership_id

    def _scoped(self, resource_type: str, record_id: str) -> str:
        return stable_id("partnership", self.clinic, self.partnership, resource_type, record_id)

    def patient(self, child_id: str) -> str:
        return stable_id("clinic", self.clinic, "Patient", child_id)

    def practitioner(self, person_id: str) -> str:
        return stable_id("clinic", self.clinic, "Practitioner", person_id)

    def related_person(self, member_id: str) -> str:
        return self._scoped("RelatedPerson", member_id)

    def practitioner_role(self, member_id: str) -> str:
        return self._scoped("PractitionerRole", member_id)

    def care_team(self) -> str:
        return self._scoped("CareTeam", self.partnership)

    def care_plan(self) -> str:
        return self._scoped("CarePlan", "home-practice")

    def goal(self, goal_id: str) -> str:
        return self._scoped("Goal", goal_id)

    def observation(self, observation_id: str) -> str:
        return self._scoped("Observation", observation_id)

    def service_request(self, strategy_id: str) -> str:
        return self._scoped("ServiceRequest", strategy_id)

    def check_in(self, check_in_id: str) -> str:
        return self._scoped("Communication", "check-in|" + check_in_id)

    def feedback(self, feedback_id: str) -> str:
        return self._scoped("Communication", "feedback|" + feedback_id)

    def feedback_answer(self, feedback_id: str) -> str:
        return self._scoped("Communication", "feedback-answer|" + feedback_id)

    def questionnaire(self, instrument_id: str, version: str) -> str:
        return stable_id("clinic", self.clinic, "Questionnaire", instrument_id, version)

    def questionnaire_response(self, response_id: str) -> str:
        return self._scoped("QuestionnaireResponse", response_id)

    def measure_total(self, response_id: str) -> str:
        return self._scoped("Observation", "measure-total|" + response_id)

    def bundle(self, viewer: str | None) -> str:
        return self._scoped("Bundle", "" if viewer is None else viewer)


# --- builders ---------------------------------------------------------------------------------


def check_version(version: object) -> FhirVersion:
    """*version* if it is one alliance speaks, else a ValidationError."""
    if version == "R4":
        return "R4"
    if version == "R5":
        return "R5"
    raise ValidationError("version", f"must be 'R4' or 'R5', not {version!r}")


def reference(resource_type: str, resource_id: str) -> Json:
    """A reference to a resource in the same bundle (entries have ``urn:uuid`` full URLs)."""
    return {"reference": f"urn:uuid:{resource_id}", "type": resource_type}


def coding(system: str, code: str, display: str | None = None) -> Json:
    """A Coding, with its display when given."""
    found: Json = {"system": system, "code": code}
    if display is not None:
        found["display"] = display
    return found


def concept(*codings: Json, text: str | None = None) -> Json:
    """A CodeableConcept of *codings* (and *text*, when given)."""
    found: Json = {}
    if codings:
        found["coding"] = list(codings)
    if text is not None:
        found["text"] = text
    return found


def identifier(system: str, value: str) -> Json:
    """An Identifier."""
    return {"system": system, "value": value}


_LARGEST_OFFSET = dt.timedelta(hours=14)
"""The largest UTC offset a FHIR ``dateTime`` can write (``-14:00`` to ``+14:00``)."""


def date_time(moment: dt.datetime, time_zone: str) -> str:
    """A FHIR ``dateTime``/``instant``: *moment* with the partnership's local offset.

    FHIR writes offsets in whole minutes from -14:00 to +14:00. A local offset it cannot
    write (with seconds, as in many zones' local mean time and in Monrovia until 1972;
    beyond ±14:00, as in Guam and Manila before 1845), and a local time outside the
    years 1 to 9999, is written in UTC instead (``Z``). Either way it is the same instant.
    """
    moment = pendulum.instance(moment)
    try:
        local = moment.in_timezone(time_zone)
        offset = local.utcoffset()
    except OverflowError:  # the local time would be before year 1 or after 9999
        offset = None
    if offset is None or offset.total_seconds() % 60 or abs(offset) > _LARGEST_OFFSET:
        return moment.in_timezone("UTC").isoformat().removesuffix("+00:00") + "Z"
    return local.isoformat()


def date(day: dt.date) -> str:
    """A FHIR ``date``."""
    return day.isoformat()


def number(value: float) -> float | int:
    """*value* as JSON: a whole number as an int (``3`` rather than ``3.0``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# --- alliance fields without a FHIR element -------------------------------------------------


_INT32 = range(-(2**31), 2**31)


def _field_types(cls: type[Any]) -> dict[str, Any]:
    return {a.name: a.type for a in attrs.fields(attrs.resolve_types(cls))}


def _plain_types(field_type: object) -> tuple[Any, ...]:
    """The types a field holds (a union's members, without ``None``)."""
    if isinstance(field_type, types.UnionType) or typing.get_origin(field_type) is typing.Union:
        return tuple(t for t in typing.get_args(field_type) if t is not type(None))
    return (field_type,)


def typed_value(value: object, field_type: object = None) -> Json:
    """A FHIR ``value[x]`` for *value*, chosen by its field's type when known (a float
    field holding ``9`` is a ``valueDecimal``)."""
    kinds = _plain_types(field_type)
    if isinstance(value, enum.Enum):
        return {"valueCode": str(value.value)}
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int | float) and (float in kinds or isinstance(value, float)):
        return {"valueDecimal": number(float(value))}
    if isinstance(value, int):
        # FHIR integers are 32-bit; a larger whole number travels as a decimal
        return {"valueInteger": value} if value in _INT32 else {"valueDecimal": value}
    return {"valueString": str(value)}


def details_extension(url: str, record: object, names: Iterable[str]) -> Json | None:
    """A complex extension with one part per attribute *names* of *record* that is set
    (``None`` when none is), each part's ``url`` the attribute's name."""
    field_types = _field_types(type(record))
    parts = []
    for name in names:
        value = getattr(record, name, None)
        if value is not None:
            parts.append({"url": name, **typed_value(value, field_types.get(name))})
    return {"url": url, "extension": parts} if parts else None


def read_details(extension: Json, cls: type[Any], names: Iterable[str]) -> dict[str, Any]:
    """The keyword arguments for *cls* that a :func:`details_extension` holds (only
    *names*; parts for other names are ignored, so data from a newer alliance still
    reads). Codes become the field's enum, numbers the field's int or float.

    Raises:
        ValueError: a code is not a member of the field's enum.
    """
    wanted = set(names)
    field_types = _field_types(cls)
    found: dict[str, Any] = {}
    parts = extension.get("extension")
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, dict) or part.get("url") not in wanted:
            continue
        name = part["url"]
        values = [v for k, v in part.items() if k.startswith("value")]
        if values:
            found[name] = _as_field(field_types.get(name), values[0])
    return found


def _as_field(field_type: object, value: object) -> object:
    kinds = _plain_types(field_type)
    for kind in kinds:
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return kind(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if float in kinds:
        return float(value)
    if int in kinds and isinstance(value, float) and value.is_integer():
        return int(value)
    return value
