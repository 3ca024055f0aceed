"""Single FHIR elements of the Goals and Observations being imported, read with no
state of the import (private; used by :mod:`alliance.fhir._import`).

Each reader returns what the element says, or ``None`` with what is wrong appended to
*problems* (``"<what> @ <path>"``), so that an import names every problem at once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs
import pendulum

from alliance import events as ev
from alliance.errors import ValidationError
from alliance.fhir._common import (
    AUDIENCE_EXTENSION,
    BASELINE_EXTENSION,
    GAS_SCALE_EXTENSION,
    GOAL_ACHIEVEMENT,
    GOAL_CATEGORY,
    GOAL_DOMAIN,
    MASTERY_EXTENSION,
    OBSERVATION_DETAILS_EXTENSION,
    OBSERVATION_KIND,
    PERSON_ID,
    PROGRESS_CORE,
    PROGRESS_NOT_EXPORTED,
    SETTING_EXTENSION,
    TARGET_CORE,
    TARGET_DETAILS_EXTENSION,
    Json,
    number,
    read_details,
)
from alliance.fhir._units import UCUM, in_units, recorded_value
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience, AudienceScope
from alliance.model.goals import (
    Direction,
    GasLevel,
    GasScale,
    GoalDomain,
    MasteryCriterion,
    MeasurableTarget,
)
from alliance.model.partnership import Setting
from alliance.model.progress import ObservationKind

_ACHIEVED = frozenset({"achieved", "sustaining"})
_NOT_ACHIEVED = frozenset({"not-achieved", "no-progress", "not-attainable"})
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- reading JSON ----------------------------------------------------------------------------


def audience_of(extension: Json) -> Audience:
    """The :class:`Audience` an ``audience`` extension carries."""
    parts = as_list(extension.get("extension"))
    scopes = [get(p, "valueCode") for p in parts if get(p, "url") == "scope"]
    members = frozenset(
        str(get(get(p, "valueIdentifier"), "value"))
        for p in parts
        if get(p, "url") == "member" and get(get(p, "valueIdentifier"), "system") == PERSON_ID
    )
    if len(scopes) != 1:
        raise ValidationError("audience", "expected exactly one scope")
    try:
        scope = AudienceScope(scopes[0])
    except ValueError:
        raise ValidationError(
            "audience", f"{scopes[0]!r} is not an alliance audience scope"
        ) from None
    return Audience(scope=scope, members=members)


def as_list(value: object) -> list[Any]:
    """*value* if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def get(value: object, key: str) -> Any:
    """*key* of *value* if it is a JSON object, else ``None``."""
    return value.get(key) if isinstance(value, dict) else None


def extensions(element: Json, url: str) -> list[Json]:
    """The extensions of *element* with this *url*."""
    return [
        e for e in as_list(element.get("extension")) if isinstance(e, dict) and e.get("url") == url
    ]


def text(value: object) -> str | None:
    """*value* if it is a string with more than whitespace, else ``None``."""
    return value if isinstance(value, str) and value.strip() else None


def text_of(concept: object) -> str | None:
    """A CodeableConcept's text, or the display of its first coding that has one."""
    given = text(get(concept, "text"))
    if given is not None:
        return given
    for found in as_list(get(concept, "coding")):
        display = text(get(found, "display"))
        if display is not None:
            return display
    return None


