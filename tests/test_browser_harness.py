"""The browser harness (``tests/_browser.py``) catches what it claims to: hand-written
pages with known faults, all checked in one harness call (one Chromium launch).

Skipped when chromium, node or ``tests/browser/node_modules`` is missing, unless
``ALLIANCE_REQUIRE_CHROMIUM`` is set: then it fails.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from _browser import PageCheck, check_pages, needs_browser, require_browser

pytestmark = needs_browser

WIDTHS = (320, 1200)
# A 1x1 PNG, decoding fine: it must not count as a broken image.
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _page(body: str, *, html_attrs: str = 'lang="en"') -> str:
    return (
        f'<!doctype html><html {html_attrs}><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>A page</title></head><body>{body}</body></html>"
    )


PAGES = {
    # An image without alt (and a missing file: broken), no <main>, no lang.
    "faulty": _page(
        f'<img src="missing.png"><img src="{PIXEL}" alt="a dot"><p>Loose text</p>',
        html_attrs="",
    ),
    "clean": _page(
        "<main><h1>How things are going</h1><p>Sam said three new words this week.</p></main>"
    ),
    "wide": _page(
        '<main><h1>Wide</h1><div id="wide" class="box fixed" style="width:600px">wide</div>'
        '<div style="overflow-x:visible"><table id="loose" style="width:900px">'
        "<tr><td>not wrapped</td></tr></table></div></main>"
    ),
    "wrapped": _page(
        '<main><h1>Wrapped</h1><div style="overflow-x:auto" tabindex="0" role="region" '
        'aria-label="Observations"><table style="width:900px"><caption>Observations</caption>'
        "<tr><th scope='col'>Day</th></tr><tr><td>Monday</td></tr></table></div></main>"
    ),
    "arabic": _page(
        '<main><h1>كيف تسير الأمور</h1><svg role="img" aria-label="التقدم" width="100" '
        'height="50"><rect width="60" height="20"/></svg></main>',
        html_attrs='lang="ar" dir="rtl"',
    ),
    "remote": _page(
        '<main><h1>Remote</h1><img src="https://example.invalid/chart.png" alt="A chart"></main>'
    ),
}


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], PageCheck]:
    """Every page of PAGES at 320 and 1200 px, from a single harness call."""
    require_browser()
    root = tmp_path_factory.mktemp("pages")
    paths = []
    for name, html in PAGES.items():
        path = root / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    results = check_pages(paths, widths=WIDTHS, screenshots=root / "shots")
    return {(check.path.stem, check.width): check for check in results}


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_one_result_per_page_and_width_in_order(
    checks: dict[tuple[str, int], PageCheck],
) -> None:
    assert list(checks) == [(name, width) for name in PAGES for width in WIDTHS]


@pytest.mark.parametrize("width", WIDTHS)
def test_an_image_without_alt_and_no_main_are_violations(
    checks: dict[tuple[str, int], PageCheck], width: int
) -> None:
    check = checks["faulty", width]
    assert {"image-alt", "landmark-one-main", "region", "html-has-lang"} <= check.violation_ids
    image_alt = next(v for v in check.violations if v.id == "image-alt")
    assert image_alt.impact == "critical"
    assert image_alt.node_count == 1
    assert image_alt.nodes[0].html == '<img src="missing.png">'
    assert image_alt.nodes[0].target == ('img[src$="missing.png"]',)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_clean_page_has_no_violations_and_no_overflow(
    checks: dict[tuple[str, int], PageCheck], width: int
) -> None:
    check = checks["clean", width]
    assert check.violations == (), check.describe()
    assert not check.overflows, check.describe()
    assert check.scroll_width == check.viewport_width == width
    assert check.lang == "en"
    assert check.dir == ""
    assert check.text == "How things are going\n\nSam said three new words this week."


def test_a_600px_div_overflows_at_320_only(checks: dict[tuple[str, int], PageCheck]) -> None:
    narrow, wide = checks["wide", 320], checks["wide", 1200]
    assert narrow.overflows
    assert narrow.scroll_width > 320
    by_selector = {o.selector: o for o in narrow.overflowing}
    div = by_selector["div#wide.box.fixed"]
    assert (div.tag, div.id, div.classes, div.width) == ("div", "wide", ("box", "fixed"), 600)
    assert div.right > 320
    # overflow-x: visible is no scrolling wrapper: the table in it still sticks out.
    assert "table#loose" in by_selector
    assert not wide.overflows, wide.describe()
    assert wide.scroll_width == 1200


@pytest.mark.parametrize("width", WIDTHS)
def test_a_wide_table_in_a_scrolling_wrapper_is_no_overflow(
    checks: dict[tuple[str, int], PageCheck], width: int
) -> None:
    check = checks["wrapped", width]
    assert check.overflowing == (), check.describe()
    assert check.scroll_width == width
    assert check.violations == (), check.describe()


@pytest.mark.parametrize("width", WIDTHS)
def test_lang_dir_text_and_charts_are_reported(
    checks: dict[tuple[str, int], PageCheck], width: int
) -> None:
    check = checks["arabic", width]
    assert (check.lang, check.dir) == ("ar", "rtl")
    assert check.text == "كيف تسير الأمور"
    assert check.svg_images == 1
    assert checks["clean", width].svg_images == 0


def test_broken_images_are_counted(checks: dict[tuple[str, int], PageCheck]) -> None:
    faulty = checks["faulty", 320]
    assert (faulty.images, faulty.broken_images) == (2, 1)
    assert (checks["clean", 320].images, checks["clean", 320].broken_images) == (0, 0)


def test_requests_beyond_the_page_are_blocked_and_listed(
    checks: dict[tuple[str, int], PageCheck],
) -> None:
    remote = checks["remote", 320]
    assert remote.blocked_requests == ("https://example.invalid/chart.png",)
    assert remote.broken_images == 1
    assert checks["clean", 320].blocked_requests == ()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_screenshot_is_a_png_of_the_viewport_width(
    checks: dict[tuple[str, int], PageCheck], width: int
) -> None:
    check = checks["clean", width]
    assert check.screenshot.name == f"clean-{width}px.png"
    shot_width, shot_height = _png_size(check.screenshot)
    assert shot_width == width
    assert shot_height >= 800


def test_the_screenshot_of_an_overflowing_page_is_as_wide_as_the_page(
    checks: dict[tuple[str, int], PageCheck],
) -> None:
    check = checks["wide", 320]
    assert _png_size(check.screenshot)[0] == check.scroll_width > 320


def test_a_missing_page_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        check_pages([tmp_path / "nowhere.html"], screenshots=tmp_path)
