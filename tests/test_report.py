"""The release's report.html renders in a real browser (headless Chromium via chromedriver)."""

import os
import shutil

import pytest

import datetime as dt

import pandas as pd

from tests.test_package import GOLD, release  # noqa: F401  (module fixture: a small coded release)


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
        # Accuracy tiles: each gold set side by side, with its number of records.
        tiles = driver.execute_script(
            "return Array.from(document.querySelectorAll('.acc section')).map(s => [s.dataset.set, "
            "s.querySelector('h3').innerText, s.querySelector('.records').innerText, "
            "s.querySelectorAll('.kpi div').length, s.getBoundingClientRect().top, s.getBoundingClientRect().left])")
        assert [t[0] for t in tiles] == ["gold", "voa_realnews"]
        assert tiles[0][2] == f"{len(GOLD['gold'])} records" and tiles[1][2] == f"{len(GOLD['voa_realnews'])} records"
        assert "VOA real-news" in tiles[1][1] and all(t[3] == 3 for t in tiles)
        assert tiles[0][4] == tiles[1][4] and tiles[1][5] > tiles[0][5]  # beside each other, not stacked
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


def test_month_axis_is_a_time_axis_with_empty_months():
    from pipeline.report import month_counts

    events = pd.DataFrame({"event_date": [dt.date(2016, 1, 5), dt.date(2016, 1, 9), dt.date(2016, 4, 2), None],
                           "quad_class": [1, 4, 3, 2], "event_id": ["a", "b", "c", "d"]})
    table = month_counts(events)
    assert [d.strftime("%Y-%m-%d") for d in table.index] == ["2016-01-01", "2016-02-01", "2016-03-01", "2016-04-01"]
    assert table.loc["2016-02-01"].sum() == 0 and table.loc["2016-03-01"].sum() == 0
    assert table.loc["2016-01-01", 1] == 1 and table.loc["2016-01-01", 4] == 1 and table.loc["2016-04-01", 3] == 1
    assert table.to_numpy().sum() == 3  # the undated event is not on the axis


def test_month_plot_places_bars_by_date(monkeypatch):
    """The bars sit at their months' dates on a date axis: a gap of empty months is empty space."""
    import matplotlib.dates as mdates

    from pipeline import report

    captured = {}
    monkeypatch.setattr(report, "_png", lambda fig: captured.setdefault("fig", fig) and "data:")
    events = pd.DataFrame({"event_date": [dt.date(2016, 1, 5), dt.date(2016, 6, 2)], "quad_class": [1, 4],
                           "event_id": ["a", "b"]})
    report.plot_month_quad(events)
    ax = captured["fig"].axes[0]
    lefts = sorted({round(p.get_x()) for p in ax.patches})
    assert [mdates.num2date(x).strftime("%Y-%m") for x in lefts] == [f"2016-{m:02d}" for m in range(1, 7)]
    heights = {mdates.num2date(p.get_x()).strftime("%Y-%m"): 0 for p in ax.patches}
    for p in ax.patches:
        heights[mdates.num2date(p.get_x()).strftime("%Y-%m")] += p.get_height()
    assert heights == {"2016-01": 1, "2016-02": 0, "2016-03": 0, "2016-04": 0, "2016-05": 0, "2016-06": 1}
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)


def test_report_counts_future_and_capped_dates():
    import datetime as dt
    import re

    import pandas as pd

    from pipeline.report import render

    day = dt.date(2016, 5, 2)
    events = pd.DataFrame({
        "event_id": ["a", "b", "c"], "article_id": ["x", "x", "y"], "event_date": [day, dt.date(2016, 6, 1), day],
        "published": [day] * 3, "date_future": [False, True, False],
        "event_date_source": ["text", "text", "published_capped"], "cameo_root": ["01", "04", "19"],
        "quad_class": [1, 1, 4], "source_country": ["USA", "USA", None], "target_country": ["RUS", None, None],
        "latitude": [None] * 3, "longitude": [None] * 3, "goldstein": [0.0, 1.0, -10.0]})
    html = render("t", "0.0.1", events, [], [], [])
    counts = dict(re.findall(r'data-count="(\w+)"><b>(\d+)</b>', html))
    assert counts == {"date_future": "1", "published_capped": "1"}
