"""SVG figures for reports (matplotlib's object API, Agg-free SVG backend, imported lazily).

Each figure is drawn from a plain-data dict; the SVG carries a fingerprint (SHA-256) of that
data, so `report --check` compares figures by what they show, not by bytes that change with
the matplotlib version.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from brainflops.errors import BrainflopsError
from brainflops.render.svgplot import Plot, log_ticks, text_width
from brainflops.render.units import LABELS, plain, si

FINGERPRINT = re.compile(r"<!-- brainflops-data-sha256: ([0-9a-f]{64}) -->")
SEAL = re.compile(r"<!-- brainflops-svg-sha256: ([0-9a-f]{64}) -->")
_SEAL_SLOT = "<!-- brainflops-svg-sha256: -->"
FigureData = dict[str, Any]


class MissingDependency(BrainflopsError):
    """An optional dependency (matplotlib) is not installed: exit 2 with what to install."""


def fingerprint(data: FigureData) -> str:
    """The digest of a figure's data. The last is remembered, by identity: a report asks
    for each figure's twice, as its cache key and then for its stamp (the data of a figure
    is never changed once made)."""
    if _LAST_FINGERPRINT and _LAST_FINGERPRINT[0][0] is data:
        return _LAST_FINGERPRINT[0][1]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
    digest = hashlib.sha256(text.encode()).hexdigest()
    _LAST_FINGERPRINT[:] = [(data, digest)]
    return digest


_LAST_FINGERPRINT: list[tuple[FigureData, str]] = []


def read_fingerprint(svg: str) -> str | None:
    match = FINGERPRINT.search(svg[:2000])
    return match[1] if match else None


def _unsealed(svg: str) -> tuple[str, str | None]:
    match = SEAL.search(svg[:2000])
    if match is None:
        return svg, None
    return svg[: match.start()] + _SEAL_SLOT + svg[match.end() :], match[1]


def seal(svg: str) -> str:
    """(Re)write the digest of the SVG's own text, so that a hand edit (a script) shows.

    The digest covers the bytes matplotlib wrote, and is checked against those same bytes:
    another matplotlib version writes other bytes with a matching digest, still intact.
    """
    unsealed, _ = _unsealed(svg)
    digest = hashlib.sha256(unsealed.encode()).hexdigest()
    return unsealed.replace(_SEAL_SLOT, f"<!-- brainflops-svg-sha256: {digest} -->", 1)


def intact(svg: str) -> bool:
    """True when the SVG is exactly as brainflops wrote it (whatever matplotlib drew it)."""
    unsealed, digest = _unsealed(svg)
    return digest is not None and hashlib.sha256(unsealed.encode()).hexdigest() == digest


def _pyplot_free_figure(width: float, height: float) -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependency(
            "figures need matplotlib, a dependency of brainflops that is missing here: "
            "pip install matplotlib"
        ) from None
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "brainflops",
            "svg.fonttype": "none",  # text stays text: selectable, searchable, smaller
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return Figure(figsize=(width, height), layout="constrained")


def warm_math_text() -> None:
    """Build matplotlib's math-text parser here (a pyparsing grammar: about 0.2 s, once a
    process): powers of ten on the axes are math text, and a report's figure workers,
    forked from this process, then each find it built."""
    _pyplot_free_figure(1, 1)  # matplotlib, or the error that says it is missing
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    mathtext.MathTextParser("path").parse("$10^{33}$", 72, FontProperties(size=9))


def _svg(fig: Any, data: FigureData, desc: str, title: str | None = None) -> str:
    """The figure as SVG text, stamped with its data's fingerprint and sealed.

    `<title>` (the axes' title unless given) and `<desc>` say what it shows to a screen
    reader, a search engine and a hover in the browser.
    """
    if title is None:
        title = next((ax.get_title() for ax in fig.axes if ax.get_title()), desc)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    opening = SVG_OPENING.search(text)
    if opening is not None:
        label = f"\n <title>{escape(title)}</title>\n <desc>{escape(desc)}</desc>"
        text = text[: opening.end()] + label + text[opening.end() :]
    return _stamped(text, data)


def _stamped(text: str, data: FigureData) -> str:
    """An SVG with its data's fingerprint after the XML declaration, then sealed."""
    head, sep, rest = text.partition("?>\n")
    stamp = f"<!-- brainflops-data-sha256: {fingerprint(data)} -->\n{_SEAL_SLOT}\n"
    return seal(f"{head}{sep}{stamp}{rest}")


SVG_OPENING = re.compile(r"<svg\b[^>]*>")


def _si_axis(axis: Any, unit: str, base: int = 10) -> None:
    """Log ticks labelled with SI prefixes ("1 ZFLOP/s"); one tick per `base`."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=base, numticks=40))

    def label(value: float, _pos: int) -> str:
        # one notation per axis: past the last prefix (Q, 1e30) every tick is a power of ten
        return tick_label(value, unit, powers=max(axis.get_view_interval()) >= 1e33)

    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_locator(LogLocator(base=10, subs=(1.0,), numticks=80))
    axis.set_minor_formatter(NullFormatter())


def tick_label(value: float, unit: str, *, plain: bool = False, powers: bool = False) -> str:
    """An SI prefix up to Q (1e30); past the prefixes, or for every tick of an axis that
    reaches past them (`powers`), a power of ten, `10^33 FLOP` (as matplotlib's mathtext,
    or `1e33 FLOP` for `svgplot`: `plain`)."""
    if value <= 0:
        return ""
    if value < 1e33 and not powers:
        return si(value, unit, digits=1)
    exponent = round(math.log10(value))
    if abs(value / 10**exponent - 1) >= 1e-9:
        power = f"{value:.0e}"
    else:
        power = f"1e{exponent}" if plain else f"$10^{{{exponent}}}$"
    return f"{power} {unit}".strip()


def _power_axis(axis: Any) -> None:
    """Log ticks as powers of ten, for ratios spanning many decades."""
    from matplotlib.ticker import LogFormatterSciNotation, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=1000, numticks=40))
    axis.set_major_formatter(LogFormatterSciNotation(base=10))
    axis.set_minor_locator(LogLocator(base=10, subs=(1.0,), numticks=80))
    axis.set_minor_formatter(NullFormatter())


def spread_labels(values: list[float], min_gap: float, low: float, high: float) -> list[float]:
    """Label positions (log10) at least `min_gap` apart, as close to the values as fits."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [0.0] * len(values)
    last = low - min_gap
    for i in order:
        last = max(values[i], last + min_gap)
        placed[i] = last
    overflow = last - high
    if overflow > 0:  # push the stack down from the top, keeping the gaps
        ceiling = high
        for i in reversed(order):
            placed[i] = min(placed[i], ceiling)
            ceiling = placed[i] - min_gap
    return placed


def ladder(data: FigureData) -> str:
    """Every scenario's compute (90% interval and median) against machines, on a log axis.

    Drawn by `svgplot`: a row per scenario, so a report of 500 draws it in milliseconds.
    """
    rows, lines = data["scenarios"], data["lines"][: len(_LADDER_COLOURS)]
    suffix = {"at_most": " (at most)", "at_least": " (at least)"}
    names = [r["name"] + suffix.get(r.get("bound") or "", "") for r in rows]
    values = [v for r in rows for v in (r["p5"], r["median"], r["p95"])]
    values += [line["value"] for line in lines]
    low, high = min(values), max(values)
    pad = 10 ** max(0.3, 0.05 * math.log10(high / low))  # room past the outermost marks
    x_range = (10 ** math.floor(math.log10(low / pad)), 10 ** math.ceil(math.log10(high * pad)))
    row = 22.0
    left = 20 + max(text_width(n, 11) for n in names)
    bottom = 64 + 18 * len(lines)
    height = 44 + row * len(rows) + bottom
    plot = Plot(760, height, (left, 30, 44, bottom), x_range, (0, 1), log_x=True)
    widest = text_width(tick_label(x_range[1], "FLOP/s", plain=True), 10.5) + 12
    most = int((plot.width - left - plot.right) // widest)
    ticks = log_ticks(*x_range, lambda v: tick_label(v, "FLOP/s", plain=True), most)
    plot.x_axis(ticks, ("brain compute, FLOP/s: median and 90% interval (triangles: bounds)",))
    for index, (r, name) in enumerate(zip(rows, names, strict=True)):
        y = plot.top + row * (index + 0.5)
        plot.text(left - 8, y + 4, name, anchor="end")
        if r["p95"] > r["p5"]:
            plot.rect(r["p5"], r["p95"], y, 4, "#4C72B0")
        # a bound is a triangle pointing where the source says the brain lies
        shape = {"at_most": "<", "at_least": ">"}.get(r.get("bound") or "", "o")
        plot.marker(plot.x(r["median"]), y, shape, 7 if shape == "o" else 10, "#1f3b70")
    legend_y = plot.height - bottom + 50
    for index, (line, colour) in enumerate(zip(lines, _LADDER_COLOURS, strict=False)):
        x = plot.x(line["value"])
        plot.line_px(x, plot.top, x, plot.height - bottom, stroke=colour, dash="4 2")
        lx, ly = plot.left, legend_y + 18 * index
        plot.line_px(lx, ly, lx + 26, ly, stroke=colour, width=1.2, dash="4 2")
        plot.text(lx + 32, ly + 4, line["label"], size=10.5)
    desc = (
        "Each scenario's brain compute in FLOP/s on a log axis: its median as a dot and its "
        "90% interval as a bar, bounds as triangles, against dashed lines for machines and "
        "limits."
    )
    return _stamped(plot.svg("Brain-compute estimates against machines", desc), data)


_LADDER_COLOURS = ("#C44E52", "#DD8452", "#55A868", "#8172B3", "#2ca02c")


def timeline(data: FigureData) -> str:
    """TOP500 since 1993, projections to 2100, and the brain estimates as horizontal bands."""
    fig = _pyplot_free_figure(8.0, 5.5)
    ax = fig.add_subplot()
    history = data["top500"]
    for key, label, style in (
        ("sum", "TOP500 sum", {"color": "#555555", "ls": "-", "lw": 1}),
        ("rank1", "TOP500 #1", {"color": "black", "ls": "-", "lw": 1.8}),
        ("rank500", "TOP500 #500", {"color": "#999999", "ls": "-", "lw": 1}),
    ):
        points = [(h["year"], h[key]) for h in history if h.get(key)]
        ax.plot([p[0] for p in points], [p[1] for p in points], label=label, **style)
    ai = data.get("ai") or []
    if ai:
        # a step up at each new leader (Epoch AI), BF16 dense peak: not the HPL FP64 above
        ax.step(
            [a["year"] for a in ai],
            [a["bf16"] for a in ai],
            where="post",
            color="#2ca02c",
            lw=1.6,
            label="leading AI system (BF16 peak, Epoch AI)",
        )
    colours = ("#C44E52", "#DD8452", "#8172B3", "#2ca02c", "#DA8BC3", "#8C8C8C")
    dashes = ("--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1)), (0, (1, 1)))
    for projection, colour, dash in zip(data["projections"], colours, dashes, strict=False):
        # a fan: the 90% and 50% bands of the paths, and their median
        years = projection["years"]
        for low, high, alpha in (("p5", "p95", 0.08), ("p25", "p75", 0.16)):
            ax.fill_between(
                years, projection[low], projection[high], color=colour, alpha=alpha, lw=0
            )
        ax.plot(
            years,
            projection["median"],
            ls=dash,
            lw=1.3,
            color=colour,
            label=f"projection: {projection['name']} (median, 50% and 90% of paths)",
        )
    low, high = data["y_range"]
    bands = data["bands"]
    named = ranked_subset(len(bands), MAX_LABELS)
    label_at = spread_labels(
        [math.log10(bands[i]["median"]) for i in named], 0.42, math.log10(low), math.log10(high)
    )
    many = len(bands) > MAX_LABELS  # then the 90% bands would only paint the axes blue
    if not many:
        for band in bands:
            ax.axhspan(band["p5"], band["p95"], color="#4C72B0", alpha=0.06, lw=0)
    # one artist for every median line (axes-wide) and one for every parity dot
    ax.hlines(
        [band["median"] for band in bands],
        0,
        1,
        transform=ax.get_yaxis_transform(),
        color="#4C72B0",
        lw=0.6 if not many else 0.3,
        alpha=0.7,
    )
    leaders = [(bands[i], y_label) for i, y_label in zip(named, label_at, strict=True)]
    _label_right(ax, [(b["name"], (2100, b["median"]), (2104, 10**y)) for b, y in leaders], 6.5)
    dots = [b for b in bands if b.get("parity_year") is not None]
    if dots:
        ax.plot(
            [b["parity_year"] for b in dots],
            [b["median"] for b in dots],
            "o",
            ms=3.5,
            color="#C44E52",
            ls="none",
        )
    ax.set_yscale("log")
    ax.set_ylim(low, high)
    ax.set_xlim(1993, 2100)
    _si_axis(ax.yaxis, "FLOP/s", base=100)
    ax.set_xlabel("year")
    ax.set_ylabel("FLOP/s (TOP500: HPL FP64; AI: BF16 peak; brains: median, 90% band)")
    ax.grid(color="#eeeeee", lw=0.5)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.set_title(
        f"Supercomputers and brain estimates (dots: parity under {data['parity_projection']})"
    )
    _note_omitted(fig, data["omitted"])
    _note_ranked(fig, len(bands))
    return _svg(
        fig,
        data,
        (
            "The TOP500 #1, #500 and sum since 1993 and the leading AI system, projections to 2100 "
            "as fans (the median path dashed, the 50% and 90% bands of the paths shaded), and "
            "each brain estimate as a horizontal line with its 90% band."
        ),
    )


MAX_LABELS = 40
"""Lines named in the margin of a figure; past this, every k-th by rank (readable at 500)."""


def ranked_subset(count: int, limit: int) -> list[int]:
    """Indices of `count` items sorted by value to name: all, or `limit` spread evenly by
    rank (the lowest and the highest always among them)."""
    if count <= limit:
        return list(range(count))
    return sorted({round(i * (count - 1) / (limit - 1)) for i in range(limit)})


def _note_ranked(fig: Any, count: int) -> None:
    if count > MAX_LABELS:
        fig.text(
            0.99,
            0.005,
            f"{count} estimates: {MAX_LABELS} named, evenly by rank",
            fontsize=6.5,
            ha="right",
        )


def _label_right(
    ax: Any, labels: Sequence[tuple[str, tuple[float, float], tuple[float, float]]], size: float
) -> None:
    """Lines' names in the right margin, each joined to its line by a thin leader: (name,
    the line's point, the name's point). One collection of leaders, not an arrow each."""
    from matplotlib.collections import LineCollection

    ax.add_collection(
        LineCollection(
            [(at, text_at) for _, at, text_at in labels],
            colors="#9fb3d9",
            linewidths=0.5,
            clip_on=False,
        ),
        autolim=False,
    )
    for name, _, (x, y) in labels:
        ax.text(x, y, f" {name}", va="center", fontsize=size, color="#1f3b70", clip_on=False)


def _note_omitted(fig: Any, names: Sequence[str]) -> None:
    """Say which scenarios fall outside the axes, under the figure."""
    if names:
        fig.text(0.01, 0.005, "not shown (off scale): " + ", ".join(names), fontsize=6.5)


def training(data: FigureData) -> str:
    """Training runs over time against one brain-lifetime of compute (the training view)."""
    fig = _pyplot_free_figure(8.0, 5.0)
    ax = fig.add_subplot()
    runs = data["runs"]
    ax.plot([r["year"] for r in runs], [r["flop"] for r in runs], "o", ms=3.5, color="#2ca02c")
    # the two largest, one label above and one below its dot: near ones never overlap
    for r, rise in zip(sorted(runs, key=lambda r: -r["flop"])[:2], (6, -6), strict=False):
        ax.annotate(
            r["model"],
            (r["year"], r["flop"]),
            xytext=(-5, rise),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=7,
            color="#1a6b1a",
        )
    lifetimes = data["lifetimes"]
    values = [math.log10(x["median"]) for x in lifetimes]
    low, high = (math.log10(v) for v in data["y_range"])
    named = ranked_subset(len(lifetimes), MAX_LABELS)
    label_at = spread_labels([values[i] for i in named], (high - low) / 45, low, high)
    end = max(r["year"] for r in runs) + 1.5
    ax.hlines(
        [x["median"] for x in lifetimes],
        0,
        1,
        transform=ax.get_yaxis_transform(),
        color="#4C72B0",
        lw=0.5,
        alpha=0.6,
    )
    leaders = [(lifetimes[i], y_label) for i, y_label in zip(named, label_at, strict=True)]
    _label_right(ax, [(x["name"], (end, x["median"]), (end + 0.4, 10**y)) for x, y in leaders], 6)
    _note_ranked(fig, len(lifetimes))
    ax.set_yscale("log")
    ax.set_ylim(10**low, 10**high)
    ax.set_xlim(min(r["year"] for r in runs) - 1, end)
    _si_axis(ax.yaxis, "FLOP", base=1000)
    ax.set_xlabel("year (training runs: Epoch AI, CC BY 4.0)")
    ax.set_ylabel("FLOP (runs: total training; lines: one brain-lifetime)")
    ax.grid(color="#eeeeee", lw=0.5)
    ax.set_title("Training runs against one lifetime of each brain estimate")
    _note_omitted(fig, data["omitted"])
    return _svg(
        fig,
        data,
        (
            "The training compute of notable AI models (Epoch AI) by year, against one "
            "brain-lifetime of compute for each estimate as a horizontal line."
        ),
    )


def tornado(data: FigureData) -> str:
    """What drives one scenario's uncertainty: each input's swing of the output.

    A bar runs from the output with the input at its 5th percentile to the output with it
    at its 95th, every other input at its median; the widest swing is on top. The label
    gives the input's share of the variance of log10(output); each end says the input's
    value there. Drawn by `svgplot` (one per scenario: it must be fast).
    """
    inputs = sorted(data["inputs"], key=lambda i: -abs(math.log(i["swing_high"] / i["swing_low"])))
    unit, base = data["unit"], data["base"]
    lows = [min(i["swing_low"], i["swing_high"]) for i in inputs]
    highs = [max(i["swing_low"], i["swing_high"]) for i in inputs]
    labels = [(i["label"], f"{i['share']:.0%} of the variance") for i in inputs]
    left = 24 + max(text_width(s, 11) for pair in labels for s in pair)
    row = 46.0
    # room on both sides for the end labels: a fifth of the span, at least one decade
    pad = 10 ** max(1.0, 0.2 * math.log10(max(highs) / min(lows)))
    x_range = (min(lows) / pad, max(highs) * pad)
    plot = Plot(760, 70 + row * len(inputs) + 80, (left, 40, 70, 80), x_range, (0, 1), log_x=True)
    mixture = str(data["method"]).startswith("mixture")
    what = (
        f"{data['output']}: each component's 5-95% range (and the whole mixture's)"
        if mixture
        else f"{data['output']} with one input at its p5 or p95, the others at their medians"
    )
    line = "the mixture's median" if mixture else "every input at its median"
    ticks = log_ticks(*x_range, lambda v: tick_label(v, unit, plain=True))
    plot.x_axis(ticks, (what, f"(line: {line}, {si(base, unit)})"))
    for index, (item, (name, share)) in enumerate(zip(inputs, labels, strict=True)):
        y = plot.top + row * (index + 0.5)
        plot.text(left - 10, y - 2, name, anchor="end")
        plot.text(left - 10, y + 12, share, size=10, anchor="end", fill="#555555")
        if item["swing_low"] == item["swing_high"]:  # a point: a mark and its value
            plot.marker(plot.x(item["swing_low"]), y, "o", 8, "#6b8cc2")
            plot.text(plot.x(item["swing_low"]) + 8, y + 4, plain(item["low"], 3), size=9.5)
            continue
        plot.rect(item["swing_low"], item["swing_high"], y, row * 0.6, "#6b8cc2")
        for which, value, end in (
            ("p5", item["swing_low"], item["low"]),
            ("p95", item["swing_high"], item["high"]),
        ):
            outward = value >= base
            x = plot.x(value) + (5 if outward else -5)
            anchor = "start" if outward else "end"
            plot.text(x, y + 4, f"{which} {plain(end, 3)}", size=9.5, anchor=anchor)
    plot.vline(base, "#111111", 1.2)
    title = f"{data['scenario']}: what drives the uncertainty ({data['method']})"
    desc = (
        f"A tornado chart of {data['scenario']}: for each uncertain input, a bar from the "
        f"{data['output']} at the input's 5th percentile to that at its 95th, the others at "
        f"their medians, around the line at {si(base, unit)}."
    )
    return _stamped(plot.svg(title, desc), data)


def cdf_overlay(data: FigureData) -> str:
    """Every scenario's compute as a cumulative distribution, on one log axis.

    Uncertain scenarios are curves (the most spread named in the legend, the rest grey);
    a point estimate is a tick on the axis. Machines are dashed lines.
    """
    fig = _pyplot_free_figure(8.0, 6.5)
    ax = fig.add_subplot()
    probs = data["probs"]
    palette = (
        "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860",
        "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD", "#1f3b70", "#a0522d",
    )  # fmt: skip
    named = data["curves"][: len(palette)]
    for index, curve in enumerate(data["curves"]):
        values = [10**q for q in curve["log10_quantiles"]]
        if index < len(named):
            ax.plot(values, probs, lw=1.4, color=palette[index], label=curve["name"])
        else:
            ax.plot(values, probs, lw=0.6, color="#bbbbbb")
    points = data["points"]
    if points:
        ax.plot(
            [p["value"] for p in points],
            [0.0] * len(points),
            "|",
            ms=12,
            mew=1.2,
            color="#333333",
            clip_on=False,
            label=f"point estimates ({len(points)})",
        )
    # dashed, dotted, dash-dot, dash-dot-dot, long dashes: no two machines look alike
    dashes = ("--", ":", "-.", (0, (3, 1, 1, 1, 1, 1)), (0, (10, 3)))
    for line, dash in zip(data["lines"], dashes, strict=False):
        ax.axvline(line["value"], color="#333333", ls=dash, lw=0.9, label=line["label"])
    ax.set_xscale("log")
    ax.set_xlim(*data["x_range"])
    ax.set_ylim(0, 1)
    _si_axis(ax.xaxis, "FLOP/s", base=1000)
    ax.set_xlabel("brain compute, FLOP/s")
    ax.set_ylabel("P(compute ≤ x)")
    ax.grid(color="#eeeeee", lw=0.5)
    more = len(data["curves"]) - len(named)
    title = "legend: the widest first" + (f"; {more} more in grey" if more > 0 else "")
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncols=2,
        fontsize=7,
        frameon=False,
        title=title,
        title_fontsize=7,
    )
    ax.set_title("The estimates as distributions of compute")
    _note_omitted(fig, data["omitted"])
    return _svg(
        fig,
        data,
        "The cumulative distribution of brain compute for each uncertain scenario on a log "
        "axis; point estimates as ticks on the axis; machines as dashed lines.",
    )


def parity_curves(data: FigureData) -> str:
    """P(parity by year) for one scenario under each projection, history first.

    Drawn by `svgplot` (one per scenario: it must be fast).
    """
    years = data["years"]
    plot = Plot(760, 430, (64, 24, 48, 62), (years[0], years[-1]), (0, 1.0))
    first = math.ceil(years[0] / 20) * 20
    plot.x_axis([(y, str(y)) for y in range(first, int(years[-1]) + 1, 20)], ("year",))
    plot.y_axis([(p / 5, f"{p / 5:.1f}") for p in range(6)], "P(a machine has matched it)")
    newest = data["newest_year"]
    plot.vline(newest, "#999999", 0.9)
    note = "history | projection"
    plot.text(plot.x(newest), plot.top - 6, note, size=10, anchor="middle", fill="#777777")
    dashes = ("", "6 3", "2 2", "6 2 2 2", "8 2", "1 2", "4 2 1 2")
    colours = ("#C44E52", "#DD8452", "#8172B3", "#2ca02c", "#DA8BC3", "#8C8C8C", "#937860")
    legend_x = plot.width - plot.right - 230
    legend_y = plot.y(0) - 16 * len(data["curves"]) - 4
    for index, curve in enumerate(data["curves"]):
        dash, colour = dashes[index % len(dashes)], colours[index % len(colours)]
        plot.steps(years, curve["p"], stroke=colour, dash=dash)
        label = curve["name"] + (" (BF16 peak)" if curve["series"] == "ai" else " (HPL FP64)")
        y = legend_y + 16 * index
        plot.line_px(legend_x, y, legend_x + 26, y, stroke=colour, width=1.6, dash=dash)
        plot.text(legend_x + 32, y + 4, label, size=10.5)
    title = f"{data['scenario']}: probability of compute parity by year"
    desc = (
        f"For {data['scenario']}, the probability that a machine has matched the brain's "
        "compute by each year under each projection: the history of lists first, then the "
        "projection."
    )
    return _stamped(plot.svg(title, desc), data)


def calibration(data: FigureData) -> str:
    """Realised against nominal coverage of the forecasts' ranges, by horizon (backtest).

    Drawn by `svgplot`: a few lines; the legend and the unscored series below the axes.
    """
    lines = 2 * len(data["series"]) + len(data["unscored"])
    plot = Plot(760, 380 + 16 * lines, (64, 24, 40, 70 + 16 * lines), (0.5, 15.5), (0, 1.0))
    plot.x_axis([(h, str(h)) for h in range(1, 16, 2)], ("years ahead",))
    plot.y_axis([(p / 5, f"{p / 5:.1f}") for p in range(6)], "share of outcomes inside the range")
    for nominal in (0.5, 0.9):
        y = plot.y(nominal)
        plot.line_px(plot.x(0.5), y, plot.x(15.5), y, stroke="#999999", width=0.9, dash="2 3")
        label = f"nominal {nominal:.0%}"
        plot.text(plot.x(15.4), y - 4, label, size=10, anchor="end", fill="#777777")
    colours = ("#000000", "#C44E52", "#2ca02c")
    below = plot.y(0) + 58
    row = 0
    for series, colour in zip(data["series"], colours, strict=False):
        for key, dash, marker in (("cover90", "", "o"), ("cover50", "6 3", ">")):
            pairs = zip(series["h_years"], series[key], strict=True)
            points = [(h, v) for h, v in pairs if v is not None]
            for (h0, v0), (h1, v1) in itertools.pairwise(points):
                x0, y0, x1, y1 = plot.x(h0), plot.y(v0), plot.x(h1), plot.y(v1)
                plot.line_px(x0, y0, x1, y1, stroke=colour, width=1.6, dash=dash)
            for h, v in points:
                plot.marker(plot.x(h), plot.y(v), marker, 5, colour)
            y = below + 16 * row
            plot.line_px(plot.left, y, plot.left + 26, y, stroke=colour, width=1.6, dash=dash)
            share = "90%" if key == "cover90" else "50%"
            plot.text(
                plot.left + 32, y + 4, f"{series['name']}: inside its {share} range", size=10.5
            )
            row += 1
    for note in data["unscored"]:
        plot.text(plot.left, below + 16 * row + 4, note[:120], size=10, fill="#777777")
        row += 1
    title = "How well the forecasts' ranges held: realised against nominal coverage"
    desc = (
        "For each series, the share of realised values inside the forecasts' 90% (solid) and "
        "50% (dashed) ranges, by years ahead, from every origin list since June 2000."
    )
    return _stamped(plot.svg(title, desc), data)


def resources(data: FigureData) -> str:
    """Brain ÷ machine per resource, for every scenario that gives the figures."""
    rows = data["rows"]
    metrics = data["metrics"]
    fig = _pyplot_free_figure(8.0, 0.3 * len(rows) + 1.8)
    ax = fig.add_subplot()
    markers = ("o", "s", "^", "D", "v")
    colours = ("#4C72B0", "#55A868", "#DD8452", "#C44E52", "#8172B3")
    for (key, label), marker, colour in zip(metrics, markers, colours, strict=False):
        ys = [len(rows) - 1 - i for i, r in enumerate(rows) if r.get(key) is not None]
        xs = [r[key] for r in rows if r.get(key) is not None]
        ax.scatter(xs, ys, marker=marker, color=colour, s=22, label=label, zorder=3)
    ax.axvline(1, color="black", lw=0.8)
    ax.set_yticks(range(len(rows)), [r["name"] for r in reversed(rows)])
    ax.set_xscale("log")
    _power_axis(ax.xaxis)
    ax.set_xlabel(f"brain ÷ {data['machine']} (median); right of 1: the brain needs more")
    ax.grid(axis="x", color="#dddddd", lw=0.5)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1 - 0.5 / max(len(rows), 1)),
        ncols=2,
        frameon=False,
    )
    ax.set_title(f"Compute, memory and bandwidth against {data['machine']}")
    return _svg(
        fig,
        data,
        (
            "For each scenario, brain ÷ machine for compute, memory and bandwidths against the "
            "newest #1, on a log axis; right of 1 the brain needs more."
        ),
    )


