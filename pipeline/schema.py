"""Table schemas, defined once.

The pyarrow schemas, the Parquet field descriptions, the Frictionless fields and the data
dictionary in the README are all generated from the `Field` lists below.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Field:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    categorical: bool = False  # dictionary-encoded in releases

    @property
    def frictionless_type(self) -> str:
        t = self.type
        if pa.types.is_string(t):
            return "string"
        if pa.types.is_integer(t):
            return "integer"
        if pa.types.is_floating(t):
            return "number"
        if pa.types.is_date(t):
            return "date"
        if pa.types.is_boolean(t):
            return "boolean"
        raise TypeError(f"no Frictionless type for {t}")


# The provenance vocabulary of the *_code_origin columns (pipeline/actors.py ORIGINS).
ORIGIN_DOC = ("Where each part of {side}_code came from: codebook (the code of a name in the codebooks), phrase "
              "(built from the actor's own words: nationality + agent noun or title; an unknown country is \"---\"), "
              "reference (copied from an earlier mention in the article: he, a surname, \"the group\"), place "
              "(country of a gazetteer place), none (no code; text kept); when the parts differ, "
              "country=<origin>;agent=<origin>, where a country may also come from the sentence (a country or a "
              "place named in it) or the article (its dateline resolved as a place, or a country it names more "
              "than all others together; never the publisher's home). "
              "Null when there is no {side}.")

EVENT_FIELDS: list[Field] = [
    Field("event_id", pa.string(), "Stable hash of article_id, sentence_index, verb offset, source, code and target.", False),
    Field("article_id", pa.string(), "Article the event was found in (input id, or first 16 hex of sha256 of the normalised text).", False),
    Field("sentence_index", pa.int32(), "0-based index of the sentence within the article body.", False),
    Field("sentence_text", pa.string(), "The evidence sentence; all *_start/*_end offsets index into it.", False),
    Field("published", pa.date32(), "Article publication date (metadata, else dateline); null when unknown."),
    Field("event_date", pa.date32(), "Date the event happened, resolved from the text relative to the publication date; else the publication date."),
    Field("date_precision", pa.string(), "Precision of event_date: day, month, year or unknown.", False, True),
    Field("event_date_source", pa.string(), "Where event_date came from: text (a date expression) or published (inferred from the publication date) or none; published_capped when the text gives this event a date after publication without stating that it is to come (the later date is not used).", False, True),
    Field("date_future", pa.bool_(), "True when event_date is after the publication date because the text states the event is to come (\"will meet on Friday\", \"by the end of 2018\", \"next week\"); date_precision is then the expression's (2018: year). Otherwise false: no event is dated after publication without this flag.", False),
    Field("source_code", pa.string(), "Full CAMEO actor code of the source, e.g. SYRGOV, USAMIL, IGOUNO; ---COP when only the sector is known; null when unresolved.", True, True),
    Field("source_country", pa.string(), "Source country: ISO 3166-1 alpha-3, or IGO/NGO/IMG for non-state actors.", True, True),
    Field("source_agent", pa.string(), "Source sector/agent code: GOV, MIL, COP, REB, OPP, CVL, ...", True, True),
    Field("source_text", pa.string(), "The words that denote the source actor."),
    Field("source_start", pa.int32(), "Start offset of source_text in sentence_text."),
    Field("source_end", pa.int32(), "End offset (exclusive) of source_text in sentence_text."),
    Field("target_code", pa.string(), "Full CAMEO actor code of the target (---COP when only the sector is known); null when the event has none or it is unresolved.", True, True),
    Field("target_country", pa.string(), "Target country: ISO 3166-1 alpha-3, or IGO/NGO/IMG.", True, True),
    Field("target_agent", pa.string(), "Target sector/agent code.", True, True),
    Field("target_text", pa.string(), "The words that denote the target actor."),
    Field("target_start", pa.int32(), "Start offset of target_text in sentence_text."),
    Field("target_end", pa.int32(), "End offset (exclusive) of target_text in sentence_text."),
    Field("source_code_origin", pa.string(), ORIGIN_DOC.format(side="source"), True, True),
    Field("target_code_origin", pa.string(), ORIGIN_DOC.format(side="target"), True, True),
    Field("verb_text", pa.string(), "The trigger word (verb or event noun) that was coded.", False),
    Field("verb_start", pa.int32(), "Start offset of verb_text in sentence_text.", False),
    Field("verb_end", pa.int32(), "End offset (exclusive) of verb_text in sentence_text.", False),
    Field("cameo_code", pa.string(), "CAMEO 1.1b3 event code as a string with leading zeros, e.g. \"0871\", \"195\".", False, True),
    Field("cameo_root", pa.string(), "First two digits of cameo_code, e.g. \"19\".", False, True),
    Field("quad_class", pa.int8(), "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.", False),
    Field("goldstein", pa.float64(), "Goldstein conflict-cooperation score of cameo_code (-10 to +10).", False),
    Field("plover_event_type", pa.string(), "PLOVER event type of cameo_code (AGREE, CONSULT, ..., ASSAULT; codebooks/cameo/plover.csv); null for CAMEO roots 01 and 02, which PLOVER does not map.", True, True),
    Field("plover_mode", pa.string(), "PLOVER mode of cameo_code (e.g. visit, ceasefire, heavy-weapons); null where the mapping gives none.", True, True),
    Field("pattern_id", pa.string(), "Codebook pattern that fired (codebooks/cameo/patterns/).", False),
    Field("location_name", pa.string(), "Place where the event happened, as named in the gazetteer."),
    Field("location_country", pa.string(), "ISO 3166-1 alpha-3 of the event location.", True, True),
    Field("location_admin1", pa.string(), "First-level division of the event location (name)."),
    Field("latitude", pa.float64(), "Latitude of the event location (WGS84)."),
    Field("longitude", pa.float64(), "Longitude of the event location (WGS84)."),
    Field("geonames_id", pa.int64(), "GeoNames id of the event location."),
    Field("location_precision", pa.string(), "city, admin1 or country (a US county is admin1, with the county's name and point); none when no coordinates (location_name may still name a place the gazetteer lacks).", False, True),
    Field("source", pa.string(), "Publisher of the article (input metadata).", True, True),
    Field("url", pa.string(), "Link to the article (input metadata)."),
    Field("codebook_version", pa.string(), "Version of codebooks/ (codebooks/VERSION plus content hash).", False, True),
    Field("coder_version", pa.string(), "Version of the Polemos coder.", False, True),
]

ARTICLE_FIELDS: list[Field] = [
    Field("article_id", pa.string(), "Input id, or first 16 hex of sha256 of the normalised text.", False),
    Field("input", pa.string(), "Input file the article was read from (relative path).", False),
    Field("record", pa.string(), "Line, row or member within the input file.", False),
    Field("title", pa.string(), "Article title."),
    Field("text", pa.string(), "Normalised body text, boilerplate removed.", False),
    Field("published", pa.date32(), "Publication date; null when unknown."),
    Field("published_from", pa.string(), "metadata, dateline or none.", False),
    Field("dateline_place", pa.string(), "Place named in the dateline (e.g. PARIS), if any."),
    Field("source", pa.string(), "Publisher."),
    Field("url", pa.string(), "Link."),
    Field("language", pa.string(), "ISO 639-1 language code (detected or given).", False),
    Field("content_hash", pa.string(), "sha256 of the normalised title and text.", False),
]

REJECT_FIELDS: list[Field] = [
    Field("input", pa.string(), "Input file (relative path) or the input path given.", False),
    Field("record", pa.string(), "Line, row or member within the input file; empty for whole files.", False),
    Field("reason", pa.string(), "Why the input was refused (stable code, e.g. not_english).", False),
    Field("detail", pa.string(), "Human-readable detail: the field and what is wrong.", False),
    Field("article_id", pa.string(), "Article id when one could be derived."),
]

# ------------------------------------------------------------------ release tables

# The release's event files: the event table plus `month`, stored in every file so that every
# reader sees it with the same type (no Hive partition columns; see pipeline/package.py).
_AFTER_DATE = [f.name for f in EVENT_FIELDS].index("event_date") + 1
RELEASE_EVENT_FIELDS: list[Field] = [
    *EVENT_FIELDS[:_AFTER_DATE],
    Field("month", pa.date32(), "First day of the month of event_date (group by it for monthly counts); null for undated events."),
    *EVENT_FIELDS[_AFTER_DATE:],
]

DAILY_FIELDS: list[Field] = [
    Field("event_date", pa.date32(), "Day of the events.", False),
    Field("source_code", pa.string(), "Source actor code.", True, True),
    Field("target_code", pa.string(), "Target actor code.", True, True),
    Field("cameo_code", pa.string(), "CAMEO event code.", False, True),
    Field("cameo_root", pa.string(), "CAMEO root.", False, True),
    Field("quad_class", pa.int8(), "Quad class of cameo_code.", False),
    Field("goldstein", pa.float64(), "Goldstein score of cameo_code.", False),
    Field("num_mentions", pa.int64(), "Event rows (mentions) with this day, dyad and code.", False),
    Field("num_articles", pa.int64(), "Distinct articles mentioning it.", False),
    Field("num_sources", pa.int64(), "Distinct publishers mentioning it.", False),
    Field("first_event_id", pa.string(), "event_id of the first mention (links to events).", False),
]

DYAD_FIELDS: list[Field] = [
    Field("month", pa.date32(), "First day of the month of event_date.", False),
    Field("source_country", pa.string(), "Source country (ISO3 or IGO/NGO/IMG).", True, True),
    Field("target_country", pa.string(), "Target country (ISO3 or IGO/NGO/IMG).", True, True),
    Field("events", pa.int64(), "Number of events.", False),
    Field("verbal_coop", pa.int64(), "Events of quad class 1.", False),
    Field("material_coop", pa.int64(), "Events of quad class 2.", False),
    Field("verbal_conflict", pa.int64(), "Events of quad class 3.", False),
    Field("material_conflict", pa.int64(), "Events of quad class 4.", False),
    Field("goldstein_sum", pa.float64(), "Sum of Goldstein scores.", False),
    Field("goldstein_mean", pa.float64(), "Mean Goldstein score.", False),
]


def arrow_schema(fields: list[Field], *, dictionary: bool = False) -> pa.Schema:
    cols = []
    for f in fields:
        t = pa.dictionary(pa.int32(), f.type) if (dictionary and f.categorical) else f.type
        cols.append(pa.field(f.name, t, nullable=f.nullable, metadata={"description": f.description}))
    return pa.schema(cols)


EVENT_SCHEMA = arrow_schema(EVENT_FIELDS)
ARTICLE_SCHEMA = arrow_schema(ARTICLE_FIELDS)
REJECT_SCHEMA = arrow_schema(REJECT_FIELDS)
EVENT_COLUMNS = [f.name for f in EVENT_FIELDS]


def data_dictionary_markdown(fields: list[Field] = EVENT_FIELDS) -> str:
    """The data dictionary table, as written into the README and the release."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    for f in fields:
        lines.append(f"| {f.name} | {f.type} | {f.description} |")
    return "\n".join(lines) + "\n"
