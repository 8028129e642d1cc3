"""Actors: codebook phrase matching over the parse, resolved to CAMEO actor codes.

A noun phrase is resolved from the codebook mentions inside it: a named person valid on the
event date gives the full code; an organisation gives its code; otherwise a country (name,
adjective, capital or seat) plus an agent noun or title ("French Foreign Minister" -> FRAGOV).

The world is open: an agent-like phrase the codebooks do not name is still an actor, coded as far
as its own words go ("a Pentagon spokesman" -> USAGOV, "gunmen" -> ---UAF, "Tom Baker" -> no
code, text kept). Each actor says where each part of its code came from (`origin`, see ORIGINS).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from pipeline.codebook.loader import ActorCodebook, ActorEntry

PRONOUNS_PERSON = {"he", "she", "him", "her"}
FORMER_WORDS = {"former", "retired", "ex", "onetime", "erstwhile", "late"}
PRONOUNS_GROUP = {"it", "they", "them", "we", "its", "their"}
NP_EXCLUDED_DEPS = {"relcl", "acl", "advcl", "punct", "cc", "conj", "appos", "prep", "det", "predet", "case"}


# Where the parts of an actor's code came from (the *_code_origin columns). One word when the
# whole code has one origin, else "country=<origin>;agent=<origin>".
ORIGINS = {
    "codebook": "the whole code is the codebook entry of a name in the phrase (person, organisation, country, capital)",
    "phrase": "read from the phrase's own words through the codebook tables (nationality + agent noun or title)",
    "reference": "copied from an earlier mention in the same article that the words refer to (he, Baker, the group)",
    "sentence": "country named earlier in the same sentence",
    "article": "country of the article: its dateline (resolved as a place) or the country it names most",
    "place": "country of a place in the gazetteer (an 'of'/'in' place, or the place an action is aimed at)",
    "none": "no code; text and offsets only",
}


def is_outlet(actor) -> bool:
    """A news outlet named by the codebooks ("Reuters", "VOA"): the story quotes it or is
    published by it, so it is no antecedent of "the group" or "it"."""
    return actor.origin == "codebook" and actor.agent == "MED" and not actor.is_person


@dataclass(frozen=True)
class Actor:
    code: str | None
    country: str | None
    agent: str | None
    text: str
    start: int  # char offsets within the doc
    end: int
    is_person: bool = False
    origin: str | None = None  # see ORIGINS
    named: bool = False  # a proper name the codebooks do not know ("Halvorsen Shipping", "Nawa")


def origin_of(country_from: str | None, agent_from: str | None) -> str:
    """The origin string from the origins of the country and agent parts (None: part absent)."""
    parts = {p for p in (country_from, agent_from) if p}
    if not parts:
        return "none"
    if len(parts) == 1:
        return parts.pop()
    return f"country={country_from or 'none'};agent={agent_from or 'none'}"


UNKNOWN_COUNTRY = "---"  # CAMEO's filler for an agent of unknown country ("---COP")
# Sectors that name no political actor without a country (investors, traders, shoppers): no
# partial code for them.
UNPLACED_SECTORS = frozenset({"BUS"})


class ActorMatcher:
    """Finds codebook actor phrases in a Doc: exact token sequences, compared lower-cased.

    The phrases are tokenized once and cached (a marshal file beside the gazetteer, named by a
    hash of the phrases and the model), so start-up does not re-tokenize ~10,000 phrases;
    matching is a dictionary lookup on each token's lower-case form.
    """

    def __init__(self, nlp, codebook: ActorCodebook):
        self.codebook = codebook
        phrases: dict[str, list[ActorEntry]] = {}
        for entry in codebook.entries:
            phrases.setdefault(entry.phrase.lower(), []).append(entry)
        ordered = sorted(phrases.items())
        tokens = _phrase_tokens(nlp, [entries[0].phrase for _key, entries in ordered])
        # Keyed by the hashes of the lower-cased words: a Doc gives those as one array, without
        # building a Python object per token.
        add = nlp.vocab.strings.add
        self.by_first: dict[int, list[tuple[tuple[int, ...], list[ActorEntry]]]] = {}
        for (_key, entries), toks in zip(ordered, tokens):
            if toks:
                ids = tuple(add(t) for t in toks)
                self.by_first.setdefault(ids[0], []).append((ids, entries))
        for options in self.by_first.values():
            options.sort(key=lambda o: -len(o[0]))

    def mentions(self, doc) -> dict[int, tuple[int, int, list[ActorEntry]]]:
        """token index -> (span start, span end, entries) for the longest non-overlapping matches.
        Computed once per Doc (kept in doc.user_data)."""
        cached = doc.user_data.get("polemos_mentions")
        if cached is not None:
            return cached
        out = self._mentions(doc)
        doc.user_data["polemos_mentions"] = out
        return out

    def _matches(self, doc):
        from spacy.attrs import LOWER

        lowers = doc.to_array([LOWER]).tolist()
        n = len(lowers)
        for start, low in enumerate(lowers):
            for toks, entries in self.by_first.get(low, ()):
                end = start + len(toks)
                if end <= n and tuple(lowers[start:end]) == toks:
                    yield start, end, entries

    def _mentions(self, doc) -> dict[int, tuple[int, int, list[ActorEntry]]]:
        spans = []
        for start, end, entries in self._matches(doc):
            # Proper names must be capitalised in the text ("Turkey" the country, not "turkey"),
            # and short acronyms written exactly ("US", "UN", "PAN": not "us", "Un", "pan").
            phrase = entries[0].phrase
            if phrase.isupper() and len(phrase) <= 4 and doc[start:end].text != phrase:
                continue
            if not any(e.kind in ("noun", "title") for e in entries) and not doc[start].text[:1].isupper():
                if not doc[start].text.isupper():
                    continue
            spans.append((start, end, entries))
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        taken: set[int] = set()
        out: dict[int, tuple[int, int, list[ActorEntry]]] = {}
        for start, end, entries in spans:
            if any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            for i in range(start, end):
                out[i] = (start, end, entries)
        return out


def _phrase_tokens(nlp, phrases: list[str]) -> list[list[str]]:
    """Lower-cased tokens of each phrase as the model's tokenizer splits it ("U.S." stays one
    token, "u.s." would not: phrases are tokenized as written). Cached by the phrases and model."""
    import hashlib
    import marshal

    from pipeline.paths import user_cache_dir

    key = hashlib.sha256(("framed\x1f" + "\x1f".join(phrases) + nlp.meta.get("name", "") + nlp.meta.get("version", "")).encode()).hexdigest()[:16]
    path = user_cache_dir() / f"actor-phrases-{key}.bin"
    from pipeline.cache import read_cache, write_cache

    cached = read_cache(path, marshal.loads)  # checked: a damaged file is rebuilt with a warning
    if isinstance(cached, list) and len(cached) == len(phrases):
        return cached
    tokens = [[t.lower_ for t in doc] for doc in nlp.tokenizer.pipe(phrases)]
    write_cache(path, marshal.dumps(tokens))
    return tokens


def _valid_on(entry: ActorEntry, when: dt.date | None) -> bool:
    if entry.kind != "person":
        return True
    if when is None:
        return True  # no date to check against: the name is still evidence (latest office first)
    return (entry.start is None or entry.start <= when) and (entry.end is None or when <= entry.end)


def noun_phrase_tokens(head, mentions=None) -> list:
    """Tokens of the noun phrase headed by `head`: modifiers and 'of'-phrases, no clauses; an
    'in'-phrase naming a country is kept too ("the rebels in Darfur")."""
    tokens = [head]
    stack = [head]
    while stack:
        tok = stack.pop()
        for child in tok.children:
            keep_prep = child.dep_ == "prep" and tok is head and (
                child.lower_ in ("of", "for") or (child.lower_ == "in" and mentions is not None and head.i in mentions
                                                  and mentions[head.i][2][0].kind in ("noun", "title") and any(
                    g.dep_ == "pobj" and g.i in mentions and mentions[g.i][2][0].kind in ("name", "capital")
                    for g in child.children)))
            if child.dep_ in NP_EXCLUDED_DEPS and not keep_prep:
                continue
            tokens.append(child)
            stack.append(child)
    tokens.sort(key=lambda t: t.i)
    return tokens


def compose_code(country: str | None, agent: str | None) -> str | None:
    """Country + agent; an agent of unknown country is "---" + agent, as CAMEO gold writes it."""
    if country and agent and country not in ("IGO", "NGO", "IMG"):
        return country + agent
    if country:
        return country
    if agent:
        return UNKNOWN_COUNTRY + agent
    return None


# "rebel positions", "militant hideouts", "army bases": a place held by an actor stands for it.
ACTOR_PLACES = frozenset({"position", "base", "camp", "stronghold", "hideout", "outpost", "checkpoint",
                          "headquarters", "barracks", "compound", "convoy", "post", "garrison", "bastion"})

GENERIC_AGENT_HEADS = frozenset({"leader", "leaders", "official", "officials", "chief", "chiefs", "head", "heads",
                                 "spokesman", "spokeswoman", "spokesperson", "representative", "representatives",
                                 "member", "members"})


def doc_text(doc, mention) -> str:
    return doc[mention[0]:mention[1]].text


def resolve_phrase(head, mentions, when: dt.date | None, default_country: str | None = None,
                   nationality_alone: bool = True, *, default_origin: str = "article",
                   place_country=None, entity_label=None) -> Actor | None:
    """Resolve the noun phrase headed by `head` to an actor, or None when nothing supports one.
    `nationality_alone=False` (sources) refuses a nationality adjective on a non-actor noun.
    `default_country` fills the country of an agent the phrase gives none for (recorded as
    `default_origin`); `place_country(name)` gives the country of a place name the codebooks do not
    list, or None when it is not reliably one; `entity_label(tok)` gives the NER label of a name."""
    tokens = noun_phrase_tokens(head, mentions)
    # Also look into an appositive ("Romain Nadal, the ministry spokesman").
    appos = [c for c in head.children if c.dep_ == "appos"]
    if not appos and head.pos_ == "NOUN":
        # "the mayor of Brookfield, Janet Hale,": the parser often hangs the name on the place.
        appos = [a for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                 if g.dep_ == "pobj" and g.pos_ == "PROPN" for a in g.children
                 if a.dep_ == "appos" and a.pos_ == "PROPN" and a.i not in mentions]
    for child in appos:
        tokens.extend(noun_phrase_tokens(child))
    seen_spans = set()
    person = org = None
    country = agent = None
    country_entry = agent_entry = None
    best_agent_dist = None
    generic_agent = None
    for tok in tokens:
        m = mentions.get(tok.i)
        if m is None or (m[0], m[1]) in seen_spans:
            continue
        seen_spans.add((m[0], m[1]))
        entries = [e for e in m[2] if _valid_on(e, when)]
        if when is None:
            entries.sort(key=lambda e: (e.kind == "person", e.start or dt.date.min), reverse=True)
        if not entries:
            # A known person outside the dates of their office: resolved by title and the
            # person's country only.
            stale = next((e for e in m[2] if e.kind == "person" and e.country not in ("IGO", "NGO", "IMG")), None)
            if stale is not None and country is None:
                country = stale.country
            continue
        e = entries[0]
        if e.kind == "person":
            person = person or e
        elif e.kind in ("igo", "ngo", "media", "group"):
            org = org or e
        elif e.kind in ("noun", "title"):
            dist = abs(m[1] - 1 - head.i)
            if doc_text(head.doc, m).lower() in GENERIC_AGENT_HEADS:
                generic_agent = generic_agent or e.agent
                continue
            if best_agent_dist is None or dist < best_agent_dist:
                agent, best_agent_dist, agent_entry = e.agent, dist, e
        else:
            if country is None:
                country, country_entry = e.country, e
            if e.kind in ("capital", "seat", "seat_mil", "seat_leg") and e.agent and agent is None:
                agent, agent_entry = e.agent, e
    # "union leaders", "leaders of the rebels", "opposition officials": a generic head takes the
    # sector of the agent word it is modified by, and is the government only on its own.
    agent = agent or generic_agent
    doc = head.doc
    # The actor's words: the matched mentions, plus the head when it names the actor.
    matched = [t for t in tokens if t.i in mentions and (mentions[t.i][0], mentions[t.i][1]) in seen_spans]
    if head.pos_ == "PROPN" or head.i in mentions:
        matched.append(head)
    span_tokens = matched or tokens
    first = min(t.i for t in span_tokens)
    last = max(t.i for t in span_tokens)
    for t in tokens:  # keep a name's parts together ("Staffan de Mistura")
        if t.i == last + 1 and t.pos_ == "PROPN":
            last = t.i
    if head.pos_ == "PROPN" and (person is not None or head.i not in mentions):
        for t in sorted(tokens, key=lambda t: -t.i):  # ... and its first names ("John Bolton")
            if t.i == first - 1 and t.pos_ == "PROPN" and t.dep_ == "compound" and t.i not in mentions:
                first = t.i
    # "the mayor of Springfield, Tom Baker": the person's name is part of the actor's words.
    name = head if head.pos_ == "PROPN" and head.i not in mentions else next(
        (c for c in appos if c.pos_ == "PROPN" and c.i not in mentions), None)
    if name is not None and name is not head and (agent is not None or country is not None):
        last = max(last, name.i)
    span = doc[first:last + 1]
    start, end, text = span.start_char, span.end_char, span.text
    if person is not None:
        return Actor(person.code, person.country, person.agent, text, start, end, True, "codebook")
    if org is not None:
        return Actor(org.code, org.country, org.agent, text, start, end, False, "codebook")
    country_from = "phrase" if country is not None else None
    if country is None and agent is not None and head.pos_ == "NOUN" and head.lemma_.lower() in ACTOR_PLACES:
        country = _place_country(head, mentions)  # "militant hideouts in Somalia": the country they are in
        country_from = "phrase" if country else None
    if country is None and agent is not None and head.pos_ == "NOUN" and head.i not in mentions:
        # "joint military exercises", "a police station": a sector word on a noun that names no
        # actor, and no country either: not an actor.
        return None
    if country is None and agent is not None and place_country is not None:
        # "the mayor of Springfield", "police in Lagos": a place the codebooks do not list.
        country = _phrase_place_country(head, mentions, place_country)
        country_from = "place" if country else None
    if country is None and agent is not None and head.i in mentions and mentions[head.i][2][0].kind == "title":
        # "President Saakashvili and Defense Minister Davit Sikharulidze": a conjoined title
        # takes the country of its conjuncts, before anything further away (not a sector noun:
        # "local clan militias and the U.S. military" are two countries' forces).
        country = _conjunct_country(head, mentions, when)
        country_from = "sentence" if country else None
    if country is None and agent is not None:
        # The sentence before the actor, a place the sentence is set in, the article, and last
        # the sentence after the actor ("... criticized Canada" names the target's country).
        country = _nearest_country(head, mentions)
        if country is None and place_country is not None:
            country = _sentence_place_country(head, mentions, place_country)
        country_from = "sentence" if country else None
        if country is None and default_country:
            country, country_from = default_country, default_origin
        if country is None:
            country = _nearest_country(head, mentions, after=True)
            country_from = "sentence" if country else None
    is_named = name is not None
    if country is None and agent is None:
        if head.pos_ != "PROPN" or is_calendar_name(head) or is_dateline_word(head):
            return None
        # An unknown name. A major place ("Bali banned ...") is its country when statistical NER
        # (run only here, and only then) agrees it names a place. Whether it names a person is
        # asked later, and only if a pronoun may refer to it (ArticleContext).
        c = place_country(_name_text(head), major=True) if place_country is not None else None
        if c and entity_label is not None and entity_label(head) in PLACE_LABELS:
            return Actor(c, c, None, text, start, end, False, "place")
        return Actor(None, None, None, text, start, end, False, "none", named=True)
    if agent is not None and any(t.lower_ in FORMER_WORDS for t in tokens if t.i < head.i):
        agent = "ELI"  # "former President X", "retired general": an elite, not the office
    if agent is None and head.i in mentions and any(e.kind == "demonym" for e in mentions[head.i][2]):
        agent = "CVL"  # "ordinary Kazakhs", "Syrians fled": the people
    if not nationality_alone and agent is None and head.pos_ == "NOUN" and head.i not in mentions:
        # As a source, "the Brazilian side", "India's bowlers", "an Italian cyclist" name no
        # actor; as a target ("attacked Israeli positions") the nationality still tells whose.
        return None
    is_person = head.lower_ not in ("government", "regime") and any(
        mentions.get(t.i) and any(e.kind == "title" for e in mentions[t.i][2]) and t.i == head.i for t in tokens)
    if is_named and agent is not None and (any(
            mentions.get(t.i) and any(e.kind == "title" for e in mentions[t.i][2]) for t in tokens) or any(
            c.dep_ == "compound" and c.pos_ == "PROPN" and c.i not in mentions for c in name.children)):
        is_person = True  # "national security adviser John Bolton", "Tom Baker, the mayor", "Police Chief Ann Rowe"
    if country is None and agent in UNPLACED_SECTORS:
        # "investors cheered the results": market actors of no stated country are no political
        # actor; the words are kept, with no code.
        return Actor(None, None, None, text, start, end, is_person, "none")
    agent_from = "phrase" if agent is not None else None
    if country_entry is not None and (agent is None or agent_entry is country_entry) and country_from == "phrase":
        origin = "codebook"  # "Iran", "the Kremlin": one codebook name gives the whole code
    else:
        origin = origin_of(country_from, agent_from)
    return Actor(compose_code(country, agent), country, agent, text, start, end, is_person, origin)


# Day and month names ("Wednesday", "March"), from the standard library's English calendar:
# a date, not an actor, when the codebooks do not name it (a person "Theresa May" is listed).
CALENDAR_WORDS = frozenset(w.lower() for w in [*calendar.day_name, *calendar.month_name] if w)
DASHES = frozenset({"-", "–", "—", "--"})


def is_calendar_name(tok) -> bool:
    """A day or month name standing alone ("Wednesday", "on Sunday", "in March")."""
    return tok.lower_ in CALENDAR_WORDS and not any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.children)


def is_dateline_word(tok) -> bool:
    """"HUME – Local police ...": an upper-case place word opening the text before a dash is the
    story's dateline, not an actor."""
    doc = tok.doc
    if not tok.text.isupper() or len(tok.text) < 2:
        return False
    j = tok.i + 1
    while j < len(doc) and doc[j].text.isupper() and doc[j].is_alpha:
        j += 1  # "PORT ANGELES –"
    if j < len(doc) and doc[j].text == ",":  # "HUME, Ill. –"
        j += 1
        while j < len(doc) and not doc[j].text in DASHES and j - tok.i < 6:
            j += 1
    return j < len(doc) and doc[j].text in DASHES and all(t.text.isupper() or t.is_punct for t in doc[:tok.i])


