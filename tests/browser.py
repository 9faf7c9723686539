"""Headless Chromium, driven over the DevTools protocol on a pipe (no extra packages).

`load(url)` opens a page, waits for it to load, and returns what a user would notice:
console errors, uncaught exceptions, failed loads, and the figures as the browser laid them
out. Chromium reads commands on fd 3 and writes replies on fd 4, each a JSON text ending
in NUL (`--remote-debugging-pipe`).
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
]

FIGURES_JS = """
JSON.stringify({
  title: document.title,
  scrollWidth: document.documentElement.scrollWidth,
  figures: [...document.querySelectorAll("figure")].map(f => {
    const svg = f.querySelector("svg");
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const texts = svg ? [...svg.querySelectorAll("text")] : [];
    return {
      id: f.id,
      width: box.width,
      height: box.height,
      title: svg && svg.querySelector("title") ? svg.querySelector("title").textContent : null,
      texts: texts.length,
      selectable: texts.length > 0 && getComputedStyle(texts[0]).userSelect !== "none",
    };
  }),
})
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Loaded:
    title: str = ""
    figures: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Console errors, uncaught exceptions and failed loads, as the browser reported them."""
    screenshot: bytes = b""
    scroll_width: int = 0
    """The page's width as laid out: above the window's, the page scrolls sideways."""


class Browser:
    def __init__(self, binary: str, timeout_s: float = 60) -> None:
        self.timeout_s = timeout_s
        self.profile = tempfile.mkdtemp(prefix="brainflops-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        # above 4, so that placing them on 3 and 4 in the child never overwrites the other
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child_r, from_child_w)]
        os.close(to_child_r)
        os.close(from_child_w)

        def place() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=place,  # noqa: PLW1509 (single-threaded test helper)
            pass_fds=(3, 4),
        )
        for fd in high:
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> Any:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str = "") -> dict[str, Any]:
        def wanted(event: dict[str, Any]) -> bool:
            return event.get("method") == method and event.get("sessionId", "") == session

        for i, event in enumerate(self.events):
            if wanted(event):
                return self.events.pop(i)
        while True:
            event = self._receive()
            if wanted(event):
                return event
            self.events.append(event)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout_s
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.from_child], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self.buffer += chunk
        text, _, self.buffer = self.buffer.partition(b"\0")
        result: dict[str, Any] = json.loads(text)
        return result

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self.to_child, self.from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


def _errors(events: list[dict[str, Any]]) -> list[str]:
    out = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            out.append("console: " + " ".join(str(a.get("value")) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            out.append("exception: " + params["exceptionDetails"].get("text", ""))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            out.append("log: " + params["entry"].get("text", ""))
    return out


class Tab:
    """One page open in Chromium: evaluate script in it, press keys, take screenshots, and
    see its errors and every request it made (the DevTools log)."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def evaluate(self, expression: str) -> Any:
        found = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        if "exceptionDetails" in found:
            raise RuntimeError(f"script failed: {found['exceptionDetails']}")
        return found["result"].get("value")

    def press(self, key: str, code: int) -> None:
        """A key pressed and released on the focused element (e.g. "ArrowRight", 39)."""
        for kind in ("rawKeyDown", "keyUp"):
            self.browser.send(
                "Input.dispatchKeyEvent",
                {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code},
                session=self.session,
            )

    def screenshot(self) -> bytes:
        shot = self.browser.send("Page.captureScreenshot", {"format": "png"}, session=self.session)
        return base64.b64decode(shot["data"])

    @property
    def events(self) -> list[dict[str, Any]]:
        """What the browser reported of this page (other pages share the browser)."""
        return [e for e in self.browser.events if e.get("sessionId") == self.session]

    @property
    def errors(self) -> list[str]:
        return _errors(self.events)

    @property
    def requests(self) -> list[str]:
        """The URL of every request the page made, its own load included."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]


_SHARED: list[Browser] = []
"""The one Chromium of this test process: started at the first page (about 0.6 s of CPU
a start), closed when the process ends; each page opens in a fresh browser context."""


def _browser() -> Browser:
    if _SHARED and _SHARED[0].running:
        return _SHARED[0]
    binary = chromium()
    if binary is None:
        raise FileNotFoundError("chromium")
    _SHARED[:] = [Browser(binary)]
    atexit.register(_SHARED[0].close)
    return _SHARED[0]


@contextlib.contextmanager
def opened(page: Path, width: int = 1280, height: int = 900, dark: bool = False) -> Iterator[Tab]:
    """The page in a tab of its own, in a browser context of its own (no storage, cache or
    cookies shared with any other page)."""
    browser = _browser()
    context = browser.send("Target.createBrowserContext")["browserContextId"]
    target = browser.send(
        "Target.createTarget", {"url": "about:blank", "browserContextId": context}
    )["targetId"]
    session = ""
    try:
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Page", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        scheme = "dark" if dark else "light"
        browser.send(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
            session=session,
        )
        browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired", session)
        yield Tab(browser, session)
    finally:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            browser.send("Target.closeTarget", {"targetId": target})
            browser.send("Target.disposeBrowserContext", {"browserContextId": context})
        browser.events = [e for e in browser.events if e.get("sessionId", "") != session]


def load(page: Path, width: int = 1280, height: int = 900) -> Loaded:
    with opened(page, width, height) as tab:
        state = json.loads(tab.evaluate(FIGURES_JS))
        return Loaded(
            state["title"],
            state["figures"],
            tab.errors,
            tab.screenshot(),
            int(state["scrollWidth"]),
        )