def sweep(data: FigureData) -> str:
    """An output (median and 90% band) and parity years against the first varied value."""
    fig = _pyplot_free_figure(8.0, 6.0)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    series = data["series"]
    colours = ("#4C72B0", "#C44E52", "#55A868", "#8172B3", "#DD8452", "#937860")
    for line, colour in zip(series, colours, strict=False):
        x = line["x"]
        top.fill_between(x, line["p5"], line["p95"], color=colour, alpha=0.12, lw=0)
        top.plot(x, line["median"], color=colour, lw=1.6, label=line["label"] or None)
        for name, style in zip(line["years"], ("-", "--", ":", "-."), strict=False):
            years = [y if y is not None else float("nan") for y in line["years"][name]]
            bottom.plot(
                x,
                years,
                ls=style,
                color=colour,
                lw=1.2,
                label=name if colour == colours[0] else None,
            )
    top.set_yscale("log")
    if data["log_x"]:
        top.set_xscale("log")
    _si_axis(top.yaxis, data["unit"], base=10)
    top.set_ylabel(f"{data['output']}: median, 90% band")
    top.grid(color="#eeeeee", lw=0.5)
    if any(line["label"] for line in series):
        top.legend(fontsize=7, frameon=False, title=data["second"], title_fontsize=7)
    bottom.set_ylabel("parity year (median)")
    bottom.set_xlabel(data["path"])
    bottom.grid(color="#eeeeee", lw=0.5)
    bottom.legend(fontsize=7, frameon=False, ncols=2)
    top.set_title(f"{data['scenario']}: {data['output']} against {data['path']}")
    return _svg(
        fig,
        data,
        (
            f"{data['output']} of {data['scenario']} (median and 90% band) and the parity years as "
            f"{data['path']} varies."
        ),
    )


