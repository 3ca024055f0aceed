"""Standardised measures as FHIR resources (private; used by :mod:`alliance.fhir._export`,
and by :mod:`alliance.fhir._import_measures`, which reads them back).

Each instrument a completed measure was answered on becomes a ``Questionnaire`` (one per
definition: the instrument's id is its ``url``, a digest of its definition its
``version``), each completed measure a ``QuestionnaireResponse`` of it and an
``Observation`` of its total score, ``derivedFrom`` the response, interpreted against
the instrument's clinical cutoff where it has one. Import reads them back into
:class:`alliance.events.MeasureCompleted`: the instrument from the Questionnaire, the
answers from the response, the note from the Observation, whose total and
interpretation must be the ones the answers score. The mapping is in ``docs/fhir.md``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol

from alliance.fhir._common import (
    CODE_SYSTEM,
    EXTENSION,
    IDENTIFIER_SYSTEM,
    OBSERVATION_CATEGORY,
    FhirVersion,
    Ids,
    Json,
    coding,
    concept,
    details_extension,
    identifier,
    number,
    reference,
)
from alliance.fhir._units import UCUM
from alliance.model.goals import Direction
from alliance.model.measures import (
    Instrument,
    Item,
    MeasureResponse,
    RespondentRole,
)
from alliance.model.state import PartnershipState

INSTRUMENT_URL = "urn:alliance:instrument:"
"""``Questionnaire.url`` is this and the instrument's id."""
INSTRUMENT_ID = IDENTIFIER_SYSTEM + "instrument"
MEASURE_ID = IDENTIFIER_SYSTEM + "measure-response"
INSTRUMENT_CODE = CODE_SYSTEM + "instrument"
"""The code system of a measure's total (``Observation.code``): the instrument's id."""
INSTRUMENT_EXTENSION = EXTENSION + "instrument"
"""On ``Questionnaire``: an instrument's scoring, one part per field (``respondent`` once
per respondent)."""
ITEM_EXTENSION = EXTENSION + "item-scoring"
"""On ``Questionnaire.item``: whether the item is reverse-scored (part ``reverse``)."""
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
SCORE_UNIT: Json = {"unit": "score", "system": UCUM, "code": "{score}"}

INSTRUMENT_FIELDS = (
    "purpose",
    "total",
    "minimum_answered",
    "improvement",
    "cutoff",
    "reliable_change",
    "min_age",
    "max_age",
)
"""The :class:`Instrument` fields in the ``instrument`` extension (its id, name, source
and items have FHIR elements; its respondents are parts of their own)."""
_INTERPRETATIONS = {"L": "Low", "H": "High", "N": "Normal"}


def definition_version(instrument: Instrument) -> str:
    """A digest of *instrument*'s definition (16 hex digits): the same definition always
    gives the same version, a changed one (another cutoff, say) another."""
    return hashlib.sha256(json.dumps(_definition(instrument), sort_keys=True).encode()).hexdigest()[
        :16
    ]


def _definition(instrument: Instrument) -> Json:
    return {
        "id": instrument.instrument_id,
        "title": instrument.name,
        "description": instrument.source,
        "extension": _instrument_extension(instrument),
        "item": [_question(item) for item in instrument.items],
    }


def _instrument_extension(instrument: Instrument) -> Json:
    found = details_extension(INSTRUMENT_EXTENSION, instrument, INSTRUMENT_FIELDS)
    assert found is not None  # its purpose and total method are always set
    found["extension"] += [
        {"url": "respondent", "valueCode": role.value} for role in sorted(instrument.respondents)
    ]
    return found


def _bound(url: str, item: Item, value: float) -> Json:
    if item.whole_numbers:
        return {"url": url, "valueInteger": int(value)}
    return {"url": url, "valueDecimal": number(float(value))}


def _question(item: Item) -> Json:
    return {
        "extension": [
            _bound(MIN_VALUE, item, item.minimum),
            _bound(MAX_VALUE, item, item.maximum),
            {
                "url": ITEM_EXTENSION,
                "extension": [{"url": "reverse", "valueBoolean": item.reverse}],
            },
        ],
        "linkId": item.item_id,
        "type": "integer" if item.whole_numbers else "decimal",
        "required": item.required,
    }


def canonical(instrument: Instrument) -> str:
    """The canonical reference to *instrument*'s Questionnaire (``url|version``)."""
    return f"{INSTRUMENT_URL}{instrument.instrument_id}|{definition_version(instrument)}"


# --- export ---------------------------------------------------------------------------------


class Writer(Protocol):
    """What the export gives the measures' resources (:class:`alliance.fhir._export._Exporter`)."""

    state: PartnershipState
    ids: Ids
    version: FhirVersion

    def when(self, moment: Any) -> str: ...

    def patient_ref(self) -> Json: ...

    def member_ref(self, member_id: str, *, role: bool = True) -> Json: ...


