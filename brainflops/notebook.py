"""What a notebook wants of every result: a short repr, a small HTML table, a tidy DataFrame.

Each result of the API (`compare`, `diff`, `sensitivity`, `sweep`, `backtest`) is its
analysis object with these added. Rows come from the same JSON documents as `--json`, so a
DataFrame never says anything the command line does not. Every `to_pandas()` is long: one
row per number, with the columns its docstring names (docs/api.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from html import escape
from typing import Any, ClassVar

from brainflops.analysis.backtest import Backtest as _Backtest
from brainflops.analysis.compare import Comparison as _Comparison
from brainflops.analysis.diff import Diff as _Diff
from brainflops.analysis.sensitivity import Sensitivity as _Sensitivity
from brainflops.analysis.sweep import Sweep as _Sweep
from brainflops.errors import BrainflopsError
from brainflops.render import jsonout

HTML_ROWS = 12
"""Rows an HTML repr shows (`to_pandas()` has them all)."""


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> Any:
    try:
        import pandas as pd  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        raise BrainflopsError("to_pandas needs pandas: pip install 'brainflops[pandas]'") from None
    return pd.DataFrame(rows, columns=columns)


class Notebook:
    """Mixin: `rows()` and `COLUMNS` give the DataFrame, the HTML and the repr's size."""

    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def rows(self) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    def headline(self) -> str:
        raise NotImplementedError

    def to_pandas(self) -> Any:
        return _frame(list(self.rows()), list(self.COLUMNS))

    def __repr__(self) -> str:
        count = sum(1 for _ in self.rows())
        return f"<{type(self).__name__} {self.headline()}: {count:,} rows in to_pandas()>"

    def _repr_html_(self) -> str:
        rows = list(self.rows())
        head = "".join(f"<th>{escape(c)}</th>" for c in self.COLUMNS)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{escape(str(r.get(c, '')))}</td>" for c in self.COLUMNS)
            + "</tr>"
            for r in rows[:HTML_ROWS]
        )
        more = (
            f"<p>… {len(rows) - HTML_ROWS:,} more rows: to_pandas()</p>"
            if len(rows) > HTML_ROWS
            else ""
        )
        return f"<p><b>{escape(self.headline())}</b></p><table><tr>{head}</tr>{body}</table>{more}"


def _stats(
    part: str, name: str, key: str, stats: dict[str, Any] | None
) -> Iterator[dict[str, Any]]:
    for statistic, value in (stats or {}).items():
        yield {"part": part, "name": name, "key": key, "statistic": statistic, "value": value}


@dataclasses.dataclass(frozen=True, repr=False)
class Comparison(Notebook, _Comparison):
    COLUMNS: ClassVar[tuple[str, ...]] = ("part", "name", "key", "statistic", "value")

    def headline(self) -> str:
        return f"{self.estimate.scenario.name} against {len(self.machines)} machines"

    def rows(self) -> Iterator[dict[str, Any]]:
        """part "machine": brain ÷ machine per metric (statistic p5, median, p95); part
        "parity": each projection's year (key "year", statistic p5, median, p95; None: never
        or past 2200) and P(parity by a year) (key "p_by", statistic the year)."""
        doc = jsonout.compare_document(self)
        for machine in doc["machines"]:
            for key, metric in machine["metrics"].items():
                yield from _stats("machine", machine["name"], key, metric["ratio"])
        for name, p in doc["projections"].items():
            years = {k.removeprefix("year_"): p[k] for k in ("year_p5", "year_median", "year_p95")}
            yield from _stats("parity", name, "year", years)
            for year, share in p["p_by"].items():
                yield {
                    "part": "parity",
                    "name": name,
                    "key": year,
                    "statistic": "p_by",
                    "value": share,
                }


@dataclasses.dataclass(frozen=True, repr=False)
class Diff(Notebook, _Diff):
    COLUMNS: ClassVar[tuple[str, ...]] = ("output", "parameter", "factor")

    def headline(self) -> str:
        return f"{self.a} → {self.b}"

    def rows(self) -> Iterator[dict[str, Any]]:
        """The factor by which each differing parameter moves each output (b ÷ a); the
        parameter "ratio (median)" is the whole change."""
        for output, d in jsonout.diff_document(self)["outputs"].items():
            if d["ratio"] is not None:
                yield {
                    "output": output,
                    "parameter": "ratio (median)",
                    "factor": d["ratio"]["median"],
                }
            for a in d["attribution"]:
                yield {"output": output, "parameter": a["parameter"], "factor": a["factor"]}


@dataclasses.dataclass(frozen=True, repr=False)
class Sensitivity(Notebook, _Sensitivity):
    COLUMNS: ClassVar[tuple[str, ...]] = ("input", "share", "p5", "p95", "swing_low", "swing_high")

    def headline(self) -> str:
        return f"{self.scenario} ({self.output})"

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each uncertain input: its share of the output's variance (log scale), its 5th and
        95th percentile, and the output with it held there."""
        for i in jsonout.sensitivity_document(self)["inputs"]:
            yield {
                "input": i["name"],
                "share": i["share"],
                "p5": i["p5"],
                "p95": i["p95"],
                "swing_low": i["swing"]["low"],
                "swing_high": i["swing"]["high"],
            }


@dataclasses.dataclass(frozen=True, repr=False)
class Sweep(Notebook, _Sweep):
    COLUMNS: ClassVar[tuple[str, ...]] = ("point", "path", "value", "output", "statistic", "result")

    def headline(self) -> str:
        return f"{self.scenario} over {len(self.points):,} points"

    def rows(self) -> Iterator[dict[str, Any]]:
        """For each point (0, 1, ...) and each varied path: every output's statistics, and
        each projection's median year (output "parity:NAME", statistic "year_median")."""
        doc = jsonout.sweep_document(self)
        for index, point in enumerate(doc["points"]):
            for path in doc["paths"]:
                value = point["values"][path] if "values" in point else None
                for output, stats in point["outputs"].items():
                    for statistic, result in stats.items():
                        yield {"point": index, "path": path, "value": value, "output": output,
                               "statistic": statistic, "result": result}  # fmt: skip
                for name, p in point["projections"].items():
                    yield {"point": index, "path": path, "value": value, "output": f"parity:{name}",
                           "statistic": "year_median", "result": p["year_median"]}  # fmt: skip


@dataclasses.dataclass(frozen=True, repr=False)
class Backtest(Notebook, _Backtest):
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "method",
        "h_years",
        "n",
        "cover50",
        "cover90",
        "median_abs_log10_error",
        "mean_log10_error",
    )

    def headline(self) -> str:
        return f"{self.series}: {self.note.split(':')[0]}"

    def rows(self) -> Iterator[dict[str, Any]]:
        """method "random_walk" or "naive"; h_years 1-15, and None for the pooled row."""
        doc = jsonout.backtest_document(self)
        for method, table in (("random_walk", doc), ("naive", doc["naive"])):
            for h in (*table["by_horizon"], {**table["pooled"], "h_years": None}):
                yield {"method": method, **{c: h.get(c) for c in self.COLUMNS[1:]}}


def wrapped(result: Any, kind: type[Any]) -> Any:  # the result's own class, with the mixin
    """An analysis result as its notebook-friendly subclass (the same fields)."""
    return kind(**{f.name: getattr(result, f.name) for f in dataclasses.fields(result)})
