"""Units through UCUM (issue 17): an imported value is recorded in its goal's unit.

185 [lb_av] went into a goal measured in kg as 185, and Synthea values in cm, %, /min,
g/dL, Cel... into one kg goal. A value in a comparable UCUM unit is converted (ucumvert,
the optional ``ucum`` extra), keeping the original in the note; anything else is refused,
naming both units and why.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pendulum
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import alliance as al
from alliance.demo import sample_partnership, sample_people
from alliance.fhir import _units as units
from alliance.fhir import export_bundle, import_bundle_with_report
from alliance.fhir._common import number

Json = dict[str, Any]
UCUM = "http://unitsofmeasure.org"
PERTAINS_TO_GOAL = "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal"
AT = pendulum.datetime(2025, 5, 5, 9, tz="Europe/London")


def goal(unit: str, *, code: str | None = None, target: float = 20, baseline: float = 18) -> Json:
    """A Goal from another system measured in *unit* (with UCUM *code*, if given)."""
    quantity: Json = {"value": target, "comparator": ">=", "unit": unit}
    if code is not None:
        quantity |= {"system": UCUM, "code": code}
    return {
        "resourceType": "Goal",
        "id": "g1",
        "lifecycleStatus": "active",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/goal-category",
                        "code": "behavioral",
                    }
                ]
            }
        ],
        "description": {"text": "Gains weight"},
        "target": [
            {
                "extension": [
                    {"url": "urn:alliance:ext:goal-baseline", "valueQuantity": {"value": baseline}}
                ],
                "measure": {"text": "weight"},
                "detailQuantity": quantity,
                "dueDate": "2025-12-01",
            }
        ],
    }


def observation(quantity: Json) -> Json:
    return {
        "resourceType": "Observation",
        "id": "obs-7",
        "status": "final",
        "extension": [{"url": PERTAINS_TO_GOAL, "valueReference": {"reference": "Goal/g1"}}],
        "code": {"text": "weight"},
        "effectiveDateTime": "2025-05-06T08:00:00+01:00",
        "valueQuantity": quantity,
    }


def partnership() -> al.Partnership:
    return al.Partnership.from_events(sample_partnership().events, policy=al.AllowAll())


def bundle_of(*resources: Json) -> Json:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource} for resource in resources],
    }


def imported(goal_resource: Json, quantity: Json) -> al.events.ProgressRecorded:
    """The progress recorded for an observation of *quantity* toward *goal_resource*."""
    report = import_bundle_with_report(
        partnership(),
        bundle_of(goal_resource, observation(quantity)),
        actor="ana",
        occurred_at=AT,
        about_this_child=True,
    )
    (progress,) = (e for e in report.events if isinstance(e, al.events.ProgressRecorded))
    return progress


def refused(goal_resource: Json, quantity: Json) -> str:
    """The one problem the import finds; nothing is recorded."""
    into = partnership()
    version = into.version
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle_with_report(
            into,
            bundle_of(goal_resource, observation(quantity)),
            actor="ana",
            occurred_at=AT,
            about_this_child=True,
        )
    assert into.version == version
    (problem,) = raised.value.problems
    return problem


@pytest.mark.parametrize(
    ("goal_unit", "given", "value", "expected"),
    [
        # the HL7 example's 185 lbs: one pound is 0.45359237 kg exactly
        ("kg", {"value": 185, "unit": "lbs", "code": "[lb_av]"}, 185, 83.915),
        ("m", {"value": 152, "unit": "cm", "code": "cm"}, 152, 1.52),
        ("[degF]", {"value": 37, "unit": "°C", "code": "Cel"}, 37, 98.6),
        ("[degF]", {"value": 36.6, "unit": "°C", "code": "Cel"}, 36.6, 97.88),
        ("h", {"value": 90, "unit": "min", "code": "min"}, 90, 1.5),
        ("/min", {"value": 1, "unit": "/s", "code": "/s"}, 1, 60),
        ("/min", {"value": 120, "unit": "per hour", "code": "/h"}, 120, 2),
        ("%", {"value": 0.85, "unit": "ratio", "code": "1"}, 0.85, 85),
        ("1", {"value": 85, "unit": "%", "code": "%"}, 85, 0.85),
        ("{beats}/min", {"value": 7200, "code": "{beats}/h"}, 7200, 120),
    ],
)
def test_a_value_in_a_comparable_ucum_unit_is_converted_keeping_the_original(
    goal_unit: str, given: Json, value: float, expected: float
) -> None:
    progress = imported(goal(goal_unit, code=goal_unit), {**given, "system": UCUM})
    assert progress.value == pytest.approx(expected, abs=1e-9)
    assert progress.note is not None
    assert f"from {value} {given['code']} " in progress.note
    assert progress.note.endswith(f"to {number(progress.value)} {goal_unit}.")


def test_the_goal_unit_as_text_alone_is_ucum_when_it_parses() -> None:
    # a goal in "kg" with no code, an observation giving only its unit text
    progress = imported(goal("kg"), {"value": 1000, "unit": "g"})
    assert progress.value == 1
    assert progress.note == (
        "Converted on import from 1000 g (the FHIR valueQuantity, 'g') to 1 kg."
    )


def test_the_goals_ucum_code_is_used_when_its_unit_is_text() -> None:
    # the HL7 example Goal: "unit": "lbs", "code": "[lb_av]"; an observation in kg
    progress = imported(goal("lbs", code="[lb_av]"), {"value": 80, "system": UCUM, "code": "kg"})
    assert progress.value == pytest.approx(176.37, abs=1e-9)
    assert progress.note is not None
    assert progress.note.endswith("to 176.37 lbs.")


@pytest.mark.parametrize(
    ("given", "why"),
    [
        (
            {"value": 152, "unit": "cm", "code": "cm"},
            "'cm' is a [length] and 'kg' is a [mass], which are not comparable",
        ),
        (
            {"value": 13.2, "unit": "g/dL", "code": "g/dL"},
            "'g/dL' is a [mass] / [length] ** 3 and 'kg' is a [mass], which are not comparable",
        ),
        (
            {"value": 72, "unit": "/min", "code": "/min"},
            "'/min' is a 1 / [time] and 'kg' is a [mass], which are not comparable",
        ),
        (
            {"value": 37, "unit": "Cel", "code": "Cel"},
            "'Cel' is a [temperature] and 'kg' is a [mass], which are not comparable",
        ),
        (
            {"value": 40, "unit": "%", "code": "%"},
            "'%' is a ratio (dimensionless) and 'kg' is a [mass], which are not comparable",
        ),
    ],
)
def test_an_incomparable_unit_is_refused_naming_both_and_why(given: Json, why: str) -> None:
    problem = refused(goal("kg", code="kg"), {**given, "system": UCUM})
    shown = f"'{given['unit']}'"
    assert problem == (
        f"Observation/obs-7: valueQuantity is in {shown}, but goal 'fhir-g1' is measured in "
        f"'kg': {why}, so the value is not recorded @ $.entry[1].resource.valueQuantity.code"
    )


def test_a_logarithmic_unit_is_not_converted() -> None:
    problem = refused(goal("%", code="%"), {"value": 10, "system": UCUM, "code": "dB"})
    assert "alliance converts only units related by a factor" in problem
    assert problem.endswith("@ $.entry[1].resource.valueQuantity.code")


def test_differently_annotated_counts_are_not_converted() -> None:
    # UCUM reads both as 1: a tantrum is not a request
    problem = refused(
        goal("{requests}/h", code="{requests}/h"),
        {"value": 3, "system": UCUM, "code": "{tantrums}/h"},
    )
    assert "'{tantrums}/h' and '{requests}/h' are annotated differently" in problem


def test_a_code_is_read_as_ucum_only_with_the_ucum_system() -> None:
    problem = refused(goal("kg", code="kg"), {"value": 185, "code": "[lb_av]"})
    assert problem == (
        "Observation/obs-7: valueQuantity is in '[lb_av]', but goal 'fhir-g1' is measured in "
        "'kg': '[lb_av]' is not a UCUM unit (a code is read as UCUM only with system "
        f"{UCUM}), so the value is not recorded @ $.entry[1].resource.valueQuantity.code"
    )


def test_a_free_text_goal_unit_takes_only_its_own_unit_or_none() -> None:
    words = "two-word requests (per session)"
    free = goal(words)
    assert imported(free, {"value": 4, "unit": words}).value == 4
    assert imported(free, {"value": 4}).value == 4  # no unit: in the goal's
    problem = refused(free, {"value": 4, "unit": "requests"})
    assert problem == (
        f"Observation/obs-7: valueQuantity is in 'requests', but goal 'fhir-g1' is measured in "
        f"'{words}': '{words}' is not a UCUM unit (a count, or the team's own words), so only "
        "a value in that unit, or without a unit, can be recorded for it, so the value is not "
        "recorded @ $.entry[1].resource.valueQuantity.unit"
    )
    # a UCUM unit is not converted into free text either ("minutes" is not UCUM's "min")
    problem = refused(goal("minutes"), {"value": 1, "system": UCUM, "code": "h"})
    assert "'minutes' is not a UCUM unit" in problem


def test_a_goal_already_in_the_partnership_converts_from_its_unit() -> None:
    # the sample's g-dressing goal is measured in "minutes", which is not UCUM
    sample = observation({"value": 600, "system": UCUM, "code": "s"})
    sample["extension"][0]["valueReference"] = {
        "identifier": {"system": "urn:alliance:id:goal", "value": "g-dressing"}
    }
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle_with_report(
            partnership(), bundle_of(sample), actor="ana", occurred_at=AT, about_this_child=True
        )
    (problem,) = raised.value.problems
    assert "but goal 'g-dressing' is measured in 'minutes': 'minutes' is not a UCUM" in problem


def without_ucumvert(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> Any:
        raise ImportError("No module named 'ucumvert'")

    monkeypatch.setattr(units, "_import_ucumvert", missing)


def test_without_the_extra_another_unit_is_refused_saying_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_ucumvert(monkeypatch)
    problem = refused(goal("kg", code="kg"), {"value": 185, "system": UCUM, "code": "[lb_av]"})
    assert problem == (
        "Observation/obs-7: valueQuantity is in '[lb_av]', but goal 'fhir-g1' is measured in "
        "'kg': converting units needs alliance's optional 'ucum' extra (pip install "
        "'alliance[ucum]'), which is not installed, so the value is not recorded "
        "@ $.entry[1].resource.valueQuantity.code"
    )
    # the same unit, and no unit, still import, unconverted
    progress = imported(goal("kg", code="kg"), {"value": 19, "unit": "kg"})
    assert (progress.value, progress.note) == (19, None)
    assert imported(goal("kg", code="kg"), {"value": 19, "system": UCUM, "code": "kg"}).value == 19
    assert imported(goal("kg"), {"value": 19}).value == 19
    # and the export writes the unit alone
    detail = weighed_export()["target"][0]["detailQuantity"]
    assert detail == {"value": 20, "comparator": ">=", "unit": "kg"}


def weighed_export() -> Json:
    """The exported Goal of a partnership that imported a goal measured in kg."""
    into = partnership()
    import_bundle_with_report(
        into, bundle_of(goal("kg")), actor="ana", occurred_at=AT, about_this_child=True
    )
    (weighed,) = (
        r["resource"]
        for r in export_bundle(into, sample_people())["entry"]
        if r["resource"]["resourceType"] == "Goal"
        and r["resource"]["identifier"][0]["value"] == "fhir-g1"
    )
    return weighed


def test_the_export_writes_ucum_codes_for_ucum_units() -> None:
    target = weighed_export()["target"][0]
    assert target["detailQuantity"] == {
        "value": 20,
        "comparator": ">=",
        "unit": "kg",
        "system": UCUM,
        "code": "kg",
    }
    assert target["extension"][0]["valueQuantity"] == {
        "value": 18,
        "unit": "kg",
        "system": UCUM,
        "code": "kg",
    }
    # the sample's units are the team's words, not UCUM ("minutes" would be "min")
    bundle = export_bundle(sample_partnership(), sample_people())
    quantities = [
        quantity
        for entry in bundle["entry"]
        for quantity in (
            entry["resource"].get("valueQuantity"),
            *(t["detailQuantity"] for t in entry["resource"].get("target", [])),
        )
        if entry["resource"]["resourceType"] in {"Goal", "Observation"} and quantity is not None
    ]
    assert {q["unit"] for q in quantities} == {"minutes", "per session"}
    assert not [q for q in quantities if "code" in q or "system" in q]


def test_a_converted_value_round_trips_through_the_export() -> None:
    into = partnership()
    report = import_bundle_with_report(
        into,
        bundle_of(
            goal("kg", code="kg"),
            observation({"value": 185, "unit": "lbs", "system": UCUM, "code": "[lb_av]"}),
        ),
        actor="ana",
        occurred_at=AT,
        about_this_child=True,
    )
    (first,) = (e for e in report.events if isinstance(e, al.events.ProgressRecorded))
    exported = export_bundle(into, sample_people())
    (written,) = (
        r["resource"]
        for r in exported["entry"]
        if r["resource"]["resourceType"] == "Observation"
        and r["resource"]["identifier"][0]["value"] == first.observation_id
    )
    assert written["valueQuantity"] == {"value": 83.915, "unit": "kg", "system": UCUM, "code": "kg"}
    # only this goal and its observation, into the sample without them
    kept = [
        entry
        for entry in exported["entry"]
        if entry["resource"]["resourceType"] not in {"Goal", "Observation"}
        or entry["resource"] is written
        or entry["resource"]["identifier"][0]["value"] == first.goal_id
    ]
    again = import_bundle_with_report(
        partnership(), {**exported, "entry": kept}, actor="ana", occurred_at=AT
    )
    (second,) = (e for e in again.events if isinstance(e, al.events.ProgressRecorded))
    assert (second.value, second.note) == (first.value, first.note)


# --- the conversion itself --------------------------------------------------------------------

COMPARABLE = [
    ("[lb_av]", "kg"),
    ("cm", "m"),
    ("[in_i]", "cm"),
    ("Cel", "[degF]"),
    ("Cel", "K"),
    ("min", "h"),
    ("/min", "/h"),
    ("%", "1"),
    ("g/dL", "mg/dL"),
    ("mL", "[foz_us]"),
]


def resolution(value: float) -> Decimal:
    exponent = Decimal(repr(value)).as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(1).scaleb(exponent)


@given(
    pair=st.sampled_from(COMPARABLE),
    backwards=st.booleans(),
    digits=st.integers(1, 9),
    places=st.integers(0, 4),
)
@example(pair=("Cel", "[degF]"), backwards=False, digits=1, places=3)  # -0.001 Cel
@example(pair=("[lb_av]", "kg"), backwards=False, digits=185, places=0)
def test_converting_to_a_comparable_unit_and_back_is_within_rounding(
    pair: tuple[str, str], backwards: bool, digits: int, places: int
) -> None:
    """Converted there and back, a value rounds to itself at its own last digit: the
    conversion keeps two decimal places more than the input gives."""
    ucum = units.ucum()
    assert ucum is not None
    there, back = (pair[1], pair[0]) if backwards else pair
    source, goal_unit = ucum.parse(there), ucum.parse(back)
    assert source is not None
    assert goal_unit is not None
    value = float(Decimal(digits).scaleb(-places)) * (-1 if there == "Cel" else 1)
    converted = ucum.convert(value, source, goal_unit)
    assert isinstance(converted, float)
    returned = ucum.convert(converted, goal_unit, source)
    assert isinstance(returned, float)
    step = float(resolution(value))
    assert abs(returned - value) < step / 2, (value, converted, returned)
