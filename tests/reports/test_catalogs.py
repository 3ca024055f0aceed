"""The family report's message catalogs: current with the code, complete in every shipped
language, and what the page says is what the catalog says."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from alliance import _i18n
from alliance.demo import sample_partnership, sample_people
from alliance.errors import ValidationError
from alliance.reports.family import family_report

ROOT = Path(__file__).resolve().parents[2]
LOCALES = _i18n.LOCALES


def _methods() -> list[tuple[str, str]]:
    """babel.cfg's mapping: which files hold messages, and how to read them."""
    config = configparser.ConfigParser()
    config.read(ROOT / "babel.cfg", encoding="utf-8")
    return [
        (pattern.strip(), method.strip())
        for method, pattern in (section.split(":", 1) for section in config.sections())
    ]


def _extracted() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT, _methods()):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _catalog(name: str) -> object:
    path = (
        LOCALES / "alliance.pot"
        if name == "pot"
        else LOCALES / name / "LC_MESSAGES" / "alliance.po"
    )
    with path.open("rb") as po:
        return read_po(po, locale=None if name == "pot" else name)


def test_the_template_catalog_is_current_with_the_code() -> None:
    pot = {m.id for m in _catalog("pot") if m.id}  # type: ignore[attr-defined]
    code = _extracted()
    assert code - pot == set(), "new messages: run pybabel extract (docs/translations.md)"
    assert pot - code == set(), "messages no longer used: run pybabel extract"


@pytest.mark.parametrize("language", _i18n.SHIPPED)
def test_every_message_is_translated(language: str) -> None:
    pot = {m.id for m in _catalog("pot") if m.id}  # type: ignore[attr-defined]
    catalog = _catalog(language)
    messages = {m.id: m for m in catalog if m.id}  # type: ignore[attr-defined]
    assert set(messages) == pot, "run pybabel update (docs/translations.md)"
    for message in messages.values():
        assert not message.fuzzy, f"{language}: fuzzy: {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: not translated: {message.id!r}"
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        if language != "en" and re.search(r"[A-Za-z]", re.sub(r"%\(\w+\)s", "", english[0])):
            assert strings[0] != english[0], f"{language}: left in English: {message.id!r}"
        assert len(strings) == (catalog.num_plurals if message.pluralizable else 1)  # type: ignore[attr-defined]
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]  # type: ignore[attr-defined]
    assert errors == [], f"{language}: placeholders differ from the English"


def english_fragments() -> set[str]:
    """The English words of every message, cut at its placeholders (long pieces only)."""
    pieces: set[str] = set()
    for message in _catalog("pot"):  # type: ignore[attr-defined]
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            pieces.update(p.strip(" .:,()") for p in re.split(r"%\(\w+\)s", text))
    return {p for p in pieces if len(p) >= 8}


def written_text() -> list[str]:
    """What people wrote in the sample (goal statements, why they matter), which the
    report shows as written, whatever its language."""
    state = sample_partnership().state
    written = [g.statement for g in state.goals.values()]
    return written + [g.current.why_it_matters for g in state.goals.values()]


@pytest.mark.parametrize("language", ["es", "ar"])
def test_a_translated_page_has_no_english_sentences(language: str) -> None:
    page = family_report(
        [sample_partnership().state], people=sample_people(), language=language, charts=False
    ).html
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL))
    for text in written_text():
        visible = visible.replace(text, "")
    leaked = sorted(p for p in english_fragments() if p in visible)
    assert leaked == []


def test_the_language_follows_the_viewing_carer() -> None:
    state, people = sample_partnership().state, sample_people()
    for_maria = family_report([state], people=people, viewer="maria", charts=False)
    for_david = family_report([state], people=people, viewer="david", charts=False)
    assert (for_maria.language, for_david.language) == ("es", "en")
    assert '<html lang="es" dir="ltr">' in for_maria.html
    assert "Cómo van las cosas" in for_maria.html
    assert "30 de abril de 2025" in for_maria.html, "Spanish dates"
    arabic = family_report([state], people=people, language="ar", charts=False)
    assert '<html lang="ar" dir="rtl">' in arabic.html
    assert "كيف تسير الأمور" in arabic.html


def test_an_unknown_language_falls_back_to_english_and_tells_the_clinic(
    caplog: pytest.LogCaptureFixture,
) -> None:
    state = sample_partnership().state
    with caplog.at_level("WARNING", logger="alliance.reports"):
        report = family_report([state], language="pt-BR", charts=False)
    assert (report.language, report.requested, report.fell_back) == ("en", "pt-BR", True)
    assert '<html lang="en"' in report.html
    assert "pt-BR" not in report.html, "the family is not told"
    assert "no catalog for language 'pt-BR'" in caplog.text
    variant = family_report([state], language="es-MX", charts=False)
    assert (variant.language, variant.fell_back) == ("es", False)


def test_what_the_team_wrote_is_marked_with_its_language() -> None:
    state, people = sample_partnership().state, sample_people()
    spanish = family_report([state], people=people, viewer="maria", written_in="en").html
    goal = state.goals["g-requests"].statement
    assert f'<h3 dir="auto" lang="en">{goal}</h3>' in spanish
    assert '<dd><bdi lang="en">two-word requests (per session)</bdi></dd>' in spanish
    english = family_report([state], people=people, viewer="david", written_in="en-GB").html
    assert 'lang="en' not in english.split("<body>", 1)[1], "the page's own language"
    unmarked = family_report([state], people=people, viewer="maria").html
    assert 'lang="en"' not in unmarked, "not marked unless the clinic says"
    with pytest.raises(ValidationError, match="written_in"):
        family_report([state], written_in="not a tag!")
