"""The HTML report in a real headless Chromium at phone width (390 px): no sideways
scrolling of the page (wide tables scroll in their own box), and the single-source
filter works. Skips cleanly when /usr/bin/chromium or playwright is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storycheck.report import write_report
from tests.report.test_layout import report

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}

sync_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)


def wide_report() -> dict[str, Any]:
    """The layout fixture made hard to fit: many outlets, long names, a long URL."""
    data = report()
    story = data["stories"][0]
    for n in range(4, 12):
        aid = f"a{n}"
        data["articles"].append(
            {
                "id": aid,
                "source": f"{aid}.txt",
                "outlet": f"The Very Long Named Regional Evening Chronicle Number {n}",
                "outlets": [f"The Very Long Named Regional Evening Chronicle Number {n}"],
                "title": "A title",
                "published": None,
                "consistency": 0.5,
                "flags": [],
            }
        )
        story["article_ids"].append(aid)
        story["brief"]["sources"].append(
            {
                "number": n,
                "article_id": aid,
                "outlet": f"The Very Long Named Regional Evening Chronicle Number {n}",
                "title": "A title",
                "published": None,
                "location": "https://example.org/" + "very-long-path-segment-" * 12,
                "consistency": 0.5,
            }
        )
        for row in story["fact_table"]:
            row["cells"].append({"article_id": aid, "value": "12", "fact_ids": []})
    return data


def scroll_width(page: Any) -> int:
    width: int = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )
    return width


def test_report_fits_a_phone_and_the_filter_works(browser: Any, tmp_path: Path) -> None:
    page_file = write_report(wide_report(), tmp_path / "report.html")
    page = browser.new_page(viewport=PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.resolve().as_uri())
    assert page.evaluate("window.innerWidth") == 390
    assert scroll_width(page) <= 390 + 2
    # the wide tables are there and scroll inside their own container
    box = page.locator("table.facts").locator("xpath=..")
    assert box.evaluate("e => e.classList.contains('scroll')")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    # the single-source list: collapsed, then open and filter it
    items = page.locator("ol.single-list li")
    assert not items.first.is_visible()
    page.locator("details.single summary").click()
    assert items.first.is_visible()
    assert scroll_width(page) <= 390 + 2
    page.locator("input.filter").fill("euros")
    visible = [li for li in items.all() if li.is_visible()]
    assert len(visible) == 1 and "40 million euros" in (visible[0].text_content() or "")
    assert "1 of 42 shown" in (page.locator("#s1-single-count").text_content() or "")
    page.locator("input.filter").fill("")
    assert sum(1 for li in items.all() if li.is_visible()) == 42
    # a citation still opens the evidence panel, which fits the screen
    page.locator("button.cite").first.click()
    panel = page.locator("#evidence")
    assert panel.is_visible()
    right = panel.evaluate("e => e.getBoundingClientRect().right")
    assert right <= 390
    assert scroll_width(page) <= 390 + 2
    page.close()
    assert not errors, errors
