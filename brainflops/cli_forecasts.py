"""`brainflops backtest`: how well the forecasts behind the parity years did in the past."""

from __future__ import annotations

from typing import Annotated

import typer

from brainflops.cli_common import JsonOpt, SeedOpt, app, show, user_errors
from brainflops.defaults import DEFAULT_SEED

SERIES_HELP = (
    "top500: the TOP500 #1 (HPL); top500-sum: the sum of all 500; ai: the leading AI system "
    "(BF16 peak, Epoch AI)."
)


@app.command()
def backtest(
    series: Annotated[
        str, typer.Option("--series", help=SERIES_HELP, show_default=True)
    ] = "top500",
    window: Annotated[
        float | None,
        typer.Option(
            "--window",
            metavar="YEARS",
            help="Trailing fit window in years (default: the series' own projection's: "
            "13 for the TOP500, since 2019 for AI).",
            show_default=False,
        ),
    ] = None,
    variance: Annotated[
        str,
        typer.Option(
            "--variance",
            help="two-year: K² from differences two years apart (the default, chosen by this "
            "backtest); step: from single steps.",
            show_default=True,
        ),
    ] = "two-year",
    json: JsonOpt = False,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    """Hindcast the parity forecasts at every past list and score them against what happened."""
    with user_errors():
        from brainflops.api import backtest as run

        show(json, "backtest", run(series, window_years=window, variance=variance, seed=seed))
