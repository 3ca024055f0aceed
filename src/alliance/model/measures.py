"""Standardised measures: instrument definitions, responses to them, and their scores.

An :class:`Instrument` is data, not code: its items and their ranges, which items are
reverse-scored, how the total is formed, a clinical cutoff and the direction of
improvement, a reliable-change threshold, who answers it and for which ages. A response
is recorded on the timeline as a :class:`MeasureCompleted` event that carries the
definition it was answered on, so it is validated when it is built, scored the same way
forever after, and readable even if the clinic later changes or retires the instrument.

The instruments shipped with ``alliance``, and the registry in which a clinic keeps its
own, are in :mod:`alliance.measures.instruments`; routine outcome monitoring (schedules,
due measures, reliable change) is in :mod:`alliance.measures.monitoring`.

Scores are rounded to 9 decimal places, so that answers given to one or two decimals
(a mark on a 10 cm line measured to the millimetre) add up to the totals a person would
write down, without binary floating-point noise (``24.9 + 0.1`` is ``25``).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from alliance.errors import DomainError, ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission, Side
from alliance.model.goals import Direction
from alliance.model.people import MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "Answer",
    "Instrument",
    "InstrumentPurpose",
    "Item",
    "MeasureCompleted",
    "MeasureResponse",
    "RespondentRole",
    "Score",
    "TotalMethod",
    "tidy",
]


def tidy(value: float) -> float:
    """*value* rounded to 9 decimal places (and never ``-0.0``)."""
    return round(value, 9) + 0.0


def _number(value: float) -> str:
    return f"{tidy(value):g}"


class RespondentRole(enum.StrEnum):
    """Who answers a measure: the child, a carer or a professional."""

    CHILD = "child"
    CARER = "carer"
    PROFESSIONAL = "professional"


class InstrumentPurpose(enum.StrEnum):
    """What a measure is for."""

    OUTCOME = "outcome"
    """How things are going for the child or family: routine outcome monitoring."""
    ALLIANCE = "alliance"
    """How the working relationship is going (a session rating): a score on the clinical
    side of its cutoff is an alliance flag."""


class TotalMethod(enum.StrEnum):
    """How an instrument's total is formed from its (reverse-scored) items."""

    SUM = "sum"
    """The sum of the answered items."""
    MEAN = "mean"
    """The mean of the answered items."""
    PRORATED_SUM = "prorated-sum"
    """The mean of the answered items times the number of items: the sum the whole scale
    would give if the unanswered items were answered like the others."""


