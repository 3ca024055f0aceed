"""The family report read as a person would, in headless Chromium: in English, Spanish
and Arabic, at 320 px and 1200 px wide, axe-core finds no WCAG 2.1 A/AA or best-practice
violation, nothing sticks out sideways, every chart is an inline SVG image, and the
text on screen is the catalog's for the page's language.

Skipped when chromium, node or ``tests/browser/node_modules`` is missing, unless
``ALLIANCE_REQUIRE_CHROMIUM`` is set (as CI does): then it fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_catalogs import english_fragments, written_text

from _browser import PageCheck, check_pages, needs_browser, require_browser
from alliance.demo import sample_partnership, sample_people
from alliance.reports.family import family_report

pytestmark = needs_browser

WIDTHS = (320, 1200)
LANGUAGES = {"en": "david", "es": "maria", "ar": None}
TITLES = {"en": "How things are going", "es": "Cómo van las cosas", "ar": "كيف تسير الأمور"}


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], PageCheck]:
    require_browser()
    folder = tmp_path_factory.mktemp("family-report")
    state, people = sample_partnership().state, sample_people()
    pages = []
    for language, viewer in LANGUAGES.items():
        report = family_report(
            [state],
            people=people,
            viewer=viewer,
            language=None if viewer else language,
            written_in="en",  # the sample's team writes in English: marked on es and ar
        )
        assert report.language == language
        page = folder / f"report-{language}.html"
        page.write_text(report.html, encoding="utf-8")
        pages.append(page)
    results = check_pages(pages, widths=WIDTHS, screenshots=folder / "screenshots")
    return {(Path(r.path).stem.removeprefix("report-"), r.width): r for r in results}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_accessibility_violation_and_nothing_overflows(
    checks: dict[tuple[str, int], PageCheck], language: str, width: int
) -> None:
    check = checks[language, width]
    assert check.violations == (), check.describe()
    assert not check.overflows, check.describe()
    assert check.scroll_width <= width
    assert check.screenshot.is_file()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_page_speaks_its_language(
    checks: dict[tuple[str, int], PageCheck], language: str
) -> None:
    check = checks[language, 320]
    assert check.lang == language
    assert check.dir == ("rtl" if language == "ar" else "ltr")
    assert TITLES[language] in check.text
    state = sample_partnership().state
    assert check.svg_images == len(state.goals), "one inline SVG chart per goal"
    assert check.broken_images == 0
    assert check.blocked_requests == (), "the page is self-contained"


@pytest.mark.parametrize("language", ["es", "ar"])
def test_the_text_on_screen_is_the_catalogs(
    checks: dict[tuple[str, int], PageCheck], language: str
) -> None:
    """What Chromium shows of a Spanish or Arabic page holds no English sentence of the
    catalog: only what people wrote (goals, strategies, names) stays as written."""
    text = checks[language, 320].text
    for written in written_text():
        text = text.replace(written, "")
    assert sorted(p for p in english_fragments() if p in text) == []
