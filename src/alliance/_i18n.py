"""The family report's languages: message catalogs (gettext) and CLDR formats (Babel).

The catalogs are the ``.po`` files under ``locales/<language>/LC_MESSAGES/alliance.po``
(English, Spanish and Arabic are shipped); they are compiled in memory the first time a
language is used, so the package carries only the text a translator edits. A clinic may
bring its own catalogs (the same layout, in a directory of its own) to change the
wording: its messages take the place of the shipped ones, message by message.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import babel
import pendulum
from babel.core import negotiate_locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from babel.units import format_unit

from alliance.errors import ValidationError

DOMAIN = "alliance"
LOCALES = Path(__file__).parent / "locales"
SHIPPED = ("en", "es", "ar")
"""The languages whose catalogs the package ships, English first (the fallback)."""


def _catalog(path: Path, language: str) -> Translations:
    """The ``.po`` file at *path*, compiled in memory."""
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.cache
def _shipped(language: str) -> Translations:
    return _catalog(LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po", language)


@attrs.frozen(kw_only=True)
class Language:
    """The language a report is written in, with its messages and its CLDR formats.

    Attributes:
        tag: the shipped language the text is in (``"es"``).
        requested: the language asked for (``"es-MX"``), as given; ``None`` when none
            was asked for.
        fell_back: whether the requested language has no catalog, so the text is in
            English instead.
        locale: the CLDR locale dates and numbers are written in: the requested one
            when it is a variant of the shipped language (``es_MX``), else the shipped
            language's.
    """

    tag: str
    requested: str | None
    fell_back: bool
    locale: babel.Locale
    translations: Translations = attrs.field(eq=False, repr=False)

    @property
    def direction(self) -> str:
        """``"rtl"`` for a right-to-left script (Arabic), else ``"ltr"``."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def gettext(self) -> Callable[[str], str]:
        """The catalog's ``gettext``."""
        return self.translations.gettext

    @property
    def ngettext(self) -> Callable[[str, str, int], str]:
        """The catalog's ``ngettext`` (the language's own plural rules)."""
        return self.translations.ngettext

    def date(self, day: pendulum.Date) -> str:
        """*day* written out in full, the language's way ("30 de abril de 2025")."""
        return str(format_date(day, format="long", locale=self.locale))

    def number(self, value: float, *, places: int = 1) -> str:
        """*value* with at most *places* decimals, the language's way ("12,5")."""
        pattern = "#,##0." + "#" * places if places else "#,##0"
        return str(format_decimal(value, format=pattern, locale=self.locale))

    def duration(self, length: pendulum.Duration) -> str:
        """*length* in words, exactly, the language's way ("1 week and 3 days",
        "2 semanas")."""
        parts = [
            (length.years, "year"),
            (length.months, "month"),
            (length.weeks, "week"),
            (length.remaining_days, "day"),
            (length.hours, "hour"),
            (length.minutes, "minute"),
            (length.remaining_seconds, "second"),
        ]
        words = [
            str(format_unit(n, f"duration-{unit}", length="long", locale=self.locale))
            for n, unit in parts
            if n
        ]
        return str(format_list(words, locale=self.locale)) if words else self.number(0)

    def list(self, items: Sequence[str]) -> str:
        """*items* as a list in words ("a, b and c", "a, b y c")."""
        return str(format_list(list(items), locale=self.locale)) if items else ""

    def percent(self, share: float) -> str:
        """*share* (0.85) as a whole percentage, the language's way ("85 %")."""
        return str(format_percent(share, locale=self.locale))


def _parse(tag: str) -> babel.Locale | None:
    try:
        return babel.Locale.parse(tag.replace("-", "_"))
    except (ValueError, babel.UnknownLocaleError):
        return None


@functools.cache
def _language(requested: str | None, wording: Path | None) -> Language:
    asked = _parse(requested) if requested else None
    shipped = None
    if asked is not None:
        shipped = negotiate_locale([str(asked)], list(SHIPPED))
    tag = shipped or "en"
    locale = asked if shipped is not None and asked is not None else babel.Locale.parse(tag)
    translations = _shipped(tag)
    if wording is not None:
        own = wording / tag / "LC_MESSAGES" / f"{DOMAIN}.po"
        if own.is_file():
            merged = Translations(domain=DOMAIN)
            merged.merge(translations)
            merged.merge(_catalog(own, tag))
            translations = merged
    return Language(
        tag=tag,
        requested=requested,
        fell_back=requested is not None and shipped is None,
        locale=locale,
        translations=translations,
    )


def language(requested: str | None = None, *, wording: str | Path | None = None) -> Language:
    """The language to write in for *requested* (a BCP 47 tag such as ``"es-MX"``): the
    shipped catalog of its language, or English when there is none (``fell_back``).

    *wording*: a directory of the clinic's own catalogs
    (``<wording>/<language>/LC_MESSAGES/alliance.po``), whose messages replace the
    shipped ones.

    Raises:
        ValidationError: *wording* is not a directory.
    """
    folder = None
    if wording is not None:
        folder = Path(wording).resolve()
        if not folder.is_dir():
            raise ValidationError("wording", f"{str(wording)!r} is not a directory")
    return _language(requested, folder)
