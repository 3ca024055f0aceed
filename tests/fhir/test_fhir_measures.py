"""Standardised measures as FHIR (issue 17).

Each instrument answered is a ``Questionnaire`` (items and scoring, no wording), each
completed measure a ``QuestionnaireResponse`` and an ``Observation`` of its total score
(interpreted against the instrument's cutoff), in R4 and R5; they import back into
``MeasureCompleted`` with the same answers and scores, and whatever cannot be imported
faithfully is refused naming the resource and the element.
"""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fhir import START, VERSIONS, check, fresh_copy, pro_and_carer, resources

import alliance as al
from alliance.fhir import export_bundle, import_bundle, import_bundle_with_report
from alliance.measures import (
    COPM_PERFORMANCE,
    EXAMPLE_CAREGIVER_ALLIANCE,
    OUTCOME_RATING,
    OUTCOME_RATING_CHILD,
    SESSION_RATING,
    Instrument,
    InstrumentPurpose,
    Item,
    RespondentRole,
    TotalMethod,
)
from alliance.model.goals import Direction
from alliance.testing import strategies as s
from alliance.testing.strategies._values import measure_answers

Json = dict[str, Any]
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
SCORE = {"unit": "score", "system": "http://unitsofmeasure.org", "code": "{score}"}


def measured() -> al.Partnership:
    """Three completed measures: the carer's outcome rating (clinical: 20.5 is below 25),
    her session rating entered by the professional (not clinical: 37), and the child's
    COPM rating (no cutoff), with a note."""
    p = pro_and_carer()
    p.record_all(
        [
            al.events.MeasureCompleted(
                response_id="m-ors",
                instrument=OUTCOME_RATING,
                respondent="carer",
                answers={"individual": 4.2, "interpersonal": 5.1, "social": 6.3, "overall": 4.9},
                actor="carer",
                occurred_at=START.add(days=1),
            ),
            al.events.MeasureCompleted(
                response_id="m-srs",
                instrument=SESSION_RATING,
                respondent="carer",
                answers={"relationship": 9.5, "goals-and-topics": 9, "approach": 9, "overall": 9.5},
                note="Entered from the paper form",
                actor="pro",
                occurred_at=START.add(days=1, hours=1),
            ),
            al.events.MeasureCompleted(
                response_id="m-copm",
                instrument=COPM_PERFORMANCE,
                respondent="child",
                answers={"problem-1": 3, "problem-2": 4, "problem-4": 2},
                actor="carer",
                occurred_at=START.add(days=2),
            ),
        ]
    )
    return p


def by_id(bundle: Json, resource_type: str, value: str) -> Json:
    """The resource of *resource_type* with the alliance id *value*."""
    found = []
    for resource in resources(bundle, resource_type):
        given = resource.get("identifier", [])
        for identifier in given if isinstance(given, list) else [given]:
            if identifier["value"] == value:
                found.append(resource)
    assert len(found) == 1, (resource_type, value)
    return found[0]


def total_of(bundle: Json, response_id: str) -> Json:
    """The Observation of a measure's total."""
    (found,) = (
        o
        for o in resources(bundle, "Observation")
        if "derivedFrom" in o and any(i["value"] == response_id for i in o["identifier"])
    )
    return found


def full_url(bundle: Json, resource: Json) -> str:
    (url,) = (e["fullUrl"] for e in bundle["entry"] if e["resource"] is resource)
    return url


