"""Check HTML pages as a person would, in headless Chromium: ``check_pages``.

Each page is loaded once per viewport width by ``tests/browser/check_page.mjs`` (node,
playwright-core driving the system's Chromium, never a downloaded one, and axe-core),
all in one browser launch, and comes back as a :class:`PageCheck`: axe-core's WCAG 2.1
A/AA and best-practice violations, what sticks out sideways, a full-page screenshot, the
page's ``lang``, ``dir`` and text, its ``svg[role=img]`` charts and broken images.

It needs ``chromium``, ``node`` and the pinned node packages (:data:`NPM_INSTALL`, run
from the repository's root). Without them a test using it is skipped, unless
``ALLIANCE_REQUIRE_CHROMIUM`` is set (as CI does): then it fails, saying what is missing::

    from _browser import check_pages, require_browser

    @pytest.fixture(scope="module")
    def checks(tmp_path_factory):
        require_browser()
        return check_pages([page], screenshots=tmp_path_factory.mktemp("shots"))
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BROWSER_DIR = Path(__file__).parent / "browser"
SCRIPT = BROWSER_DIR / "check_page.mjs"
NODE_MODULES = BROWSER_DIR / "node_modules"
NPM_INSTALL = "npm ci --prefix tests/browser --no-audit --no-fund"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE = shutil.which("node")
REQUIRED = bool(os.environ.get("ALLIANCE_REQUIRE_CHROMIUM"))


class BrowserUnavailableError(RuntimeError):
    """Chromium, node or the node packages of ``tests/browser`` are missing."""


@dataclass(frozen=True)
class ViolationNode:
    """One element axe-core found at fault: its CSS selector path and its HTML."""

    target: tuple[str, ...]
    html: str


@dataclass(frozen=True)
class Violation:
    """One failed axe-core rule: its id (``image-alt``), impact, help text, and the
    first three of its ``node_count`` elements."""

    id: str
    impact: str | None
    help: str
    nodes: tuple[ViolationNode, ...]
    node_count: int


@dataclass(frozen=True)
class Overflow:
    """An element whose box ends right of the viewport or starts left of it (and that is
    not inside a box scrolling or clipping sideways): ``selector`` is a short CSS-like
    path (``section.goal > table#t``); left, right and width in CSS pixels."""

    selector: str
    tag: str
    id: str
    classes: tuple[str, ...]
    left: float
    right: float
    width: float


@dataclass(frozen=True)
class PageCheck:
    """What headless Chromium showed of one page at one viewport width (height 800).

    ``viewport_width`` is the document's client width and ``scroll_width`` its scroll
    width (wider: the page scrolls sideways); ``lang`` and ``dir`` are those of
    ``<html>`` (``""`` when unset); ``text`` is ``document.body.innerText``;
    ``svg_images`` counts ``svg[role=img]``, ``images`` every ``<img>`` and
    ``broken_images`` those that failed to decode; ``blocked_requests`` are the URLs the
    page asked for beyond ``file:`` and ``data:`` (aborted); ``screenshot`` is a
    full-page PNG; ``ms`` the time the load and checks took.
    """

    path: Path
    width: int
    viewport_width: int
    scroll_width: int
    overflowing: tuple[Overflow, ...]
    violations: tuple[Violation, ...]
    screenshot: Path
    lang: str
    dir: str
    text: str
    svg_images: int
    images: int
    broken_images: int
    blocked_requests: tuple[str, ...]
    ms: int

    @property
    def violation_ids(self) -> frozenset[str]:
        """The ids of the axe-core rules the page fails."""
        return frozenset(v.id for v in self.violations)

    @property
    def overflows(self) -> bool:
        """Whether the page scrolls sideways or an element sticks out of the viewport."""
        return self.scroll_width > self.viewport_width or bool(self.overflowing)

    def describe(self) -> str:
        """A few lines for an assertion message: the violations and the overflow."""
        lines = [f"{self.path.name} at {self.width} px: scrollWidth {self.scroll_width}"]
        lines += [
            f"  {v.id} ({v.impact}, {v.node_count}): {v.help}; "
            + "; ".join(" ".join(n.target) for n in v.nodes)
            for v in self.violations
        ]
        lines += [f"  overflow {o.selector}: {o.left}..{o.right}" for o in self.overflowing]
        return "\n".join(lines)


def missing() -> str | None:
    """What the browser checks lack on this machine, or None when they can run."""
    if CHROMIUM is None:
        return "chromium is not installed (Debian: apt-get install -y chromium)"
    if NODE is None:
        return "node is not installed"
    if not (NODE_MODULES / "playwright-core").is_dir() or not (NODE_MODULES / "axe-core").is_dir():
        return f"tests/browser/node_modules is missing: run `{NPM_INSTALL}`"
    return None


def require_browser() -> None:
    """Skip the calling test when the browser checks cannot run, or fail it when
    ``ALLIANCE_REQUIRE_CHROMIUM`` is set."""
    reason = missing()
    if reason is None:
        return
    if REQUIRED:
        pytest.fail(f"ALLIANCE_REQUIRE_CHROMIUM is set but {reason}", pytrace=False)
    pytest.skip(reason)


# For a module whose every test needs the browser (then call require_browser() in its
# fixture too, so that ALLIANCE_REQUIRE_CHROMIUM turns the skip into a failure).
needs_browser = pytest.mark.skipif(missing() is not None and not REQUIRED, reason=str(missing()))


def check_pages(
    pages: Sequence[Path],
    *,
    widths: Sequence[int] = (320, 1200),
    screenshots: Path,
    timeout: float = 300.0,
) -> list[PageCheck]:
    """Load each of *pages* (local HTML files) at each of *widths* in one headless
    Chromium, save full-page screenshots in *screenshots*, and return one
    :class:`PageCheck` per page and width, page by page, widths in order.

    Raises :class:`BrowserUnavailableError` when Chromium, node or the node packages are
    missing, ``FileNotFoundError`` for a page that does not exist, and ``RuntimeError``
    (with node's stderr) when the check itself fails.
    """
    reason = missing()
    if reason is not None:
        raise BrowserUnavailableError(reason)
    assert NODE is not None
    assert CHROMIUM is not None
    for page in pages:
        if not page.is_file():
            raise FileNotFoundError(page)
    job = [
        {"path": str(page.resolve()), "widths": list(widths), "screenshot_dir": str(screenshots)}
        for page in pages
    ]
    result = subprocess.run(
        [NODE, str(SCRIPT)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "CHROMIUM_PATH": CHROMIUM},
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"check_page.mjs failed:\n{result.stderr[-4000:]}")
    return [_page_check(raw) for raw in json.loads(result.stdout)]


def _page_check(raw: dict[str, Any]) -> PageCheck:
    return PageCheck(
        path=Path(raw["path"]),
        width=raw["width"],
        viewport_width=raw["viewport_width"],
        scroll_width=raw["scroll_width"],
        overflowing=tuple(
            Overflow(
                selector=o["selector"],
                tag=o["tag"],
                id=o["id"],
                classes=tuple(o["classes"]),
                left=o["left"],
                right=o["right"],
                width=o["width"],
            )
            for o in raw["overflowing"]
        ),
        violations=tuple(
            Violation(
                id=v["id"],
                impact=v["impact"],
                help=v["help"],
                nodes=tuple(
                    ViolationNode(target=tuple(map(str, n["target"])), html=n["html"])
                    for n in v["nodes"]
                ),
                node_count=v["node_count"],
            )
            for v in raw["violations"]
        ),
        screenshot=Path(raw["screenshot"]),
        lang=raw["lang"],
        dir=raw["dir"],
        text=raw["text"],
        svg_images=raw["svg_images"],
        images=raw["images"],
        broken_images=raw["broken_images"],
        blocked_requests=tuple(raw["blocked_requests"]),
        ms=raw["ms"],
    )
