"""The HTML report: made from index.md, figures inline, safe with user text, checkable."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from brainflops.render import html
from tests.conftest import ROOT, invoke, make, snapshot

VOID = {"meta", "br", "img", "hr", "link", "input", "path", "use", "rect", "circle", "line"}


class Page(HTMLParser):
    """What a reader sees of a page: its text, its elements, and whether tags balance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.ids += [v for k, v in attrs if k == "id" and v]
        self.in_style = tag == "style"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.ids += [v for k, v in attrs if k == "id" and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.text.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.stack == [], f"unclosed: {page.stack}"
    return page


@pytest.fixture(scope="module")
def report(made: Path) -> dict[str, bytes]:
    return snapshot(made)


def test_the_page_shows_every_figure_of_index_md_inline(report: dict[str, bytes]) -> None:
    page_text = report["index.html"].decode()
    index = report["index.md"].decode()
    page = parse(page_text)
    shown = re.findall(r"!\[[^\]]*\]\(figures/([^)]+)\)", index)
    assert len(shown) >= 5  # ladder, timeline, resources, cdf, training, and per scenario
    figures = [a.get("id") for tag, a in page.tags if tag == "figure"]
    assert figures == [f"figure-{name.removesuffix('.svg')}" for name in shown]
    # self-contained: no image, script or stylesheet is fetched
    assert not [t for t, a in page.tags if t in {"img", "script", "link", "iframe"}]
    assert "src=" not in page_text
    # ids are unique, though every figure came with its own `figure_1`, `axes_1` ...
    assert len(page.ids) == len(set(page.ids))
    # each inline figure keeps its title and description
    assert page_text.count("<title>") == len(shown) + 1  # and the page's own
    assert page_text.count("<desc>") == len(shown)


def test_the_page_says_what_index_md_says(report: dict[str, bytes]) -> None:
    page = parse(report["index.html"].decode())
    text = " ".join(" ".join(page.text).split())
    # the content is the Markdown's: the first numbers of the summary and every section
    assert "brainflops report" in text and "1.08 ZFLOP/s" in text
    for name in ("dettmers-2015", "carlsmith-2020", "moravec-1998"):
        assert f"{name}:" in text
    # no Markdown syntax is left in what a reader sees
    for leftover in ("**", "](", "| ---", "\\|", "<a id"):
        assert leftover not in text, leftover
    links = {a.get("href") for tag, a in page.tags if tag == "a" and a.get("href")}
    assert "#dettmers-2015" in links
    assert any(str(h).startswith("https://") for h in links)
    tables = [t for t, _ in page.tags if t == "table"]
    assert len(tables) == report["index.md"].decode().count("\n| --- |") + report[
        "index.md"
    ].decode().count("\n| ---: |")


def test_the_page_is_as_deterministic_as_the_rest(tmp_path: Path, report: dict[str, bytes]) -> None:
    out = tmp_path / "again"
    make(out)
    assert (out / "index.html").read_bytes() == report["index.html"]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("a **bold** b", "a <strong>bold</strong> b"),
        ("`x < y`", "<code>x &lt; y</code>"),
        ("\\*not bold\\* and a\\|b", "*not bold* and a|b"),
        ("[site](<https://example.org/a b>)", "[site](&lt;https://example.org/a b&gt;)"),
        ("[site](<https://example.org/a>)", '<a href="https://example.org/a">site</a>'),
        ("[here](#dettmers-2015)", '<a href="#dettmers-2015">here</a>'),
        ("also at <https://x.org/p>", 'also at <a href="https://x.org/p">https://x.org/p</a>'),
        # user text (a description) never becomes markup or a script
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("[click](javascript:alert)", "click"),
        ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
        (
            '[x](<https://a.org/"onmouseover="y>)',
            '<a href="https://a.org/&quot;onmouseover=&quot;y">x</a>',
        ),
        ("5 < 6 & 7", "5 &lt; 6 &amp; 7"),
    ],
)
def test_inline_markdown(markdown: str, expected: str) -> None:
    assert html.inline(markdown) == expected


def test_blocks_a_description_can_hold() -> None:
    markdown = "\n".join(
        [
            "# Title",
            "",
            "| not a table, no alignment row",
            "text that follows",
            "",
            "- one",
            "- two",
            "",
            "| a | b |",
            "| --- | ---: |",
            "| x \\| y | 2 |",
        ]
    )
    page = html.page(markdown, {})
    assert "<h1>Title</h1>" in page
    assert "<p>| not a table, no alignment row text that follows</p>" in page
    assert "<ul><li>one</li><li>two</li></ul>" in page
    assert '<tr><td>x | y</td><td class="r">2</td></tr>' in page
    parse(page)


@pytest.mark.slow
def test_check_compares_inline_figures_by_their_data(tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert make(out).exit_code == 0
    path = out / "index.html"
    text = path.read_text()
    # another matplotlib writes other bytes for the same data, digest and all: still fresh
    mark = re.search(r"svg-sha256: ([0-9a-f]{64}) -->\n(<svg\b.*?</svg>)", text, re.DOTALL)
    assert mark is not None
    redrawn = mark[2].replace("<desc>", "<desc>drawn elsewhere. ")
    digest = hashlib.sha256(redrawn.encode()).hexdigest()
    other = text.replace(mark[0], f"svg-sha256: {digest} -->\n{redrawn}")
    path.write_text(other)
    assert make(out, "--check").exit_code == 0
    # a script slipped into a figure by hand: stale
    path.write_text(text.replace("</svg>", "<script>alert(1)</script></svg>", 1))
    result = make(out, "--check")
    assert result.exit_code == 1 and "a figure in it was changed by hand" in result.stdout
    # text outside the figures, edited: stale with a diff
    path.write_text(text.replace("brainflops report</h1>", "my report</h1>"))
    result = make(out, "--check")
    assert result.exit_code == 1 and "index.html: stale" in result.stdout


def test_the_committed_page_exists_and_is_listed() -> None:
    report = ROOT / "docs" / "report"
    assert (report / "index.html").is_file()
    assert "index.html" in (report / ".brainflops-report").read_text()
    assert "index.html" in " ".join(invoke("report", "--help").stdout.split())
