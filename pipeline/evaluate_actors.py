"""Actor resolution against actor-phrase gold (TSV: kind, actor_text, expected_country,
expected_agent, note). Each phrase is coded as the subject of a plain sentence, as a user's text
would present it, and the source actor of the resulting event is compared."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

from pipeline.errors import InputError

TEMPLATE = "{actor} sharply criticized the government of Canada on Monday."


def load_actor_gold(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    needed = {"actor_text", "expected_country", "expected_agent"}
    if rows and not needed <= set(rows[0]):
        raise InputError(f"{path}:1: expected columns {', '.join(sorted(needed))}")
    return rows


def _sentence(actor: str) -> str:
    return TEMPLATE.format(actor=actor[:1].upper() + actor[1:])


def score_actors(rows: list[dict[str, str]], code_text) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """code_text(text, published) -> event rows. Returns figures and per-row details."""
    details = []
    country_n = country_ok = agent_n = agent_ok = 0
    for row in rows:
        note = row.get("note") or ""
        m = re.search(r"query_date (\d{4}-\d{2}-\d{2})", note)
        published = dt.date.fromisoformat(m.group(1)) if m else dt.date(2023, 1, 2)
        events = [e for e in code_text(_sentence(row["actor_text"]), published) if e["cameo_root"] == "11"]
        src = events[0] if events else {}
        country = src.get("source_country")
        agent = src.get("source_agent")
        item = {"actor_text": row["actor_text"], "expected_country": row["expected_country"] or None,
                "expected_agent": row["expected_agent"] or None, "country": country, "agent": agent,
                "code": src.get("source_code")}
        if row["expected_country"]:
            country_n += 1
            item["country_ok"] = country == row["expected_country"]
            country_ok += item["country_ok"]
        if row["expected_agent"]:
            agent_n += 1
            accepted = set(re.split(r"[|;]", row["expected_agent"]))
            item["agent_ok"] = agent in accepted
            agent_ok += item["agent_ok"]
        details.append(item)
    result = {"rows": len(rows), "with_country": country_n, "with_agent": agent_n,
              "country_accuracy": round(country_ok / country_n, 4) if country_n else 0.0,
              "agent_accuracy": round(agent_ok / agent_n, 4) if agent_n else 0.0}
    return result, details
