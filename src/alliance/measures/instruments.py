"""The instruments shipped with ``alliance``, and the registry a clinic keeps its own in.

Only item ids and scoring are shipped, never item wording: the published instruments'
forms are copyrighted and licensed by their authors, and a clinic uses them under its
own licence. Each definition's ``source`` says where its scoring facts come from. Where
a clinic's licensed manual gives other figures (a cutoff for caretakers, a
reliable-change figure for a youth version), register a copy with them::

    my_cors = attrs.evolve(OUTCOME_RATING_CHILD, instrument_id="cors-caretaker",
                           respondents=frozenset({RespondentRole.CARER}), cutoff=...)
    registry = InstrumentRegistry.default()
    registry.register(my_cors)
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from alliance.errors import DomainError, UnknownRecordError, ValidationError
from alliance.model.goals import Direction
from alliance.model.measures import (
    Instrument,
    InstrumentPurpose,
    Item,
    RespondentRole,
    TotalMethod,
)

__all__ = [
    "COPM_PERFORMANCE",
    "COPM_SATISFACTION",
    "EXAMPLE_CAREGIVER_ALLIANCE",
    "OUTCOME_RATING",
    "OUTCOME_RATING_ADOLESCENT",
    "OUTCOME_RATING_CHILD",
    "SESSION_RATING",
    "SHIPPED_INSTRUMENTS",
    "InstrumentRegistry",
]


def _line(item_id: str) -> Item:
    """A visual-analogue item: a mark on a 10 cm line, scored 0-10 to the millimetre."""
    return Item(item_id=item_id, minimum=0, maximum=10)


_OUTCOME_ITEMS = (
    _line("individual"),
    _line("interpersonal"),
    _line("social"),
    _line("overall"),
)

_ORS_SOURCE = (
    "Outcome Rating Scale (ORS): Miller, Duncan, Brown, Sparks & Claud (2003), The Outcome "
    "Rating Scale: a preliminary study of the reliability, validity, and feasibility of a "
    "brief visual analog measure, Journal of Brief Therapy 2(2), 91-100. Four 10 cm lines "
    "scored 0-10, total 0-40. Item ids and scoring only; the form is licensed by its authors."
)
_YOUTH_SOURCE = (
    "Child Outcome Rating Scale (CORS, ages 6-12) and ORS for adolescents: Duncan, Sparks, "
    "Miller, Bohanske & Claud (2006), Giving youth a voice: a preliminary study of the "
    "reliability and validity of a brief outcome measure for children, adolescents, and "
    "caretakers, Journal of Brief Therapy 5(2), 71-88. Item ids and scoring only. No "
    "reliable-change figure is assumed here: register a copy with the one from your "
    "licensed manual."
)

OUTCOME_RATING = Instrument(
    instrument_id="outcome-rating",
    name="Outcome rating (ORS-style, adults)",
    purpose=InstrumentPurpose.OUTCOME,
    items=_OUTCOME_ITEMS,
    respondents=frozenset({RespondentRole.CARER}),
    total=TotalMethod.SUM,
    improvement=Direction.INCREASE,
    cutoff=25,
    reliable_change=5,
    source=_ORS_SOURCE
    + " Clinical cutoff 25 for adults (a total below 25 is in the clinical range) and a "
    "reliable change of 5 points, as reported by Miller et al. (2003).",
)
"""A four-item 0-10 outcome rating, ORS-style, for an adult: a carer rating how they
themselves are doing. Total 0-40 (sum); higher is better; cutoff 25 (a total below 25
is clinical); a change of 5 or more is reliable (Miller et al., 2003)."""


def _youth_outcome_rating(
    instrument_id: str, name: str, *, group: str, min_age: int, max_age: int, cutoff: int
) -> Instrument:
    """:data:`OUTCOME_RATING` answered by a young person of *group* (*min_age* to
    *max_age*) about themselves, with the group's clinical *cutoff* (Duncan et al., 2006)
    and no reliable-change figure."""
    return attrs.evolve(
        OUTCOME_RATING,
        instrument_id=instrument_id,
        name=name,
        respondents=frozenset({RespondentRole.CHILD}),
        cutoff=cutoff,
        reliable_change=None,
        min_age=min_age,
        max_age=max_age,
        source=_YOUTH_SOURCE + f" Clinical cutoff {cutoff} for {group} (Duncan et al., 2006).",
    )


OUTCOME_RATING_ADOLESCENT = _youth_outcome_rating(
    "outcome-rating-adolescent",
    "Outcome rating (ORS-style, adolescents 13-17)",
    group="adolescents",
    min_age=13,
    max_age=17,
    cutoff=28,
)
"""The same four-item 0-10 outcome rating answered by an adolescent (13-17) about
themselves. Total 0-40; cutoff 28 (Duncan et al., 2006); no reliable-change figure."""

OUTCOME_RATING_CHILD = _youth_outcome_rating(
    "outcome-rating-child",
    "Outcome rating (CORS-style, children 6-12)",
    group="children",
    min_age=6,
    max_age=12,
    cutoff=32,
)
"""A child's four-item 0-10 outcome rating (CORS-style, ages 6-12), answered by the
child. Total 0-40; cutoff 32 (Duncan et al., 2006); no reliable-change figure."""

SESSION_RATING = Instrument(
    instrument_id="session-rating",
    name="Session rating (SRS-style)",
    purpose=InstrumentPurpose.ALLIANCE,
    items=(
        _line("relationship"),
        _line("goals-and-topics"),
        _line("approach"),
        _line("overall"),
    ),
    respondents=frozenset({RespondentRole.CARER, RespondentRole.CHILD}),
    total=TotalMethod.SUM,
    improvement=Direction.INCREASE,
    cutoff=36,
    min_age=13,
    source="Session Rating Scale (SRS): Duncan, Miller, Sparks, Claud, Reynolds, Brown & "
    "Johnson (2003), The Session Rating Scale: preliminary psychometric properties of a "
    "'working' alliance measure, Journal of Brief Therapy 3(1), 3-12. Four 10 cm lines "
    "scored 0-10, total 0-40; a total below 36 suggests the alliance needs attention. "
    "Item ids and scoring only; the form is licensed by its authors.",
)
"""A four-item 0-10 session (alliance) rating, SRS-style, answered at the end of a
session by a carer, or by the child from 13. Total 0-40; a total below 36 is an alliance
flag (Duncan et al., 2003). No reliable-change figure: it is read session by session."""

EXAMPLE_CAREGIVER_ALLIANCE = Instrument(
    instrument_id="example-caregiver-alliance",
    name="Caregiver alliance questionnaire (example scale)",
    purpose=InstrumentPurpose.ALLIANCE,
    items=(
        Item(item_id="feels-heard", minimum=1, maximum=5, whole_numbers=True),
        Item(item_id="goals-agreed", minimum=1, maximum=5, whole_numbers=True),
        Item(item_id="feels-judged", minimum=1, maximum=5, whole_numbers=True, reverse=True),
        Item(item_id="plan-makes-sense", minimum=1, maximum=5, whole_numbers=True),
        Item(item_id="feels-rushed", minimum=1, maximum=5, whole_numbers=True, reverse=True),
        Item(item_id="would-continue", minimum=1, maximum=5, whole_numbers=True),
    ),
    respondents=frozenset({RespondentRole.CARER}),
    total=TotalMethod.MEAN,
    improvement=Direction.INCREASE,
    cutoff=3.5,
    reliable_change=0.75,
    source="An example scale written for alliance's documentation and tests: NOT a "
    "published or validated instrument. Six items answered 1-5; 'feels-judged' and "
    "'feels-rushed' are reverse-scored (an answer a scores 6 - a); the total is the mean. "
    "The cutoff (3.5) and reliable change (0.75) are illustrative, not norms.",
)
"""An EXAMPLE caregiver alliance questionnaire (not a published instrument): six 1-5
items, two of them reverse-scored, total = mean; illustrative cutoff 3.5 and reliable
change 0.75. It shows how a clinic defines a scale with reverse-scored items."""


def _problems() -> tuple[Item, ...]:
    return tuple(
        Item(
            item_id=f"problem-{n}",
            minimum=1,
            maximum=10,
            whole_numbers=True,
            required=n == 1,
        )
        for n in range(1, 6)
    )


_COPM_SOURCE = (
    "Canadian Occupational Performance Measure (COPM): Law, Baptiste, Carswell, McColl, "
    "Polatajko & Pollock, COPM manual (5th ed., 2014). The client (here the child or a "
    "carer) rates each of up to five priority problems from 1 to 10; the score is the sum "
    "of the ratings divided by the number of problems; a change of 2 points or more is "
    "clinically important. No cutoff: scores are compared with the client's own earlier "
    "scores. Item ids and scoring only."
)

COPM_PERFORMANCE = Instrument(
    instrument_id="copm-performance",
    name="Occupational performance rating (COPM-style performance)",
    purpose=InstrumentPurpose.OUTCOME,
    items=_problems(),
    respondents=frozenset({RespondentRole.CHILD, RespondentRole.CARER}),
    total=TotalMethod.MEAN,
    improvement=Direction.INCREASE,
    reliable_change=2,
    source=_COPM_SOURCE,
)
"""COPM-style performance: up to five problems ('problem-1' .. 'problem-5', the first
required) rated 1-10; total = mean over the problems rated; a change of 2 or more is
clinically important (held as the reliable-change threshold). No cutoff."""

COPM_SATISFACTION = attrs.evolve(
    COPM_PERFORMANCE,
    instrument_id="copm-satisfaction",
    name="Occupational performance rating (COPM-style satisfaction)",
)
"""COPM-style satisfaction with performance on the same problems, scored like
:data:`COPM_PERFORMANCE`."""

SHIPPED_INSTRUMENTS: tuple[Instrument, ...] = (
    OUTCOME_RATING,
    OUTCOME_RATING_ADOLESCENT,
    OUTCOME_RATING_CHILD,
    SESSION_RATING,
    EXAMPLE_CAREGIVER_ALLIANCE,
    COPM_PERFORMANCE,
    COPM_SATISFACTION,
)
"""Every instrument shipped with ``alliance``, in the order the default registry lists them."""


@attrs.define
class InstrumentRegistry:
    """The instruments a clinic uses, by id. Ids are unique: registering a second
    instrument with an id already registered is refused.

    Start from :meth:`default` (the shipped instruments) or an empty registry, and add
    the clinic's own with :meth:`register`.
    """

    _instruments: dict[str, Instrument] = attrs.field(factory=dict, init=False)

    @classmethod
    def default(cls) -> InstrumentRegistry:
        """A registry holding the instruments shipped with ``alliance``."""
        return cls.of(*SHIPPED_INSTRUMENTS)

    @classmethod
    def of(cls, *instruments: Instrument) -> InstrumentRegistry:
        """A registry holding *instruments* (their ids must be unique)."""
        registry = cls()
        for instrument in instruments:
            registry.register(instrument)
        return registry

    def register(self, instrument: Instrument) -> Instrument:
        """Add a clinic's instrument; returns it.

        Raises:
            ValidationError: it is not an :class:`Instrument`.
            DomainError: an instrument with its id is already registered.
        """
        if not isinstance(instrument, Instrument):
            raise ValidationError(
                "instrument", f"must be an Instrument, not {type(instrument).__name__}"
            )
        if instrument.instrument_id in self._instruments:
            raise DomainError(
                "instrument_id",
                f"an instrument with id {instrument.instrument_id!r} is already registered",
            )
        self._instruments[instrument.instrument_id] = instrument
        return instrument

    def get(self, instrument_id: str) -> Instrument:
        """The instrument with *instrument_id*.

        Raises:
            UnknownRecordError: none is registered with that id.
        """
        instrument = self._instruments.get(instrument_id)
        if instrument is None:
            known = ", ".join(self._instruments) or "none"
            raise UnknownRecordError(
                "instrument_id",
                f"no instrument with id {instrument_id!r} is registered (registered: {known})",
            )
        return instrument

    def __getitem__(self, instrument_id: str) -> Instrument:
        return self.get(instrument_id)

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self._instruments

    def __iter__(self) -> Iterator[Instrument]:
        return iter(tuple(self._instruments.values()))

    def __len__(self) -> int:
        return len(self._instruments)

    @property
    def ids(self) -> tuple[str, ...]:
        """The registered ids, in the order they were registered."""
        return tuple(self._instruments)

    def suitable(
        self,
        respondent: RespondentRole,
        *,
        age: int | None = None,
        purpose: InstrumentPurpose | None = None,
    ) -> tuple[Instrument, ...]:
        """The instruments *respondent* may answer (for a child respondent, of *age*),
        optionally only those with *purpose*."""
        return tuple(
            i
            for i in self._instruments.values()
            if respondent in i.respondents
            and (purpose is None or i.purpose is purpose)
            and (respondent is not RespondentRole.CHILD or age is None or i.suits_age(age))
        )
