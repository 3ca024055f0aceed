"""Completed measures read from a bundle's Questionnaires, QuestionnaireResponses and the
Observations of their totals (private; used by :mod:`alliance.fhir._import`; the mapping
is :mod:`alliance.fhir._measures`'s, and ``docs/fhir.md``'s)."""

from __future__ import annotations

from typing import Protocol

import attrs
import pendulum

from alliance import events as ev
from alliance.errors import ValidationError
from alliance.fhir._common import PERTAINS_TO_GOAL, Json, number, read_details
from alliance.fhir._import_bundle import Entry
from alliance.fhir._import_elements import (
    as_list,
    date_time,
    described,
    extensions,
    finite_number,
    get,
    other_choice,
    text,
)
from alliance.fhir._import_subject import ThisChild
from alliance.fhir._measures import (
    INSTRUMENT_EXTENSION,
    INSTRUMENT_FIELDS,
    INSTRUMENT_ID,
    INTERPRETATION,
    ITEM_EXTENSION,
    MAX_VALUE,
    MEASURE_ID,
    MIN_VALUE,
)
from alliance.model._checks import new_id
from alliance.model.goals import Direction
from alliance.model.measures import Instrument, Item, RespondentRole, tidy
from alliance.model.state import PartnershipState

_MEASURE_ELEMENTS = {
    "response_id": "identifier",
    "respondent": "source",
    "actor": "author",
    "occurred_at": "authored",
}
_IMPORTED_STATUS = frozenset({"completed", "amended"})
_SCORE_STATUS = frozenset({"final", "amended", "corrected"})
_SKIPPED_STATUS = frozenset({"entered-in-error", "cancelled"})


class Reader(Protocol):
    """What the import gives the measures' reader (:class:`alliance.fhir._import._Reader`)."""

    state: PartnershipState
    actor: str
    child: ThisChild
    entries: list[Entry]

    def resolve(self, ref: object, container: Json | None = None) -> Json | None: ...

    def member_of(self, ref: object) -> str | None: ...

    def current_member(self, member_id: str | None, by: pendulum.DateTime) -> str | None: ...

    def check_subject(self, entry: Entry, problems: list[str]) -> None: ...

    def skip(self, entry: Entry, reason: str, path: str | None = None) -> None: ...

    def collect(self, label: str, problems: list[str]) -> None: ...


@attrs.frozen
class MeasureStep:
    """A completed measure to record, the resource it came from, the FHIR elements its
    fields were read from, and the other resources it was read from (its Questionnaire,
    its total's Observation), as ``(label, path)``."""

    label: str
    path: str
    elements: dict[str, str]
    event: ev.MeasureCompleted
    also: tuple[tuple[str, str], ...]


MEASURE_TYPES = frozenset({"Questionnaire", "QuestionnaireResponse"})
"""The resource types :class:`Measures` reads (and the Observations of their totals)."""


