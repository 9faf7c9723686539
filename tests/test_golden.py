"""What users see does not change when the code gets faster: the JSON of each command, for
the same seed, byte for byte as it was (issue 30).

The files in fixtures/golden/ were written by the commit before the performance work of
issue 30 (a9c65d1) and are the same from this one. A change that means to change an answer
regenerates them (`BRAINFLOPS_REGEN_GOLDEN=1 pytest tests/test_golden.py`) and says why in
its commit; a change that only means to be faster must leave them alone.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import FIXTURES, invoke

GOLDEN = FIXTURES / "golden"
COMMANDS = {
    "estimate-carlsmith": ["estimate", "carlsmith-2020", "-n", "20000", "--json"],
    "estimate-survey": ["estimate", "aiimpacts-2015-survey", "-n", "20000", "--json"],
    "estimate-sobe": ["estimate", "sobe-2025-event", "-n", "20000", "--json"],
    "compare-dettmers": ["compare", "dettmers-2015", "--json"],
    "compare-carlsmith": ["compare", "carlsmith-2020", "-n", "20000", "--json"],
    "sensitivity-carlsmith": ["sensitivity", "carlsmith-2020", "-n", "20000", "--json"],
    "diff": ["diff", "carlsmith-2020", "dettmers-2015", "-n", "20000", "--json"],
    "sweep": [
        "sweep",
        "carlsmith-2020",
        "--vary",
        "populations.all.cost.flops_per_event=1,10,100",
        "-n",
        "2000",
        "--json",
    ],
    "backtest": ["backtest", "--json"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_the_json_is_byte_for_byte_what_it_was(name: str) -> None:
    result = invoke(*COMMANDS[name])
    assert result.exit_code == 0, result.stderr
    path = GOLDEN / f"{name}.json"
    if os.environ.get("BRAINFLOPS_REGEN_GOLDEN") == "1":
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8"), (
        f"brainflops {' '.join(COMMANDS[name])} prints other JSON than {path}"
    )
