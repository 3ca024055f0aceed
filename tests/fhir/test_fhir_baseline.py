"""A Goal's baseline in another unit than its target (issue 17).

FHIR Goal has no baseline element: alliance reads it from its ``goal-baseline``
extension (a ``valueQuantity``). Its unit was ignored, so a baseline of 70 kg beside a
target of 180 lbs was read as 70 lbs. Now it is converted into the target's unit through
UCUM when the units are comparable, and refused naming the element when they are not;
the direction (from the baseline, or the target's comparator, which must agree with it)
is worked out from the converted baseline. (A comparator that contradicts a baseline in
the target's own unit was already refused: ``test_fhir.py``'s
``test_a_targets_comparator_gives_its_direction_or_is_refused``.)
"""

from __future__ import annotations

from typing import Any

import pendulum
import pytest
from test_fhir_units import bundle_of, partnership
from test_fhir_units import goal as units_goal

import alliance as al
from alliance.fhir import _units as units
from alliance.fhir import import_bundle_with_report

Json = dict[str, Any]
UCUM = "http://unitsofmeasure.org"
AT = pendulum.datetime(2025, 5, 5, 9, tz="Europe/London")
KG = {"unit": "kg", "system": UCUM, "code": "kg"}
LB = {"unit": "lbs", "system": UCUM, "code": "[lb_av]"}
BASELINE_AT = "$.entry[0].resource.target[0].extension[0].valueQuantity"
COMPARATOR_AT = "$.entry[0].resource.target[0].detailQuantity.comparator"


def goal(baseline: Json, target: Json) -> Json:
    """A Goal from another system with this baseline and target quantity (the units
    tests' Goal, its quantities replaced)."""
    found = units_goal("kg")
    (target_element,) = found["target"]
    target_element["extension"][0]["valueQuantity"] = baseline
    target_element["detailQuantity"] = target
    return found


def imported(baseline: Json, target: Json) -> al.model.MeasurableTarget:
    """The target of the goal the import records."""
    report = import_bundle_with_report(
        partnership(),
        bundle_of(goal(baseline, target)),
        actor="ana",
        occurred_at=AT,
        about_this_child=True,
    )
    (proposed,) = (e for e in report.events if isinstance(e, al.events.GoalProposed))
    return proposed.target


def refused(baseline: Json, target: Json) -> str:
    """The one problem the import finds; nothing is recorded."""
    into = partnership()
    version = into.version
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle_with_report(
            into,
            bundle_of(goal(baseline, target)),
            actor="ana",
            occurred_at=AT,
            about_this_child=True,
        )
    assert into.version == version
    (problem,) = raised.value.problems
    return str(problem)


def test_a_baseline_in_a_comparable_unit_is_converted_into_the_targets() -> None:
    """70 kg beside a target of 180 lbs: 154.32 lbs (70 kg's last digit, 1 kg, is 2.2 lb,
    so rounded to 0.01 lb), not 70 lbs."""
    target = imported({"value": 70, **KG}, {"value": 180, "comparator": ">=", **LB})
    assert (target.baseline, target.target, target.unit) == (154.32, 180, "lbs")
    assert target.direction is al.model.Direction.INCREASE
    # in the target's unit, or without one, it is taken as it is
    assert imported({"value": 170, **LB}, {"value": 180, **LB}).baseline == 170
    assert imported({"value": 170, "unit": "lbs"}, {"value": 180, **LB}).baseline == 170
    assert imported({"value": 170}, {"value": 180, **LB}).baseline == 170


def test_the_direction_comes_from_the_converted_baseline() -> None:
    """Without a comparator, 70 kg (154.32 lb) to 150 lbs is a decrease, though 70 < 150."""
    target = imported({"value": 70, **KG}, {"value": 150, **LB})
    assert target.direction is al.model.Direction.DECREASE
    assert target.baseline == 154.32


def test_a_comparator_against_the_converted_baseline_is_refused_naming_it() -> None:
    problem = refused({"value": 70, **KG}, {"value": 150, "comparator": ">=", **LB})
    assert problem == (
        "Goal/g1: target[0].detailQuantity.comparator '>=' says the value should rise to "
        "150, but the baseline is 154.32 [lb_av] (converted from 70 kg) @ " + COMPARATOR_AT
    )


@pytest.mark.parametrize(
    ("baseline", "why", "element"),
    [
        (
            {"value": 70, "unit": "cm", "system": UCUM, "code": "cm"},
            "'cm' is a [length] and 'kg' is a [mass], which are not comparable",
            "code",
        ),
        ({"value": 70, "unit": "stone"}, "'stone' is not a UCUM unit", "unit"),
    ],
)
def test_an_incomparable_baseline_unit_is_refused_naming_the_element(
    baseline: Json, why: str, element: str
) -> None:
    shown = repr(baseline["unit"])
    assert refused(baseline, {"value": 80, **KG}) == (
        f"Goal/g1: the baseline (urn:alliance:ext:goal-baseline) is in {shown}, but the "
        f"target (detailQuantity) is in 'kg': {why}, so the baseline is not imported "
        f"@ {BASELINE_AT}.{element}"
    )


def test_a_baseline_without_a_number_is_refused_naming_its_value() -> None:
    assert refused({"unit": "kg"}, {"value": 80, **KG}) == (
        f"Goal/g1: no baseline: expected a number @ {BASELINE_AT}.value"
    )


def test_without_the_extra_a_baseline_in_another_unit_is_refused_saying_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing() -> None:
        raise ImportError("No module named 'ucumvert'")

    monkeypatch.setattr(units, "_import_ucumvert", missing)
    problem = refused({"value": 70, **KG}, {"value": 180, **LB})
    assert units.NEEDS_EXTRA in problem
    assert problem.endswith(f"@ {BASELINE_AT}.code")
    assert imported({"value": 170, **LB}, {"value": 180, **LB}).baseline == 170