class Measures:
    """The Questionnaires, QuestionnaireResponses and total-score Observations of a bundle,
    read into the measures that import them (:meth:`plan`)."""

    def __init__(self, reader: Reader) -> None:
        """Index the bundle's Questionnaires, responses and the Observations derived from
        them."""
        self.reader = reader
        self.questionnaires = [
            e for e in reader.entries if e.resource["resourceType"] == "Questionnaire"
        ]
        self.responses = [
            e for e in reader.entries if e.resource["resourceType"] == "QuestionnaireResponse"
        ]
        self.totals: dict[str, list[Entry]] = {}
        """The Observations derived from each response (by the response's path)."""
        self.orphans: list[tuple[Entry, int, str]] = []
        """Observations derived from a response not in the bundle: (entry, index of the
        ``derivedFrom``, what it says)."""
        self.score_paths: set[str] = set()
        by_resource = {id(e.resource): e for e in self.responses}
        for entry in reader.entries:
            if entry.resource["resourceType"] != "Observation":
                continue
            for index, ref in enumerate(as_list(entry.resource.get("derivedFrom"))):
                target = reader.resolve(ref, entry.container or entry.resource)
                said = get(ref, "reference")
                if target is not None and id(target) in by_resource:
                    self.totals.setdefault(by_resource[id(target)].path, []).append(entry)
                    self.score_paths.add(entry.path)
                    break
                if get(ref, "type") == "QuestionnaireResponse" or (
                    isinstance(said, str) and "QuestionnaireResponse/" in said
                ):
                    self.orphans.append((entry, index, str(said)))
                    self.score_paths.add(entry.path)
                    break
        self.instruments: dict[str, Instrument | None] = {}
        """Each Questionnaire read (by path): its instrument, ``None`` on a problem."""

    def is_total(self, entry: Entry) -> bool:
        """Whether *entry* is the Observation of a measure's total (read here, not as
        progress)."""
        return entry.path in self.score_paths

    # --- planning -------------------------------------------------------------------------

    def plan(self) -> list[MeasureStep]:
        """The measures to record, in the bundle's order; problems are collected."""
        reader = self.reader
        for entry, index, said in self.orphans:
            reader.collect(
                entry.label,
                [
                    f"derived from {said!r}, which is not a QuestionnaireResponse of the bundle: "
                    "alliance records a measure's total with its answers "
                    f"@ {entry.path}.derivedFrom[{index}]"
                ],
            )
        steps: list[MeasureStep] = []
        used: set[str] = set()
        for entry in self.responses:
            step = self.measure(entry, used)
            if step is not None:
                steps.append(step)
        for entry in self.questionnaires:
            if entry.path not in used:
                reader.skip(
                    entry,
                    "not imported: no QuestionnaireResponse of the bundle imported answers it "
                    "(alliance records an instrument's definition with each measure answered "
                    "on it)",
                )
        return steps

    def questionnaire_of(self, entry: Entry, problems: list[str]) -> Entry | None:
        """The Questionnaire *entry*'s ``questionnaire`` names: by ``url|version``, by its
        ``url`` alone when the bundle holds one version, or by a reference to its entry."""
        path = entry.path
        said = entry.resource.get("questionnaire")
        if not isinstance(said, str) or not said:
            problems.append(
                "no questionnaire: alliance records a measure with its instrument's "
                f"definition @ {path}.questionnaire"
            )
            return None
        url, _, version = said.partition("|")
        found = [
            q
            for q in self.questionnaires
            if q.resource.get("url") == url
            and (not version or q.resource.get("version") == version)
        ]
        found += [q for q in self.questionnaires if said in q.keys and q not in found]
        if len(found) == 1:
            return found[0]
        why = (
            "no Questionnaire of the bundle has that url (and version)"
            if not found
            else f"{len(found)} Questionnaires of the bundle have that url: give its version"
        )
        problems.append(
            f"questionnaire {said!r} cannot be read: {why}; alliance records a measure with "
            f"its instrument's definition @ {path}.questionnaire"
        )
        return None

    def instrument(self, entry: Entry) -> Instrument | None:
        """The instrument a Questionnaire defines (``None`` on a problem, collected once)."""
        if entry.path not in self.instruments:
            problems: list[str] = []
            self.instruments[entry.path] = read_instrument(entry.resource, entry.path, problems)
            self.reader.collect(entry.label, problems)
        return self.instruments[entry.path]

    def measure(self, entry: Entry, used: set[str]) -> MeasureStep | None:
        """The measure a QuestionnaireResponse records (``None``: skipped, or a problem,
        collected)."""
        reader, resource, path = self.reader, entry.resource, entry.path
        totals = self.totals.get(path, [])
        status = resource.get("status")
        if status in _SKIPPED_STATUS:
            reader.skip(entry, f"status {status!r}: skipped")
            for total in totals:
                reader.skip(total, f"the total of {entry.label}, which is skipped")
            return None
        problems: list[str] = []
        if status not in _IMPORTED_STATUS:
            problems.append(
                "status must be completed or amended (or entered-in-error, which is skipped), "
                f"not {status!r}: alliance records completed measures @ {path}.status"
            )
        reader.check_subject(entry, problems)
        found = self.questionnaire_of(entry, problems)
        instrument = None if found is None else self.instrument(found)
        moment = None
        if "authored" in resource:
            moment = date_time(resource["authored"], f"{path}.authored", problems)
        else:
            problems.append(f"no authored time: when the measure was answered @ {path}.authored")
        respondent = self.respondent(entry, problems)
        answers, where = read_answers(resource, path, problems)
        actor = reader.actor
        if moment is not None:
            actor = reader.current_member(reader.member_of(resource.get("author")), moment) or actor
        notes: list[str] = []
        faulty = False
        for total in totals:
            found_notes, found_problems = self.read_total(total)
            notes += found_notes
            reader.collect(total.label, found_problems)
            faulty = faulty or bool(found_problems)
        if problems or faulty or instrument is None or moment is None or respondent is None:
            reader.collect(entry.label, problems)
            return None
        assert found is not None
        try:
            event = ev.MeasureCompleted(
                response_id=response_id(resource),
                instrument=instrument,
                respondent=respondent,
                answers=answers,
                note="\n\n".join(notes) or None,
                actor=actor,
                occurred_at=moment,
            )
        except ValidationError as error:
            element = where.get(error.field, _MEASURE_ELEMENTS.get(error.field, "item"))
            reader.collect(entry.label, [f"{error.reason} @ {path}.{element}"])
            return None
        for total in totals:
            problems = self.check_total(total, event)
            reader.collect(total.label, problems)
            faulty = faulty or bool(problems)
        if faulty:
            return None
        used.add(found.path)
        also = ((found.label, found.path), *((t.label, t.path) for t in totals))
        return MeasureStep(entry.label, path, _MEASURE_ELEMENTS, event, also)

    def respondent(self, entry: Entry, problems: list[str]) -> str | None:
        """Who answered: the child, when ``source`` is this child's Patient; else the
        member it names."""
        reader, resource, path = self.reader, entry.resource, entry.path
        source = resource.get("source")
        where = f"{path}.source"
        if source is None:
            problems.append(
                "no source: alliance records who answered a measure (the child, or a "
                f"member) @ {where}"
            )
            return None
        target = reader.resolve(source, entry.container or resource)
        kind = get(target, "resourceType") or get(source, "type")
        said = get(source, "reference")
        if kind is None and isinstance(said, str) and "/" in said:
            kind = said.split("/")[-2]
        if kind == "Patient":
            found: list[str] = []
            reader.child.check_subject({"subject": source}, path, target, found)
            problems += [p.replace(f"@ {path}.subject", f"@ {where}") for p in found]
            return None if found else reader.state.child_id
        member = reader.member_of(source)
        if member is None:
            problems.append(
                f"the source is neither this partnership's child nor one of its members @ {where}"
            )
        return member

    def read_total(self, total: Entry) -> tuple[list[str], list[str]]:
        """The notes of the Observation of a measure's total, and its problems."""
        reader, resource, path = self.reader, total.resource, total.path
        status = resource.get("status")
        problems: list[str] = []
        if status in _SKIPPED_STATUS:
            reader.skip(
                total, f"status {status!r}: skipped (the measure is recorded from its answers)"
            )
            return [], problems
        if status not in _SCORE_STATUS:
            problems.append(
                "status must be final, amended or corrected (or entered-in-error or "
                f"cancelled, which are skipped), not {status!r} @ {path}.status"
            )
        reader.check_subject(total, problems)
        for index, extension in enumerate(as_list(resource.get("extension"))):
            if get(extension, "url") == PERTAINS_TO_GOAL:
                reader.skip(
                    total,
                    "resource-pertainsToGoal not imported: alliance records a measure's total "
                    "with the measure, not as progress toward a goal",
                    f"{path}.extension[{index}]",
                )
        notes = [
            written
            for note in as_list(resource.get("note"))
            if (written := text(get(note, "text"))) is not None
        ]
        return notes, problems

    def check_total(self, total: Entry, event: ev.MeasureCompleted) -> list[str]:
        """The problems of the Observation of *event*'s total: a value that is not the total
        its answers score, or an interpretation that contradicts its instrument's cutoff."""
        resource, path = total.resource, total.path
        if resource.get("status") in _SKIPPED_STATUS:
            return []
        score = event.score
        instrument = event.instrument
        problems: list[str] = []
        other = _not_a_number(
            resource, path, ("valueQuantity", "valueInteger"), "a measure's total"
        )
        if other is not None:
            problems.append(other)
        given, element = None, ""
        if "valueQuantity" in resource:
            given = finite_number(get(resource["valueQuantity"], "value"))
            element = "valueQuantity.value"
            if given is None:
                problems.append(f"expected a number @ {path}.{element}")
            elif get(resource["valueQuantity"], "comparator") is not None:
                problems.append(f"a total has no comparator @ {path}.valueQuantity.comparator")
        elif "valueInteger" in resource:
            given, element = finite_number(resource["valueInteger"]), "valueInteger"
        if given is not None and tidy(given) != score.total:
            problems.append(
                f"the total {number(given)} is not what the answers of "
                f"{instrument.instrument_id!r} score ({number(score.total)}, its total "
                f"formed as its Questionnaire says: {instrument.total.value}) @ {path}.{element}"
            )
        for index, found in enumerate(as_list(resource.get("interpretation"))):
            codes = [
                get(c, "code")
                for c in as_list(get(found, "coding"))
                if get(c, "system") == INTERPRETATION
            ]
            for code in codes:
                why = _contradiction(instrument, score.total, score.clinical, str(code))
                if why is not None:
                    problems.append(f"{why} @ {path}.interpretation[{index}]")
        return problems


