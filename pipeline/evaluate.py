"""Stage 4, evaluate: code gold texts and score them (gold format: docs/data-contract.md section 5)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.ingest import Article

STOP = {"the", "a", "an", "of", "and", "in", "on", "for", "to", "its", "his", "her", "their", "s"}


@dataclass
class GoldRecord:
    id: str
    text: str
    published: dt.date | None
    level: str
    relevant: bool
    events: list[dict[str, Any]]


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, record) of a JSON Lines gold file; bad lines are errors naming file:line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    out = []
    for lineno, line in enumerate(lines, 1):
        if line.strip():
            try:
                out.append((lineno, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
    return out


def load_gold(path: Path) -> list[GoldRecord]:
    records = []
    for lineno, r in read_jsonl(path):
        try:
            pub = r.get("published")
            records.append(GoldRecord(str(r["id"]), r["text"], dt.date.fromisoformat(pub) if pub else None,
                                      r.get("level", "full"), bool(r.get("relevant", True)), r.get("events", [])))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}:{lineno}: not a format-A gold record ({exc})") from None
    return records


def gold_articles(records: list[GoldRecord]) -> list[Article]:
    return [Article.from_text(r.id, " ".join(r.text.split()), r.published, input="gold") for r in records]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "predicted": n_pred, "gold": n_gold}


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if w not in STOP}


def _actor_ok(gold_code, gold_text, pred_code, pred_text, level: str, key_present: bool) -> bool:
    if level == "root" or (not key_present and gold_text):
        if not gold_text:
            return True
        gt, pt = (gold_text or "").lower(), (pred_text or "").lower()
        return bool(pt) and (gt in pt or pt in gt or bool(_words(gt) & _words(pt)))
    if not key_present or gold_code is None or str(gold_code).startswith("---"):
        return True
    return (pred_code or "")[:3] == str(gold_code)[:3]


def _match(gold: list[dict], pred: list[dict], same) -> list[tuple[int, int]]:
    """Greedy one-to-one matching in order."""
    used = set()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi in used:
                continue
            if same(g, p):
                used.add(pi)
                pairs.append((gi, pi))
                break
    return pairs


def _country_agreement(g: dict, p: dict) -> int:
    n = 0
    for side in ("source", "target"):
        code = g.get(side)
        if code and not str(code).startswith("---"):
            n += (p.get(f"{side}_code") or "")[:3] == str(code)[:3]
    return n


def _match_best_actors(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        root = g.get("root") or (g.get("code") or "")[:2]
        options = [pi for pi, p in enumerate(pred) if pi not in used and p["cameo_root"] == root]
        if options:
            best = max(options, key=lambda pi: (_country_agreement(g, pred[pi]), -pi))
            used.add(best)
            pairs.append((gi, best))
    return pairs


def score(records: list[GoldRecord], predictions: dict[str, list[dict]]) -> dict[str, Any]:
    tot = Counter()
    per_root = defaultdict(Counter)
    confusions: Counter = Counter()
    fp_records = 0
    n_irrelevant = 0
    country_checks = Counter()
    for rec in records:
        pred = predictions.get(rec.id, [])
        gold = rec.events
        if not rec.relevant:
            n_irrelevant += 1
            fp_records += bool(pred)
        groot = [g.get("root") or (g.get("code") or "")[:2] for g in gold]
        proot = [p["cameo_root"] for p in pred]
        # root level: multiset intersection
        gc, pc = Counter(groot), Counter(proot)
        for root in set(gc) | set(pc):
            tp = min(gc[root], pc[root])
            per_root[root]["tp"] += tp
            per_root[root]["gold"] += gc[root]
            per_root[root]["predicted"] += pc[root]
            tot["root_tp"] += tp
        tot["root_gold"] += len(groot)
        tot["root_pred"] += len(proot)
        missed = list((gc - pc).elements())
        extra = list((pc - gc).elements())
        for g in missed:
            confusions[(g, extra.pop(0) if extra else "none")] += 1
        for p in extra:
            confusions[("none", p)] += 1
        if rec.level == "full":
            gcode = Counter(g.get("code") for g in gold if g.get("code"))
            pcode = Counter(p["cameo_code"] for p in pred)
            tot["full_tp"] += sum((gcode & pcode).values())
            tot["full_gold"] += sum(gcode.values())
            tot["full_pred"] += len(pred)

        def same_triple(g, p):
            if (g.get("root") or (g.get("code") or "")[:2]) != p["cameo_root"]:
                return False
            return (_actor_ok(g.get("source"), g.get("source_text"), p.get("source_code"), p.get("source_text"), rec.level, "source" in g)
                    and _actor_ok(g.get("target"), g.get("target_text"), p.get("target_code"), p.get("target_text"), rec.level, "target" in g))

        tot["triple_tp"] += len(_match(gold, pred, same_triple))
        tot["triple_gold"] += len(gold)
        tot["triple_pred"] += len(pred)
        # Actor country accuracy on events whose root is right: each gold event is paired with the
        # same-root prediction that agrees with it on the most actor countries.
        for gi, pi in _match_best_actors(gold, pred):
            g, p = gold[gi], pred[pi]
            for side in ("source", "target"):
                code = g.get(side)
                if code and not str(code).startswith("---"):
                    country_checks[f"{side}_n"] += 1
                    country_checks[f"{side}_ok"] += (p.get(f"{side}_code") or "")[:3] == str(code)[:3]
    result = {
        "records": len(records),
        "root": _prf(tot["root_tp"], tot["root_pred"], tot["root_gold"]),
        "full": _prf(tot["full_tp"], tot["full_pred"], tot["full_gold"]),
        "triple": _prf(tot["triple_tp"], tot["triple_pred"], tot["triple_gold"]),
        "false_positive_rate": round(fp_records / n_irrelevant, 4) if n_irrelevant else 0.0,
        "false_positive_records": fp_records,
        "no_event_records": n_irrelevant,
        "actor_country_accuracy": {
            side: round(country_checks[f"{side}_ok"] / country_checks[f"{side}_n"], 4) if country_checks[f"{side}_n"] else None
            for side in ("source", "target")},
        "per_root": {root: _prf(c["tp"], c["predicted"], c["gold"]) | {"support": c["gold"]}
                     for root, c in sorted(per_root.items())},
        "confusions": [{"gold": g, "predicted": p, "count": n} for (g, p), n in
                       sorted(confusions.items(), key=lambda kv: (-kv[1], kv[0]))[:15]],
    }
    return result


def predictions_from_rows(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r["article_id"]].append(r)
    return out


def format_report(result: dict[str, Any], name: str = "") -> str:
    lines = [f"evaluation {name} ({result['records']} records)".strip()]
    for level in ("root", "full", "triple"):
        m = result[level]
        lines.append(f"  {level:<7} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}  (tp {m['tp']}, predicted {m['predicted']}, gold {m['gold']})")
    lines.append(f"  false positives: {result['false_positive_records']} of {result['no_event_records']} no-event records"
                 f" (rate {result['false_positive_rate']:.3f})")
    acc = result["actor_country_accuracy"]
    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
    lines.append(f"  actor country accuracy on root-correct events: source {fmt(acc['source'])}, target {fmt(acc['target'])}")
    lines.append("  root  P      R      F1     support")
    for root, m in result["per_root"].items():
        lines.append(f"  {root:<5} {m['precision']:.3f}  {m['recall']:.3f}  {m['f1']:.3f}  {m['support']}")
    if result["confusions"]:
        lines.append("  most common confusions (gold -> predicted):")
        for c in result["confusions"][:10]:
            lines.append(f"    {c['gold']} -> {c['predicted']}: {c['count']}")
    return "\n".join(lines)
