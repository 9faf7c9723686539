"""`brainflops data status | import | reset`: the data's dates, and the user's updates to it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from brainflops.cli_common import JsonOpt, app, show, stderr_line, user_errors

data_app = typer.Typer(
    name="data",
    help="The bundled data sets and their dates; import a newer TOP500 list or Epoch AI export.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(data_app)

KindArg = Annotated[
    str,
    typer.Argument(
        metavar="KIND",
        help="top500 (a TOP500 list, .xlsx or CSV), epoch-clusters or epoch-models "
        "(Epoch AI's CSV exports).",
    ),
]


@data_app.command("status")
def status(json: JsonOpt = False) -> None:
    """Each data set: rows, the date of its newest row, source, licence, your imports."""
    with user_errors():
        from brainflops.api import data_status
        from brainflops.io.userdata import data_dir

        show(json, "data_status", data_status(), data_dir())


@data_app.command("import")
def import_(
    kind: KindArg,
    file: Annotated[Path, typer.Argument(help="The file you downloaded.", show_default=False)],
    list_: Annotated[
        str | None,
        typer.Option(
            "--list",
            metavar="YYYY-MM",
            help="Which TOP500 list (2026-11); wins over the sheet's number.",
        ),
    ] = None,
) -> None:
    """Validate a file and merge it over the bundled rows (nothing changes if it is bad)."""
    with user_errors():
        from brainflops.api import data_import

        stored = data_import(kind, file, list=list_)
        stderr_line(f"imported {file} into {stored} (`brainflops data reset {kind}` undoes it)")


@data_app.command("reset")
def reset(kind: KindArg) -> None:
    """Remove your import of a data set: the bundled rows alone again."""
    with user_errors():
        from brainflops.api import data_reset

        removed = data_reset(kind)
        stderr_line(f"removed your {kind} import" if removed else f"no {kind} import to remove")