def _contradiction(
    instrument: Instrument, total: float, clinical: bool | None, code: str
) -> str | None:
    """Why interpretation *code* contradicts *total*'s place against *instrument*'s
    cutoff (``None``: it does not)."""
    shown = f"interpretation {code!r} of the total {number(total)}"
    if clinical is None:
        return (
            f"{shown} cannot be imported: {instrument.instrument_id!r} has no clinical cutoff "
            "(its scores are compared with the respondent's own earlier ones)"
        )
    assert instrument.cutoff is not None
    side = "below" if instrument.improvement is Direction.INCREASE else "above"
    place = (
        f"it is {side} the cutoff {number(float(instrument.cutoff))}"
        if clinical
        else f"it is not {side} the cutoff {number(float(instrument.cutoff))}"
    )
    wanted = ("L" if side == "below" else "H") if clinical else "N"
    agreeing = {wanted, wanted * 2, "A", "AA"} if clinical else {"N"}
    if code in agreeing:
        return None
    if code not in {"L", "LL", "H", "HH", "A", "AA", "N"}:
        return (
            f"{shown} cannot be imported: alliance reads L, H, A (and LL, HH, AA) and N "
            "against the cutoff"
        )
    return (
        f"{shown} contradicts {instrument.instrument_id!r}'s cutoff: {place}, so it is "
        f"{'' if clinical else 'not '}in the clinical range ({wanted})"
    )


