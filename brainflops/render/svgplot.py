"""A small SVG plotter for the figures whose size grows with a report.

A report of hundreds of scenarios draws two figures for each, and a ladder with a row for
each; matplotlib takes ~40-150 ms a figure (and ~1 s for a ladder of 200 rows), this takes
a few. It knows bars, lines, steps, markers, text and a log or linear axis, which is all a
tornado, a P(parity by year) chart and the ladder need. Text stays text (selectable);
widths of labels are estimated from their length (a sans-serif averages ~0.58 em a glyph).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

FONT = "DejaVu Sans, Bitstream Vera Sans, Arial, Helvetica, sans-serif"
EM = 0.58
"""Average advance of a glyph, in ems, for estimating a label's width."""


def text_width(text: str, size: float) -> float:
    return len(text) * size * EM


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class Plot:
    """One axes on a canvas: data coordinates in, SVG elements out."""

    def __init__(
        self,
        width: float,
        height: float,
        margins: tuple[float, float, float, float],
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        *,
        log_x: bool = False,
    ) -> None:
        self.width, self.height = width, height
        self.left, self.right, self.top, self.bottom = margins
        self.log_x = log_x
        self.x0, self.x1 = (math.log10(v) for v in x_range) if log_x else x_range
        self.y0, self.y1 = y_range
        self.elements: list[str] = []

    def x(self, value: float) -> float:
        v = math.log10(value) if self.log_x else value
        span = self.width - self.left - self.right
        return self.left + (v - self.x0) / (self.x1 - self.x0) * span

    def y(self, value: float) -> float:
        span = self.height - self.top - self.bottom
        return self.height - self.bottom - (value - self.y0) / (self.y1 - self.y0) * span

    def add(self, element: str) -> None:
        self.elements.append(element)

    def rect(self, x0: float, x1: float, y_px: float, height_px: float, fill: str) -> None:
        """A bar from x0 to x1 (data) centred on y_px (pixels)."""
        left, right = sorted((self.x(x0), self.x(x1)))
        self.add(
            f'<rect x="{_num(left)}" y="{_num(y_px - height_px / 2)}" '
            f'width="{_num(right - left)}" height="{_num(height_px)}" fill="{fill}"/>'
        )

    def vline(self, value: float, stroke: str, width: float = 1.0) -> None:
        x = self.x(value)
        self.line_px(x, self.top, x, self.height - self.bottom, stroke=stroke, width=width)

    def line_px(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        *,
        stroke: str,
        width: float = 1.0,
        dash: str = "",
    ) -> None:
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(
            f'<line x1="{_num(x0)}" y1="{_num(y0)}" x2="{_num(x1)}" y2="{_num(y1)}" '
            f'stroke="{stroke}" stroke-width="{_num(width)}"{pattern}/>'
        )

    def steps(
        self,
        xs: Sequence[float],
        ys: Sequence[float],
        *,
        stroke: str,
        width: float = 1.6,
        dash: str = "",
    ) -> None:
        """A step line: each y holds from its x to the next x."""
        d = [f"M{_num(self.x(xs[0]))} {_num(self.y(ys[0]))}"]
        d += [  # a flat run is one segment, drawn when it ends
            f"H{_num(self.x(xs[i]))}V{_num(self.y(ys[i]))}"
            for i in range(1, len(xs))
            if ys[i] != ys[i - 1]
        ]
        d.append(f"H{_num(self.x(xs[-1]))}")
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(
            f'<path d="{"".join(d)}" fill="none" stroke="{stroke}" '
            f'stroke-width="{_num(width)}"{pattern}/>'
        )

    def marker(self, x_px: float, y_px: float, shape: str, size: float, fill: str) -> None:
        """A dot ("o") or a triangle pointing left ("<") or right (">"), `size` px across."""
        r = size / 2
        if shape == "o":
            self.add(f'<circle cx="{_num(x_px)}" cy="{_num(y_px)}" r="{_num(r)}" fill="{fill}"/>')
            return
        tip = -r if shape == "<" else r
        points = ((x_px + tip, y_px), (x_px - tip, y_px - r), (x_px - tip, y_px + r))
        d = "M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in points) + "Z"
        self.add(f'<path d="{d}" fill="{fill}"/>')

    def text(
        self,
        x_px: float,
        y_px: float,
        content: str,
        *,
        size: float = 11,
        anchor: str = "start",
        fill: str = "#222222",
    ) -> None:
        self.add(
            f'<text x="{_num(x_px)}" y="{_num(y_px)}" font-size="{_num(size)}" '
            f'text-anchor="{anchor}" fill="{fill}">{escape(content)}</text>'
        )

    def x_axis(self, ticks: Sequence[tuple[float, str]], label: Sequence[str]) -> None:
        base = self.height - self.bottom
        self.line_px(self.left, base, self.width - self.right, base, stroke="#333333")
        for value, text in ticks:
            x = self.x(value)
            self.line_px(x, self.top, x, base, stroke="#eeeeee", width=0.8)
            self.line_px(x, base, x, base + 4, stroke="#333333")
            self.text(x, base + 17, text, size=10.5, anchor="middle")
        middle = (self.left + self.width - self.right) / 2
        for i, line in enumerate(label):
            self.text(middle, base + 36 + 14 * i, line, anchor="middle")

    def y_axis(self, ticks: Sequence[tuple[float, str]], label: str) -> None:
        base = self.height - self.bottom
        self.line_px(self.left, self.top, self.left, base, stroke="#333333")
        for value, text in ticks:
            y = self.y(value)
            self.line_px(self.left, y, self.width - self.right, y, stroke="#eeeeee", width=0.8)
            self.text(self.left - 6, y + 4, text, size=10.5, anchor="end")
        centre = (self.top + base) / 2
        self.add(
            f'<text x="14" y="{_num(centre)}" font-size="11" text-anchor="middle" '
            f'transform="rotate(-90 14 {_num(centre)})" fill="#222222">{escape(label)}</text>'
        )

    def svg(self, title: str, desc: str) -> str:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(self.width)}" '
            f'height="{_num(self.height)}" viewBox="0 0 {_num(self.width)} '
            f'{_num(self.height)}" version="1.1" font-family={quoteattr(FONT)}>\n'
            f" <title>{escape(title)}</title>\n <desc>{escape(desc)}</desc>\n"
            f' <rect width="100%" height="100%" fill="#ffffff"/>\n'
        )
        centre = self.width / 2
        heading = (
            f' <text x="{_num(centre)}" y="22" font-size="13" text-anchor="middle" '
            f'fill="#111111">{escape(title)}</text>\n'
        )
        body = "".join(f" {e}\n" for e in self.elements)
        return f'<?xml version="1.0" encoding="utf-8"?>\n{head}{heading}{body}</svg>\n'


def log_ticks(
    low: float, high: float, label: Callable[[float], str], most: int = 12
) -> list[tuple[float, str]]:
    """Powers of ten in [low, high]: every one up to six decades, else every third (or
    sixth, ninth ...: at most `most` ticks, so that their labels fit)."""
    first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
    step = 1 if last - first <= 6 else 3
    while (last - first) // step + 1 > max(most, 1) and step < last - first:
        step += 3 if step > 1 else 2
    return [(10.0**k, label(10.0**k)) for k in range(first, last + 1) if k % step == 0]


__all__ = ["Plot", "log_ticks", "text_width"]
