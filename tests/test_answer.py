"""The answer first: `compare` leads with brain compute, the two machines and the parity
years, in at most 12 lines at 80 columns; `--brief` prints only that."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from brainflops.cli import app
from tests.conftest import ENV, invoke


def at(columns: int, *args: str) -> list[str]:
    env = {**ENV, "COLUMNS": str(columns), "TERMINAL_WIDTH": str(columns)}
    result = CliRunner(env=env).invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("scenario", ["dettmers-2015", "carlsmith-2020", "moravec-1998"])
def test_the_answer_leads_within_12_lines_at_80_columns(scenario: str) -> None:
    brief = at(80, "compare", scenario, "--brief")
    assert 4 <= len(brief) <= 12
    assert all(len(line) <= 80 for line in brief)
    full = at(80, "compare", scenario)
    assert full[: len(brief)] == brief  # the same block, first
    doc = json.loads(invoke("compare", scenario, "--json").stdout)
    rainier = next(m for m in doc["machines"] if m["kind"] == "ai")
    text = " ".join(brief)
    assert doc["newest_number1"].split(" (")[0] in text and rainier["name"] in text
    assert "HPL FP64" in text and "BF16 peak" in text


def test_the_answer_names_the_years_and_what_binds() -> None:
    text = " ".join(" ".join(at(80, "compare", "dettmers-2015", "--brief")).split())
    doc = json.loads(invoke("compare", "dettmers-2015", "--json").stdout)
    medians = {
        n: str(int(p["year_median"]))
        for n, p in doc["projections"].items()
        if n in ("trend-2013", "fabrication-limit-2025", "power-cap-100mw")
    }
    # the range across the default projections, each named with its median
    low, high = min(medians.values()), max(medians.values())
    assert f"Parity (HPL compute, TOP500 #1): {low}–{high}" in text
    assert all(f"{n} {y}" in text for n, y in medians.items())
    # 1.075e21 / 2.198e18 = 489; / 3.335e20 = 3.22 (Rainier's peak: an estimate)
    assert "489× the newest TOP500 #1" in text and "3.22× the leading AI system" in text
    assert "(an estimate)" in text
    binding = doc["bottleneck_parity"]
    assert f"the bottleneck on LineShine is {binding['label']}" in text


def test_brief_wraps_between_words_at_60_columns() -> None:
    lines = at(60, "compare", "dettmers-2015", "--brief")
    assert all(len(line) <= 60 for line in lines)
    words = " ".join(at(120, "compare", "dettmers-2015", "--brief")).split()
    assert " ".join(lines).split() == words  # nothing split inside a word or number
