"""Actors: codebook phrase matching over the parse, resolved to CAMEO actor codes.

A noun phrase is resolved from the codebook mentions inside it: a named person valid on the
event date gives the full code; an organisation gives its code; otherwise a country (name,
adjective, capital or seat) plus an agent noun or title ("French Foreign Minister" -> FRAGOV).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from pipeline.codebook.loader import ActorCodebook, ActorEntry

PRONOUNS_PERSON = {"he", "she", "him", "her"}
FORMER_WORDS = {"former", "retired", "ex", "onetime", "erstwhile", "late"}
PRONOUNS_GROUP = {"it", "they", "them", "we", "its", "their"}
NP_EXCLUDED_DEPS = {"relcl", "acl", "advcl", "punct", "cc", "conj", "appos", "prep", "det", "predet", "case"}


@dataclass(frozen=True)
class Actor:
    code: str | None
    country: str | None
    agent: str | None
    text: str
    start: int  # char offsets within the doc
    end: int
    is_person: bool = False


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
    if country and agent and country not in ("IGO", "NGO", "IMG"):
        return country + agent
    if country:
        return country
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
                   nationality_alone: bool = True) -> Actor | None:
    """Resolve the noun phrase headed by `head` to an actor, or None when nothing supports one.
    `nationality_alone=False` (sources) refuses a nationality adjective on a non-actor noun."""
    tokens = noun_phrase_tokens(head, mentions)
    # Also look into an appositive ("Romain Nadal, the ministry spokesman").
    for child in head.children:
        if child.dep_ == "appos":
            tokens.extend(noun_phrase_tokens(child))
    seen_spans = set()
    person = org = None
    country = agent = None
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
            # A known person outside the dates of their office: resolved by title/country only.
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
                agent, best_agent_dist = e.agent, dist
        else:
            if country is None:
                country = e.country
            if e.kind in ("capital", "seat", "seat_mil", "seat_leg") and e.agent and agent is None:
                agent = e.agent
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
    span = doc[first:last + 1]
    start, end, text = span.start_char, span.end_char, span.text
    if person is not None:
        return Actor(person.code, person.country, person.agent, text, start, end, True)
    if org is not None:
        return Actor(org.code, org.country, org.agent, text, start, end)
    if country is None and agent is not None and head.pos_ == "NOUN" and head.lemma_.lower() in ACTOR_PLACES:
        country = _place_country(head, mentions)  # "militant hideouts in Somalia": the country they are in
    if country is None and agent is not None and head.pos_ == "NOUN" and head.i not in mentions:
        # "joint military exercises", "a police station": a sector word on a noun that names no
        # actor, and no country either: not an actor.
        return None
    if country is None and agent is not None:
        country = _nearest_country(head, mentions) or default_country
    if country is None and agent is None:
        if head.pos_ == "PROPN":
            return Actor(None, None, None, text, start, end, False)
        return None
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
    return Actor(compose_code(country, agent), country, agent, text, start, end, is_person)


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


def _nearest_country(head, mentions) -> str | None:
    """The country named closest before `head` in its sentence ("... said the rebels" after
    "the Sudanese government"), for an actor given only by its sector."""
    sent = head.sent
    for i in range(head.i - 1, sent.start - 1, -1):
        m = mentions.get(i)
        if m:
            e = m[2][0]
            if e.country and e.country not in ("IGO", "NGO", "IMG") and e.kind not in ("noun", "title", "person"):
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
        if entry.country and entry.country not in ("IGO", "NGO", "IMG") and entry.kind not in ("noun", "title"):
            counts[entry.country] += 1
    return counts