# NER labels that name a place.
PLACE_LABELS = frozenset({"GPE", "LOC"})


def _conjunct_country(head, mentions, when) -> str | None:
    """The one country the conjuncts of `head` name (a person, a country word or an organisation
    of a country), or None."""
    found = set()
    for c in head.conjuncts:
        for t in noun_phrase_tokens(c, mentions):
            m = mentions.get(t.i)
            if not m:
                continue
            # A person out of office still tells the country ("President Saakashvili" in 2019).
            e = next((e for e in m[2] if _valid_on(e, when)), m[2][0])
            if e.kind not in ("noun", "title", "media") and e.country \
                    and e.country not in ("IGO", "NGO", "IMG"):
                found.add(e.country)
    return found.pop() if len(found) == 1 else None


def _name_text(tok) -> str:
    """A proper name with its compound parts ("New York")."""
    parts = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < tok.i]
    first = min([tok.i] + [c.i for c in parts])
    return tok.doc[first:tok.i + 1].text


def _phrase_place_country(head, mentions, place_country) -> str | None:
    """The country of an 'of'/'in' place in the phrase ("the mayor of Springfield", "state
    police in Ohio", "people in the town of Madaya") that the codebooks do not list, when the
    gazetteer places it reliably."""
    for c in head.children:
        if c.dep_ != "prep" or c.lower_ not in ("of", "in", "from"):
            continue
        for g in c.children:
            if g.dep_ != "pobj":
                continue
            names = [g] if g.pos_ == "PROPN" else [x for p in g.children if p.dep_ == "prep" and p.lower_ == "of"
                                                  for x in p.children if x.dep_ == "pobj" and x.pos_ == "PROPN"]
            for name in names:
                if name.i not in mentions and (found := place_country(_name_text(name))):
                    return found
    return None


LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "around"})


def named_place(tok, mentions) -> bool:
    """"Mercy Memorial Hospital", "Lincoln High School": a proper name the codebooks do not know,
    headed by an agent noun (an institution) and naming a building or site, not its people."""
    if tok.pos_ != "PROPN" or tok.i not in mentions or mentions[tok.i][2][0].kind != "noun":
        return False
    if mentions[tok.i][1] - mentions[tok.i][0] != 1:
        return False
    return any(c.dep_ == "compound" and c.pos_ == "PROPN" and c.i not in mentions for c in tok.children)


def _sentence_place_country(head, mentions, place_country) -> str | None:
    """The country of a place the sentence says something happened in ("... outside a police
    station in Diyarbakir"), for an actor given only by its sector: as CAMEO coders read it."""
    for tok in head.sent:
        if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS and tok.i not in mentions \
                and not any(c.dep_ == "compound" and c.i > tok.i for c in tok.children):
            found = place_country(_name_text(tok))
            if found:
                return found
    return None


def _place_country(head, mentions) -> str | None:
    """The country of an 'in'/'near' phrase on a place noun or on the verb it is the object of."""
    holders = [head] + ([head.head] if head.dep_ in ("dobj", "obj", "pobj") else [])
    for h in holders:
        for c in h.children:
            if c.dep_ != "prep" or c.lower_ not in ("in", "inside", "near", "across"):
                continue
            for g in c.children:
                m = mentions.get(g.i) if g.dep_ == "pobj" else None
                if m and m[2][0].kind in ("name", "capital") and m[2][0].country not in ("IGO", "NGO", "IMG", None):
                    return m[2][0].country
    return None