def response_id(resource: Json) -> str:
    """The alliance id of a completed measure: its identifier in alliance's system (R4 has
    one identifier, R5 a list), else ``fhir-<id>``."""
    given = resource.get("identifier")
    for found in given if isinstance(given, list) else [given]:
        value = get(found, "value")
        if get(found, "system") == MEASURE_ID and isinstance(value, str):
            return value
    resource_id = resource.get("id")
    return f"fhir-{resource_id}" if isinstance(resource_id, str) and resource_id else new_id()


def read_answers(
    resource: Json, path: str, problems: list[str]
) -> tuple[dict[str, float], dict[str, str]]:
    """A response's answers by item id, and the element each was read from (by the model's
    field, ``answers.<item id>``)."""
    answers: dict[str, float] = {}
    where: dict[str, str] = {}
    for index, item in enumerate(as_list(resource.get("item"))):
        at = f"item[{index}]"
        link = text(get(item, "linkId"))
        if link is None:
            problems.append(f"expected a linkId @ {path}.{at}.linkId")
            continue
        where[f"answers.{link}"] = at
        if "item" in item:
            problems.append(
                f"item {link!r} has items of its own: an alliance instrument's items are not "
                f"grouped @ {path}.{at}.item"
            )
            continue
        given = as_list(item.get("answer"))
        if len(given) > 1:
            problems.append(
                f"item {link!r} has {len(given)} answers: an item of an instrument takes one "
                f"@ {path}.{at}.answer[1]"
            )
            continue
        if not given:
            continue
        answer = given[0]
        value, element = _answer(answer, f"{path}.{at}.answer[0]", problems)
        if value is None:
            continue
        where[f"answers.{link}"] = f"{at}.answer[0].{element}"
        if link in answers:
            problems.append(f"item {link!r} is answered more than once @ {path}.{at}")
            continue
        answers[link] = value
    return answers, where