def distribution(
    draws: Mapping[str, Any],
    output: str = "compute_flops",
    lines: Sequence[tuple[str, float]] = (),
    *,
    pdf: bool = False,
) -> Any:
    """Each named set of draws of one output on a log axis: a CDF (or a density), with
    machine lines marked. A matplotlib Figure."""
    import numpy as np

    fig = _pyplot_free_figure(7.5, 4.2)
    ax = fig.add_subplot()
    palette = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3")
    lowest, highest = math.inf, 0.0
    for index, (name, drawn) in enumerate(draws.items()):
        colour = palette[index % len(palette)]
        if drawn is None:
            continue
        values = np.sort(np.atleast_1d(np.asarray(drawn, dtype=np.float64)))
        values = values[values > 0]
        if values.size == 0:
            continue
        lowest, highest = min(lowest, values[0]), max(highest, values[-1])
        if values[0] == values[-1]:  # a point: a step at its value
            ax.axvline(values[0], lw=1.5, color=colour, label=f"{name} (a point)")
            continue
        if pdf:
            edges = np.logspace(np.log10(values[0]), np.log10(values[-1]), 60)
            density, _ = np.histogram(values, bins=edges, density=True)
            centres = np.sqrt(edges[:-1] * edges[1:])
            ax.plot(centres, density * centres * np.log(10), lw=1.5, color=colour, label=name)
        else:
            ax.plot(values, np.linspace(0, 1, values.size), lw=1.5, color=colour, label=name)
    for label, value in lines:
        ax.axvline(value, color="#555555", ls="--", lw=0.9)
        ax.annotate(
            label,
            (value, 0.98),
            xycoords=("data", "axes fraction"),
            rotation=90,
            ha="right",
            va="top",
            fontsize=7,
            color="#555555",
        )
    ax.set_xscale("log")
    wide = highest > 0 and math.log10(max([highest, *(v for _, v in lines)]) / lowest) > 6
    _si_axis(ax.xaxis, UNIT_OF.get(output, ""), base=1000 if wide else 10)
    if not pdf:
        ax.set_ylim(0, 1)
    unit = UNIT_OF.get(output, "")
    ax.set_xlabel(f"brain {LABELS.get(output, output)}" + (f", {unit}" if unit else ""))
    ax.set_ylabel("density per decade" if pdf else f"P({LABELS.get(output, output)} ≤ x)")
    ax.grid(color="#eeeeee", lw=0.5)
    ax.legend(fontsize=8, frameon=False, loc="lower right" if not pdf else "upper right")
    return fig


UNIT_OF = {"compute_flops": "FLOP/s", "memory_bytes": "B", "lifetime_flop": "FLOP"}


def distribution_svg(data: FigureData, fig: Any) -> str:
    """A distribution figure as a deterministic SVG (fingerprinted by `data`)."""
    desc = "The distribution of an output of each scenario on a log axis, machines as lines."
    return _svg(fig, data, desc, title="brainflops plot")