COUNTRY_WORD_KINDS = frozenset({"name", "adjective", "demonym", "capital", "seat", "seat_mil", "seat_leg"})


def _nearest_country(head, mentions, after: bool = False) -> str | None:
    """The country named closest before `head` in its sentence ("... said the rebels" after
    "the Sudanese government"), or with `after` closest after it ("President Askar Akayev ... in
    Kyrgyzstan"), for an actor given only by its sector: CAMEO coders read the country from the
    sentence. Only country words count: an organisation's home ("told VOA") is no one else's."""
    sent = head.sent
    for i in (range(head.i + 1, sent.end) if after else range(head.i - 1, sent.start - 1, -1)):
        m = mentions.get(i)
        if m:
            e = m[2][0]
            if e.country and e.country not in ("IGO", "NGO", "IMG") and e.kind in COUNTRY_WORD_KINDS:
                return e.country
    return None


def article_countries(doc, mentions) -> Counter:
    """How often each country is named in the article (for unknown actors' country)."""
    counts: Counter = Counter()
    seen = set()
    for i, (s, e, entries) in mentions.items():
        if (s, e) in seen:
            continue
        seen.add((s, e))
        entry = entries[0]
        # A news outlet ("VOA reported", "told Reuters") says where the story is published or
        # quoted from, not where it is about.
        if entry.country and entry.country not in ("IGO", "NGO", "IMG") and entry.kind not in ("noun", "title", "media"):
            counts[entry.country] += 1
    return counts