def _answer(answer: object, where: str, problems: list[str]) -> tuple[float | None, str]:
    if not isinstance(answer, dict):
        problems.append(f"expected an answer @ {where}")
        return None, ""
    if "item" in answer:
        problems.append(f"an answer with items of its own cannot be imported @ {where}.item")
        return None, ""
    other = _not_a_number(answer, where, ("valueDecimal", "valueInteger"), "an item's answer")
    if other is not None:
        problems.append(other)
        return None, ""
    for element in ("valueDecimal", "valueInteger"):
        if element in answer:
            value = finite_number(answer[element])
            if value is None or (element == "valueInteger" and not float(value).is_integer()):
                problems.append(f"expected a number @ {where}.{element}")
                return None, ""
            return value, element
    problems.append(f"no value: expected a valueDecimal or valueInteger @ {where}.value[x]")
    return None, ""


def read_instrument(resource: Json, path: str, problems: list[str]) -> Instrument | None:
    """The instrument a Questionnaire defines: its id (``identifier``), name (``title``),
    source (``description``), items (``item``, with their ranges) and alliance's
    ``instrument`` extension for its scoring; ``None`` with the problems appended."""
    before = len(problems)
    definitions = extensions(resource, INSTRUMENT_EXTENSION)
    if not definitions:
        problems.append(
            "no instrument definition: a measure is recorded with its scoring (how the "
            "total is formed, its cutoff, who answers it), which a FHIR Questionnaire has no "
            f"element for; alliance carries it in the extension {INSTRUMENT_EXTENSION} "
            f"@ {path}.extension"
        )
        return None
    extension_at = f"{path}.extension({INSTRUMENT_EXTENSION})"
    instrument_id = next(
        (
            str(get(i, "value"))
            for i in as_list(resource.get("identifier"))
            if get(i, "system") == INSTRUMENT_ID and isinstance(get(i, "value"), str)
        ),
        f"fhir-{resource.get('id')}",
    )
    name = text(resource.get("title")) or text(resource.get("name"))
    if name is None:
        problems.append(f"no title: an instrument has a name @ {path}.title")
    items = [
        _item(item, f"{path}.item[{i}]", problems)
        for i, item in enumerate(as_list(resource.get("item")))
    ]
    try:
        fields = read_details(definitions[0], Instrument, INSTRUMENT_FIELDS)
    except ValueError as error:
        problems.append(f"{error} @ {extension_at}")
        return None
    respondents: set[RespondentRole] = set()
    for part in as_list(definitions[0].get("extension")):
        if get(part, "url") == "respondent":
            try:
                respondents.add(RespondentRole(get(part, "valueCode")))
            except ValueError:
                problems.append(
                    f"{get(part, 'valueCode')!r} is not an alliance respondent @ "
                    f"{extension_at}.respondent"
                )
    if len(problems) > before or name is None:
        return None
    try:
        return Instrument(
            instrument_id=instrument_id,
            name=name,
            items=tuple(i for i in items if i is not None),
            respondents=frozenset(respondents),
            source=text(resource.get("description")),
            **fields,
        )
    except (ValidationError, TypeError) as error:
        field = error.field if isinstance(error, ValidationError) else "extension"
        reason = error.reason if isinstance(error, ValidationError) else str(error)
        element = _INSTRUMENT_ELEMENTS.get(
            field.split("[")[0], f"extension({INSTRUMENT_EXTENSION}).{field}"
        )
        if field.startswith("items["):
            element = field.replace("items[", "item[").replace(".item_id", ".linkId")
        problems.append(f"{reason} @ {path}.{element}")
        return None


