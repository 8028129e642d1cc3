"""Scoring date expressions against TimeML-style gold (eval format E)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.dates import find_time_expressions

DAY_MONTH_YEAR = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PRED_SCHEMA = pa.schema([("article_id", pa.string()), ("start", pa.int32()), ("end", pa.int32()),
                         ("text", pa.string()), ("value", pa.string())])


def load_records(path: Path) -> list[dict[str, Any]]:
    from pipeline.evaluate import read_jsonl

    return [record for _line, record in read_jsonl(path)]


def score_dates(records: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    preds: list[dict[str, Any]] = []
    gold_all = gold_found = 0
    target = target_exact = 0
    n_pred = pred_matched = 0
    for rec in records:
        published = dt.date.fromisoformat(rec["published"]) if rec.get("published") else None
        found = find_time_expressions(rec["text"], published)
        n_pred += len(found)
        for e in found:
            preds.append({"article_id": rec["id"], "start": e.start, "end": e.end, "text": e.text, "value": e.value})
        gold_dates = [t for t in rec.get("timexes", []) if t["type"] == "DATE"]
        for t in gold_dates:
            gold_all += 1
            overlapping = [e for e in found if e.start < t["end"] and t["start"] < e.end]
            gold_found += bool(overlapping)
            if t.get("concrete") and DAY_MONTH_YEAR.match(t["value"]):
                target += 1
                target_exact += any(e.value == t["value"] for e in overlapping)
        for e in found:
            pred_matched += any(e.start < t["end"] and t["start"] < e.end for t in rec.get("timexes", []))
    result = {
        "documents": len(records),
        "gold_date_expressions": gold_all,
        "span_recall": round(gold_found / gold_all, 4) if gold_all else 0.0,
        "span_precision": round(pred_matched / n_pred, 4) if n_pred else 0.0,
        "predicted": n_pred,
        "target_expressions": target,
        "exact_value_accuracy": round(target_exact / target, 4) if target else 0.0,
    }
    return result, preds
