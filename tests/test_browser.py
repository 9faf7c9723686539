"""The HTML report in a real browser (headless Chromium): every figure drawn, no error.

`make test` installs Chromium when it is missing and sets BRAINFLOPS_REQUIRE_BROWSER=1, so
there a missing browser fails; a bare `pytest` elsewhere skips these tests instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests import browser
from tests.conftest import ROOT, invoke

if browser.chromium() is None:
    if os.environ.get("BRAINFLOPS_REQUIRE_BROWSER") == "1":
        raise RuntimeError("Chromium is required here (make test installs it): none found")
    pytest.skip("no Chromium here (make test installs it)", allow_module_level=True)

REPORT = ROOT / "docs" / "report"


def test_the_committed_report_renders_every_figure_without_an_error(tmp_path: Path) -> None:
    page = browser.load(REPORT / "index.html")
    (tmp_path / "report.png").write_bytes(page.screenshot)  # to look at when this fails
    assert page.errors == []
    assert page.title == "brainflops report"
    shown = re.findall(r"\]\(figures/([^)]+)\.svg\)", (REPORT / "index.md").read_text())
    assert [f["id"] for f in page.figures] == [f"figure-{name}" for name in shown]
    for figure in page.figures:
        assert figure["width"] > 300 and figure["height"] > 150, figure
        assert figure["title"], figure
        assert figure["texts"] > 3 and figure["selectable"], figure  # text, not paths
    assert page.screenshot.startswith(b"\x89PNG")
    # no sideways scroll at 1280 px: a wide table scrolls in its own box, not the page
    assert page.scroll_width <= 1280, page.scroll_width


def test_the_check_sees_a_missing_figure_and_a_console_error(tmp_path: Path) -> None:
    """The browser check itself can fail: a page with both faults is caught."""
    text = (REPORT / "index.html").read_text()
    start = text.index("<svg")
    broken = text[:start] + text[text.index("</svg>", start) + len("</svg>") :]
    broken = broken.replace("</main>", "<script>console.error('boom')</script></main>")
    path = tmp_path / "index.html"
    path.write_text(broken)
    page = browser.load(path)
    assert page.errors == ["console: boom"]
    assert page.figures[0]["width"] == 0 and page.figures[0]["title"] is None


HOSTILE = """brainflops: 1
name: hostile
title: "<script>console.error('title')</script> <img src=x onerror=alert(1)>"
description: |
  </svg></figure><script>console.error('description')</script>
  [click](javascript:console.error) and <iframe src="https://example.org"></iframe>
  | a | b |
  | --- | --- |
  | <b onmouseover=alert(1)>x</b> | ![x](figures/ladder.svg) |

  ![a figure the report does not have](figures/missing.svg)
populations:
  p: {neurons: 1e9, firing_rate_hz: {low: 0.5, high: 2}, synapses_per_neuron: 1e3,
      cost: {model: synaptic, flops_per_event: {low: 1, high: 10}}}
"""


def test_markup_in_a_scenario_stays_text_in_the_browser(tmp_path: Path) -> None:
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(HOSTILE)
    out = tmp_path / "report"
    result = invoke("report", str(scenario), "-o", str(out), "--samples", "4000")
    assert result.exit_code == 0, result.stderr
    page = browser.load(out / "index.html")
    assert page.errors == []  # no script ran, nothing was fetched
    text = (out / "index.html").read_text()
    assert "<script" not in text and "<iframe" not in text and "<img" not in text
    assert "&lt;script&gt;console.error(&#x27;description&#x27;)" in text
    # its figures are still all there, and drawn
    assert all(f["width"] > 300 for f in page.figures) and len(page.figures) >= 6
