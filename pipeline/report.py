"""report.html: a static page with the release's plots, accuracy and data dictionary.

Plots are PNGs embedded as data URIs (matplotlib, no timestamps in the files), so the page is
one self-contained file that renders offline.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import pandas as pd

QUAD_NAMES = {1: "Verbal cooperation", 2: "Material cooperation", 3: "Verbal conflict", 4: "Material conflict"}
QUAD_COLOURS = {1: "#4c9be8", 2: "#1f5fa8", 3: "#f0a04b", 4: "#c0392b"}


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(width=8.0, height=3.6):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "svg.hashsalt": "polemos"})
    return plt.subplots(figsize=(width, height))


def month_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per month (rows: first day of every month from the first to the last, empty
    months included as 0) by quad class (columns 1-4)."""
    df = events.dropna(subset=["event_date"])
    if df.empty:
        return pd.DataFrame(columns=[1, 2, 3, 4])
    months = pd.to_datetime(df["event_date"]).dt.to_period("M")
    table = pd.crosstab(months, df["quad_class"].astype(int)).reindex(columns=[1, 2, 3, 4], fill_value=0)
    every = pd.period_range(months.min(), months.max(), freq="M")
    table = table.reindex(every, fill_value=0)
    table.index = every.start_time
    return table


def plot_month_quad(events: pd.DataFrame) -> str | None:
    table = month_counts(events)
    if table.empty:
        return None
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator

    fig, ax = _figure()
    # A real time axis: bars at the first of each month, 25 days wide, so gaps are visible and
    # months without events keep their place.
    bottom = None
    for q in table.columns:
        vals = table[q].to_numpy()
        ax.bar(table.index, vals, width=25, align="edge", bottom=bottom, label=QUAD_NAMES[q], color=QUAD_COLOURS[q])
        bottom = vals if bottom is None else bottom + vals
    locator = mdates.AutoDateLocator(minticks=3, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    pad = pd.Timedelta(days=20)
    ax.set_xlim(table.index.min() - pad, table.index.max() + pd.offsets.MonthEnd(1) + pad)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("events")
    ax.set_title(f"Events per month by quad class ({len(table)} months, {int((table.sum(axis=1) == 0).sum())} without events)")
    ax.legend(frameon=False, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.12))  # below: never over a bar
    return _png(fig)


def plot_top_dyads(events: pd.DataFrame, n: int = 15) -> str | None:
    df = events.dropna(subset=["source_country", "target_country"])
    if df.empty:
        return None
    counts = (df["source_country"] + " → " + df["target_country"]).value_counts().head(n).sort_values()
    fig, ax = _figure(7, 0.3 * len(counts) + 1)
    ax.barh(counts.index, counts.values, color="#555")
    ax.set_xlabel("events")
    ax.set_title(f"Top {len(counts)} dyads (source → target country)")
    return _png(fig)


def _world_outlines(ax) -> None:
    """Country outlines from countryinfo's GeoJSON (bundled with the package, no download)."""
    import pycountry
    from countryinfo import CountryInfo

    for c in pycountry.countries:
        try:
            gj = CountryInfo(c.alpha_3).geo_json()
        except Exception:  # countryinfo has no outline for some territories
            continue
        for feat in gj.get("features", []):
            geom = feat.get("geometry") or {}
            polys = geom.get("coordinates", [])
            if geom.get("type") == "Polygon":
                polys = [polys]
            for poly in polys:
                if poly and poly[0]:
                    xs, ys = zip(*[(p[0], p[1]) for p in poly[0]])
                    ax.fill(xs, ys, color="#e8e8e8", edgecolor="#bbb", linewidth=0.3)


def plot_map(events: pd.DataFrame) -> str | None:
    df = events.dropna(subset=["latitude", "longitude"])
    if df.empty:
        return None
    fig, ax = _figure(9, 4.6)
    _world_outlines(ax)
    pts = df.groupby(["latitude", "longitude", "quad_class"]).size().reset_index(name="n")
    for q, part in pts.groupby("quad_class"):
        ax.scatter(part["longitude"], part["latitude"], s=12 + 8 * part["n"], alpha=0.7,
                   color=QUAD_COLOURS.get(int(q)), label=QUAD_NAMES.get(int(q)), edgecolor="white", linewidth=0.4)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 85)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("Event locations")
    ax.legend(frameon=False, loc="lower left", fontsize=8)
    return _png(fig)


def plot_accuracy(accuracy: list[dict[str, Any]]) -> str | None:
    sets = [a for a in accuracy if a.get("per_root")]
    if not sets:
        return None
    import numpy as np

    roots = sorted({r for a in sets for r in a["per_root"]})
    fig, ax = _figure(8, 3)
    width = 0.8 / len(sets)
    for i, a in enumerate(sets):
        f1 = [a["per_root"].get(r, {}).get("f1", 0.0) for r in roots]
        ax.bar(np.arange(len(roots)) + i * width - 0.4 + width / 2, f1, width=width,
               label=f"{a['label']} ({a.get('records', '?')} records)")
    ax.set_xticks(np.arange(len(roots)), roots)
    ax.set_ylim(0, 1)
    ax.set_xlabel("CAMEO root")
    ax.set_ylabel("F1")
    ax.set_title("Accuracy per root (root-level F1)")
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return _png(fig)


