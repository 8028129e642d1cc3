"""The release's report.html renders in a real browser (headless Chromium via chromedriver)."""

import os
import shutil

import pytest

from tests.test_package import release  # noqa: F401  (module fixture: a small coded release)


def _driver():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver must be installed in CI (.ci/run installs them)")
        pytest.skip("headless Chromium is not installed here (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1100,1800"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=opts)


def test_report_renders_with_plots_and_dictionary(release, tmp_path):  # noqa: F811
    _, out = release
    driver = _driver()
    try:
        driver.get((out / "report.html").as_uri())
        assert "Polemos release report" in driver.title
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])")
        assert {alt for alt, *_ in images} >= {"Events per month", "Top dyads", "Map"}
        assert all(done and w > 300 and h > 100 for _, done, w, h in images)
        rows = driver.execute_script("return document.querySelectorAll('table tr').length")
        from pipeline.schema import EVENT_FIELDS

        assert rows >= len(EVENT_FIELDS) + 1  # the data dictionary lists every column
        shot = tmp_path / "report.png"
        driver.save_screenshot(str(shot))
    finally:
        driver.quit()
    from PIL import Image

    img = Image.open(shot).convert("L")
    lo, hi = img.getextrema()
    assert img.size[0] >= 1000 and hi - lo > 100  # not a blank page