def _optional_age(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        c.whole_number(0, 130)(_instance, attribute, value)


def _optional_positive(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        c.check_finite(attribute.name, value)
        assert isinstance(value, int | float)
        if value <= 0:
            raise ValidationError(attribute.name, "must be greater than zero")


@attrs.frozen(kw_only=True)
class Item:
    """One item of an instrument: its id and the answers it takes. No wording is kept.

    Attributes:
        item_id: the item's id within the instrument ("overall", "problem-1").
        minimum: the lowest answer (default 0).
        maximum: the highest answer; above ``minimum``.
        reverse: whether the item is reverse-scored: an answer ``a`` scores
            ``minimum + maximum - a``, so that a higher score always means the same
            direction on every item.
        required: whether the item must be answered (default true).
        whole_numbers: whether answers are whole numbers (a 1-5 scale) rather than any
            number in the range (a mark on a line).
    """

    item_id: str = attrs.field(validator=c.identifier)
    minimum: float = attrs.field(default=0.0, validator=c.finite)
    maximum: float = attrs.field(validator=c.finite)
    reverse: bool = attrs.field(default=False, validator=c.instance_of(bool))
    required: bool = attrs.field(default=True, validator=c.instance_of(bool))
    whole_numbers: bool = attrs.field(default=False, validator=c.instance_of(bool))

    def __attrs_post_init__(self) -> None:
        if self.maximum <= self.minimum:
            raise ValidationError("maximum", f"must be above the minimum ({self.minimum})")
        if self.whole_numbers and not (
            float(self.minimum).is_integer() and float(self.maximum).is_integer()
        ):
            raise ValidationError(
                "whole_numbers",
                "an item answered in whole numbers needs a whole minimum and maximum",
            )

    def scored(self, answer: float) -> float:
        """The score of *answer*: the answer itself, or reversed for a reverse-scored item."""
        return tidy(self.minimum + self.maximum - answer) if self.reverse else tidy(answer)

    def check(self, answer: object, field: str) -> None:
        """Raise :class:`ValidationError` on *field* unless *answer* fits this item."""
        c.check_finite(field, answer)
        assert isinstance(answer, int | float)
        if not self.minimum <= answer <= self.maximum:
            raise ValidationError(
                field,
                f"{_number(answer)} is out of range: item {self.item_id!r} is answered from "
                f"{_number(self.minimum)} to {_number(self.maximum)}",
            )
        if self.whole_numbers and not float(answer).is_integer():
            raise ValidationError(
                field,
                f"{_number(answer)} is not a whole number: item {self.item_id!r} is answered "
                f"with whole numbers from {_number(self.minimum)} to {_number(self.maximum)}",
            )


@attrs.frozen(kw_only=True)
class Answer:
    """The answer given to one item."""

    item_id: str = attrs.field(validator=c.identifier)
    value: float = attrs.field(validator=c.finite)


@attrs.frozen(kw_only=True)
class Score:
    """A response scored by its instrument's definition.

    Attributes:
        instrument_id: the instrument.
        total: the total, formed as the instrument says.
        item_scores: each answered item's score (reversed where the item is
            reverse-scored), in the instrument's order.
        answered: how many items were answered.
        clinical: whether the total is on the clinical side of the instrument's cutoff;
            ``None`` when it has no cutoff.
    """

    instrument_id: str
    total: float
    item_scores: Mapping[str, float]
    answered: int
    clinical: bool | None = None


def _items(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.tuple_of(Item)(_instance, attribute, value)
    assert isinstance(value, tuple)
    if not value:
        raise ValidationError(attribute.name, "an instrument has at least one item")
    seen: set[str] = set()
    for index, item in enumerate(value):
        if item.item_id in seen:
            raise ValidationError(
                f"{attribute.name}[{index}].item_id", f"item id {item.item_id!r} is repeated"
            )
        seen.add(item.item_id)


@attrs.frozen(kw_only=True)
class Instrument:
    """A standardised measure, defined as data: items and scoring, never item wording.

    Attributes:
        instrument_id: a stable id ("session-rating"); a clinic's registry refuses two
            instruments with the same id.
        name: a plain-language name.
        purpose: outcome (routine outcome monitoring) or alliance (a session rating).
        items: the items, in order; each with its range, reverse-scoring, whether it is
            required and whether it takes whole numbers.
        respondents: who may answer it: the child, a carer, a professional.
        total: how the total is formed: sum, mean, or prorated sum of the answered
            items (default sum).
        minimum_answered: at least this many items must be answered (default 1; every
            required item must be answered in any case).
        improvement: the direction in which scores improve (default ``increase``: higher
            is better).
        cutoff: the clinical cutoff, if any. With ``improvement`` ``increase`` a total
            *below* it is on the clinical side (a total equal to it is not); with
            ``decrease`` a total *above* it is.
        reliable_change: the smallest change of the total that counts as reliable (or,
            for measures that publish a clinically important difference instead, that
            difference); a change of at least this much is reliable.
        min_age, max_age: the ages (in whole years, inclusive) a child answering it
            should be, if it is meant for some ages only; they do not limit carers and
            professionals. Checked by :meth:`check_age`, not by the timeline.
        source: where the scoring facts come from (a citation), or a note that the
            instrument is an example.
    """

    instrument_id: str = attrs.field(validator=c.identifier)
    name: str = attrs.field(validator=c.text)
    purpose: InstrumentPurpose = attrs.field(validator=c.one_of(InstrumentPurpose))
    items: tuple[Item, ...] = attrs.field(validator=_items)
    respondents: frozenset[RespondentRole] = attrs.field(
        validator=c.set_of(RespondentRole, non_empty=True)
    )
    total: TotalMethod = attrs.field(default=TotalMethod.SUM, validator=c.one_of(TotalMethod))
    minimum_answered: int = attrs.field(default=1, validator=c.whole_number(1))
    improvement: Direction = attrs.field(default=Direction.INCREASE, validator=c.one_of(Direction))
    cutoff: float | None = attrs.field(default=None, validator=c.optional_finite)
    reliable_change: float | None = attrs.field(default=None, validator=_optional_positive)
    min_age: int | None = attrs.field(default=None, validator=_optional_age)
    max_age: int | None = attrs.field(default=None, validator=_optional_age)
    source: str | None = attrs.field(default=None, validator=c.optional_text)

    def __attrs_post_init__(self) -> None:
        if self.minimum_answered > len(self.items):
            raise ValidationError(
                "minimum_answered",
                f"must be at most the number of items ({len(self.items)}), "
                f"not {self.minimum_answered}",
            )
        low, high = self.score_range
        if self.cutoff is not None and not low <= self.cutoff <= high:
            raise ValidationError(
                "cutoff",
                f"{_number(self.cutoff)} is outside the possible totals "
                f"({_number(low)} to {_number(high)})",
            )
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError(
                "max_age", f"must not be below min_age ({self.min_age}), not {self.max_age}"
            )

    # --- reading the definition ---------------------------------------------------------

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The items' ids, in order."""
        return tuple(item.item_id for item in self.items)

    def item(self, item_id: str) -> Item:
        """The item with *item_id*.

        Raises:
            ValidationError: it has no such item.
        """
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise ValidationError(
            "item_id",
            f"{item_id!r} is not an item of {self.instrument_id!r}; "
            f"its items are {', '.join(self.item_ids)}",
        )

    @property
    def score_range(self) -> tuple[float, float]:
        """The lowest and highest total a full set of answers can give."""
        if self.total is TotalMethod.MEAN:
            return (min(i.minimum for i in self.items), max(i.maximum for i in self.items))
        return (
            tidy(math.fsum(i.minimum for i in self.items)),
            tidy(math.fsum(i.maximum for i in self.items)),
        )

    def is_clinical(self, total: float) -> bool | None:
        """Whether *total* is on the clinical side of the cutoff (``None`` without one)."""
        if self.cutoff is None:
            return None
        if self.improvement is Direction.INCREASE:
            return total < self.cutoff
        return total > self.cutoff

    def suits_age(self, age: int) -> bool:
        """Whether the instrument is meant for a child of *age* (whole years)."""
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age <= self.max_age
        )

    def check_age(self, age: int) -> None:
        """Raise :class:`ValidationError` (on ``age``) unless it suits a child of *age*.

        The timeline cannot check ages (the child's date of birth is personal data kept
        off it), so call this when choosing an instrument for a child.
        """
        if isinstance(age, bool) or not isinstance(age, int) or age < 0:
            raise ValidationError("age", f"must be a whole number of years, not {age!r}")
        if not self.suits_age(age):
            bounds = [
                f"from {self.min_age}" if self.min_age is not None else "",
                f"up to {self.max_age}" if self.max_age is not None else "",
            ]
            ages = " ".join(b for b in bounds if b)
            raise ValidationError(
                "age", f"{self.instrument_id!r} is meant for ages {ages}, not {age}"
            )

    # --- answers and scores ------------------------------------------------------------

    def check_answers(self, answers: Mapping[str, float], field: str = "answers") -> None:
        """Raise :class:`ValidationError` unless *answers* (by item id) fit the definition.

        Each problem names its item: ``answers.overall: 11 is out of range...``,
        ``answers.relationship: is required but was not answered``.
        """
        known = set(self.item_ids)
        for item_id in answers:
            if item_id not in known:
                raise ValidationError(
                    f"{field}.{item_id}",
                    f"{item_id!r} is not an item of {self.instrument_id!r}; "
                    f"its items are {', '.join(self.item_ids)}",
                )
        for item in self.items:
            if item.item_id in answers:
                item.check(answers[item.item_id], f"{field}.{item.item_id}")
            elif item.required:
                raise ValidationError(f"{field}.{item.item_id}", "is required but was not answered")
        if len(answers) < self.minimum_answered:
            raise ValidationError(
                field,
                f"{self.instrument_id!r} needs at least {self.minimum_answered} answered "
                f"item(s), not {len(answers)}",
            )

    def score(self, answers: Mapping[str, float]) -> Score:
        """Check *answers* (by item id) and score them.

        Raises:
            ValidationError: an answer is out of range or not a whole number where one is
                needed, an item is unknown, a required item was not answered, or too few
                items were answered.
        """
        self.check_answers(answers)
        item_scores = {
            item.item_id: item.scored(answers[item.item_id])
            for item in self.items
            if item.item_id in answers
        }
        values = list(item_scores.values())
        if self.total is TotalMethod.SUM:
            total = math.fsum(values)
        elif self.total is TotalMethod.MEAN:
            total = math.fsum(values) / len(values)
        else:
            total = math.fsum(values) / len(values) * len(self.items)
        total = tidy(total)
        return Score(
            instrument_id=self.instrument_id,
            total=total,
            item_scores=item_scores,
            answered=len(values),
            clinical=self.is_clinical(total),
        )


def answer_tuple(value: Mapping[str, float] | Iterable[Answer]) -> tuple[Answer, ...]:
    """Converter for ``answers``: a mapping of item id to answer, or :class:`Answer`
    objects, kept as answers sorted by item id (so equal answers give equal events)."""
    if isinstance(value, str | bytes):
        raise ValidationError("answers", "must map item ids to answers")
    if isinstance(value, Mapping):
        answers: list[Answer] = []
        for item_id, answer in value.items():
            if not isinstance(item_id, str):
                raise ValidationError("answers", f"item ids are text, not {item_id!r}")
            c.check_finite(f"answers.{item_id}", answer)
            answers.append(Answer(item_id=item_id, value=answer))
    elif isinstance(value, Iterable):
        answers = list(value)
        for index, answer in enumerate(answers):
            if not isinstance(answer, Answer):
                raise ValidationError(
                    f"answers[{index}]", f"must be an Answer, not {type(answer).__name__}"
                )
    else:
        raise ValidationError("answers", "must map item ids to answers")
    return tuple(sorted(answers, key=lambda a: a.item_id))


class _Answered:
    """The answers of a completed measure read by item id and scored by its instrument:
    the same for the event that records it and the response folded from it."""

    __slots__ = ()

    instrument: Instrument
    answers: tuple[Answer, ...]

    @property
    def answer_map(self) -> dict[str, float]:
        """The answers by item id."""
        return {a.item_id: a.value for a in self.answers}

    @property
    def score(self) -> Score:
        """The response scored by its instrument."""
        return self.instrument.score(self.answer_map)


@attrs.frozen(kw_only=True)
class MeasureCompleted(Event, _Answered):
    """Someone answered a standardised measure (an outcome rating, a session rating...).

    The event carries the instrument's definition, and is refused when it is built if
    the answers do not fit it (``ValidationError`` naming the item). When it is recorded,
    the respondent must be the child or a current member on a side the instrument is
    answered from (``DomainError`` on ``respondent``), and a member's answers are
    recorded by that member or by a professional entering them for them (``DomainError``
    on ``actor``).

    Attributes:
        response_id: the response's id (generated when not given).
        instrument: the instrument's definition, as answered.
        respondent: who answered: the child's id for child-rated measures, otherwise the
            member's id. The ``actor`` is who recorded it.
        answers: the answers by item id (give a dict; kept sorted by item id).
        note: anything the respondent or the recorder wants the team to know.
    """

    permission = Permission(
        act="recording a measure",
        carer="yes (the model's respondent rules apply)",
        professional=True,
        educator="their own answers",
    )

    response_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    instrument: Instrument = attrs.field(validator=c.instance_of(Instrument))
    respondent: str = attrs.field(validator=c.identifier)
    answers: tuple[Answer, ...] = attrs.field(converter=answer_tuple, validator=c.tuple_of(Answer))
    note: str | None = attrs.field(default=None, validator=c.optional_text)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for answer in self.answers:
            if answer.item_id in seen:
                raise ValidationError(f"answers.{answer.item_id}", "is answered more than once")
            seen.add(answer.item_id)
        self.instrument.check_answers(self.answer_map)

    def _respondent_role(self, state: PartnershipState) -> RespondentRole:
        if self.respondent == state.child_id:
            return RespondentRole.CHILD
        role = c.member(state, "respondent", self.respondent, self.occurred_at)
        return RespondentRole(role.value)

    def check(self, state: PartnershipState) -> None:
        """A new id; the respondent is the child or a current member on a side the
        instrument is answered from; a member's answers are recorded by that member or
        entered by a professional."""
        c.unused_id("response_id", self.response_id, state.measures, "measure response")
        instrument = self.instrument
        role = self._respondent_role(state)
        if role not in instrument.respondents:
            answered_by = " or ".join(
                "the child" if r is RespondentRole.CHILD else f"a {r.value}"
                for r in sorted(instrument.respondents)
            )
            who = (
                "the child does not answer it"
                if role is RespondentRole.CHILD
                else f"{self.respondent!r} is a {role.value}"
            )
            raise DomainError(
                "respondent", f"{instrument.instrument_id!r} is answered by {answered_by}; {who}"
            )
        if (
            role is not RespondentRole.CHILD
            and self.respondent != self.actor
            and state.role_of(self.actor) is not MemberRole.PROFESSIONAL
        ):
            raise DomainError(
                "actor",
                f"{self.actor!r} cannot record {self.respondent!r}'s answers: members record "
                "their own answers or the child's, and professionals enter answers for others",
            )

    def refusal_for(self, state: PartnershipState, side: Side) -> str | None:
        """Educators record only their own answers."""
        if side is not Side.EDUCATOR or self.respondent == self.actor:
            return None
        return "educators record only their own answers to a measure"

    def apply(self, state: PartnershipState) -> None:
        """A completed measure, with the side its respondent answered from."""
        if self.respondent == state.child_id:
            role = RespondentRole.CHILD
        else:
            role = RespondentRole(state.members[self.respondent].role.value)
        state.measures[self.response_id] = MeasureResponse(
            response_id=self.response_id,
            instrument=self.instrument,
            respondent=self.respondent,
            respondent_role=role,
            answers=self.answers,
            completed_at=self.occurred_at,
            recorded_by=self.actor,
            note=self.note,
        )


@attrs.frozen(kw_only=True)
class MeasureResponse(_Answered):
    """A completed measure as recorded, folded from :class:`MeasureCompleted`.

    Attributes:
        response_id: its id.
        instrument: the definition it was answered on.
        respondent: who answered (the child's id, or a member's).
        respondent_role: whether that was the child, a carer or a professional.
        answers: the answers, sorted by item id.
        completed_at: when it was answered (the event's ``occurred_at``).
        recorded_by: who recorded it (the event's ``actor``).
        note: the note, if any.
    """

    response_id: str
    instrument: Instrument
    respondent: str
    respondent_role: RespondentRole
    answers: tuple[Answer, ...]
    completed_at: pendulum.DateTime
    recorded_by: str
    note: str | None = None

    @property
    def instrument_id(self) -> str:
        """The instrument's id."""
        return self.instrument.instrument_id
