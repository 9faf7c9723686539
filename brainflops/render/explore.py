"""The explorer: one self-contained page where sliders move a scenario's inputs and the
brain's figures, its ratios to the newest machines and the parity years follow.

The page evaluates the exported model (`analysis.explore.explorer_document`) with a small
script (`explore.js`); it holds no formula of its own. Nothing is fetched: the data sits in
the page as JSON, and a Content-Security-Policy lets only the page's own script and style
run (by their digests), so markup in a scenario's text can never become code.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib import resources
from string import Template
from typing import Any

GENERATOR = "brainflops explore"
"""The page's <meta name="generator">: how `explore -o` knows a file it may replace."""


def _asset(name: str) -> str:
    return resources.files("brainflops.render").joinpath(name).read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def embedded_json(data: Any) -> str:
    """JSON that can sit inside a <script> element: no `<`, `>` or `&` can end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def page(document: dict[str, Any], *, report_link: bool = False) -> str:
    """The explorer page for an explorer document (`report_link`: a link back to the
    report's index.html beside it)."""
    script, style = _asset("explore.js"), _asset("explore.css")
    policy = (
        f"default-src 'none'; script-src '{_digest(script)}'; style-src '{_digest(style)}'; "
        "base-uri 'none'; form-action 'none'"
    )
    n1, ai = document["machines"]["number1"], document["machines"]["ai_leader"]
    as_of = ", ".join(f"{k} {v}" for k, v in document["data_as_of"].items())
    back = '<a href="index.html">the report</a> · ' if report_link else ""
    return Template(_asset("explore.html")).substitute(
        policy=html.escape(policy),
        generator=GENERATOR,
        style=style,
        back=back,
        version=html.escape(str(document["version_of_brainflops"])),
        seed=int(document["seed"]),
        number1=html.escape(f"{n1['name']} ({n1['date'] or ''})"),
        ai_leader=html.escape(f"{ai['name']} ({ai['date'] or ''})"),
        as_of=html.escape(as_of),
        credit=html.escape(document["credit"]),
        data=embedded_json(document),
        script=script,
    )


def is_explorer_page(text: str) -> bool:
    """A page `brainflops explore` wrote (which it may replace)."""
    return f'<meta name="generator" content="{GENERATOR}">' in text[:4096]


__all__ = ["GENERATOR", "embedded_json", "is_explorer_page", "page"]
