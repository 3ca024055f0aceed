"""``alliance demo`` then ``alliance report progress --format html``, opened in headless
Chromium: every goal has a chart, and every chart is drawn (an inline SVG image with a
size on the page).

Skipped when Chromium is not installed (Debian: ``apt-get install -y chromium``), unless
``ALLIANCE_REQUIRE_CHROMIUM`` is set (as .ci/run does): then it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import alliance as al

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("ALLIANCE_REQUIRE_CHROMIUM"),
    reason="chromium is not installed",
)

# Added to a copy of the page only: after load, mark each chart with whether the browser
# drew it (an svg[role=img] laid out with a width and a height), so --dump-dom shows it.
_PROBE = """<script>
window.addEventListener("load", () => {
  for (const svg of document.querySelectorAll("figure.goal-chart svg[role=img]")) {
    const box = svg.getBoundingClientRect();
    svg.setAttribute("data-decoded", box.width > 0 && box.height > 0 ? "yes" : "no");
  }
  document.body.setAttribute("data-probed", "yes");
});
</script>"""


def _alliance(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "alliance", *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_goal_has_a_chart_in_headless_chromium(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    _alliance("demo", "--store", url, "--seed", "3", "--partnerships", "3")
    page = tmp_path / "progress.html"
    _alliance("report", "progress", "--store", url, "--format", "html", "-o", str(page))
    probed = tmp_path / "probed.html"
    probed.write_text(
        page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), encoding="utf-8"
    )
    assert CHROMIUM is not None, "ALLIANCE_REQUIRE_CHROMIUM is set but chromium is missing"
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-sync",
            "--disable-component-update",
            "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert 'data-probed="yes"' in dom, dom[:2000]

    store = al.open_store(url, clinic_id="riverside-clinic")
    goals = [row.goal_id for row in al.reports.select_goals(store)]
    store.close()
    assert len(goals) >= 4
    for goal_id in goals:
        figure = re.search(
            rf'<figure class="goal-chart" data-goal-id="{re.escape(goal_id)}">(.*?)</figure>',
            dom,
            re.DOTALL,
        )
        assert figure is not None, f"no chart for goal {goal_id}"
        assert 'data-decoded="yes"' in figure.group(1), f"the chart of {goal_id} did not load"
