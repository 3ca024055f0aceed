"""``assert_identical``: equal, and of the same types all the way down (for round-trip
tests of every layer)."""

from __future__ import annotations

import attrs
import pendulum

# A field's declared type: a string, or the type itself once attrs.resolve_types ran.
_FLOAT_TYPES: tuple[object, ...] = ("float", "float | None", float, float | None)


def assert_identical(
    original: object, restored: object, path: str = "$", *, float_field: bool = False
) -> None:
    """Equal, and of the same types all the way down: pendulum types come back as pendulum
    types, datetimes keep their offset, durations keep their years and months, dicts keep
    their order. An int given for a field declared ``float`` (``Item(maximum=10)``, as the
    shipped instruments do) may come back as the equal float."""
    if float_field and type(original) is int and type(restored) is float:
        assert restored == original, path
        return
    assert type(restored) is type(original), f"{path}: {type(restored)} != {type(original)}"
    if isinstance(original, pendulum.DateTime):
        assert isinstance(restored, pendulum.DateTime)
        assert restored == original, path
        assert restored.isoformat() == original.isoformat(), path
    elif isinstance(original, pendulum.Duration):
        assert isinstance(restored, pendulum.Duration)
        assert restored == original, path
        assert (restored.years, restored.months) == (original.years, original.months), path
    elif attrs.has(type(original)):
        for field in attrs.fields(type(original)):
            assert_identical(
                getattr(original, field.name),
                getattr(restored, field.name),
                f"{path}.{field.name}",
                float_field=field.type in _FLOAT_TYPES,
            )
    elif isinstance(original, dict):
        assert isinstance(restored, dict)
        assert list(restored) == list(original), f"{path}: keys or their order differ"
        for key, value in original.items():
            assert_identical(value, restored[key], f"{path}[{key!r}]")
    elif isinstance(original, tuple | list):
        assert isinstance(restored, tuple | list)
        assert len(restored) == len(original), path
        for index, (a, b) in enumerate(zip(original, restored, strict=True)):
            assert_identical(a, b, f"{path}[{index}]")
    else:  # str, enums, numbers, None, frozensets of ids or enums, Date
        assert restored == original, path