@pytest.mark.parametrize("version", VERSIONS)
def test_measures_export_as_questionnaires_responses_and_totals(version: str) -> None:
    p = measured()
    bundle = export_bundle(p, {}, version=version)
    check(bundle, version)  # fhir.resources R4B / R5 models, codes, references

    questionnaires = resources(bundle, "Questionnaire")
    assert [q["url"] for q in questionnaires] == [
        "urn:alliance:instrument:outcome-rating",
        "urn:alliance:instrument:session-rating",
        "urn:alliance:instrument:copm-performance",
    ]
    ors = questionnaires[0]
    assert ors["title"] == OUTCOME_RATING.name
    assert ors["status"] == "active"
    assert ors["description"] == OUTCOME_RATING.source
    assert [(i["linkId"], i["type"], i["required"]) for i in ors["item"]] == [
        (item, "decimal", True) for item in OUTCOME_RATING.item_ids
    ]
    assert ors["item"][0]["extension"][:2] == [
        {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueDecimal": 0},
        {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueDecimal": 10},
    ]
    (scoring,) = (e for e in ors["extension"] if e["url"] == "urn:alliance:ext:instrument")
    assert scoring["extension"] == [
        {"url": "purpose", "valueCode": "outcome"},
        {"url": "total", "valueCode": "sum"},
        {"url": "minimum_answered", "valueInteger": 1},
        {"url": "improvement", "valueCode": "increase"},
        {"url": "cutoff", "valueDecimal": 25},
        {"url": "reliable_change", "valueDecimal": 5},
        {"url": "respondent", "valueCode": "carer"},
    ]
    copm = questionnaires[2]
    assert [(i["type"], i["required"]) for i in copm["item"]] == [("integer", True)] + [
        ("integer", False)
    ] * 4

    response = by_id(bundle, "QuestionnaireResponse", "m-srs")
    assert response["questionnaire"] == f"{questionnaires[1]['url']}|{questionnaires[1]['version']}"
    assert response["status"] == "completed"
    assert response["authored"] == "2025-03-04T10:00:00+00:00"
    assert response["source"]["type"] == "RelatedPerson"  # the carer answered
    assert response["author"]["type"] == "PractitionerRole"  # the professional entered it
    assert response["item"][0] == {"linkId": "relationship", "answer": [{"valueDecimal": 9.5}]}
    assert isinstance(response["identifier"], list if version == "R5" else dict)

    ors_total = total_of(bundle, "m-ors")
    assert ors_total["category"][0]["coding"][0]["code"] == "survey"
    assert ors_total["code"]["coding"] == [
        {"system": "urn:alliance:code:instrument", "code": "outcome-rating"}
    ]
    assert ors_total["valueQuantity"] == {"value": 20.5, **SCORE}
    assert ors_total["interpretation"][0]["coding"] == [
        {"system": INTERPRETATION, "code": "L", "display": "Low"}
    ]
    assert ors_total["referenceRange"] == [
        {"low": {"value": 25, **SCORE}, "text": "Not in the clinical range"}
    ]
    ors_response = by_id(bundle, "QuestionnaireResponse", "m-ors")
    assert ors_total["derivedFrom"] == [
        {"reference": full_url(bundle, ors_response), "type": "QuestionnaireResponse"}
    ]
    srs_total = total_of(bundle, "m-srs")
    assert srs_total["valueQuantity"]["value"] == 37
    assert srs_total["interpretation"][0]["coding"][0]["code"] == "N"
    assert srs_total["note"] == [{"text": "Entered from the paper form"}]
    copm_total = total_of(bundle, "m-copm")
    assert copm_total["valueQuantity"]["value"] == 3
    assert "interpretation" not in copm_total  # no cutoff
    assert "referenceRange" not in copm_total
    assert copm_total["performer"][0]["type"] == "Patient"  # the child answered
    assert by_id(bundle, "QuestionnaireResponse", "m-copm")["item"][2] == {
        "linkId": "problem-4",
        "answer": [{"valueInteger": 2}],
    }


def test_a_changed_definition_is_another_version_and_a_falling_scale_is_high() -> None:
    """The clinic changed the cutoff: two Questionnaires with one url; an instrument whose
    scores improve downwards is ``H`` above its cutoff, with a reference range below it."""
    falling = Instrument(
        instrument_id="worry",
        name="Worry scale",
        purpose=InstrumentPurpose.OUTCOME,
        items=(Item(item_id="worry", minimum=0, maximum=10, whole_numbers=True),),
        respondents=frozenset({RespondentRole.CARER}),
        improvement=Direction.DECREASE,
        cutoff=6,
    )
    stricter = attrs.evolve(falling, cutoff=4)
    p = pro_and_carer()
    for number, instrument in enumerate([falling, stricter]):
        p.record(
            al.events.MeasureCompleted(
                response_id=f"m{number}",
                instrument=instrument,
                respondent="carer",
                answers={"worry": 5},
                actor="carer",
                occurred_at=START.add(days=number + 1),
            )
        )
    for version in VERSIONS:
        bundle = export_bundle(p, {}, version=version)
        check(bundle, version)
        first, second = resources(bundle, "Questionnaire")
        assert first["url"] == second["url"] == "urn:alliance:instrument:worry"
        assert first["version"] != second["version"]
        assert first["id"] != second["id"]
        assert by_id(bundle, "QuestionnaireResponse", "m1")["questionnaire"].endswith(
            "|" + second["version"]
        )
        assert total_of(bundle, "m0")["interpretation"][0]["coding"][0]["code"] == "N"
        assert total_of(bundle, "m1")["interpretation"][0]["coding"][0]["code"] == "H"
        assert total_of(bundle, "m1")["referenceRange"][0]["high"]["value"] == 4
        if version == "R5":  # critically high is on the clinical side too
            total_of(bundle, "m1")["interpretation"][0]["coding"][0]["code"] = "HH"
        copy_of = fresh_copy(p.state)
        import_bundle(copy_of, bundle, actor="pro", occurred_at=START)
        assert copy_of.state.measures == p.state.measures


@pytest.mark.parametrize("version", VERSIONS)
def test_measures_round_trip_with_the_same_answers_and_scores(version: str) -> None:
    p = measured()
    bundle = export_bundle(p, {}, version=version)
    copy_of = fresh_copy(p.state)
    report = import_bundle_with_report(copy_of, bundle, actor="pro", occurred_at=START)
    assert copy_of.state.measures == p.state.measures
    for response_id, measure in p.state.measures.items():
        assert copy_of.state.measures[response_id].score == measure.score
    assert copy_of.state.measures["m-srs"].recorded_by == "pro"
    assert copy_of.state.measures["m-srs"].note == "Entered from the paper form"
    # the report names the Questionnaire, the response and the total each measure came from
    srs = next(e for e in report.events if getattr(e, "response_id", None) == "m-srs")
    sources = {r.label.split("/")[0] for r in report.recorded if srs in r.events}
    assert sources == {"Questionnaire", "QuestionnaireResponse", "Observation"}
    assert not [i for i in report.skipped if i.label.startswith("Questionnaire")]
    again = export_bundle(copy_of, {}, version=version)
    assert resources(again, "Questionnaire") == resources(bundle, "Questionnaire")
    for response_id in p.state.measures:
        assert (
            total_of(again, response_id)["valueQuantity"]
            == (total_of(bundle, response_id)["valueQuantity"])
        )


def test_a_viewer_gets_only_the_measures_they_may_see() -> None:
    p = measured()
    p.record(al.events.CarerJoined(
        member_id="other", relationship=al.CarerRelationship.PARENT, actor="pro",
        occurred_at=START.add(days=3),
    ))  # fmt: skip
    for_other = export_bundle(p, {}, version="R5", viewer="other")
    check(for_other, "R5")
    assert resources(for_other, "QuestionnaireResponse") == []
    assert resources(for_other, "Questionnaire") == []
    for_carer = export_bundle(p, {}, version="R5", viewer="carer")
    assert len(resources(for_carer, "QuestionnaireResponse")) == 3


# --- drawn measures ----------------------------------------------------------------------------


@st.composite
def instruments(draw: st.DrawFn) -> Instrument:
    """A clinic's own instrument: any items, total method, direction, cutoff, respondents."""
    items = []
    for index in range(draw(st.integers(1, 5))):
        whole = draw(st.booleans())
        low = draw(st.integers(-5, 5))
        items.append(
            Item(
                item_id=f"item-{index}",
                minimum=low,
                maximum=low + draw(st.integers(1, 10)),
                reverse=draw(st.booleans()),
                required=draw(st.booleans()),
                whole_numbers=whole,
            )
        )
    total = draw(st.sampled_from(TotalMethod))
    base = Instrument(
        instrument_id=draw(s.ids()),
        name=draw(s.texts()),
        purpose=draw(st.sampled_from(InstrumentPurpose)),
        items=tuple(items),
        respondents=frozenset(draw(st.sets(st.sampled_from(RespondentRole), min_size=1))),
        total=total,
    )
    low, high = base.score_range
    cutoff = draw(
        st.none() | st.integers(0, 10).map(lambda k: round(low + (high - low) * k / 10, 1))
    )
    return attrs.evolve(
        base,
        minimum_answered=draw(st.integers(1, len(items))),
        improvement=draw(st.sampled_from(Direction)),
        cutoff=None if cutoff is None else min(max(cutoff, low), high),
        reliable_change=draw(st.none() | st.sampled_from([0.5, 2, 5])),
        min_age=draw(st.none() | st.integers(0, 12)),
        max_age=draw(st.none() | st.integers(12, 18)),
        source=draw(st.none() | s.texts()),
    )


@st.composite
def partnerships_with_measures(draw: st.DrawFn) -> al.Partnership:
    """A partnership (in any zone, from any start) with measures of the shipped instruments
    and of a clinic's own, answered by whoever may answer them."""
    start = draw(
        s.aware_datetimes(
            min_value=pendulum.datetime(1990, 1, 1, tz="UTC"),
            max_value=pendulum.datetime(2090, 1, 1, tz="UTC"),
            time_zones=s.time_zone_names(),
        )
    )
    p = pro_and_carer(draw(s.time_zone_names()), start)
    own = draw(instruments())
    now = start
    respondents = {RespondentRole.CHILD: "child", RespondentRole.CARER: "carer"}
    respondents[RespondentRole.PROFESSIONAL] = "pro"
    for number in range(draw(st.integers(1, 4))):
        instrument = draw(st.sampled_from([own, OUTCOME_RATING_CHILD, EXAMPLE_CAREGIVER_ALLIANCE]))
        respondent = respondents[draw(st.sampled_from(sorted(instrument.respondents)))]
        actor = respondent if respondent != "child" and draw(st.booleans()) else "pro"
        now = now.add(seconds=draw(st.integers(0, 10**6)))
        p.record(
            al.events.MeasureCompleted(
                response_id=f"m{number}",
                instrument=instrument,
                respondent=respondent,
                answers=measure_answers(draw, instrument),
                note=draw(st.none() | s.texts()),
                actor=actor,
                occurred_at=now,
            )
        )
    return p


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(partnerships_with_measures(), st.sampled_from(VERSIONS))
def test_drawn_measures_round_trip_with_the_same_scores(
    partnership: al.Partnership, version: str
) -> None:
    state = partnership.state
    bundle = export_bundle(partnership, {}, version=version)
    check(bundle, version)
    copy_of = fresh_copy(state)
    import_bundle(copy_of, bundle, actor="pro", occurred_at=state.formed_at)
    assert copy_of.state.measures == state.measures
    for response_id, measure in state.measures.items():
        imported = copy_of.state.measures[response_id]
        assert imported.score == measure.score
        assert imported.answer_map == measure.answer_map


# --- what is refused --------------------------------------------------------------------------


@pytest.fixture
def exported() -> Json:
    return export_bundle(measured(), {}, version="R4")


def path_of(bundle: Json, resource: Json) -> str:
    (index,) = (i for i, e in enumerate(bundle["entry"]) if e["resource"] is resource)
    return f"$.entry[{index}].resource"


def refused(bundle: Json) -> str:
    """The one problem the import finds in *bundle*; nothing is recorded."""
    copy_of = fresh_copy(measured().state)
    version = copy_of.version
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle(copy_of, bundle, actor="pro", occurred_at=START)
    assert copy_of.version == version
    (problem,) = raised.value.problems
    return str(problem)


def test_a_total_that_is_not_the_answers_score_is_refused(exported: Json) -> None:
    total = total_of(exported, "m-ors")
    total["valueQuantity"]["value"] = 21
    assert refused(exported) == (
        f"Observation/{total['id']}: the total 21 is not what the answers of 'outcome-rating' "
        "score (20.5, its total formed as its Questionnaire says: sum) @ "
        f"{path_of(exported, total)}.valueQuantity.value"
    )


@pytest.mark.parametrize(("response_id", "code"), [("m-ors", "N"), ("m-srs", "L")])
def test_an_interpretation_against_the_cutoff_is_refused(
    exported: Json, response_id: str, code: str
) -> None:
    total = total_of(exported, response_id)
    total["interpretation"][0]["coding"][0]["code"] = code
    problem = refused(exported)
    assert f"interpretation {code!r} of the total" in problem
    assert "contradicts" in problem
    assert problem.endswith(f"@ {path_of(exported, total)}.interpretation[0]")


def test_an_interpretation_without_a_cutoff_is_refused(exported: Json) -> None:
    total = total_of(exported, "m-copm")
    total["interpretation"] = [{"coding": [{"system": INTERPRETATION, "code": "N"}]}]
    assert "'copm-performance' has no clinical cutoff" in refused(exported)


def test_a_response_whose_questionnaire_is_not_in_the_bundle_is_refused(exported: Json) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-ors")
    exported["entry"] = [
        e for e in exported["entry"] if e["resource"] is not resources(exported, "Questionnaire")[0]
    ]
    problem = refused(exported)
    assert problem.startswith(f"QuestionnaireResponse/{response['id']}: questionnaire ")
    assert "no Questionnaire of the bundle has that url" in problem
    assert problem.endswith(f"@ {path_of(exported, response)}.questionnaire")


def test_a_questionnaire_without_alliances_scoring_is_refused(exported: Json) -> None:
    questionnaire = resources(exported, "Questionnaire")[0]
    del questionnaire["extension"]
    problem = refused(exported)
    assert problem.startswith(f"Questionnaire/{questionnaire['id']}: no instrument definition")
    assert problem.endswith(f"@ {path_of(exported, questionnaire)}.extension")


@pytest.mark.parametrize(
    ("answer", "expected", "element"),
    [
        (
            {"valueDecimal": 10.5},
            "10.5 is out of range: item 'overall' is answered from 0 to 10",
            "item[3].answer[0].valueDecimal",
        ),
        (
            {"valueString": "high"},
            "valueString cannot be imported",
            "item[3].answer[0].valueString",
        ),
        (
            {"valueDecimal": 4, "item": []},
            "an answer with items of its own",
            "item[3].answer[0].item",
        ),
    ],
)
def test_an_answer_it_cannot_record_is_refused_naming_the_item(
    exported: Json, answer: Json, expected: str, element: str
) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-ors")
    response["item"][3]["answer"] = [answer]
    problem = refused(exported)
    assert expected in problem
    assert problem.endswith(f"@ {path_of(exported, response)}.{element}")


def test_a_fraction_for_a_whole_number_and_an_unknown_item_are_refused(exported: Json) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-copm")
    where = path_of(exported, response)
    response["item"][0]["answer"] = [{"valueDecimal": 2.5}]
    problem = refused(exported)
    assert "2.5 is not a whole number: item 'problem-1'" in problem
    assert problem.endswith(f"@ {where}.item[0].answer[0].valueDecimal")
    response["item"][0] = {"linkId": "problem-9", "answer": [{"valueInteger": 2}]}
    problem = refused(exported)
    assert "'problem-9' is not an item of 'copm-performance'" in problem
    assert problem.endswith(f"@ {where}.item[0].answer[0].valueInteger")


def test_a_missing_required_answer_and_a_second_answer_are_refused(exported: Json) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-ors")
    del response["item"][0]["answer"]
    assert refused(exported).endswith("is required but was not answered @ " + (
        f"{path_of(exported, response)}.item[0]"
    ))  # fmt: skip
    response["item"][0]["answer"] = [{"valueDecimal": 1}, {"valueDecimal": 2}]
    assert refused(exported).endswith(f"@ {path_of(exported, response)}.item[0].answer[1]")


@pytest.mark.parametrize(
    ("status", "expected"),
    [("in-progress", "status must be completed or amended"), (None, "not None")],
)
def test_a_response_not_completed_is_refused(
    exported: Json, status: str | None, expected: str
) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-ors")
    response["status"] = status
    problem = refused(exported)
    assert expected in problem
    assert problem.endswith(f"@ {path_of(exported, response)}.status")


def test_who_answered_must_be_the_child_or_a_member(exported: Json) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-ors")
    del response["source"]
    assert "no source: alliance records who answered a measure" in refused(exported)
    response["source"] = {"reference": "Device/1"}
    where = f"{path_of(exported, response)}.source"
    assert refused(exported).endswith(
        f"neither this partnership's child nor one of its members @ {where}"
    )


def test_the_wrong_respondent_is_refused_naming_the_source(exported: Json) -> None:
    """The outcome rating answered by the child: the model refuses, naming the element."""
    response = by_id(exported, "QuestionnaireResponse", "m-ors")
    response["source"] = copy.deepcopy(response["subject"])
    copy_of = fresh_copy(measured().state)
    with pytest.raises(al.DomainError) as raised:
        import_bundle(copy_of, exported, actor="pro", occurred_at=START)
    assert raised.value.field == f"QuestionnaireResponse/{response['id']}.source"
    assert "the child does not answer it" in raised.value.reason


def test_a_total_derived_from_a_response_not_in_the_bundle_is_refused(exported: Json) -> None:
    total = total_of(exported, "m-ors")
    total["derivedFrom"] = [{"reference": "QuestionnaireResponse/elsewhere"}]
    problem = refused(exported)
    assert problem == (
        f"Observation/{total['id']}: derived from 'QuestionnaireResponse/elsewhere', which is "
        "not a QuestionnaireResponse of the bundle: alliance records a measure's total with "
        f"its answers @ {path_of(exported, total)}.derivedFrom[0]"
    )


def test_entered_in_error_responses_are_skipped_with_their_totals(exported: Json) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-ors")
    response["status"] = "entered-in-error"
    total = total_of(exported, "m-ors")
    copy_of = fresh_copy(measured().state)
    report = import_bundle_with_report(copy_of, exported, actor="pro", occurred_at=START)
    assert set(copy_of.state.measures) == {"m-srs", "m-copm"}
    measures = ("Questionnaire", "QuestionnaireResponse", "Observation")
    assert [(i.path, i.reason) for i in report.skipped if i.label.startswith(measures)] == [
        (path_of(exported, resources(exported, "Questionnaire")[0]),
         "not imported: no QuestionnaireResponse of the bundle imported answers it (alliance "
         "records an instrument's definition with each measure answered on it)"),
        (path_of(exported, response), "status 'entered-in-error': skipped"),
        (path_of(exported, total), f"the total of QuestionnaireResponse/{response['id']}, "
         "which is skipped"),
    ]  # fmt: skip


def test_a_totals_goal_link_is_skipped_and_its_status_checked(exported: Json) -> None:
    total = total_of(exported, "m-srs")
    link = {"url": "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal"}
    total["extension"] = [link | {"valueReference": {"reference": "Goal/g-1"}}]
    copy_of = fresh_copy(measured().state)
    report = import_bundle_with_report(copy_of, exported, actor="pro", occurred_at=START)
    assert copy_of.state.measures["m-srs"] == measured().state.measures["m-srs"]
    (skipped,) = (i for i in report.skipped if i.label == f"Observation/{total['id']}")
    assert skipped.path == f"{path_of(exported, total)}.extension[0]"
    assert "not as progress toward a goal" in skipped.reason
    total["status"] = "preliminary"
    assert refused(exported) == (
        f"Observation/{total['id']}: status must be final, amended or corrected (or "
        "entered-in-error or cancelled, which are skipped), not 'preliminary' "
        f"@ {path_of(exported, total)}.status"
    )


def test_an_amended_response_without_an_author_is_recorded_by_the_importer(
    exported: Json,
) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-srs")
    response["status"] = "amended"
    del response["author"]
    copy_of = fresh_copy(measured().state)
    import_bundle(copy_of, exported, actor="carer", occurred_at=START)
    imported = copy_of.state.measures["m-srs"]
    assert imported.recorded_by == "carer"
    assert imported.answers == measured().state.measures["m-srs"].answers


def test_a_response_without_a_version_names_the_one_questionnaire_with_its_url(
    exported: Json,
) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-ors")
    response["questionnaire"] = "urn:alliance:instrument:outcome-rating"
    copy_of = fresh_copy(measured().state)
    import_bundle(copy_of, exported, actor="pro", occurred_at=START)
    assert copy_of.state.measures == measured().state.measures
    # with two versions of that url in the bundle, it must say which
    second = copy.deepcopy(resources(exported, "Questionnaire")[0])
    second["id"], second["version"] = "other-version", "2"
    exported["entry"].append({"fullUrl": "urn:uuid:other-version", "resource": second})
    assert "2 Questionnaires of the bundle have that url: give its version" in refused(exported)


@pytest.mark.parametrize(
    ("change", "expected", "element"),
    [
        (lambda q: q.pop("title"), "no title", "title"),
        (lambda q: q["item"][0].update(type="string"), "an item of type 'string'", "item[0].type"),
        (lambda q: q["item"][0]["extension"].pop(0), "no minimum", "item[0].extension"),
        (lambda q: q["item"][0]["extension"][1].update(valueDecimal=0), "must be above the "
         "minimum", f"item[0].extension({'http://hl7.org/fhir/StructureDefinition/maxValue'})"),
    ],
)  # fmt: skip
def test_a_questionnaire_it_cannot_read_as_an_instrument_is_refused(
    exported: Json, change: Any, expected: str, element: str
) -> None:
    questionnaire = resources(exported, "Questionnaire")[0]
    change(questionnaire)
    problem = refused(exported)
    assert problem.startswith(f"Questionnaire/{questionnaire['id']}: ")
    assert expected in problem
    assert problem.endswith(f"@ {path_of(exported, questionnaire)}.{element}")


def test_a_response_with_no_time_grouped_items_or_another_patient_is_refused(
    exported: Json,
) -> None:
    response = by_id(exported, "QuestionnaireResponse", "m-ors")
    where = path_of(exported, response)
    original = copy.deepcopy(response)
    del response["authored"]
    assert refused(exported).endswith(f"@ {where}.authored")
    response.update(copy.deepcopy(original))
    response["item"][3]["item"] = [{"linkId": "more"}]
    assert "item 'overall' has items of its own" in refused(exported)
    response.update(copy.deepcopy(original))
    response["source"] = {
        "type": "Patient",
        "identifier": {"system": "urn:alliance:id:person", "value": "another-child"},
    }
    problem = refused(exported)
    assert "is about another patient" in problem
    assert problem.endswith(f"@ {where}.source")
    response.update(copy.deepcopy(original))
    response["subject"] = response["source"] = {
        "type": "Patient",
        "identifier": {"system": "urn:alliance:id:person", "value": "another-child"},
    }
    copy_of = fresh_copy(measured().state)
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle(copy_of, exported, actor="pro", occurred_at=START)
    assert [p.rsplit(" @ ", 1)[1] for p in raised.value.problems] == [
        f"{where}.subject",
        f"{where}.source",
    ]


def test_a_total_entered_in_error_leaves_the_measure_without_its_note(exported: Json) -> None:
    total = total_of(exported, "m-srs")
    total["status"] = "entered-in-error"
    copy_of = fresh_copy(measured().state)
    report = import_bundle_with_report(copy_of, exported, actor="pro", occurred_at=START)
    imported = copy_of.state.measures["m-srs"]
    assert imported.note is None
    assert imported.score == measured().state.measures["m-srs"].score
    assert any(i.path == path_of(exported, total) for i in report.skipped)


def test_importing_a_measure_twice_is_refused_naming_its_identifier(exported: Json) -> None:
    copy_of = fresh_copy(measured().state)
    import_bundle(copy_of, exported, actor="pro", occurred_at=START)
    with pytest.raises(al.DomainError) as raised:
        import_bundle(copy_of, exported, actor="pro", occurred_at=START)
    assert raised.value.field.startswith("QuestionnaireResponse/")
    assert raised.value.field.endswith(".identifier")


@pytest.mark.parametrize("code", ["LL", "A", "AA"])
def test_other_interpretations_of_the_clinical_side_are_read_and_others_refused(
    exported: Json, code: str
) -> None:
    """20.5 is below the outcome rating's cutoff: L, LL (critically low), A and AA
    (abnormal) all say so; I (intermediate) is no reading against a cutoff."""
    total = total_of(exported, "m-ors")
    total["interpretation"][0]["coding"][0]["code"] = code
    copy_of = fresh_copy(measured().state)
    import_bundle(copy_of, exported, actor="pro", occurred_at=START)
    assert copy_of.state.measures["m-ors"] == measured().state.measures["m-ors"]
    total["interpretation"][0]["coding"][0]["code"] = "I"
    assert "alliance reads L, H, A (and LL, HH, AA) and N against the cutoff" in refused(exported)
