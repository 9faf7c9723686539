"""The report as one self-contained web page: index.md's content, its figures inline.

The page is made from the report's own Markdown, so the two never say different things:
the few constructs `markdown.py` writes (headings, anchors, tables, images, paragraphs, lists,
links, code, bold and backslash escapes) are turned into HTML here, and everything else is
escaped as text. Each figure is inlined as SVG (its text stays selectable, its `<title>` and
`<desc>` stay readable), with its ids prefixed so that figures cannot collide, and marked
with its data fingerprint and a digest of its inlined text: `report --check` compares the page
by the data the figures show, never by bytes another matplotlib version writes differently.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from brainflops.render import figures

STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1d1d1f; margin: 0; background: #fff; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.3rem; margin-top: 2.5rem;
  border-top: 1px solid #ddd; padding-top: 1rem; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; background: #f3f3f3;
  padding: 0 0.2em; border-radius: 3px; }
a { color: #1f5fa8; }
.table { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; vertical-align: top; }
th { background: #f6f6f6; text-align: left; }
td.r, th.r { text-align: right; white-space: nowrap; }
td:first-child { white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafafa; }
figure { margin: 1rem 0 2rem; }
figure svg { width: 100%; max-width: 56rem; height: auto; display: block; }
figcaption { font-size: 0.85rem; color: #555; }
"""

_ANCHOR = re.compile(r'<a id="([A-Za-z0-9_.-]+)"></a>')
_IMAGE = re.compile(r"!\[([^\]]*)\]\(figures/([A-Za-z0-9_.-]+\.svg)\)")
_INLINE = re.compile(
    r"(?P<code>`+)(?P<code_text>.+?)(?P=code)"
    r"|\\(?P<escaped>[\\`*_\[\]<>|#])"
    r"|<(?P<autolink>https?://[^\s<>]+)>"
    r"|\[(?P<link_text>(?:\\.|[^\]\\])+)\]\((?:<(?P<url_angle>[^<>\s]+)>|(?P<url>[^()\s]+))\)"
    r"|\*\*(?P<bold>.+?)\*\*"
)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_FIGURE_MARK = re.compile(
    r"<!-- brainflops-figure data-sha256: ([0-9a-f]{64}) svg-sha256: ([0-9a-f]{64}) -->\n"
    r"(<svg\b.*?</svg>)",
    re.DOTALL,
)


_SIBLING_PAGE = re.compile(r"[A-Za-z0-9_-]+\.html(#[A-Za-z0-9_.-]*)?")


def _safe_url(url: str) -> bool:
    """Links go to the web, within the page, or to a page beside it in the report folder
    (`explore.html#name`); nothing else (no javascript:, no other files)."""
    return url.startswith(("https://", "http://", "#")) or _SIBLING_PAGE.fullmatch(url) is not None


def inline(text: str) -> str:
    """One line of the report's Markdown as HTML; anything unrecognised is escaped text."""
    out: list[str] = []
    at = 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[at : match.start()]))
        at = match.end()
        if match["code"]:
            out.append(f"<code>{html.escape(match['code_text'].strip())}</code>")
        elif match["escaped"]:
            out.append(html.escape(match["escaped"]))
        elif match["autolink"]:
            url = html.escape(match["autolink"])
            out.append(f'<a href="{url}">{url}</a>')
        elif match["link_text"]:
            url = match["url_angle"] or match["url"] or ""
            label = inline(match["link_text"])
            if _safe_url(url):
                out.append(f'<a href="{html.escape(url)}">{label}</a>')
            else:
                out.append(label)
        else:
            out.append(f"<strong>{inline(match['bold'])}</strong>")
    out.append(html.escape(text[at:]))
    return "".join(out)


def _cells(line: str) -> list[str]:
    cells = _CELL_SPLIT.split(line.strip())
    return [c.strip() for c in cells[1:-1]]


def _table(lines: list[str]) -> str:
    header, align, rows = _cells(lines[0]), _cells(lines[1]), [_cells(x) for x in lines[2:]]
    right = [a.endswith(":") for a in align]

    def row(cells: list[str], tag: str) -> str:
        parts = []
        for i, cell in enumerate(cells):
            klass = ' class="r"' if i < len(right) and right[i] else ""
            parts.append(f"<{tag}{klass}>{inline(cell)}</{tag}>")
        return "<tr>" + "".join(parts) + "</tr>"

    body = "\n".join(row(r, "td") for r in rows)
    return (
        f'<div class="table"><table>\n<thead>{row(header, "th")}</thead>\n'
        f"<tbody>\n{body}\n</tbody></table></div>"
    )