def measure_resources(writer: Writer) -> list[Json]:
    """The Questionnaires of the instruments the partnership's completed measures were
    answered on (in the order first answered), then each measure's QuestionnaireResponse
    and the Observation of its total, in the order answered."""
    measures = sorted(writer.state.measures.values(), key=lambda m: m.completed_at)
    questionnaires: dict[str, Json] = {}
    for measure in measures:
        found = canonical(measure.instrument)
        if found not in questionnaires:
            questionnaires[found] = questionnaire(writer, measure.instrument)
    resources = list(questionnaires.values())
    for measure in measures:
        resources += [response(writer, measure), total_observation(writer, measure)]
    return resources


def questionnaire(writer: Writer, instrument: Instrument) -> Json:
    """The ``Questionnaire`` of *instrument*: items and scoring, no wording."""
    version = definition_version(instrument)
    definition = _definition(instrument)
    return {
        "resourceType": "Questionnaire",
        "id": writer.ids.questionnaire(instrument.instrument_id, version),
        "extension": [definition["extension"]],
        "url": INSTRUMENT_URL + instrument.instrument_id,
        "identifier": [identifier(INSTRUMENT_ID, instrument.instrument_id)],
        "version": version,
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.source,
        "item": definition["item"],
    }


def _respondent_ref(writer: Writer, measure: MeasureResponse) -> Json:
    if measure.respondent_role is RespondentRole.CHILD:
        return writer.patient_ref()
    return writer.member_ref(measure.respondent)


def response(writer: Writer, measure: MeasureResponse) -> Json:
    """The ``QuestionnaireResponse`` of a completed measure."""
    items = []
    answers = measure.answer_map
    for item in measure.instrument.items:
        if item.item_id in answers:
            value = answers[item.item_id]
            answer = (
                {"valueInteger": int(value)}
                if item.whole_numbers
                else {"valueDecimal": number(float(value))}
            )
            items.append({"linkId": item.item_id, "answer": [answer]})
    found = identifier(MEASURE_ID, measure.response_id)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": writer.ids.questionnaire_response(measure.response_id),
        "identifier": [found] if writer.version == "R5" else found,
        "questionnaire": canonical(measure.instrument),
        "status": "completed",
        "subject": writer.patient_ref(),
        "authored": writer.when(measure.completed_at),
        "author": writer.member_ref(measure.recorded_by),
        "source": _respondent_ref(writer, measure),
        "item": items,
    }


def interpretation(instrument: Instrument, clinical: bool) -> Json:
    """``Observation.interpretation`` of a total on the clinical side of *instrument*'s
    cutoff (*clinical*) or not: ``L`` (below it, for an instrument whose scores improve
    upwards) or ``H`` (above it), else ``N``."""
    cutoff = number(float(instrument.cutoff or 0))
    if not clinical:
        code, words = "N", f"not in the clinical range (cutoff {cutoff})"
    elif instrument.improvement is Direction.INCREASE:
        code, words = "L", f"in the clinical range: below the cutoff {cutoff}"
    else:
        code, words = "H", f"in the clinical range: above the cutoff {cutoff}"
    return concept(coding(INTERPRETATION, code, _INTERPRETATIONS[code]), text=words.capitalize())


def total_observation(writer: Writer, measure: MeasureResponse) -> Json:
    """The ``Observation`` of a completed measure's total score, derived from its
    ``QuestionnaireResponse``."""
    instrument = measure.instrument
    score = measure.score
    reference_range: list[Json] = []
    interpretations: list[Json] = []
    if instrument.cutoff is not None and score.clinical is not None:
        interpretations.append(interpretation(instrument, score.clinical))
        cutoff = {"value": number(float(instrument.cutoff)), **SCORE_UNIT}
        side = "low" if instrument.improvement is Direction.INCREASE else "high"
        reference_range.append({side: cutoff, "text": "Not in the clinical range"})
    return {
        "resourceType": "Observation",
        "id": writer.ids.measure_total(measure.response_id),
        "identifier": [identifier(MEASURE_ID, measure.response_id)],
        "status": "final",
        "category": [concept(coding(OBSERVATION_CATEGORY, "survey", "Survey"))],
        "code": concept(
            coding(INSTRUMENT_CODE, instrument.instrument_id),
            text=f"{instrument.name}: total score",
        ),
        "subject": writer.patient_ref(),
        "effectiveDateTime": writer.when(measure.completed_at),
        "performer": [_respondent_ref(writer, measure)],
        "valueQuantity": {"value": number(score.total), **SCORE_UNIT},
        "interpretation": interpretations,
        "note": [] if measure.note is None else [{"text": measure.note}],
        "referenceRange": reference_range,
        "derivedFrom": [
            reference(
                "QuestionnaireResponse", writer.ids.questionnaire_response(measure.response_id)
            )
        ],
    }
