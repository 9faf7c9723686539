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
from tests.conftest import ROOT

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