def _f1(m: dict[str, Any]) -> str:
    # A set coded at root level only has no full-code gold: show a dash, not a zero.
    return "–" if m.get("gold") == 0 and m.get("predicted") == 0 else f"{m['f1']:.2f}"


def _date_checks(events: pd.DataFrame) -> list[tuple[str, str, int]]:
    """Events dated after publication because the text says they are to come (date_future), and
    events whose later date was not used (event_date_source published_capped)."""
    future = int(events["date_future"].fillna(False).astype(bool).sum()) if "date_future" in events else 0
    capped = int((events["event_date_source"] == "published_capped").sum()) if "event_date_source" in events else 0
    return [("date_future", "dated in the future, as the text states", future),
            ("published_capped", "later date not stated as future: publication date kept", capped)]


def render(name: str, version: str, events: pd.DataFrame, accuracy: list[dict[str, Any]],
           dictionary_rows: list[tuple[str, str, str]], sources: list[dict[str, str]]) -> str:
    """The page. `accuracy`: one dict per gold set (package.accuracy_sets): name, label, records
    and the evaluate figures."""
    figures = [("Events per month", plot_month_quad(events)), ("Top dyads", plot_top_dyads(events)),
               ("Map", plot_map(events)), ("Accuracy", plot_accuracy(accuracy))]
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(name)} {esc(version)} — Polemos release report</title>",
        "<style>body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:2em auto;"
        "padding:0 1em;color:#222}h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}"
        "table{border-collapse:collapse;font-size:.85em;width:100%}td,th{border:1px solid #ddd;padding:3px 6px;"
        "text-align:left;vertical-align:top}th{background:#f4f4f4}img{max-width:100%}.kpi{display:flex;gap:1em}"
        ".kpi div{background:#f6f8fa;border-radius:6px;padding:.6em 1em}.kpi b{display:block;font-size:1.4em}"
        ".acc{display:flex;gap:1em}.acc section{flex:1 1 0;min-width:0;border:1px solid #ddd;border-radius:6px;padding:.5em 1em}"
        ".acc h3{margin:.2em 0;font-size:1em}.acc .kpi{gap:.5em}</style>",
        "</head><body>",
        f"<h1>{esc(name)} <small>{esc(version)}</small></h1>",
        '<div class="kpi">',
        f"<div><b>{len(events)}</b>events</div>",
        f"<div><b>{events['article_id'].nunique() if len(events) else 0}</b>articles with events</div>",
        *(f'<div data-count="{key}"><b>{count}</b>{esc(label)}</div>' for key, label, count in _date_checks(events)),
    ]
    parts.append("</div>")
    if accuracy:
        # One tile group per gold set, side by side, each with its number of records.
        parts.append('<h2>Accuracy</h2><div class="acc">')
        for a in accuracy:
            parts.append(f'<section data-set="{esc(a["name"])}"><h3>{esc(a["label"])}</h3>'
                         f'<p class="records">{a.get("records", "?")} records</p><div class="kpi">')
            parts.extend(f"<div><b>{_f1(a[level])}</b>{level} F1</div>" for level in ("root", "full", "triple"))
            parts.append("</div></section>")
        parts.append("</div>")
    for title, uri in figures:
        parts.append(f"<h2>{esc(title)}</h2>")
        parts.append(f'<img alt="{esc(title)}" src="{uri}">' if uri else "<p>No data for this plot.</p>")
    if accuracy:
        parts.append("<h2>Accuracy figures</h2><table><tr><th>gold set</th><th>records</th><th>level</th>"
                     "<th>precision</th><th>recall</th><th>F1</th></tr>")
        for a in accuracy:
            for level in ("root", "full", "triple"):
                m = a[level]
                parts.append(f"<tr><td>{esc(a['label'])}</td><td>{a.get('records', '?')}</td><td>{level}</td>"
                             f"<td>{m['precision']:.3f}</td><td>{m['recall']:.3f}</td><td>{m['f1']:.3f}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Sources</h2><ul>")
    parts.extend(f"<li>{esc(s['title'])}: {esc(str(s['version']))}</li>" for s in sources)
    parts.append("</ul><h2>Data dictionary (events)</h2><table><tr><th>column</th><th>type</th><th>meaning</th></tr>")
    parts.extend(f"<tr><td>{esc(c)}</td><td>{esc(t)}</td><td>{esc(d)}</td></tr>" for c, t, d in dictionary_rows)
    parts.append("</table></body></html>")
    return "\n".join(parts) + "\n"