def finite_number(value: object) -> float | None:
    """*value* as a float if it is a finite JSON number (not a boolean), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def full_date(value: object) -> pendulum.Date | None:
    """*value* as a date if it is a full FHIR ``date`` (``YYYY-MM-DD``, a real day), else
    ``None``."""
    if not isinstance(value, str) or not _FULL_DATE.match(value):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return pendulum.Date(day.year, day.month, day.day)


_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)"
    r":(?P<second>[0-5]\d|60)(?:\.(?P<fraction>\d+))?"
    r"(?P<offset>Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))$"
)
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def date_time(value: object, where: str, problems: list[str]) -> pendulum.DateTime | None:
    """A FHIR ``dateTime``/``instant`` with a time of day, read strictly, in UTC.

    FHIR's own format only (``YYYY-MM-DDThh:mm:ss[.fraction]`` and ``Z`` or an offset
    up to ±14:00; not ISO 8601's basic format, nor an offset without its colon). A
    fraction finer than a microsecond is rounded to the nearest microsecond (half to
    even); a leap second (``23:59:60Z``, only at the end of a month's last minute in UTC)
    is read as the last microsecond before the next minute.
    """
    if not isinstance(value, str):
        problems.append(
            f"expected a FHIR dateTime (a string), not {type(value).__name__} @ {where}"
        )
        return None
    if _PARTIAL_DATE.match(value):
        problems.append(
            f"{value!r} has no time of day: alliance records an observation at an instant, "
            f"so a time with its UTC offset is required @ {where}"
        )
        return None
    found = _DATE_TIME.match(value)
    shape = "YYYY-MM-DDThh:mm:ss[.fraction] and Z or an offset ±hh:mm up to ±14:00"
    if found is None:
        problems.append(f"{value!r} is not a FHIR dateTime ({shape}) @ {where}")
        return None
    try:
        day = dt.date.fromisoformat(found["date"])
    except ValueError:
        problems.append(f"{value!r} is not a FHIR dateTime: no such date @ {where}")
        return None
    offset_text = found["offset"]
    if offset_text == "Z":
        offset = dt.timedelta(0)
    else:
        sign = -1 if offset_text[0] == "-" else 1
        offset = sign * dt.timedelta(hours=int(offset_text[1:3]), minutes=int(offset_text[4:6]))
    second = int(found["second"])
    leap = second == 60
    moment = dt.datetime(
        day.year,
        day.month,
        day.day,
        int(found["hour"]),
        int(found["minute"]),
        59 if leap else second,
        tzinfo=dt.timezone(offset),
    )
    if leap:
        moment += dt.timedelta(microseconds=999_999)
        utc = moment.astimezone(dt.UTC)
        if (utc.hour, utc.minute) != (23, 59) or (utc + dt.timedelta(days=1)).day != 1:
            problems.append(
                f"{value!r} is not a FHIR dateTime: second 60 is a leap second, which comes "
                f"only at 23:59:60 UTC at the end of a month @ {where}"
            )
            return None
    elif found["fraction"]:
        micros = (Decimal("0." + found["fraction"]) * 1_000_000).quantize(
            Decimal(1), rounding=ROUND_HALF_EVEN
        )
        moment += dt.timedelta(microseconds=int(micros))
    return pendulum.instance(moment).in_timezone("UTC")


def other_choice(element: Json, prefix: str, read: tuple[str, ...] = ()) -> str | None:
    """The first ``<prefix>[x]`` element of *element* (``valueString`` for ``value``, say)
    other than those alliance reads (*read*), or ``None``."""
    return next((k for k in element if k.startswith(prefix) and k not in read), None)


def described(element: str, value: object) -> str:
    """What a ``value[x]``/``detail[x]`` holds, in a few words."""
    if isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if element.endswith("CodeableConcept"):
        given = text_of(value)
        codes = [
            f"{get(f, 'system')}|{get(f, 'code')}"
            for f in as_list(get(value, "coding"))
            if get(f, "code") is not None
        ]
        if given is not None:
            return repr(given) + (f" ({', '.join(codes)})" if codes else "")
        return ", ".join(codes) if codes else "a CodeableConcept with no text or code"
    kind = element.removeprefix("value").removeprefix("detail")
    return f"a {kind}"


# --- resources and their elements ---------------------------------------------------------


def person_id(resource: Json) -> str | None:
    """alliance's id of a person (``urn:alliance:id:person``) among *resource*'s identifiers, or
    ``None``."""
    for found in as_list(resource.get("identifier")):
        if isinstance(found, dict) and found.get("system") == PERSON_ID:
            value = found.get("value")
            if isinstance(value, str):
                return value
    return None


def record_id(resource: Json, system: str) -> str:
    """The alliance id of a Goal or Observation: its identifier in alliance's *system*, else
    ``fhir-<id>``, else a new id."""
    for found in as_list(resource.get("identifier")):
        if isinstance(found, dict) and found.get("system") == system:
            value = found.get("value")
            if isinstance(value, str):
                return value
    resource_id = resource.get("id")
    if isinstance(resource_id, str) and resource_id:
        return f"fhir-{resource_id}"
    return c.new_id()


def goal_outcome(
    lifecycle: str, resource: Json, path: str, problems: list[str]
) -> tuple[str | None, str]:
    """The status event a goal's ``lifecycleStatus`` and ``achievementStatus`` call
    for (``on-hold``, ``achieved``, ``discontinued`` or ``None``) and the reason it
    gets when the Goal gives no ``statusReason``."""
    codes = [
        get(found, "code")
        for found in as_list(get(resource.get("achievementStatus"), "coding"))
        if get(found, "system") == GOAL_ACHIEVEMENT
    ]
    achievement = codes[0] if codes else None
    said = (
        f"achievementStatus {achievement!r}"
        if achievement is not None
        else "no achievementStatus"
        if "achievementStatus" not in resource
        else f"an achievementStatus with no code from {GOAL_ACHIEVEMENT}"
    )
    where = f"{path}.achievementStatus"
    if lifecycle == "on-hold":
        return "on-hold", "On hold in the FHIR Goal"
    if lifecycle == "completed":
        if achievement in _ACHIEVED:
            return "achieved", ""
        if achievement in _NOT_ACHIEVED:
            return "discontinued", (
                f"Completed in the FHIR Goal, not achieved (achievementStatus {achievement})"
            )
        problems.append(
            f"lifecycleStatus 'completed' with {said} does not say whether the goal was "
            "achieved: alliance records it as achieved for achievementStatus achieved or "
            "sustaining, and as discontinued for not-achieved, no-progress or "
            f"not-attainable @ {where}"
        )
        return None, ""
    if lifecycle in ("cancelled", "rejected"):
        if achievement in _ACHIEVED:
            problems.append(
                f"lifecycleStatus {lifecycle!r} with {said} contradicts itself: a goal "
                f"given up is not achieved @ {where}"
            )
            return None, ""
        return "discontinued", f"{lifecycle.capitalize()} in the FHIR Goal"
    return None, ""


def goal_domain(resource: Json, path: str, problems: list[str]) -> GoalDomain | None:
    """The alliance goal domain of a Goal's ``category``: a coding in alliance's system, or HL7
    goal-category ``behavioral`` (behaviour)."""
    behavioural = False
    for index, category in enumerate(as_list(resource.get("category"))):
        for found in as_list(get(category, "coding")):
            system, code = get(found, "system"), get(found, "code")
            if system == GOAL_DOMAIN:
                try:
                    return GoalDomain(code)
                except ValueError:
                    problems.append(
                        f"{code!r} is not an alliance goal domain @ {path}.category[{index}]"
                    )
                    return None
            if system == GOAL_CATEGORY and code == "behavioral":
                behavioural = True
    if behavioural:
        return GoalDomain.BEHAVIOUR
    problems.append(
        f"no goal domain: a category coding from {GOAL_DOMAIN} (or HL7 goal-category "
        f"'behavioral') @ {path}.category"
    )
    return None


def measurable_target(
    resource: Json, path: str, problems: list[str]
) -> tuple[MeasurableTarget | None, tuple[str, ...]]:
    """The goal's one measurable target, and the unit strings it gave: its UCUM code (when
    its system is UCUM's) first, then its other code and its unit."""
    targets = as_list(resource.get("target"))
    if len(targets) > 1:
        problems.append(
            f"a second target cannot be imported: an alliance goal has one measurable "
            f"target, and this Goal has {len(targets)} @ {path}.target[1]"
        )
        return None, ()
    where = f"{path}.target[0]"
    chosen: Json = targets[0] if targets and isinstance(targets[0], dict) else {}
    if "detailQuantity" not in chosen:
        other = other_choice(chosen, "detail")
        if other is not None:
            problems.append(
                f"target[0].{other} cannot be imported: an alliance target is one "
                "number in a unit, reached from a baseline (a detailQuantity), and this "
                f"is {described(other, chosen[other])} @ {where}.{other}"
            )
        else:
            problems.append(f"no target with a detailQuantity @ {path}.target")
        return None, ()
    before = len(problems)
    metric = text_of(chosen.get("measure"))
    if metric is None:
        problems.append(f"no measure text @ {where}.measure")
    quantity = chosen["detailQuantity"]
    value = finite_number(get(quantity, "value"))
    if value is None:
        problems.append(f"expected a number @ {where}.detailQuantity.value")
    unit = text(get(quantity, "unit")) or text(get(quantity, "code"))
    if unit is None:
        problems.append(f"no unit @ {where}.detailQuantity.unit")
    code = text(get(quantity, "code"))
    ucum_code = code if get(quantity, "system") == UCUM else None
    units = tuple(dict.fromkeys(u for u in (ucum_code, code, text(get(quantity, "unit"))) if u))
    baseline, baseline_shown = target_baseline(chosen, where, units, problems)
    due = full_date(chosen.get("dueDate"))
    if due is None:
        problems.append(f"expected a full date (YYYY-MM-DD) @ {where}.dueDate")
    direction = None
    if value is not None and baseline is not None:
        direction = target_direction(
            quantity, value, baseline, where, problems, baseline_shown=baseline_shown
        )
    if len(problems) > before:
        return None, ()
    assert metric is not None
    assert unit is not None
    assert value is not None
    assert baseline is not None
    assert due is not None
    assert direction is not None
    try:
        details: dict[str, Any] = {}
        for extension in extensions(chosen, TARGET_DETAILS_EXTENSION):
            names = [a.name for a in attrs.fields(MeasurableTarget) if a.name not in TARGET_CORE]
            details = read_details(extension, MeasurableTarget, names)
        return MeasurableTarget(
            metric=metric,
            unit=unit,
            baseline=baseline,
            target=value,
            direction=direction,
            due=due,
            **details,
        ), units
    except (ValidationError, ValueError) as error:
        problems.append(f"{error} @ {where}")
        return None, ()


def target_baseline(
    target: Json, where: str, units: tuple[str, ...], problems: list[str]
) -> tuple[float | None, str]:
    """Where the child started, from the target's ``goal-baseline`` extension, in the
    target's *units*: as it is without a unit or in the target's, converted through UCUM
    from a comparable unit, refused (``None``, the problem appended) otherwise; and the
    baseline as errors show it (with the original, when it was converted)."""
    found = [
        (index, e)
        for index, e in enumerate(as_list(target.get("extension")))
        if get(e, "url") == BASELINE_EXTENSION
    ]
    if not found:
        problems.append(
            "no baseline: FHIR Goal has no element for where the child started; put it "
            f"in the extension {BASELINE_EXTENSION} (valueQuantity) @ {where}.extension"
        )
        return None, ""
    index, extension = found[-1]
    at = f"{where}.extension[{index}].valueQuantity"
    quantity = extension.get("valueQuantity")
    value = finite_number(get(quantity, "value"))
    if value is None:
        problems.append(f"no baseline: expected a number @ {at}.value")
        return None, ""
    assert isinstance(quantity, dict)
    baseline, source = in_units(
        value,
        quantity,
        at,
        units=units,
        problems=problems,
        what=f"the baseline ({BASELINE_EXTENSION})",
        against="the target (detailQuantity) is in",
        outcome="so the baseline is not imported",
    )
    if baseline is None or source is None:
        return baseline, "" if baseline is None else f"{number(baseline)}"
    return baseline, f"{number(baseline)} {units[0]} (converted from {number(value)} {source})"


def target_direction(
    quantity: Json,
    value: float,
    baseline: float,
    where: str,
    problems: list[str],
    *,
    baseline_shown: str | None = None,
) -> Direction | None:
    """The direction a target's ``comparator`` gives (``>=`` increase, ``<=``
    decrease), checked against the baseline (in the target's unit; *baseline_shown* is
    how errors show it); without one, from the baseline."""
    comparator = quantity.get("comparator")
    from_baseline = Direction.INCREASE if value >= baseline else Direction.DECREASE
    if comparator is None:
        return from_baseline
    at = f"{where}.detailQuantity.comparator"
    shown = f"target[0].detailQuantity.comparator {comparator!r}"
    wanted = {">=": Direction.INCREASE, "<=": Direction.DECREASE}.get(str(comparator))
    if wanted is None:
        problems.append(
            f"{shown} cannot be imported: an alliance target is reached at its value "
            f"(alliance writes >= or <=), and {comparator} {number(value)} is not that "
            f"@ {at}"
        )
        return None
    if wanted is not from_baseline:
        way = "rise" if wanted is Direction.INCREASE else "fall"
        problems.append(
            f"{shown} says the value should {way} to {number(value)}, but the baseline "
            f"is {baseline_shown or number(baseline)} @ {at}"
        )
        return None
    return wanted


def gas_scale(resource: Json, path: str, problems: list[str]) -> GasScale | None:
    """A goal's GAS scale, from alliance's gas-scale extension (``None`` without one)."""
    found = extensions(resource, GAS_SCALE_EXTENSION)
    if not found:
        return None
    parts = as_list(found[0].get("extension"))
    try:
        weights = [
            finite_number(get(p, "valueDecimal")) for p in parts if get(p, "url") == "weight"
        ]
        levels = []
        for part in parts:
            if get(part, "url") != "level":
                continue
            fields = {get(f, "url"): f for f in as_list(get(part, "extension"))}
            level = get(fields.get("value"), "valueInteger")
            description = get(fields.get("description"), "valueString")
            levels.append(GasLevel(level=level, description=description))
        weight = weights[0] if weights and weights[0] is not None else 1.0
        return GasScale(levels=tuple(levels), weight=weight)
    except ValidationError as error:
        problems.append(f"{error} @ {path}.extension({GAS_SCALE_EXTENSION})")
        return None


def mastery_criterion(resource: Json, path: str, problems: list[str]) -> MasteryCriterion | None:
    """A goal's mastery criterion, from alliance's mastery extension (``None`` without one)."""
    found = extensions(resource, MASTERY_EXTENSION)
    if not found:
        return None
    where = f"{path}.extension({MASTERY_EXTENSION})"
    try:
        fields = read_details(
            found[0], MasteryCriterion, [a.name for a in attrs.fields(MasteryCriterion)]
        )
        return MasteryCriterion(**fields)
    except (ValidationError, ValueError, TypeError) as error:
        problems.append(f"{error} @ {where}")
    return None


def effective_time(
    resource: Json, path: str, problems: list[str]
) -> tuple[pendulum.DateTime | None, str, str | None]:
    """When an observation was made, the element it was read from, and a note for a
    period (recorded at its start)."""
    for element in ("effectiveDateTime", "effectiveInstant"):
        if element in resource:
            return date_time(resource[element], f"{path}.{element}", problems), element, None
    if "effectivePeriod" in resource:
        period = resource["effectivePeriod"]
        start, end = get(period, "start"), get(period, "end")
        element = "effectivePeriod.start"
        if start is None:
            problems.append(
                "effectivePeriod has no start: alliance records an observation at one "
                "instant, the start of its period @ "
                f"{path}.{element}"
            )
            return None, element, None
        moment = date_time(start, f"{path}.{element}", problems)
        if end is None:
            note = f"Observed from {start} (FHIR effectivePeriod; recorded at its start)"
        else:
            date_time(end, f"{path}.effectivePeriod.end", problems)
            note = f"Observed over {start} to {end} (FHIR effectivePeriod; recorded at its start)"
        return moment, element, note
    other = other_choice(resource, "effective")
    if other is not None:
        problems.append(
            f"{other} cannot be imported: alliance records an observation at one "
            "instant (effectiveDateTime, effectiveInstant, or the start of an "
            f"effectivePeriod) @ {path}.{other}"
        )
    else:
        problems.append(
            "no effective time: expected effectiveDateTime, effectiveInstant or "
            f"effectivePeriod @ {path}.effective[x]"
        )
    return None, "effectiveDateTime", None


def observed_value(
    resource: Json,
    path: str,
    goal_id: str | None,
    units: tuple[str, ...],
    problems: list[str],
) -> tuple[float | None, str | None]:
    """An observation's number (``valueQuantity`` in the goal's unit, converted through
    UCUM when it is in another, or ``valueInteger``) and, when it was converted, the note
    that keeps the original; refusing what alliance cannot record faithfully."""
    other = other_choice(resource, "value", ("valueQuantity", "valueInteger"))
    if other is not None:
        problems.append(
            f"{other} cannot be imported: alliance records a number toward the "
            "goal's target (valueQuantity or valueInteger), and this is "
            f"{described(other, resource[other])} @ {path}.{other}"
        )
        return None, None
    if "valueInteger" in resource:
        value = resource["valueInteger"]
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"expected a whole number @ {path}.valueInteger")
            return None, None
        return float(value), None
    if "valueQuantity" not in resource:
        return None, None
    quantity = resource["valueQuantity"]
    where = f"{path}.valueQuantity"
    if not isinstance(quantity, dict):
        problems.append(f"expected a Quantity @ {where}")
        return None, None
    value = finite_number(quantity.get("value"))
    if value is None:
        problems.append(f"expected a number @ {where}.value")
        return None, None
    comparator = quantity.get("comparator")
    if comparator is not None:
        problems.append(
            f"valueQuantity.comparator {comparator!r} cannot be imported: alliance "
            f"records the value itself, and {comparator} {number(value)} is not "
            f"{number(value)} @ {where}.comparator"
        )
        return None, None
    return recorded_value(
        value, quantity, where, goal_id=goal_id, goal_units=units, problems=problems
    )