class EntityTagger:
    """spaCy's statistical NER, run on demand on single sentences.

    The coder's pipeline leaves NER out (actors come from the codebooks, and NER on every sentence
    costs throughput). It is asked only about a proper name in a source or target role that the
    codebooks do not know, so it runs on few sentences. The model's NER has its own embedding
    layer, so it is loaded alone (without the tagger and parser) and fed the sentence's words."""

    def __init__(self, model_name: str | None):
        self.model_name = model_name
        self._nlp = None
        self._failed = model_name is None
        self.sentences = 0  # how many sentences NER was run on (for measuring its cost)

    def _model(self):
        if self._nlp is None and not self._failed:
            import spacy

            try:
                # The package folder (or a model folder given by path) with everything but NER left out.
                path = spacy.util.get_package_path(self.model_name) if spacy.util.is_package(self.model_name) \
                    else self.model_name
                meta = spacy.util.get_model_meta(path)
                self._nlp = spacy.load(self.model_name, exclude=[n for n in meta.get("pipeline", []) if n != "ner"])
                if "ner" not in self._nlp.pipe_names:
                    self._nlp, self._failed = None, True
            except (OSError, ValueError, ImportError):
                self._failed = True  # no NER: unknown names keep a null code, as without it
        return self._nlp

    def label(self, tok) -> str | None:
        """The entity label of `tok` (None when it is in no entity or NER is unavailable)."""
        sent = tok.sent
        key = ("polemos_ents", sent.start)
        labels = tok.doc.user_data.get(key)
        if labels is None:
            labels = tok.doc.user_data[key] = self._run(sent)
        return labels.get(tok.i - sent.start)

    def _run(self, sent) -> dict[int, str]:
        nlp = self._model()
        if nlp is None:
            return {}
        from spacy.tokens import Doc

        self.sentences += 1
        doc = Doc(nlp.vocab, words=[t.text for t in sent], spaces=[bool(t.whitespace_) for t in sent])
        doc = nlp.get_pipe("ner")(doc)
        return {i: ent.label_ for ent in doc.ents for i in range(ent.start, ent.end)}