_INSTRUMENT_ELEMENTS = {
    "items": "item",
    "name": "title",
    "source": "description",
    "instrument_id": "identifier",
}
_ITEM_ELEMENTS = {
    "item_id": "linkId",
    "minimum": f"extension({MIN_VALUE})",
    "maximum": f"extension({MAX_VALUE})",
    "reverse": f"extension({ITEM_EXTENSION})",
    "required": "required",
    "whole_numbers": "type",
}


def _item(item: object, where: str, problems: list[str]) -> Item | None:
    """An instrument's item from a Questionnaire item: ``linkId``, ``type`` (``decimal``,
    or ``integer`` for whole numbers), ``required``, the ``minValue`` and ``maxValue``
    extensions, and whether it is reverse-scored (alliance's ``item-scoring``)."""
    if not isinstance(item, dict):
        problems.append(f"expected a Questionnaire item @ {where}")
        return None
    before = len(problems)
    kind = item.get("type")
    if kind not in ("decimal", "integer"):
        problems.append(
            f"an item of type {kind!r} cannot be imported: an instrument's items are answered "
            f"with numbers (decimal or integer) @ {where}.type"
        )
    if "item" in item:
        problems.append(f"an instrument's items are not grouped @ {where}.item")
    bounds: dict[str, float] = {}
    for name, url in (("minimum", MIN_VALUE), ("maximum", MAX_VALUE)):
        found = extensions(item, url)
        given = found[0] if found else {}
        value = finite_number(given.get("valueInteger", given.get("valueDecimal")))
        if value is None:
            problems.append(
                f"no {name}: an instrument's item has a range, in the extension {url} "
                f"(valueDecimal or valueInteger) @ {where}.extension"
            )
        else:
            bounds[name] = value
    reverse = False
    for scoring in extensions(item, ITEM_EXTENSION):
        for part in as_list(scoring.get("extension")):
            if get(part, "url") == "reverse":
                reverse = get(part, "valueBoolean") is True
    if len(problems) > before:
        return None
    try:
        return Item(
            item_id=str(item.get("linkId")),
            minimum=bounds["minimum"],
            maximum=bounds["maximum"],
            reverse=reverse,
            required=item.get("required") is True,
            whole_numbers=kind == "integer",
        )
    except ValidationError as error:
        problems.append(f"{error.reason} @ {where}.{_ITEM_ELEMENTS.get(error.field, error.field)}")
        return None


def _not_a_number(element: Json, where: str, numbers: tuple[str, str], what: str) -> str | None:
    """The problem of a value[x] of *element* that is not one of its *numbers*, if any."""
    other = other_choice(element, "value", numbers)
    if other is None:
        return None
    return (
        f"{other} cannot be imported: {what} is a number ({numbers[0]} or {numbers[1]}), and "
        f"this is {described(other, element[other])} @ {where}.{other}"
    )
