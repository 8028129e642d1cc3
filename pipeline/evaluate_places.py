"""Scoring toponyms (eval format C) and event locations (eval format D)."""

from __future__ import annotations

import math
from typing import Any

import pyarrow as pa

from pipeline.places import haversine_km

TOPONYM_SCHEMA = pa.schema([("article_id", pa.string()), ("start", pa.int32()), ("end", pa.int32()),
                            ("name", pa.string()), ("latitude", pa.float64()), ("longitude", pa.float64()),
                            ("geonames_id", pa.int64()), ("country", pa.string())])


def find_toponyms(doc, gazetteer, demonyms: dict[str, str] | None = None, exclude: set[int] | None = None) -> list[dict[str, Any]]:
    """Toponyms of a parsed document, resolved together (`resolve_article`: the other places of the
    article are the context).

    `demonyms` (adjective -> ISO3) also tags nationality words as references to their country,
    as TR-News-style gold does; the event coder never uses them as places.
    """
    from pipeline.places import resolve_article, toponym_spans

    spans = []
    for sent in doc.sents:
        spans.extend(toponym_spans(sent, gazetteer, exclude or set()))
    taken = {i for s, e, _ in spans for i in range(s, e)}
    if demonyms:
        for tok in doc:
            iso = demonyms.get(tok.text)
            if iso and tok.i not in taken:
                places = [p for p in gazetteer.lookup(iso_name(iso, gazetteer)) if p.precision == "country" and p.country == iso]
                if places:
                    spans.append((tok.i, tok.i + 1, places))
    spans.sort(key=lambda x: x[0])
    chosen = resolve_article([(doc[s:e].text, places) for s, e, places in spans])
    out = []
    for (s, e, _places), place in zip(spans, chosen):
        span = doc[s:e]
        out.append({"start": span.start_char, "end": span.end_char, "name": span.text, "place": place})
    return out


def iso_name(iso3: str, gazetteer) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return c.name if c else iso3


def score_toponyms(records, predictions: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    n_gold = n_pred = gold_hit = pred_hit = 0
    resolved = within = 0
    errors = []
    for rec in records:
        gold = rec.get("toponyms", [])
        pred = predictions.get(rec["id"], [])
        n_gold += len(gold)
        n_pred += len(pred)
        for p in pred:
            pred_hit += any(p["start"] < g["end"] and g["start"] < p["end"] for g in gold)
        for g in gold:
            match = next((p for p in pred if p["start"] < g["end"] and g["start"] < p["end"]), None)
            if match is None:
                continue
            gold_hit += 1
            if g.get("lat") is None or match["place"] is None or math.isnan(match["place"].latitude):
                continue
            resolved += 1
            d = haversine_km(g["lat"], g["lon"], match["place"].latitude, match["place"].longitude)
            errors.append(d)
            within += d <= 161
    errors.sort()
    return {
        "documents": len(records),
        "gold_toponyms": n_gold,
        "predicted": n_pred,
        "span_recall": round(gold_hit / n_gold, 4) if n_gold else 0.0,
        "span_precision": round(pred_hit / n_pred, 4) if n_pred else 0.0,
        "resolved_pairs": resolved,
        "within_161km": round(within / resolved, 4) if resolved else 0.0,
        "median_error_km": round(errors[len(errors) // 2], 1) if errors else None,
    }


def score_event_locations(records, located: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """located[id] = the predicted location span (start, end) of the event at the gold verb, or None."""
    with_loc = correct = without = correct_none = predicted = 0
    for rec in records:
        pred = located.get(rec["id"])
        predicted += pred is not None
        gold_spans = rec.get("locations") or ([rec["location"]] if rec.get("location") else [])
        if gold_spans:
            with_loc += 1
            if pred is not None and any(pred["start"] < g["end"] and g["start"] < pred["end"] for g in gold_spans):
                correct += 1
        else:
            without += 1
            correct_none += pred is None
    total = with_loc + without
    return {
        "records": total,
        "with_location": with_loc,
        "location_accuracy": round(correct / with_loc, 4) if with_loc else 0.0,
        "predicted": predicted,
        # Of the locations given, the share that is the gold one (a place given where the gold has
        # none counts against it).
        "location_precision": round(correct / predicted, 4) if predicted else 0.0,
        "no_location_kept_empty": round(correct_none / without, 4) if without else 0.0,
        "overall_accuracy": round((correct + correct_none) / total, 4) if total else 0.0,
    }