def publisher_home(publisher: str | None) -> str:
    """The letters of a publisher's name or web domain ("onlineathens.com" -> "onlineathens")."""
    if not publisher:
        return ""
    host = re.sub(r"^[a-z]+://", "", publisher.lower()).split("/")[0]
    host = re.sub(r"^www\.", "", host)
    host = re.sub(r"\.(com|org|net|co|gov|edu|info|news|[a-z]{2})(\.[a-z]{2})?$", "", host)
    return re.sub(r"[^a-z]", "", host)


def is_home(name: str, home: str) -> bool:
    """Is this place name the publisher's home ("Athens" in onlineathens, "dailypostathenian")?"""
    key = re.sub(r"[^a-z]", "", name.lower())
    return len(key) >= 4 and (key in home or (len(key) > 5 and key[:-1] in home))


def dateline_country(dateline: str, lookup, named: set[str], text: str = "", home: str = "") -> str | None:
    """The country of a dateline ("ATHENS, Texas", "PARIS") read as a place in its story, or None
    when that is not reliable. A qualifier decides ("Athens, Texas" is in the US); else the name's
    places must all lie in one country, or only one of their countries be named in the story, or
    the name be a national capital no other candidate of which the story points to (its division
    named in the text: a US paper's "PARIS" in a story naming Texas). The publisher's home town
    ("ATHENS" in onlineathens.com) gives no country."""
    name, _, qualifier = dateline.partition(",")
    name, qualifier = name.strip(), qualifier.strip().rstrip(".")
    places = lookup(name)
    if not places:
        return None
    if qualifier:
        quals = lookup(qualifier)
        fits = [p for p in places if any(
            q.country == p.country and (q.precision == "country" or (q.admin1 and q.admin1 == p.admin1)) for q in quals)]
        countries = {p.country for p in fits} or {q.country for q in quals if q.precision in ("country", "admin1")}
        return countries.pop() if len(countries) == 1 else None
    if home and is_home(name, home):
        return None
    countries = {p.country for p in places if p.country}
    if len(countries) == 1:
        return next(iter(countries))
    in_story = countries & named
    if len(in_story) == 1:
        return next(iter(in_story))
    if in_story:
        return None
    capitals = {p.country for p in places if p.capital}
    low = text.lower()
    if len(capitals) == 1:
        top = next(iter(capitals))
        if not any(p.admin1 and p.country != top and p.admin1.lower() in low for p in places):
            return top
    return None
