"""`brainflops explore` and `brainflops export-model`: a scenario's model, live in a page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from brainflops.cli_common import (
    MachinesOpt,
    SamplesOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    app,
    stderr_line,
    user_errors,
    write_json,
)
from brainflops.defaults import DEFAULT_SAMPLES, DEFAULT_SEED


@app.command("export-model")
def export_model(scenario: ScenarioArg, set_: SetOpt = None) -> None:
    """Print the scenario's model as JSON: each input (its --set path, value and slider
    range) and each output as a sum of products of the inputs."""
    with user_errors():
        from brainflops.api import export_model as export

        write_json(export(scenario, set_ or ()))


@app.command()
def explore(
    scenario: ScenarioArg,
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="The page to write (.html): a new file, or one brainflops explore wrote.",
            show_default=False,
        ),
    ],
    set_: SetOpt = None,
    machines: MachinesOpt = None,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    """Write one self-contained page where sliders move the scenario's inputs and its
    compute, memory, bandwidth, ratios to the newest machines and parity years follow."""
    with user_errors():
        from brainflops.api import explore as page_of
        from brainflops.io.files import write_own_file
        from brainflops.render.explore import is_explorer_page

        text = page_of(scenario, set=set_ or (), machines=machines, samples=samples, seed=seed)
        write_own_file(output, text, is_explorer_page, "page")
        stderr_line(f"wrote {output}")
