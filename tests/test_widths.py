"""Every command's output fits 60, 80 and 120 columns without a word or number split: a
table that cannot is printed as a list. Walks every command over every bundled scenario."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from brainflops.cli import app
from tests.conftest import ENV, ROOT

SCENARIOS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
RULES = re.compile(r"[\u2500-\u257f]+")
URL = re.compile(r"https?://\S+")


def shown(columns: int, *args: str) -> str:
    env = {**ENV, "COLUMNS": str(columns), "TERMINAL_WIDTH": str(columns)}
    result = CliRunner(env=env).invoke(app, list(args))
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


def words(text: str) -> list[str]:
    """The words shown, without the rules of a table or the "- name: header: value;" marks
    of a table printed as a list."""
    tokens = (t.rstrip(":;") for t in RULES.sub(" ", URL.sub(" ", text)).split())
    return [t for t in tokens if t not in ("", "-")]


def commands(scenario: str) -> list[list[str]]:
    return [
        ["estimate", scenario, "-n", "2000"],
        ["compare", scenario, "-n", "2000"],
        ["sensitivity", scenario, "-n", "2000"],
    ]


GLOBAL = [
    ["list"],
    ["machines"],
    ["data", "status"],
    ["backtest"],
    ["diff", "carlsmith-2020", "dettmers-2015", "-n", "2000"],
    ["check", "-n", "2000"],
    ["sweep", "carlsmith-2020", "--vary", "factors.neural_backprop=1,2", "-n", "1000"],
]


@pytest.mark.parametrize("args", [a for s in SCENARIOS for a in commands(s)] + GLOBAL)
def test_no_line_is_wider_than_the_terminal_and_no_word_is_split(args: list[str]) -> None:
    wide = set(words(shown(400, *args)))
    for columns in (60, 80, 120):
        text = shown(columns, *args)
        for line in text.splitlines():
            if not URL.search(line):  # a URL longer than the terminal folds: no place to wrap
                assert len(line) <= columns, (columns, line)
        split = [w for w in words(text) if w not in wide]
        assert not split, (columns, split[:5])
