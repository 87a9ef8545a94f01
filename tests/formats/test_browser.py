"""The HTML report in a real browser: headless Chromium opens the flawed example's report, the page
script runs without console errors, and the status filter leaves only failing controls.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package. Under CI (``CI`` set
to true) a missing browser is a failure; elsewhere the test is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from conftest import REPO_ROOT

BROWSER_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _unavailable(reason: str) -> NoReturn:
    if _in_ci():
        pytest.fail(f"browser test cannot run under CI: {reason}")
    pytest.skip(reason)


def _find(*names: str) -> str | None:
    for n in names:
        found = shutil.which(n) or (n if os.path.isabs(n) and os.access(n, os.X_OK) else None)
        if found:
            return found
    return None


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (pip install selenium)")
    chromium = _find("chromium", "chromium-browser", "/usr/bin/chromium")
    driver_path = _find("/usr/bin/chromedriver", "chromedriver")
    if not chromium or not driver_path:
        _unavailable("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in BROWSER_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_argument("--window-size=1360,1800")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(driver_path)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_flawed_example_report_in_chromium(tmp_path: Path, cli: Callable[..., Any], browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    repo = tmp_path / "agrimarket-flawed"
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-flawed", repo)
    out = tmp_path / "report"
    result = cli("scan", repo, "-o", out, "-q", "-f", "json,html")
    assert result.code in (0, 1, 3), result.err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    failing = [c["id"] for c in report["controls"] if c["status"] == "fail"]
    assert failing, "the flawed example should fail controls"

    browser.get((out / "report.html").resolve().as_uri())
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))

    def rows() -> list[tuple[str, str]]:
        """(control key, status) of every visible row, read in one go (rows are redrawn on each change)."""
        found: list[tuple[str, str]] = [
            (k, st) for k, st in browser.execute_script(
                "return Array.from(document.querySelectorAll('#controls-body tr.ctl'))"
                ".filter(r => r.offsetParent !== null).map(r => [r.dataset.key, r.dataset.status]);"
            )
        ]
        return found

    def statuses() -> set[str]:
        return {st for _, st in rows()}

    worst_first = rows()
    assert len(worst_first) == min(100, len(report["controls"]))
    assert worst_first[0][1] == "fail"  # the default order puts failures first
    Select(browser.find_element(By.ID, "f-sort")).select_by_value("catalog")
    assert [k for k, _ in rows()] == [c["id"] for c in report["controls"][:100]]
    assert statuses() != {"fail"}  # unfiltered: a mix

    Select(browser.find_element(By.ID, "f-status")).select_by_value("fail")
    shown = rows()
    assert shown and {st for _, st in shown} == {"fail"}
    assert len(shown) == min(100, len(failing))
    state = browser.find_element(By.ID, "filter-state").text
    assert f"of {len(failing)} controls (filtered from {len(report['controls'])})" in state
    assert "Status: Fail" in state
    assert "status=fail" in browser.execute_script("return window.location.hash")
    seen = {k for k, _ in shown}
    while browser.find_element(By.ID, "pg-next").is_enabled():
        browser.find_element(By.ID, "pg-next").click()
        page = rows()
        assert page and {st for _, st in page} == {"fail"}
        seen |= {k for k, _ in page}
    assert seen == set(failing)  # every failing control, and only those, across the pages

    browser.find_element(By.ID, "f-search").send_keys("iso27001-2022:A.8.28")
    WebDriverWait(browser, 20).until(lambda d: rows() == [("iso27001-2022:A.8.28", "fail")])
    toggle = browser.find_element(By.CSS_SELECTOR, "#controls-body tr.ctl button.toggle")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", toggle)
    toggle.click()
    drill = browser.find_element(By.CSS_SELECTOR, "#controls-body tr.drill")
    assert drill.find_elements(By.CSS_SELECTOR, ".finding")
    assert drill.find_elements(By.CSS_SELECTOR, "pre.snip span.hit")  # the offending line is highlighted

    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000

    severe = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert severe == [], severe