def observation_setting(resource: Json, path: str, problems: list[str]) -> Setting:
    """Where an observation was made, from alliance's ``setting`` extension (the clinic
    without one)."""
    setting = Setting.CLINIC
    for extension in extensions(resource, SETTING_EXTENSION):
        try:
            setting = Setting(str(extension.get("valueCode")))
        except ValueError:
            problems.append(
                f"{extension.get('valueCode')!r} is not an alliance setting "
                f"@ {path}.extension({SETTING_EXTENSION})"
            )
    return setting


def observation_kind(resource: Json, path: str, problems: list[str]) -> ObservationKind | None:
    """The kind of observation its ``method`` codes in alliance's system (``None``: it
    codes none, and the observer's role decides)."""
    kind = None
    for found_coding in as_list(get(resource.get("method"), "coding")):
        if get(found_coding, "system") == OBSERVATION_KIND:
            try:
                kind = ObservationKind(get(found_coding, "code"))
            except ValueError:
                problems.append(
                    f"{get(found_coding, 'code')!r} is not an alliance observation kind "
                    f"@ {path}.method"
                )
    return kind


def progress_details(resource: Json, path: str, problems: list[str]) -> dict[str, Any]:
    """The fields of the progress record that FHIR has no element for, from alliance's
    observation-details extension (none without it)."""
    details: dict[str, Any] = {}
    for extension in extensions(resource, OBSERVATION_DETAILS_EXTENSION):
        names = [
            a.name
            for a in attrs.fields(ev.ProgressRecorded)
            if a.name not in PROGRESS_CORE | PROGRESS_NOT_EXPORTED
        ]
        try:
            details = read_details(extension, ev.ProgressRecorded, names)
        except ValueError as error:
            problems.append(f"{error} @ {path}.extension({OBSERVATION_DETAILS_EXTENSION})")
    return details


def observation_audience(resource: Json, path: str, problems: list[str]) -> Audience:
    """Who may see an observation, from alliance's ``audience`` extension (everyone
    without one)."""
    audience = EVERYONE
    for extension in extensions(resource, AUDIENCE_EXTENSION):
        try:
            audience = audience_of(extension)
        except ValidationError as error:
            problems.append(f"{error.reason} @ {path}.extension({AUDIENCE_EXTENSION})")
    return audience


def no_value(resource: Json, path: str) -> str:
    """The problem of an observation that has no value: what its ``dataAbsentReason``
    says, if it has one."""
    if "dataAbsentReason" in resource:
        absent = text_of(resource.get("dataAbsentReason"))
        if absent is None:
            absent = get(get(resource.get("dataAbsentReason"), "coding"), "code")
        return f"no value: its dataAbsentReason is {absent!r} @ {path}.dataAbsentReason"
    return (
        "no value: expected a valueQuantity or valueInteger (or alliance's gas-level "
        f"component) @ {path}.value[x]"
    )
