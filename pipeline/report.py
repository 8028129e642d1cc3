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


def plot_month_quad(events: pd.DataFrame) -> str | None:
    df = events.dropna(subset=["event_date"])
    if df.empty:
        return None
    df = df.assign(month=pd.to_datetime(df["event_date"]).dt.strftime("%Y-%m"))
    table = df.pivot_table(index="month", columns="quad_class", values="event_id", aggfunc="count", fill_value=0).sort_index()
    fig, ax = _figure()
    bottom = None
    for q in sorted(table.columns):
        vals = table[q].values
        ax.bar(table.index, vals, bottom=bottom, label=QUAD_NAMES.get(int(q), str(q)), color=QUAD_COLOURS.get(int(q)))
        bottom = vals if bottom is None else bottom + vals
    ax.set_ylabel("events")
    ax.set_title("Events per month by quad class")
    ax.legend(frameon=False, ncol=2)
    ax.tick_params(axis="x", rotation=60)
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


def plot_accuracy(metrics: dict[str, Any] | None) -> str | None:
    if not metrics or not metrics.get("per_root"):
        return None
    roots = sorted(metrics["per_root"])
    f1 = [metrics["per_root"][r]["f1"] for r in roots]
    fig, ax = _figure(8, 3)
    ax.bar(roots, f1, color="#2e7d32")
    ax.set_ylim(0, 1)
    ax.set_xlabel("CAMEO root")
    ax.set_ylabel("F1")
    ax.set_title("Accuracy per root (root-level F1 on the project gold file)")
    return _png(fig)


def render(name: str, version: str, events: pd.DataFrame, metrics: dict[str, Any] | None,
           dictionary_rows: list[tuple[str, str, str]], sources: list[dict[str, str]]) -> str:
    figures = [("Events per month", plot_month_quad(events)), ("Top dyads", plot_top_dyads(events)),
               ("Map", plot_map(events)), ("Accuracy", plot_accuracy(metrics))]
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(name)} {esc(version)} — Polemos release report</title>",
        "<style>body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:2em auto;"
        "padding:0 1em;color:#222}h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}"
        "table{border-collapse:collapse;font-size:.85em;width:100%}td,th{border:1px solid #ddd;padding:3px 6px;"
        "text-align:left;vertical-align:top}th{background:#f4f4f4}img{max-width:100%}.kpi{display:flex;gap:1em}"
        ".kpi div{background:#f6f8fa;border-radius:6px;padding:.6em 1em}.kpi b{display:block;font-size:1.4em}</style>",
        "</head><body>",
        f"<h1>{esc(name)} <small>{esc(version)}</small></h1>",
        '<div class="kpi">',
        f"<div><b>{len(events)}</b>events</div>",
        f"<div><b>{events['article_id'].nunique() if len(events) else 0}</b>articles with events</div>",
    ]
    if metrics:
        for level in ("root", "full", "triple"):
            parts.append(f"<div><b>{metrics[level]['f1']:.2f}</b>{level} F1</div>")
    parts.append("</div>")
    for title, uri in figures:
        parts.append(f"<h2>{esc(title)}</h2>")
        parts.append(f'<img alt="{esc(title)}" src="{uri}">' if uri else "<p>No data for this plot.</p>")
    if metrics:
        parts.append("<h2>Accuracy figures</h2><table><tr><th>level</th><th>precision</th><th>recall</th><th>F1</th></tr>")
        for level in ("root", "full", "triple"):
            m = metrics[level]
            parts.append(f"<tr><td>{level}</td><td>{m['precision']:.3f}</td><td>{m['recall']:.3f}</td><td>{m['f1']:.3f}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Sources</h2><ul>")
    parts.extend(f"<li>{esc(s['title'])}: {esc(str(s['version']))}</li>" for s in sources)
    parts.append("</ul><h2>Data dictionary (events)</h2><table><tr><th>column</th><th>type</th><th>meaning</th></tr>")
    parts.extend(f"<tr><td>{esc(c)}</td><td>{esc(t)}</td><td>{esc(d)}</td></tr>" for c, t, d in dictionary_rows)
    parts.append("</table></body></html>")
    return "\n".join(parts) + "\n"
