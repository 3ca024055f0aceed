"""Units of FHIR quantities, through UCUM (private; used by the import and the export).

An imported ``valueQuantity`` is recorded in its goal's unit: as it is when its unit is the
goal's (or it has none), converted when both are UCUM units of the same kind (``[lb_av]``
into a goal in ``kg``), and refused by name otherwise. Conversion uses ``ucumvert`` (UCUM
codes parsed into ``pint`` quantities), alliance's optional ``ucum`` extra, imported only
when a unit is to be converted or written as a UCUM code; without it, a value in another
unit than its goal's is refused, saying so. What is converted and how it is rounded is in
``docs/fhir.md``.
"""

from __future__ import annotations

import functools
import importlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from types import ModuleType
from typing import TYPE_CHECKING, Any

from alliance.fhir._common import Json, number

if TYPE_CHECKING:
    from pint.facets.plain import PlainQuantity, PlainUnit

UCUM = "http://unitsofmeasure.org"
"""The FHIR system of UCUM codes."""
EXTRA = "ucum"
"""The optional extra that brings unit conversion (``pip install 'alliance[ucum]'``)."""
NEEDS_EXTRA = (
    f"converting units needs alliance's optional {EXTRA!r} extra "
    f"(pip install 'alliance[{EXTRA}]'), which is not installed"
)
EXTRA_DIGITS = 2
"""How many decimal places finer than the input's last digit (in the goal's unit) a
converted value keeps."""

_ANNOTATION = re.compile(r"\{[^{}]*\}")


def _import_ucumvert() -> ModuleType:
    """``ucumvert``, imported when first needed (tests replace this to simulate its
    absence)."""
    return importlib.import_module("ucumvert")


@dataclass(frozen=True)
class _Parsed:
    """A UCUM code as a pint quantity: *scale* of *unit* (``100/{cells}`` is 100 of 1)."""

    code: str
    scale: float
    unit: PlainUnit
    make: Callable[[float, PlainUnit], PlainQuantity[Any]]

    @property
    def kind(self) -> str:
        """The code's dimensions, as pint names them (``[mass]``, ``1 / [time]``)."""
        dimensions = str(self.unit.dimensionality)
        return "dimensionless" if dimensions == "dimensionless" else dimensions

    @property
    def annotations(self) -> tuple[str, ...]:
        """The code's ``{annotations}``, which UCUM (and so pint) ignore."""
        return tuple(sorted(_ANNOTATION.findall(self.code)))


class _Ucum:
    """UCUM codes read by ucumvert, and values converted between them by pint."""

    def __init__(self, module: ModuleType) -> None:
        import lark.exceptions  # noqa: PLC0415 - ucumvert's own dependencies, present with it
        import pint  # noqa: PLC0415

        registry = module.PintUcumRegistry()
        self._from_ucum: Callable[[str], object] = registry.from_ucum
        self.errors: tuple[type[Exception], ...] = (
            lark.exceptions.LarkError,
            pint.errors.PintError,
            ValueError,
            ArithmeticError,
        )
        """What reading a unit or converting a value may raise."""
        self._quantity = pint.Quantity
        self._parsed: dict[str, _Parsed | None] = {}

    def parse(self, code: str) -> _Parsed | None:
        """*code* as a pint quantity, or ``None`` when it is not a UCUM code ucumvert reads
        into one (an annotation alone, ``{requests}``, gives none)."""
        if code not in self._parsed:
            self._parsed[code] = self._read(code)
        return self._parsed[code]

    def _read(self, code: str) -> _Parsed | None:
        try:
            found = self._from_ucum(code)
        except self.errors:
            return None
        if not isinstance(found, self._quantity):
            return None
        magnitude = float(found.magnitude)
        if not math.isfinite(magnitude) or magnitude == 0:
            return None
        made = type(found)
        return _Parsed(code=code, scale=magnitude, unit=found.units, make=made)

    def convert(self, value: object, source: _Parsed, goal: _Parsed) -> float | str:
        """*value* (a JSON number in *source*) in *goal*, rounded (:func:`rounded`), or why
        it cannot be converted faithfully."""
        assert isinstance(value, int | float)
        step = float(_resolution(value))

        def into_goal(x: float) -> float:
            quantity = source.make(x * source.scale, source.unit).to(goal.unit)
            return float(quantity.magnitude) / goal.scale

        try:
            zero, one, two = (into_goal(x) for x in (0.0, 1.0, 2.0))
            first = into_goal(float(value))
        except self.errors as error:
            return f"pint cannot convert it ({error})"
        scale = one - zero
        if not all(math.isfinite(x) for x in (first, zero, one, two)) or scale == 0:
            return "the converted value is out of range"
        if not math.isclose(two - one, scale, rel_tol=1e-9):
            return (
                "alliance converts only units related by a factor (and, for temperatures, "
                "an offset), and these are not (a logarithmic unit, say)"
            )
        return rounded(first, step * abs(scale))


@functools.cache
def _loaded(module: ModuleType) -> _Ucum:
    return _Ucum(module)


def ucum() -> _Ucum | None:
    """UCUM, or ``None`` when the ``ucum`` extra (ucumvert) is not installed."""
    try:
        module = _import_ucumvert()
    except ImportError:
        return None
    return _loaded(module)


