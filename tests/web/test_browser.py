"""The UI in a real headless Chromium (Debian's, driven by Playwright's Python API).

Upload the example corpus through the form, wait for the job, open a story's report,
click a citation and see its evidence, and keep a screenshot. Skips cleanly when
/usr/bin/chromium or the playwright package is missing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from storycheck.web import WebSettings, create_app

from .conftest import CORPUS, REPO

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / ".storycheck" / "screenshots"

sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")
if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server on loopback, in a thread of this process."""
    settings = WebSettings(data_dir=tmp_path_factory.mktemp("browser"))
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def corpus_files() -> list[str]:
    return sorted(str(p) for p in CORPUS.rglob("*") if p.is_file())


def test_keyboard_labels_and_contrast(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # every form control has a label
    unlabeled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
           .filter(el => !el.labels || el.labels.length === 0).map(el => el.name)"""
    )
    assert unlabeled == []
    # WCAG AA contrast (4.5:1) for the text people read on the page
    ratios = page.evaluate(CONTRAST_JS)
    assert ratios, "no text elements measured"
    low = {sel: r for sel, r in ratios.items() if r < 4.5}
    assert not low, low
    page.close()


CONTRAST_JS = """
() => {
  const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = {};
  for (const sel of ["body", "h1", "p.lead", "p.help", "label", "legend", "nav a", "a.brand",
                     "button.primary", "code"]) {
    const el = document.querySelector(sel);
    if (!el) continue;
    const fg = lum(rgb(getComputedStyle(el).color).slice(0, 3));
    const bg = lum(background(el));
    out[sel] = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  }
  return out;
}
"""


def test_upload_wait_open_report_and_cite(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(server + "/")
    page.set_input_files("#files", corpus_files())
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_url("**/jobs/*")
    # the page polls the job and reloads itself when it ends
    page.wait_for_selector(".job[data-status='done'], .job[data-status='failed']", timeout=300_000)
    assert page.locator(".job").get_attribute("data-status") == "done", page.content()
    links = page.locator("table.data a[href^='/stories/']")
    assert links.count() >= 1
    links.first.click()
    page.wait_for_url("**/stories/*")
    frame = page.frame_locator("iframe.report")
    citation = frame.locator("button.cite[data-evidence]:not([data-evidence=''])").first
    citation.wait_for()
    expected = citation.get_attribute("data-evidence")
    assert expected
    citation.click()
    panel = frame.locator("#evidence")
    panel.wait_for(state="visible")
    shown = frame.locator("#evidence blockquote").first.text_content()
    assert shown is not None and shown.strip() == expected.strip()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "story-report.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    page.close()
