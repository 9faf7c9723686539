"""The small SVG plotter of the per-scenario figures: coordinates, ticks, steps, text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from brainflops.render.svgplot import Plot, log_ticks, text_width


def test_data_to_pixels() -> None:
    # 400 px wide with margins 50 (left) and 50 (right): 300 px for 1e10..1e16, 50 a decade
    plot = Plot(400, 300, (50, 50, 20, 80), (1e10, 1e16), (0, 1), log_x=True)
    assert plot.x(1e10) == pytest.approx(50)
    assert plot.x(1e13) == pytest.approx(200)
    assert plot.x(1e16) == pytest.approx(350)
    # 200 px tall between top 20 and bottom 80: y = 0 at 220, y = 1 at 20
    assert plot.y(0) == pytest.approx(220) and plot.y(1) == pytest.approx(20)


def test_log_ticks_every_decade_then_every_third() -> None:
    assert [v for v, _ in log_ticks(3e9, 2e14, str)] == [1e10, 1e11, 1e12, 1e13, 1e14]
    # 1e10..1e24 spans 14 decades: every third power of ten (k % 3 == 0)
    assert [v for v, _ in log_ticks(1e10, 1e24, str)] == [1e12, 1e15, 1e18, 1e21, 1e24]
    # 1e12..1e45 at most 6 ticks: every third gives 12, every sixth 6 (1e12, 1e18 ... 1e42)
    assert [v for v, _ in log_ticks(1e12, 1e45, str, 6)] == [10.0**k for k in range(12, 43, 6)]


def test_markers_are_dots_and_triangles_pointing_where_told() -> None:
    plot = Plot(100, 100, (0, 0, 0, 0), (0, 1), (0, 1))
    plot.marker(50, 50, "o", 8, "#000")
    plot.marker(50, 50, "<", 10, "#000")
    plot.marker(50, 50, ">", 10, "#000")
    assert plot.elements[0] == '<circle cx="50" cy="50" r="4" fill="#000"/>'
    # "<": the tip 5 px to the left, the base 5 px to the right, 10 px tall
    assert 'd="M45 50L55 45L55 55Z"' in plot.elements[1]
    assert 'd="M55 50L45 45L45 55Z"' in plot.elements[2]


def test_steps_hold_each_value_until_the_next_x() -> None:
    plot = Plot(100, 100, (0, 0, 0, 0), (0, 10), (0, 1))
    plot.steps([0, 5, 10], [0, 0.5, 0.5], stroke="#000")
    # from (0, 100) across to x = 50, up to y = 50, across to x = 100 (no move for 0.5 again)
    assert 'd="M0 100H50V50H100"' in plot.elements[0]


def test_the_svg_is_well_formed_text_with_a_title() -> None:
    plot = Plot(200, 100, (10, 10, 10, 10), (1, 100), (0, 1), log_x=True)
    plot.text(20, 30, "a < b & c")
    svg = plot.svg("what <it> shows", "a description")
    root = ET.fromstring(svg.split("?>", 1)[1])
    assert root.find("{http://www.w3.org/2000/svg}title").text == "what <it> shows"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "a < b & c" in texts
    assert text_width("abcd", 10) == pytest.approx(4 * 10 * 0.58)