def inline_svg(svg: str, prefix: str) -> str:
    """A standalone SVG as an element of the page: no prolog, ids made unique by `prefix`."""
    start = svg.index("<svg")
    body = svg[start:]
    body = re.sub(r"<metadata>.*?</metadata>\s*", "", body, count=1, flags=re.DOTALL)
    body = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', body)
    body = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", body)
    body = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', body)
    # the page sizes the figure (CSS), keeping its aspect ratio from the viewBox
    body = re.sub(r'(<svg\b[^>]*?) width="[^"]*" height="[^"]*"', r'\1 role="img"', body, count=1)
    return body.rstrip()


def _figure(caption: str, name: str, svgs: Mapping[str, str], number: int) -> str:
    svg = svgs[name]
    element = inline_svg(svg, f"f{number}-")
    digest = hashlib.sha256(element.encode()).hexdigest()
    data = figures.read_fingerprint(svg) or ""
    mark = f"<!-- brainflops-figure data-sha256: {data} svg-sha256: {digest} -->"
    anchor = name.removesuffix(".svg")
    return (
        f'<figure id="figure-{anchor}">\n{mark}\n{element}\n'
        f"<figcaption>{html.escape(caption)}</figcaption>\n</figure>"
    )


_ALIGN_ROW = re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+")


def _is_table(lines: list[str], i: int) -> bool:
    """A table is a `|` line followed by its alignment row (`| --- | ---: |`)."""
    return (
        lines[i].startswith("|")
        and i + 1 < len(lines)
        and _ALIGN_ROW.fullmatch(lines[i + 1].strip()) is not None
    )


def _starts_block(lines: list[str], i: int) -> bool:
    line = lines[i]
    return (
        re.match(r"#{1,6} ", line) is not None
        or _is_table(lines, i)
        or _ANCHOR.fullmatch(line) is not None
        or _IMAGE.fullmatch(line) is not None
    )


def page(markdown: str, svgs: Mapping[str, str], title: str = "brainflops report") -> str:
    """index.md as a web page, with every figure it shows inlined from `svgs` (by file)."""
    return Page(markdown, frozenset(svgs), title).filled(svgs)


@dataclass(frozen=True)
class _Slot:
    """Where a figure goes: its alt text, file and number on the page."""

    alt: str
    file: str
    number: int


class Page:
    """index.md as a web page before its figures are drawn: the Markdown is converted once,
    and `filled` inlines the figures (a report converts while its workers draw)."""

    def __init__(
        self, markdown: str, figure_files: AbstractSet[str], title: str = "brainflops report"
    ) -> None:
        self.title = title
        self.parts = _converted(markdown, figure_files)

    def filled(self, svgs: Mapping[str, str]) -> str:
        body = "\n".join(
            part if isinstance(part, str) else _figure(part.alt, part.file, svgs, part.number)
            for part in self.parts
        )
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(self.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
        )


def _converted(markdown: str, figure_files: AbstractSet[str]) -> list[str | _Slot]:
    lines = markdown.splitlines()
    out: list[str | _Slot] = []
    i, figure_count = 0, 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif anchor := _ANCHOR.fullmatch(line):
            out.append(f'<a id="{anchor[1]}"></a>')
            i += 1
        elif heading := re.fullmatch(r"(#{1,6}) (.*)", line):
            level = len(heading[1])
            out.append(f"<h{level}>{inline(heading[2])}</h{level}>")
            i += 1
        elif _is_table(lines, i):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(lines[i])
                i += 1
            out.append(_table(block))
        elif (image := _IMAGE.fullmatch(line)) and image[2] in figure_files:
            figure_count += 1
            out.append(_Slot(image[1], image[2], figure_count))
            i += 1
        else:
            block = [line]
            i += 1
            while i < len(lines) and lines[i].strip() and not _starts_block(lines, i):
                block.append(lines[i])
                i += 1
            if all(b.startswith("- ") for b in block):
                items = "".join(f"<li>{inline(b[2:])}</li>" for b in block)
                out.append(f"<ul>{items}</ul>")
            else:
                out.append("<p>" + inline(" ".join(b.strip() for b in block)) + "</p>")
    return out


def normalised(page_text: str) -> tuple[str, bool]:
    """The page with each figure replaced by its data fingerprint, and whether every inlined
    figure is as brainflops wrote it (its digest matches its text)."""
    intact = True

    def replace(match: re.Match[str]) -> str:
        nonlocal intact
        if hashlib.sha256(match[3].encode()).hexdigest() != match[2]:
            intact = False
        return f"<!-- figure showing data {match[1]} -->"

    return _FIGURE_MARK.sub(replace, page_text), intact


__all__ = ["Page", "inline", "inline_svg", "normalised", "page"]