def ucum_coding(unit: str) -> Json:
    """The ``system`` and ``code`` of a Quantity in *unit*: UCUM's when *unit* is a UCUM code
    (as ucumvert reads it), else none (``{}``; also without the ``ucum`` extra)."""
    found = ucum()
    if found is None or found.parse(unit) is None:
        return {}
    return {"system": UCUM, "code": unit}


def _shown(unit: str | None, code: str | None) -> str:
    if unit is not None and code is not None and unit != code:
        return f"{unit!r} (code {code!r})"
    return repr(unit if unit is not None else code)


def _resolution(value: object) -> Decimal:
    """The place of *value*'s last digit as the JSON gave it (``185`` → 1, ``36.6`` → 0.1)."""
    written = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    exponent = written.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite number
    return Decimal(1).scaleb(exponent)


def rounded(value: float, step: float) -> float:
    """*value* rounded (half to even) to the decimal place :data:`EXTRA_DIGITS` finer than
    *step*, the input's last digit in the goal's unit."""
    place = math.floor(math.log10(step)) - EXTRA_DIGITS
    with localcontext() as context:
        context.prec = 60
        return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(place), ROUND_HALF_EVEN))


def recorded_value(
    value: float,
    quantity: Json,
    where: str,
    *,
    goal_id: str | None,
    goal_units: tuple[str, ...],
    problems: list[str],
) -> tuple[float | None, str | None]:
    """*value*, of the FHIR Quantity *quantity* at *where*, in the unit of goal *goal_id*
    (*goal_units*: the goal's unit, and the UCUM code its FHIR target gave, most precise
    first), and the note that keeps the original when it was converted; ``(None, None)``
    with the problem appended when it cannot be recorded faithfully."""
    converted, source = in_units(
        value,
        quantity,
        where,
        units=goal_units,
        problems=problems,
        what="valueQuantity",
        against=f"goal {goal_id!r} is measured in",
        outcome="so the value is not recorded",
    )
    if converted is None or source is None:
        return converted, None
    shown = _shown(_text(quantity.get("unit")), _text(quantity.get("code")))
    note = (
        f"Converted on import from {number(value)} {source} (the FHIR valueQuantity, "
        f"{shown}) to {number(converted)} {goal_units[-1]}."
    )
    return converted, note


def in_units(
    value: float,
    quantity: Json,
    where: str,
    *,
    units: tuple[str, ...],
    problems: list[str],
    what: str,
    against: str,
    outcome: str,
) -> tuple[float | None, str | None]:
    """*value*, of the FHIR Quantity *quantity* at *where*, in *units* (one unit's
    spellings, its UCUM code first), and the UCUM code it was converted from (``None``
    when it is taken as it is: no unit, or one of *units*); ``(None, None)`` with the
    problem appended (``"<what> is in …, but <against> …: <why>, <outcome> @ …"``) when
    it cannot be converted faithfully."""
    unit, code = _text(quantity.get("unit")), _text(quantity.get("code"))
    system = quantity.get("system")
    given = [u for u in (unit, code) if u is not None]
    if not given or not units or set(given) & set(units):
        return value, None
    shown = _shown(unit, code)
    goal_shown = " or ".join(repr(u) for u in dict.fromkeys(units))
    element = "code" if code is not None else "unit"

    def refuse(why: str, at: str = element) -> tuple[None, None]:
        problems.append(
            f"{what} is in {shown}, but {against} {goal_shown}: {why}, {outcome} @ {where}.{at}"
        )
        return None, None

    found = ucum()
    if found is None:
        return refuse(NEEDS_EXTRA)
    goal = next((p for p in map(found.parse, units) if p is not None), None)
    if goal is None:
        return refuse(
            f"{goal_shown} is not a UCUM unit (a count, or the team's own words), so only a "
            "value in that unit, or without a unit, can be recorded for it"
        )
    source: _Parsed | None = None
    if code is not None and system == UCUM:
        source = found.parse(code)
        if source is None:
            return refuse(f"{code!r} is not a UCUM code (though its system is {UCUM})", "code")
    elif unit is not None:
        source = found.parse(unit)
        element = "unit"
    if source is None:
        why = f"{shown} is not a UCUM unit"
        if code is not None:
            why += f" (a code is read as UCUM only with system {UCUM})"
        return refuse(why)
    if source.kind != goal.kind:
        return refuse(
            f"{source.code!r} is {_kind(source)} and {goal.code!r} is {_kind(goal)}, "
            "which are not comparable",
            element,
        )
    if source.annotations != goal.annotations:
        return refuse(
            f"{source.code!r} and {goal.code!r} are annotated differently "
            f"({', '.join(source.annotations + goal.annotations)}): UCUM ignores an "
            "annotation, but what it counts may differ",
            element,
        )
    converted = found.convert(quantity.get("value"), source, goal)
    if isinstance(converted, str):
        return refuse(converted, element)
    return converted, source.code


def _kind(parsed: _Parsed) -> str:
    return "a ratio (dimensionless)" if parsed.kind == "dimensionless" else f"a {parsed.kind}"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
