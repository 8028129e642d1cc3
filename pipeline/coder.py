"""The event coder: codebook verb/noun patterns over the dependency parse.

For every trigger word the best pattern is chosen (codebooks/cameo/README.md, "Which pattern
wins"); sources and targets come from the grammar around it (subject/object, passive agent,
conjuncts, 'by'/possessive agents of event nouns); modal verbs turn the embedded event into an
appeal, intent, demand, rejection or threat.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from pipeline.actors import (PRONOUNS_GROUP, PRONOUNS_PERSON, Actor, ActorMatcher, EntityTagger, is_home,
                             LOCATIVE_PREPS, article_countries, is_calendar_name, is_dateline_word, is_outlet,
                             compose_code, named_place, origin_of, publisher_home, resolve_phrase)
from pipeline.codebook.loader import ANY, Codebooks, Pattern

TARGET_PREPS = ("with", "against", "on", "to", "at", "toward", "towards", "for", "from", "over", "into", "upon", "of",
                "between", "among")
SPEECH_LEMMAS = {"say", "tell", "state", "announce", "declare", "add", "claim", "insist", "note", "stress", "warn", "report"}
NEGATIONS = {"not", "never", "n't", "no"}
FAILURE_HEADS = {"fail", "refrain", "cease"}
DENIAL_HEADS = {"deny"}
FIRST_PERSON = {"i", "me", "my"}
FIRST_PLURAL = {"we", "us", "our"}
QUOTE_MARKS = {'"', "\u201c", "\u201d"}
SELF_PRONOUNS = {"i", "we", "it", "they", "he", "she"}


@dataclass
class CodedEvent:
    sentence: object
    trigger: object
    code: str
    pattern_id: str
    source: Actor | None
    target: Actor | None
    location_token: object | None = None


def _word_set(name: str, upper: bool = False):
    """A grammar field read from the word set `name` of codebooks/cameo/synsets (`upper`: the
    members are sector codes, compared upper-case)."""
    return dataclasses.field(default=frozenset(), metadata={"word_set": name, "upper": upper})


def _from_word_sets(cls, synsets):
    values = {}
    for f in dataclasses.fields(cls):
        members = synsets.get(f.metadata["word_set"], frozenset())
        values[f.name] = frozenset(m.upper() for m in members) if f.metadata["upper"] else members
    return cls(**values)


@dataclass(frozen=True)
class Grammar:
    """Word sets the grammar rules read (codebooks/cameo/synsets/grammar.csv)."""

    partitive: frozenset[str] = _word_set("&PARTITIVE")
    future_aux: frozenset[str] = _word_set("&FUTURE_AUX")
    ready_adj: frozenset[str] = _word_set("&READY_ADJ")
    light_chain: frozenset[str] = _word_set("&LIGHT_CHAIN")
    reciprocal: frozenset[str] = _word_set("&RECIPROCAL")
    obligation_aux: frozenset[str] = _word_set("&OBLIGATION_AUX")
    obligation_head: frozenset[str] = _word_set("&OBLIGATION_HEAD")
    collective: frozenset[str] = _word_set("&COLLECTIVE")
    possible_aux: frozenset[str] = _word_set("&POSSIBLE_AUX")
    ultimatum_mark: frozenset[str] = _word_set("&ULTIMATUM_MARK")
    condition_mark: frozenset[str] = _word_set("&CONDITION_MARK")
    announce: frozenset[str] = _word_set("&ANNOUNCE")
    participation: frozenset[str] = _word_set("&PARTICIPATION")
    plan_verbs: frozenset[str] = _word_set("&PLAN_VERBS")
    halt_verbs: frozenset[str] = _word_set("&HALT_VERBS")
    issue_leadership: frozenset[str] = _word_set("&ISSUE_LEADERSHIP")
    issue_regime: frozenset[str] = _word_set("&ISSUE_REGIME")
    issue_rights: frozenset[str] = _word_set("&ISSUE_RIGHTS")
    issue_policy: frozenset[str] = _word_set("&ISSUE_POLICY")
    optimistic: frozenset[str] = _word_set("&OPTIMISTIC")
    pessimistic: frozenset[str] = _word_set("&PESSIMISTIC")
    agentless: frozenset[str] = _word_set("&AGENTLESS")
    untargeted: frozenset[str] = _word_set("&UNTARGETED")
    occur: frozenset[str] = _word_set("&OCCUR")
    perform: frozenset[str] = _word_set("&PERFORM")
    irrealis_aux: frozenset[str] = _word_set("&IRREALIS_AUX")
    generic_quant: frozenset[str] = _word_set("&GENERIC_QUANT")
    commentator_agents: frozenset[str] = _word_set("&COMMENTATOR_AGENTS", upper=True)
    political_topic: frozenset[str] = _word_set("&POLITICAL_TOPIC")
    death: frozenset[str] = _word_set("&DEATH")
    private_agents: frozenset[str] = _word_set("&PRIVATE_AGENTS", upper=True)
    undergo: frozenset[str] = _word_set("&UNDERGO")
    armed_agents: frozenset[str] = _word_set("&ARMED_AGENTS", upper=True)
    expect_head: frozenset[str] = _word_set("&EXPECT_HEAD")
    wish_verbs: frozenset[str] = _word_set("&WISH_VERBS")
    naming_verbs: frozenset[str] = _word_set("&NAMING_VERBS")
    praise_words: frozenset[str] = _word_set("&PRAISE_WORDS")
    condemn_words: frozenset[str] = _word_set("&CONDEMN_WORDS")
    commentator_nouns: frozenset[str] = _word_set("&COMMENTATOR_NOUNS")
    denial_words: frozenset[str] = _word_set("&DENIAL_WORDS")
    accusation: frozenset[str] = _word_set("&R01_ACCUSATION")
    litotes: frozenset[str] = _word_set("&LITOTES_HEAD")
    hostile_verbs: frozenset[str] = _word_set("&HOSTILE_VERBS")
    response_verbs: frozenset[str] = _word_set("&RESPONSE_VERBS")
    force_words: frozenset[str] = _word_set("&FORCE_WORDS")
    hypothetical_head: frozenset[str] = _word_set("&HYPOTHETICAL_HEAD")
    question_mark: frozenset[str] = _word_set("&QUESTION_MARK")
    converse_verbs: frozenset[str] = _word_set("&CONVERSE_VERBS")
    natural_hazard: frozenset[str] = _word_set("&NATURAL_HAZARD")

    @classmethod
    def from_synsets(cls, synsets) -> Grammar:
        return _from_word_sets(cls, synsets)

    def is_reciprocal(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.reciprocal)

    def stands_without_agent(self, code: str) -> bool:
        """Codes whose events are written without a named source ("were arrested", "a car
        bombing"): the material acts users count, not verbal ones."""
        return any(code.startswith(prefix) for prefix in self.agentless)

    def stands_alone(self, code: str) -> bool:
        """Codes whose events are written with neither source nor target ("clashes erupted in
        Khartoum", "shops were torched"): the place is what the event is about."""
        return any(code.startswith(prefix) for prefix in self.untargeted)


NO_GRAMMAR = Grammar()


@dataclass(frozen=True)
class MaterialGrammar:
    """Word sets for material acts (codebooks/cameo/synsets/grammar.csv): `&HUMAN_PATIENT`, people
    an act is done to though no actor table knows them ("the suspect was arrested", "his mother
    was detained"); `&RESULT`, verbs through which an event noun is said to have happened ("led to
    the destruction of", "resulted in the deaths of"); `&TOLL_HEADS`, the heads of a casualty list
    ("were among those killed", "among the dead"); `&FORCE_MOVES`, code prefixes of acts that move
    the source's own forces ("sent troops", "withdrew its soldiers": the troops are no target);
    `&PHYSICAL_TARGETS`, things that "came under attack/fire" by force ("the train", "a convoy");
    `&MATERIEL`, weapons a source launches or sends ("drones", "missiles", "warships"); `&PARTICULAR`,
    code prefixes whose definite event nouns are events that happened ("the kidnapping of the girls")."""

    human_patient: frozenset[str] = _word_set("&HUMAN_PATIENT")
    result: frozenset[str] = _word_set("&RESULT")
    toll_heads: frozenset[str] = _word_set("&TOLL_HEADS")
    force_moves: frozenset[str] = _word_set("&FORCE_MOVES")
    physical_targets: frozenset[str] = _word_set("&PHYSICAL_TARGETS")
    materiel: frozenset[str] = _word_set("&MATERIEL")
    particular: frozenset[str] = _word_set("&PARTICULAR")

    @classmethod
    def from_synsets(cls, synsets) -> MaterialGrammar:
        return _from_word_sets(cls, synsets)


class PatternIndex:
    def __init__(self, books: Codebooks):
        self.by_lemma: dict[tuple[str, str], list[Pattern]] = {}
        for p in books.cameo.patterns:
            self.by_lemma.setdefault((p.pos, p.lemma), []).append(p)
        self.modal_verbs = books.cameo.modal_verbs
        # Verbs of saying: the fixed list plus every verb whose plain pattern is a statement (010).
        self.speech_lemmas = frozenset(SPEECH_LEMMAS) | frozenset(
            p.lemma for p in books.cameo.patterns
            if p.pos == "verb" and p.code == "010" and not p.negative and p.object is None and not p.prep and not p.particle)

    def candidates(self, pos: str, lemma: str) -> list[Pattern]:
        return self.by_lemma.get((pos, lemma), [])


def phrase_forms(tok, grammar: Grammar = NO_GRAMMAR) -> set[str]:
    """Lemma forms of a noun for constraint matching: 'air strike', 'strike', 'airstrike'; a
    partitive head also stands for what it measures ("tons of aid" -> aid)."""
    forms = _own_forms(tok)
    if tok.lemma_.lower() in grammar.partitive or tok.lower_ in grammar.partitive:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "in"):
                for g in c.children:
                    if g.dep_ == "pobj":
                        forms |= _own_forms(g)
    return forms


def _own_forms(tok) -> set[str]:
    mods = [c for c in tok.children if c.dep_ in ("compound", "amod", "nmod") and c.i < tok.i]
    lemma = tok.lemma_.lower()
    forms = {lemma, tok.lower_}
    if mods:
        words = [m.lemma_.lower() if m.dep_ == "compound" else m.lower_ for m in mods]
        words = [w for w in words if w != "-"]
        for i in range(len(words)):
            forms.add(" ".join(words[i:] + [lemma]))
            forms.add("".join(words[i:] + [lemma]))
    # "cease-fire" is split by the tokenizer: cease - fire.
    left = tok.doc[tok.i - 2] if tok.i >= 2 else None
    if left is not None and tok.doc[tok.i - 1].text == "-":
        forms.add(f"{left.lower_} {lemma}")
        forms.add(f"{left.lower_}{lemma}")
    return forms


def modifier_forms(tok) -> set[str]:
    out = set()
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "nmod", "poss") and c.i < tok.i:
            out.add(c.lemma_.lower())
            out.add(c.lower_)
    if tok.i >= 2 and tok.doc[tok.i - 1].text == "-":
        out.add(tok.doc[tok.i - 2].lower_)
    return out


def _constraint_ok(constraint, forms: set[str] | None) -> bool:
    if constraint is None:
        return True
    if not forms:
        return False
    if constraint is ANY:
        return True
    return bool(constraint & forms)


def _detail(constraint, forms: set[str]) -> int:
    """Words in the longest constraint value that matched ("military tie" beats "tie")."""
    if constraint is None or constraint is ANY:
        return 0
    return max((len(f.split()) for f in constraint & forms), default=0)


def _objects(tok):
    objs = [c for c in tok.children if c.dep_ in ("dobj", "obj", "attr", "oprd")]
    expanded = []
    for o in objs:
        expanded.append(o)
        expanded.extend(c for c in o.conjuncts)
    return expanded


def _preps(tok):
    """(preposition word, its object) pairs attached to tok (and to a direct object of tok)."""
    out = []
    heads = [tok] + [o for o in _objects(tok)]
    for h in heads:
        for c in h.children:
            if c.dep_ in ("prep", "agent", "dative") and c.pos_ in ("ADP", "SCONJ", "ADV"):
                pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                if pobj is not None:
                    out.append((c.lower_, pobj, h.i == tok.i))
                    # "on X and Y"
                    for conj in pobj.conjuncts:
                        out.append((c.lower_, conj, h.i == tok.i))
    return out


def match_pattern(tok, candidates: list[Pattern], grammar: Grammar = NO_GRAMMAR) -> tuple[Pattern | None, set[int]]:
    if not candidates:
        return None, set()
    # spaCy tags particles prt, but also advmod ("stepped down") or prep ("pulled out of").
    particles = {c.lower_ for c in tok.children if c.dep_ in ("prt", "advmod", "prep")}
    if tok.pos_ == "NOUN" or tok.pos_ == "PROPN":
        obj_tokens = []
        obj_forms = modifier_forms(tok)
    else:
        obj_tokens = _objects(tok)
        if not obj_tokens:
            # "The agreement was signed": the passive subject is the logical object.
            obj_tokens = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if not obj_tokens and tok.dep_ == "acl" and tok.tag_ == "VBN" and tok.head.pos_ in ("NOUN", "PROPN"):
            # "the report released by the ministry": the noun a passive participle modifies.
            obj_tokens = [tok.head]
        obj_forms = set().union(*(phrase_forms(o, grammar) for o in obj_tokens)) if obj_tokens else set()
    preps = _preps(tok)
    if tok.pos_ not in ("NOUN", "PROPN"):
        # "moved back into their home": the parser hangs the phrase on the particle
        preps += [pp for c in tok.children if c.dep_ in ("prt", "advmod") for pp in _preps(c) if pp[2]]
    xcomps = [c for c in tok.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX", "NOUN")]
    # "sent troops to help the army": the parser attaches a purpose infinitive as an adverbial clause.
    xcomps += [c for c in tok.children if c.dep_ == "advcl" and _bare_infinitive(c)]
    xcomp_forms = {c.lemma_.lower() for c in xcomps}
    # "found him guilty", "declared the vote invalid": an adjective complement (not negated)
    # satisfies a lemma-list xcomp constraint.
    adj_forms = {c.lemma_.lower() for c in tok.children
                 if c.dep_ in ("ccomp", "oprd", "acomp", "xcomp") and c.pos_ == "ADJ" and not is_negated(c)}
    # "declined to comment" / "no comment": allow the object to satisfy an xcomp constraint too.
    best, best_key, used = None, None, set()
    for p in candidates:
        if p.particle and p.particle not in particles:
            continue
        if not _constraint_ok(p.object, obj_forms):
            continue
        prep_used = set()
        detail = _detail(p.object, obj_forms)
        if p.prep:
            ok = False
            for word, pobj, _direct in preps:
                if word != p.prep:
                    continue
                forms = phrase_forms(pobj, grammar)
                if _constraint_ok(p.prep_object, forms):
                    ok = True
                    detail += _detail(p.prep_object, forms)
                    if p.prep_object is not None:
                        prep_used.add(pobj.i)
                    break
            if not ok:
                continue
        extra = (obj_forms | (adj_forms if p.xcomp is not ANY else set())) if p.xcomp is not None else set()
        if not _constraint_ok(p.xcomp, xcomp_forms | extra):
            continue
        key = (p.specificity, detail, len(p.code), -p.order)
        if best_key is None or key > best_key:
            best, best_key = p, key
            used = prep_used | ({o.i for o in obj_tokens} if p.object is not None else set())
    return best, used


def is_negated(tok) -> bool:
    if any(c.dep_ == "neg" or c.lower_ in NEGATIONS and c.dep_ in ("neg", "advmod", "det") for c in tok.children):
        return True
    if any(c.dep_ == "advmod" and c.lower_ == "longer" and any(g.lower_ == "no" for g in c.children) for c in tok.children):
        return True  # "no longer supports"
    head = tok.head
    if tok.dep_ == "xcomp" and head.lemma_.lower() in FAILURE_HEADS:
        return True
    if tok.dep_ in ("xcomp", "ccomp") and head.lemma_.lower() in DENIAL_HEADS:
        return True  # "denied supporting the rebels", "denied that its troops crossed the border"
    return False


STATIVE_HEADS = {"stand", "remain", "stay", "sit", "lie", "get"}


def is_passive(tok) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) or (
        tok.dep_ == "acl" and tok.tag_ == "VBN") or _stative_participle(tok)


def _stative_participle(tok) -> bool:
    """"stands accused of treason", "remained detained": a participle after a stative verb is
    passive, its subject the stative verb's."""
    return tok.tag_ == "VBN" and tok.dep_ in ("acomp", "advcl", "xcomp", "oprd") and \
        tok.head.lemma_.lower() in STATIVE_HEADS and not any(c.dep_ in ("nsubj", "dobj") for c in tok.children)


def subject_of(tok):
    """The grammatical subject of a verb, inherited through conjunction and control."""
    seen = 0
    deps = ("nsubj", "csubj", "expl")
    while tok is not None and seen < 6:
        seen += 1
        subj = next((c for c in tok.children if c.dep_ in deps), None)
        if subj is not None:
            if subj.lower_ in ("which", "that", "who") and tok.dep_ == "relcl":
                return tok.head
            return subj
        if tok.dep_ == "relcl":
            return tok.head
        if tok.dep_ == "pcomp" and tok.tag_ == "VBG" and tok.head.lower_ == "by" and tok.head.head.pos_ in ("VERB", "AUX"):
            tok = tok.head.head  # "responded by blaming X": whoever responded blamed X
            continue
        if tok.dep_ in ("conj", "xcomp", "advcl", "acomp") and tok.head.i != tok.i:
            # "acomp": "they are willing to forgive X": the subject of the copula.
            # "X is expected to hold talks": the raised subject of a passive head.
            deps = ("nsubj", "csubj", "expl", "nsubjpass") if tok.dep_ == "xcomp" else deps
            tok = tok.head
            continue
        return None
    return None


def agent_of(tok):
    for c in tok.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    return None


PERSON_POSSESSIVES = frozenset({"his", "her"})


class ArticleContext:
    """What the coder remembers across the sentences of one article: the actors named so far
    (pronouns, surnames and "the group" refer back to them) and the article's country, when it is
    reliable enough to fill the country of an actor whose own words give none.

    `places` (a Gazetteer) resolves place names the actor codebooks lack; `entities` (an
    EntityTagger) labels unknown names. Both are optional."""

    def __init__(self, doc, mentions, when: dt.date | None, dateline_country: str | None,
                 places=None, entities=None, anaphors=None, publisher: str | None = None):
        self.home = publisher_home(publisher)
        self.doc = doc
        self.mentions = self._without_home(mentions)
        self.when = when
        self.counts = article_countries(doc, self.mentions)
        self.default_country = dateline_country or reliable_article_country(self.counts)
        self.places = places
        self.entities = entities
        self.anaphors = anaphors or {}
        self.last_person: Actor | None = None
        self.last_group: Actor | None = None
        self.names: dict[str, tuple[object, Actor]] = {}  # surname -> (doc, the full earlier mention)
        # Unknown names met since the last person: a person pronoun may refer to one of them,
        # which NER is asked only then ("Pifer said ... He added" is about Pifer).
        self.unknown_names: list[tuple[object, object, Actor]] = []
        self.quote_speaker: Actor | None = None  # who spoke the quote a sentence may continue
        self.recent: list[tuple[object, Actor]] = []  # (doc, actor) resolved so far, in the order met
        self.sentence_no = 0  # sentences observed so far
        self.recent_groups: list[tuple[object, int, Actor]] = []  # (doc, sentence, group) resolved, in order
        self.last_group_sentence = 0  # the sentence last_group was the source in

    def set_doc(self, doc, mentions) -> None:
        """The next part of the same article."""
        self.doc, self.mentions = doc, self._without_home(mentions)

    def _without_home(self, mentions):
        """The codebook mentions minus the publisher's home town read as a capital: "Athens" in a
        paper from Athens, Georgia (onlineathens.com) is no actor's country."""
        if not self.home:
            return mentions
        drop = {i for i, (s, e, entries) in mentions.items() if entries[0].kind in ("capital", "name", "adjective")
                and is_home(self.doc[s:e].text, self.home)}
        return {i: m for i, m in mentions.items() if i not in drop} if drop else mentions

    def resolve(self, head, as_source: bool = False) -> Actor | None:
        low = head.lower_
        if low in PRONOUNS_PERSON:
            named = self._unknown_person(head)
            return named if named is not None else self.last_person
        if low in PRONOUNS_GROUP:
            # "it", "they": a group of the same or the previous sentence only; further back the
            # story has moved on ("France criticized ... . [two sentences on a bridge] It will cost").
            if self.sentence_no - self.last_group_sentence > 1:
                return self._group_in_sentence(head)
            return self.last_group
        earlier = self._surname(head) or self._description(head)
        if earlier is not None:
            return earlier
        a = resolve_phrase(head, self.mentions, self.when, self.default_country, nationality_alone=not as_source,
                           place_country=self.place_country if self.places is not None else None,
                           entity_label=self.entities.label if self.entities is not None else None)
        if a is not None and a.country is None and a.agent is not None:
            a = self._owner_country(head, a)
        if a is not None:
            self._note(head, a)
        return a

    def _group_in_sentence(self, pronoun) -> Actor | None:
        """"The Taliban's announcement that they ...": with no group as a source just before, the
        nearest coded group named earlier in the pronoun's own sentence."""
        if pronoun.dep_ not in ("nsubj", "nsubjpass"):
            return None  # "Beijing ... its", "China ... them": an object is rarely its own clause's subject
        for doc, sentence_no, a in reversed(self.recent_groups):
            if sentence_no != self.sentence_no or doc is not pronoun.doc:
                break
            if a.start < pronoun.idx:
                return a
        return None

    def _owner_country(self, head, actor: Actor) -> Actor:
        """"Trump told his advisers": a sector of no country of its own whose possessor is a
        pronoun takes the country of what the pronoun refers to."""
        poss = next((c for c in head.children if c.dep_ == "poss" and c.lower_ in PERSON_POSSESSIVES | PRONOUNS_GROUP), None)
        if poss is None:
            return actor
        owner = (self._unknown_person(poss) or self.last_person) if poss.lower_ in PERSON_POSSESSIVES else self.resolve(poss)
        if owner is None or owner.country in (None, "IGO", "NGO", "IMG"):
            return actor
        return dataclasses.replace(actor, country=owner.country, code=compose_code(owner.country, actor.agent),
                                   origin=origin_of("reference", "phrase"))

    def place_country(self, name: str, major: bool = False) -> str | None:
        """The country of a place name when the gazetteer places it reliably: all its places are
        in one country, or only one of their countries is named in the article. `major`: only a
        country, a first-level division, a capital or a city of 250,000 (a name standing alone
        as an actor, where a person's name may have a village namesake)."""
        places = self.places.lookup(name) if self.places is not None else []
        if major:
            places = [p for p in places if p.precision in ("country", "admin1") or p.capital or p.population >= 250_000]
        countries = {p.country for p in places if p.country}
        if len(countries) == 1:
            return countries.pop()
        named = [c for c in countries if self.counts.get(c)]
        return named[0] if len(named) == 1 else None

    def _unknown_person(self, pronoun) -> Actor | None:
        """The latest unknown name before `pronoun` that names a person (it then becomes the last
        person), else None. An unknown name that is no major place is taken for a person ("he"
        is said of people, and organisations are "it"); NER decides only for a place name."""
        for k in range(len(self.unknown_names) - 1, -1, -1):
            doc, tok, actor = self.unknown_names[k]
            if doc is pronoun.doc and tok.i >= pronoun.i:
                continue  # named after the pronoun: not its antecedent
            del self.unknown_names[k]
            place = self.place_country(actor.text, major=True) if self.places is not None else None
            if not place or (self.entities is not None and self.entities.label(tok) == "PERSON"):
                self.last_person = dataclasses.replace(actor, is_person=True)
                self.unknown_names.clear()
                return self.last_person
        return None

    def observe(self, sent) -> None:
        """Note the unknown names a sentence's clauses are about ("Kirkwood briefed reporters ...
        and he said"), so that a later "he" is not taken for an older person. Run before the
        sentence is coded; cheap (no NER unless a pronoun follows)."""
        self.sentence_no += 1
        for tok in sent:
            if tok.pos_ != "PROPN" or tok.i in self.mentions:
                continue
            if tok.dep_ == "nsubj" and not is_calendar_name(tok) and not is_dateline_word(tok) and not any(c.dep_ == "appos" or c.i in self.mentions for c in tok.children):
                actor = Actor(None, None, None, tok.text, tok.idx, tok.idx + len(tok.text), False, "none")
                self.unknown_names.append((tok.doc, tok, actor))
            if tok.lower_ in self.names or not any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.children):
                continue
            # A titled full name ("the mayor, Tom Baker, opened ...", "Mayor Tom Baker was born"),
            # for "Baker said" later.
            holder = tok.head if tok.dep_ == "appos" and tok.head.pos_ == "NOUN" and tok.head.i in self.mentions else (
                tok if any(c.i in self.mentions for c in tok.children if c.dep_ == "compound") else None)
            if holder is not None:
                a = resolve_phrase(holder, self.mentions, self.when)
                if a is not None and a.is_person and a.code is not None:
                    self.names[tok.lower_] = (tok.doc, a)
        del self.unknown_names[:-3]

    def _note(self, head, actor: Actor) -> None:
        """Remember an actor for later reference: a person by surname, anything coded in order."""
        if actor.code is not None or actor.is_person:
            self.recent.append((head.doc, actor))
        if actor.code is not None and not actor.is_person and not is_outlet(actor):
            self.recent_groups.append((head.doc, self.sentence_no, actor))
            del self.recent_groups[:-8]
        if actor.code is None and head.pos_ == "PROPN" and not actor.is_person:
            self.unknown_names.append((head.doc, head, actor))
            del self.unknown_names[:-3]
        if not actor.is_person:
            return
        self.unknown_names.clear()
        # "sentenced Dodik and banned him": the latest person named, known or not; the sentence's
        # event sources take over when it ends (remember).
        self.last_person = actor
        name = head if head.pos_ == "PROPN" else next(
            (c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        if name is not None and any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in name.children):
            known = self.names.get(name.lower_)
            if known is None or (known[1].code is None and actor.code is not None):
                self.names[name.lower_] = (head.doc, actor)  # the first full mention ("Tom Baker")

    def _surname(self, head) -> Actor | None:
        """"Baker said": the surname of a person named in full earlier in the article."""
        if head.pos_ != "PROPN" or head.i in self.mentions or any(c.dep_ == "compound" for c in head.children):
            return None
        doc, earlier = self.names.get(head.lower_, (None, None))
        if earlier is None or (doc is head.doc and earlier.start >= head.idx):
            return None
        return dataclasses.replace(earlier, text=head.text, start=head.idx, end=head.idx + len(head.text),
                                   origin="reference")

    def _description(self, head) -> Actor | None:
        """"the group", "the militants", "the company": a definite noun with no words of its own
        that refers to the latest earlier actor of a fitting kind (codebooks/actors/anaphors.csv)."""
        if head.pos_ != "NOUN":
            return None
        agents = self.anaphors.get(head.lemma_.lower())
        if agents is None:
            return None
        det = [c for c in head.children if c.dep_ == "det"]
        if not det or det[0].lower_ not in ("the", "this", "that", "these", "those"):
            return None
        if any(c.dep_ not in ("det", "punct") and c.i < head.i for c in head.children) or any(
                c.dep_ in ("prep", "appos") and c.lower_ != "by" for c in head.children):
            return None  # "the armed group", "the group of ...": words of its own
        for doc, a in reversed(self.recent):
            if (doc is head.doc and a.start >= head.idx) or a.is_person or a.code is None or a.origin == "reference" \
                    or (is_outlet(a) and "MED" not in agents):  # "the group" is not "Reuters"; "the newspaper" may be
                continue
            if "*" in agents:  # a named organisation or group, not a country or its government
                fits = a.origin == "codebook" and (a.country in ("IGO", "NGO", "IMG") or a.agent not in (None, "GOV"))
            else:  # "the militants" after "Somali militants": more specific than the words alone
                fits = a.agent in agents and a.country is not None
            if fits:
                span = head.doc[det[0].i:head.i + 1]
                return dataclasses.replace(a, text=span.text, start=span.start_char, end=span.end_char, origin="reference")
        return None

    def remember(self, actor: Actor | None) -> None:
        if actor is None or actor.code is None:
            return
        if actor.is_person:
            self.last_person = actor
            self.unknown_names.clear()
        elif not is_outlet(actor):  # "Reuters reported": the outlet is not what "it" is
            self.last_group = actor
            self.last_group_sentence = self.sentence_no


def reliable_article_country(counts) -> str | None:
    """The country an article is about, when one clearly dominates: named at least twice and
    more often than all other countries together. A country named once (often the other party of
    the event, "criticized the government of Canada") says nothing about an actor's own."""
    if not counts:
        return None
    (top, n), *rest = counts.most_common()
    return top if n >= 2 and n > sum(m for _c, m in rest) else None


def _expand(tok):
    if tok is None:
        return []
    out = [tok, *tok.conjuncts]
    if tok.pos_ == "PROPN":
        # "Saudi Arabia, Bahrain, the Emirates and Egypt": the parser makes the second name an
        # apposition heading the rest of the list.
        for c in tok.children:
            if c.dep_ in ("appos", "npadvmod") and c.pos_ == "PROPN" and c.conjuncts:
                out.extend([c, *c.conjuncts])
    return out


class EventCoder:
    def __init__(self, nlp, books: Codebooks):
        self.books = books
        self.index = PatternIndex(books)
        self.grammar = Grammar.from_synsets(books.cameo.synsets)
        self.material = MaterialGrammar.from_synsets(books.cameo.synsets)
        self.matcher = ActorMatcher(nlp, books.actors)
        meta = getattr(nlp, "meta", {}) or {}
        name = f"{meta['lang']}_{meta['name']}" if meta.get("lang") and meta.get("name") else None
        self.entities = EntityTagger(name)
        # One alternation per scope: phrases that block every root, and phrases that block some.
        self.discard_rx = _alternation(p for p, _, roots in books.discards if not roots)
        self.partial_discards = [(re.compile(r"\b" + re.escape(p) + r"\b"), roots) for p, _, roots in books.discards if roots]

    def context(self, doc, mentions, when, dateline_country, places=None, publisher=None) -> ArticleContext:
        """A fresh article context with this coder's NER and reference tables."""
        return ArticleContext(doc, mentions, when, dateline_country, places=places, entities=self.entities,
                              anaphors=self.books.actors.anaphors, publisher=publisher)

    # ----------------------------------------------------------------- arguments

    def _actors(self, tok, ctx: ArticleContext, speaker: Actor | None = None, as_source: bool = False) -> list[Actor]:
        out = []
        for t in _expand(tok):
            if speaker is None and t.lower_ in FIRST_PERSON | FIRST_PLURAL and _continues_quote(t):
                # '"We're focused on the economy," he said. "I'm not concerned ...': the quote goes on
                speaker = ctx.quote_speaker
            if t.lower_ in FIRST_PERSON | (FIRST_PLURAL if speaker is ctx.quote_speaker else set()) and speaker is not None and (
                    speaker.code or speaker.country or speaker.agent):
                # '"I urge ...," she said': the first person of a quote is its speaker.
                out.append(dataclasses.replace(speaker, text=t.text, start=t.idx, end=t.idx + len(t.text),
                                               origin="reference"))
                continue
            if t.lower_ in PRONOUNS_GROUP | PRONOUNS_PERSON:
                antecedent = speaker if speaker is not None else ctx.resolve(t)
                if antecedent is not None:
                    # Keep the code of the antecedent, the words and offsets of the pronoun.
                    out.append(dataclasses.replace(antecedent, text=t.text, start=t.idx, end=t.idx + len(t.text),
                                                   origin="reference"))
                continue
            listed = self._appositive_actors(t, ctx)
            if listed:
                out.extend(listed)
                continue
            inner = self._collective_member(t)
            if inner is not None:
                # "Thousands of Iraqi Kurds", "a group of Liberians", "scores of Sierra Leonean
                # and Liberian refugees": the actors are what the quantity counts.
                counted = [x for x in self._actors(inner, ctx, speaker, as_source) if x.code]
                if counted:
                    out.extend(counted)
                    continue
            if inner is None and as_source:
                crowd = self._crowd(t, ctx)
                if crowd is not None:
                    out.append(crowd)
                    continue
            a = ctx.resolve(t, as_source)
            if a is not None:
                split = self._split_conjoined_nationalities(t, a, ctx)
                out.extend(self._split_conjoined_of(t, a, ctx) if len(split) == 1 else split)
            elif t.pos_ == "NOUN" and self.index.candidates("noun", t.lemma_.lower()):
                # "the regime's attacks", "strikes by the regime": the actor behind an event noun.
                inner = agent_of(t) or next((c for c in t.children if c.dep_ == "poss"), None)
                if inner is not None and inner.i != t.i:
                    out.extend(self._actors(inner, ctx, speaker, as_source))
        return out

    def _crowd(self, tok, ctx) -> Actor | None:
        """"Thousands protested in Nairobi", "Hundreds marched on parliament": a bare plural count
        as the subject is civilians, of the country the action happens in (else the article's)."""
        if tok.lemma_.lower() not in CROWD_COUNTS or tok.tag_ != "NNS" or tok.i in ctx.mentions or tok.dep_ != "nsubj":
            return None
        if any(c.dep_ == "prep" and c.lower_ in ("of", "from") for c in tok.children):
            return None
        country = None
        for word, pobj, _d in _preps(tok.head):
            m = ctx.mentions.get(pobj.i) if word in ("in", "across", "outside", "at", "on") else None
            if m and m[2][0].kind in ("name", "capital", "seat", "seat_leg") and m[2][0].country not in (None, "IGO", "NGO", "IMG"):
                country = m[2][0].country
                break
        origin = "country=sentence;agent=phrase" if country else "country=article;agent=phrase"
        country = country or ctx.default_country
        if country is None:
            return None
        from pipeline.actors import compose_code

        return Actor(compose_code(country, "CVL"), country, "CVL", tok.text, tok.idx, tok.idx + len(tok.text),
                     origin=origin)

    def _collective_member(self, tok):
        """The 'of' object of a quantity or collective head ("dozens of journalists"), else None."""
        if tok.pos_ != "NUM" and tok.lemma_.lower() not in self.grammar.collective:
            return None
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "from"):
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        return None

    @staticmethod
    def _split_conjoined_nationalities(head, actor: Actor, ctx) -> list[Actor]:
        """"Hungarian and Romanian officials": one actor per nationality, same sector."""
        adjectives = [c for c in head.children if c.dep_ == "amod" and c.i in ctx.mentions]
        if not adjectives:
            return [actor]
        first = adjectives[0]
        countries = []
        for adj in [first, *first.conjuncts]:
            m = ctx.mentions.get(adj.i)
            if m and m[2][0].kind in ("adjective", "name") and m[2][0].country not in countries:
                countries.append(m[2][0].country)
        if len(countries) < 2 or actor.country not in countries:
            return [actor]
        from pipeline.actors import compose_code

        return [dataclasses.replace(actor, country=c, code=compose_code(c, actor.agent), origin="phrase") for c in countries]

    @staticmethod
    def _split_conjoined_of(head, actor: Actor, ctx) -> list[Actor]:
        """"negotiators from Iran and the United States", "the advisers of India and Pakistan":
        one actor per country, same sector."""
        if actor.code is None or actor.agent is None:
            return [actor]
        for c in head.children:
            if c.dep_ != "prep" or c.lower_ not in ("of", "from"):
                continue
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is None or not pobj.conjuncts:
                continue
            countries = []
            for x in [pobj, *pobj.conjuncts]:
                m = ctx.mentions.get(x.i)
                if not m or m[2][0].kind not in ("name", "adjective") or not m[2][0].country:
                    return [actor]
                if m[2][0].country not in countries:
                    countries.append(m[2][0].country)
            if len(countries) < 2 or (actor.country is not None and actor.country not in countries):
                return [actor]
            from pipeline.actors import compose_code

            return [dataclasses.replace(actor, country=k, code=compose_code(k, actor.agent), origin="phrase") for k in countries]
        return [actor]

    def _appositive_actors(self, tok, ctx) -> list[Actor]:
        """'the supporters of the regime (Russia and Iran)': the actors listed in parentheses."""
        holders = [tok] + [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        for h in holders:
            for c in h.children:
                if c.dep_ != "appos" or c.pos_ != "PROPN":
                    continue
                actors = [a for a in (ctx.resolve(x) for x in _expand(c)) if a is not None and a.code]
                if not actors:
                    continue
                if h.i != tok.i:
                    return actors
                own = ctx.resolve(tok)
                if own is None or own.code is None:
                    return actors
        return []

    def _target_candidates(self, tok, pattern: Pattern | None, ctx):
        """Target actors for a trigger, in priority order."""
        preps = _preps(tok)
        # "accused X of supporting the rebels": a clause is what is said, not whom it targets.
        preps = [(w, pobj, d) for w, pobj, d in preps if pobj.pos_ not in ("VERB", "AUX")]
        # "visited Gregg at Mercy Memorial Hospital", "met Tom Baker at the university": a named
        # place, or any place after a named person as the object, is where, not whom.
        named_object = any(c.dep_ in ("dobj", "obj") and c.pos_ == "PROPN" for c in tok.children)
        preps = [(w, pobj, d) for w, pobj, d in preps if not (
            w in LOCATIVE_PREPS and w != (pattern.prep if pattern is not None else None)
            and (named_object or named_place(pobj, ctx.mentions)))]
        if pattern is not None and pattern.prep:
            for word, pobj, _d in preps:
                if word == pattern.prep:
                    actors = self._actors(pobj, ctx)
                    if any(a.code for a in actors):
                        return actors
        for o in [c for c in tok.children if c.dep_ in ("dobj", "obj", "dative", "iobj")]:
            actors = self._actors(o, ctx)
            if any(a.code for a in actors):
                return actors
        # "found the leader guilty": the subject of the adjective complement.
        for c in tok.children:
            if c.dep_ in ("ccomp", "oprd") and c.pos_ == "ADJ":
                subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")), None)
                actors = self._actors(subj, ctx) if subj is not None else []
                if any(a.code for a in actors):
                    return actors
        for word, pobj, _d in preps:
            if word in TARGET_PREPS and word != "by":
                actors = self._actors(pobj, ctx)
                if any(a.code for a in actors):
                    return actors
        # "took part in protests against the government": the target of the event noun.
        for word, pobj, _d in preps:
            if pobj.pos_ == "NOUN" and self.index.candidates("noun", pobj.lemma_.lower()):
                for inner_word, inner, _d2 in _preps(pobj):
                    if inner_word in ("against", "on", "with", "at", "toward", "towards"):
                        actors = self._actors(inner, ctx)
                        if any(a.code for a in actors):
                            return actors
        if pattern is not None and pattern.code[:2] in ("01", "05", "11", "12"):
            # "criticized the government's handling of the protests", "welcomed Uganda's
            # decision": words about a thing are about whose thing it is.
            for o in [c for c in tok.children if c.dep_ in ("dobj", "obj")]:
                for c in o.children:
                    if c.dep_ in ("poss", "amod", "compound") and (c.i in ctx.mentions or c.pos_ == "PROPN" or c.dep_ == "poss"):
                        actors = [a for a in self._actors(c, ctx) if a.code]
                        if actors:
                            return actors
        return []

    def _speaker(self, tok, ctx) -> Actor | None:
        """The speaker when tok is the content of a speech verb ("X said it would ...")."""
        head = tok
        for _ in range(4):
            if head.dep_ in ("ccomp", "conj", "xcomp", "acomp") and head.head.i != head.i:
                head = head.head
                if head.lemma_.lower() in self.index.speech_lemmas:
                    subj = subject_of(head)
                    if subj is None:
                        return None
                    if subj.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP:
                        # "X said he told Y that ...": the pronoun is the outer speaker
                        outer = self._speaker(head, ctx)
                        if outer is not None:
                            return outer
                    # through the same rules as any source ("a group of Yoruba leaders")
                    coded = [a for a in self._actors(subj, ctx, as_source=True) if a.code]
                    return coded[0] if coded else ctx.resolve(subj)
            else:
                break
        return None

    # ----------------------------------------------------------------- triggers

    def code_sentence(self, sent, ctx: ArticleContext) -> list[CodedEvent]:
        low = sent.text.lower()
        if self.discard_rx is not None and self.discard_rx.search(low):
            return []
        blocked_roots = frozenset().union(*(roots for rx, roots in self.partial_discards if rx.search(low)))
        events: list[CodedEvent] = []
        consumed: set[int] = set()
        embedded_done: set[int] = set()
        triggers = []
        for tok in sent:
            if tok.pos_ in ("VERB", "AUX"):
                triggers.append(("verb", tok))
            elif tok.pos_ in ("NOUN", "PROPN"):
                triggers.append(("noun", tok))
        # Modal verbs first: they claim their embedded verbs.
        for pos, tok in triggers:
            if pos != "verb":
                continue
            ev = self._modal_event(tok, ctx)
            if ev is not None:
                events.extend(ev[0])
                embedded_done.update(ev[1])
                embedded_done.add(tok.i)  # the modal verb itself is coded through its family
                consumed.update(ev[2])
        for pos, tok in triggers:
            if pos == "verb" and tok.i not in embedded_done:
                ev = self._evaluation(tok, ctx)
                if ev is not None:
                    events.extend(ev[0])
                    embedded_done.add(tok.i)
                    consumed.update(ev[1])
        for pos, tok in triggers:
            if pos != "verb" or tok.i in embedded_done:
                continue
            if self._participation(tok) is not None:
                continue  # "were engaged in ethnic cleansing": the noun is the event
            pattern, used = match_pattern(tok, self.index.candidates("verb", tok.lemma_.lower()), self.grammar)
            if pattern is None:
                continue
            consumed.update(used)
            refused = False
            if not pattern.negative and is_negated(tok):
                # "will not accept more refugees": a rejection; "did not attack": nothing.
                refused = self._has_future_aux(tok)
                if not refused:
                    consumed.update(o.i for o in _objects(tok))
                    continue
            if pattern.negative:
                consumed.update(o.i for o in _objects(tok))
                continue
            if pattern.code == "010" and _attribution(tok) and self._evaluative_code(tok) is None:
                continue  # "..., officials said": an attribution, not a statement
            if not refused and self._speculative(tok, pattern.code):
                # "the administration could impose restrictions": a possibility, not an event
                consumed.update(o.i for o in _objects(tok))
                continue
            noun, npat = self._event_subject(tok, pattern) if not refused else (None, None)
            passive_victims = None
            if noun is None and not refused:
                noun, npat = self._harm_in_attack(tok, pattern)
                if noun is not None:
                    subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
                    passive_victims = [a for a in self._patients(subj, ctx) if a.code or a.is_person] if subj is not None else []
            if noun is not None:
                # One event: the attack, with the verb's victims as its targets.
                victims = passive_victims if passive_victims is not None else [
                    a for a in self._target_candidates(tok, pattern, ctx) if a.code]
                events.extend(self._noun_events(noun, npat, ctx, outcome_targets=victims))
                consumed.add(noun.i)
            else:
                events.extend(self._verb_events(tok, pattern, ctx, refused=refused))
            if pattern.code != "010" or tok.lemma_.lower() not in self.grammar.announce:
                # "announced a suspension of flights", "declared a ceasefire": what an
                # announcement names stays an event noun of its own.
                consumed.update(o.i for o in _objects(tok))
        # A participle that continues a coded event ("shelled Juba, killing 12") adds nothing.
        # So does a purpose clause ("met X to discuss Y", "blocked roads to protest"): the main
        # verb is the event.
        coded_heads = {e.trigger.i for e in events if e.code != "010"}
        events = [e for e in events if not _continues_event(e.trigger, coded_heads)]
        verb_events = bool(events)
        for pos, tok in triggers:
            if pos != "noun" or tok.i in consumed or tok.dep_ == "compound":
                continue  # "aid agencies", "ceasefire violations": a modifier is not an event
            if self._topic_of_event_noun(tok):
                continue
            if tok.dep_ in ("dobj", "obj", "nsubjpass") and tok.head.lemma_.lower() in self.grammar.halt_verbs:
                continue  # "prevented the demonstration", "would prohibit all aid": did not happen
            pattern, _used = match_pattern(tok, self.index.candidates("noun", tok.lemma_.lower()), self.grammar)
            if pattern is None or pattern.negative:
                continue
            events.extend(self._noun_events(tok, pattern, ctx, modifier_ok=not verb_events))
        if blocked_roots:
            events = [e for e in events if e.code[:2] not in blocked_roots]
        events = self._ready_intents(sent, ctx, events)
        if not events:
            events = self._mood_events(sent, ctx)
        events = [_to_the_press(e) for e in events]
        coded = {e.trigger.i for e in events if e.code != "010"}
        demanded = {t.i for e in events if e.pattern_id.startswith("obligation.") for t in e.trigger.ancestors}
        coded |= demanded
        # "X warned that Y must withdraw": the demand is the event, not also the warning.
        # "X warned it could impose sanctions": the threat is the event, not also the warning.
        demanded |= {t.i for e in events if e.pattern_id.startswith("future.threaten") for t in e.trigger.ancestors}
        events = [e for e in events if not (e.code[:2] == "01" and e.trigger.i in demanded
                                            and e.trigger.lemma_.lower() in self.index.speech_lemmas)]
        events = [self._statement_as_demand(e, ctx, coded) for e in events]
        events = [self._refine_generic(e) for e in events]
        events = [self._refine_issue(e) for e in events]
        events = [self._statement_mood(e) for e in events]
        events = [self._hostile_content(e, ctx) for e in events]
        # Events in relative and adverbial clauses ("the helicopter that was captured", "unless
        # Baghdad accepted", "where 28 people were killed") are background: kept only when the
        # main clauses code nothing.
        # ... except what a statement says: "issued a statement condemning X".
        statement_objects = {o.i for e in events if e.code == "010" for o in _objects(e.trigger)}
        main = [e for e in events if not _in_background_clause(e.trigger) or (
            e.trigger.dep_ == "acl" and e.trigger.tag_ == "VBG" and e.trigger.head.i in statement_objects)]
        if any(e.code != "010" for e in main) or (main and not any(e.code[:2] == "10" or e.code[:2] in ("02", "11", "12", "13")
                                                                 for e in events if e not in main)):
            # A plain statement in the main clause does not silence a demand, appeal, criticism or
            # threat in a subordinate one ("While she demanded an end to the fighting, she said ...").
            # Nor does an attribution silence the act it reports in a temporal clause ("police
            # reported the convoy was passing through X when it came under attack"): the attack is
            # the event, the report (residual, below) is not.
            reported = [] if any(e.code != "010" for e in main) else [
                e for e in events if e not in main and e.code[:2] in MATERIAL_ROOTS and not e.pattern_id.startswith("future.")
                and _in_temporal_clause(e.trigger)]
            events = main + reported
        events = self._hoped_content(events, ctx)
        events = self._subordinate_statements(events)
        about = [self._statement_about(e, ctx) for e in events]
        for ev, kept in zip(events, about):
            if kept is None:
                ctx.remember(ev.source)  # "X said ... . We want ...": still who "we" and "he" are
        about = [self._statement_evaluation(e) if e is not None else None for e in about]
        events = _drop_redundant([e for e in about if e is not None])
        for ev in events:
            ctx.remember(ev.source)
        ctx.quote_speaker = self._quote_speaker(sent, ctx)
        return events

    def _verb_events(self, tok, pattern: Pattern, ctx, refused: bool = False) -> list[CodedEvent]:
        speaker = self._speaker(tok, ctx)
        if speaker is not None and not refused and self._is_obligation(tok):
            # "X said Libya must hand over the suspects": X demands it of Libya.
            subj = subject_of(tok)
            obliged = self._actors(subj, ctx) if subj is not None else []
            code = self.books.cameo.family_code("demand", pattern.code)
            return self._pairs(tok, code, f"obligation.demand>{pattern.pattern_id}", [speaker], obliged)
        agentless = False
        if pattern.roles == "patient" and not is_passive(tok):
            # "went on trial", "stood trial": the subject undergoes the act; who does it is the
            # "by"/"from" object, else no one named.
            agent = agent_of(tok) or next((p for w, p, d in _preps(tok) if w == "from" and d), None)
            sources = self._actors(agent, ctx, speaker, as_source=True) if agent is not None else []
            subj = subject_of(tok)
            targets = self._patients(subj, ctx) if subj is not None else []
            agentless = not sources
            if self._future_family(tok, pattern.code) or not _realis(tok, self.grammar):
                return []  # "will stand trial": no one threatens, nothing happened yet
        elif is_passive(tok):
            agent = agent_of(tok)
            sources = self._actors(agent, ctx, speaker, as_source=True) if agent is not None else []
            # "were freed by their captors": an agent no table knows is no named agent either
            agentless = agent is None or (pattern.code[:2] in MATERIAL_ROOTS and not any(_participant(a) for a in sources))
            subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
            if subj is None and _stative_participle(tok):
                subj = subject_of(tok.head)
            if subj is None:
                subj = self._toll_victims(tok)  # "18 soldiers and five civilians were among those killed"
            if subj is None and tok.dep_ == "acl":
                subj = tok.head
                if subj.pos_ != "PROPN" and subj.i not in ctx.mentions:
                    # "a Chinese proposal made on Monday": the noun is the thing acted on, and
                    # its nationality names its author, not a target.
                    subj, agentless = None, False
            targets = self._patients(subj, ctx) if subj is not None else []
            if agentless and self.grammar.is_reciprocal(pattern.code):
                # "talks were held between Kenyan and Ugandan officials": the parties meet each other
                between = self._between(tok, ctx) or (self._between(subj, ctx) if subj is not None else [])
                if len({_identity(a) for a in between}) >= 2:
                    sources, targets, agentless = between, [], False
        else:
            subj = subject_of(tok) or self._statement_author(tok)
            sources = self._actors(subj, ctx, speaker, as_source=True) if subj is not None else []
            if subj is not None and pattern.code[:2] in FORCE_ROOTS and not any(_participant(a) for a in sources):
                # "Russian missiles struck Kharkiv": whose weapons they are did it; "the driver shot
                # at both officers": a person no table knows still did it.
                owners = [a for c in subj.children if c.dep_ in ("amod", "compound", "poss") and c.i < subj.i
                          for a in self._actors(c, ctx, as_source=True) if a.code] \
                    if subj.lemma_.lower() in self.material.materiel else []
                sources = owners or [a for a in self._patients(subj, ctx) if a.is_person and not a.code] or sources
            targets = self._target_candidates(tok, pattern, ctx)
            if pattern.object is not None and targets and self._own_forces(tok, pattern, targets, sources):
                # "Russia sent troops to help X", "launched 150 drones at Ukraine": the forces and
                # weapons sent are the source's own, not a target; whom they are aimed at may be.
                targets = [a for w, p, d in _preps(tok) if w in TARGET_PREPS and w != "by" and d
                           for a in self._actors(p, ctx) if a.code]
            if not any(t.code for t in targets) and pattern.code[:2] in MATERIAL_ROOTS:
                # "police arrested the suspect": a person no actor table knows is still the target
                obj = next((c for c in tok.children if c.dep_ in ("dobj", "obj")), None)
                targets = [t for t in self._patients(obj, ctx) if t.is_person and not t.code] or targets
        code, pid = pattern.code, pattern.pattern_id
        family = "reject" if refused else self._future_family(tok, code)
        if family:
            code, pid = self.books.cameo.family_code(family, code), f"future.{family}>{pid}"
        if agentless:
            # "were killed", "was arrested": an event without a named agent, when it happened
            # (not "could be arrested") and is an act users count (not "was criticised").
            agentless = not family and self.grammar.stands_without_agent(code) and _realis(tok, self.grammar)
            if agentless and not any(_participant(t) for t in targets) and not self.grammar.stands_alone(code):
                agentless = False
        reciprocal = self.grammar.is_reciprocal(code)
        mutual = reciprocal and len({s.country for s in sources if s.code}) >= 2
        if mutual and all(t.country in {s.country for s in sources} for t in targets if t.code):
            targets = []  # "negotiators from Iran and the US resumed talks on Tehran's programme"
        if not any(t.code for t in targets) and not mutual and (sources or not agentless):
            # "A and B met in Bangkok": each other, not the place. ("Shops were torched in Kabul":
            # without an agent the place is where it happened, not whom it was done to.)
            targets = self._fallback_targets(tok, ctx, sources) or targets
        return self._pairs(tok, code, pid, sources, targets, reciprocal=reciprocal,
                           unknown_source=agentless, alone=agentless and self.grammar.stands_alone(code))

    def _fallback_targets(self, tok, ctx, sources) -> list[Actor]:
        """No target in the verb's own arguments: the object of a purpose clause ("began a hunger
        strike to protest Sweden's decision"), else a country or capital the action happens in
        ("lifted the curfew in Montenegro", "opened an embassy in Tehran")."""
        for c in tok.children:
            if c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB" and any(a.lower_ == "to" for a in c.children if a.dep_ == "aux"):
                found = [a for a in self._target_candidates(c, None, ctx) if a.code]
                if found:
                    return found
        own = {s.country for s in sources if s is not None}
        for word, pobj, _direct in _preps(tok):
            if word in ("in", "inside") and pobj.i in ctx.mentions:
                kinds = {e.kind for e in ctx.mentions[pobj.i][2]}
                if kinds & {"name", "capital", "seat"}:
                    a = ctx.resolve(pobj)
                    if a is not None and a.code and a.country not in own:
                        return [a]
        return []

    def _patients(self, tok, ctx) -> list[Actor]:
        """Whom an act is done to: the actors there, else the people no actor table knows
        (`&HUMAN_PATIENT`: "the suspect", "his mother, father and sister"), uncoded, words kept."""
        actors = self._actors(tok, ctx)
        if any(_participant(a) for a in actors) or tok is None:
            return actors
        out = []
        for t in _expand(tok):
            if t.pos_ != "NOUN" or not ({t.lemma_.lower(), t.lower_} & self.material.human_patient):
                continue
            left = min([t.i] + [c.left_edge.i for c in t.children
                                if c.dep_ in ("compound", "amod", "nummod", "poss") and c.i < t.i])
            span = t.doc[left:t.i + 1]
            out.append(Actor(None, None, None, span.text, span.start_char, span.end_char, is_person=True, origin="none"))
        return out or actors

    def _own_forces(self, tok, pattern: Pattern, targets, sources) -> bool:
        """The targets are the forces or weapons the verb moves ("sent troops", "deployed its
        soldiers", "launched 150 drones"): armed bodies in the direct object, of the source's
        country (or of none, for acts that move forces: `&FORCE_MOVES`), or `&MATERIEL` of the
        source's own country."""
        objects = [o for o in _objects(tok)]
        countries = {s.country for s in sources if s.country}
        moves = pattern.code.startswith(tuple(self.material.force_moves))
        own = countries | {None, "---"} if moves else countries

        def in_object(t):
            return next((o for o in objects if o.idx <= t.start < o.idx + len(o.text) or t.start <= o.idx < t.end), None)

        def sent(t):
            o = in_object(t)
            return o is not None and t.agent in self.grammar.armed_agents and t.country in own and (
                moves or o.lemma_.lower() in self.material.materiel)
        return bool(objects) and all(sent(t) for t in targets)

    def _physical_subject(self, tok) -> bool:
        """"The train came under attack": what came under it is a thing force is used on
        (`&PHYSICAL_TARGETS`), not a person or a policy that words attack."""
        verb = tok.head.head
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.pos_ == "PRON" and verb.dep_ == "advcl":
            # "the convoy was passing through X when it came under attack": "it" is the convoy
            subj = subject_of(verb.head) or subj
        return subj is not None and bool({subj.lemma_.lower(), *(f"{m.lemma_.lower()} {subj.lemma_.lower()}" for m in subj.children
                                                                  if m.dep_ == "compound")} & self.material.physical_targets)

    def _toll_victims(self, tok):
        """"18 soldiers and five civilians were among those killed": the subject of the clause whose
        "among those" the participle describes."""
        head = tok.head
        if tok.dep_ != "acl" or head.lower_ not in self.material.toll_heads or head.dep_ != "pobj":
            return None
        prep = head.head
        if prep.lower_ != "among" or prep.head.i == prep.i:
            return None
        return next((c for c in prep.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)

    def _statement_author(self, tok):
        """"X issued a statement condemning Y": the author of the statement condemns."""
        if tok.dep_ != "acl" or tok.tag_ != "VBG" or tok.head.dep_ not in ("dobj", "obj"):
            return None
        verb = tok.head.head
        pattern, _ = match_pattern(verb, self.index.candidates("verb", verb.lemma_.lower()), self.grammar)
        if pattern is None or pattern.negative or pattern.code != "010":
            return None
        return subject_of(verb)

    def _speculative(self, tok, code: str) -> bool:
        """A verb under "may", "might", "could" that is no threat or promise (those are coded
        through their families, `_future_family`)."""
        g = self.grammar
        if self._hypothetical(tok):
            return True
        holder = tok
        while holder.dep_ == "conj" and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in holder.children):
            holder = holder.head  # "they can seize the trailer or seize your house": both possible
        if not any(c.dep_ == "aux" and c.lower_ in g.possible_aux for c in holder.children) and not self._expected(tok):
            return False
        return self._future_family(tok, code) is None

    def _hypothetical(self, tok) -> bool:
        """A clause that reports nothing: the condition of an if-clause ("if the army attacks"),
        an indirect question ("asked whether to send them back"), the complement of an adjective of
        likelihood or judgement ("more likely to be arrested", "is it safe to send them back"), or a
        direct question."""
        g = self.grammar
        if tok.sent.text.rstrip().rstrip('"\u201d\'').endswith("?"):
            return True
        node = tok
        for _ in range(4):
            if node.dep_ in ("advcl", "ccomp", "csubj") and any(
                    m.dep_ == "mark" and m.lower_ in g.condition_mark | g.question_mark for m in node.children):
                return True
            if node.dep_ in ("xcomp", "ccomp") and node.head.pos_ == "ADJ" and node.head.lemma_.lower() in g.hypothetical_head:
                return True
            if node.dep_ == "ccomp" and any(c.dep_ == "acomp" and c.lemma_.lower() in g.hypothetical_head for c in node.head.children):
                return True  # "it was unlikely that X would hold a summit"

            if node.head.i == node.i or node.dep_ not in ("conj", "xcomp", "ccomp", "advcl", "relcl", "acl"):
                break
            node = node.head
        return False

    def _speaker_of_itself(self, tok) -> bool:
        """tok is the content of a speech verb and its subject is a pronoun for the speaker ("X
        warned it could ...")."""
        head = tok.head
        if tok.dep_ != "ccomp" or head.lemma_.lower() not in self.index.speech_lemmas:
            return False
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        return subj is not None and subj.lower_ in SELF_PRONOUNS

    def _expected(self, tok) -> bool:
        """"X is expected / due / scheduled to <verb>": the complement of a passive or adjectival
        head of expectation (&EXPECT_HEAD), not "X expects Y to ..."."""
        head = tok.head
        if tok.dep_ != "xcomp" or head.lemma_.lower() not in self.grammar.expect_head:
            return False
        return head.pos_ == "ADJ" or is_passive(head) or any(c.dep_ == "auxpass" for c in head.children)

    def _has_future_aux(self, tok) -> bool:
        g = self.grammar
        return any(c.dep_ == "aux" and (c.lower_ in g.future_aux or c.lemma_.lower() in g.future_aux) for c in tok.children)

    def _is_obligation(self, tok) -> bool:
        g = self.grammar
        if tok.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in tok.children):
            # "Y must withdraw and stop the attacks" (an active, affirmed obligation only)
            head = tok.head
            return not is_negated(head) and not is_passive(head) and self._is_obligation(head)
        if any(c.dep_ == "aux" and c.lower_ in g.obligation_aux for c in tok.children):
            return True
        if tok.dep_ == "xcomp" and tok.head.dep_ == "acomp" and tok.head.lemma_.lower() in g.ready_adj:
            return self._is_obligation(tok.head.head)  # "the US must be ready to mediate"
        return tok.dep_ == "xcomp" and tok.head.lemma_.lower() in g.obligation_head and tok.head.lemma_.lower() != tok.lemma_.lower()

    def _future_family(self, tok, code: str) -> str | None:
        """"will provide aid", "is ready to send troops": a promise (intent) of cooperation or
        a threat of conflict, coded through modal_families.csv."""
        g = self.grammar
        future = any(c.dep_ == "aux" and (c.lower_ in g.future_aux or c.lemma_.lower() in g.future_aux) for c in tok.children)
        if not future and tok.dep_ == "xcomp" and tok.head.lemma_.lower() in g.ready_adj:
            future = True
        if not future and tok.dep_ == "xcomp" and tok.head.lemma_.lower() in g.litotes and is_negated(tok.head):
            future = True  # "will not hesitate to use force": will use it
        root = int(code[:2])
        if not future and self._expected(tok):
            # "are expected to discuss", "is due to visit": a scheduled meeting or cooperation is an
            # intent; an expected attack is a forecast, no one's threat (see _speculative).
            return "intent" if 4 <= root <= 9 else None
        marks = {m.lower_ for c in tok.children if c.dep_ == "advcl" for m in c.children if m.dep_ == "mark"}
        possible = any(c.dep_ == "aux" and c.lower_ in g.possible_aux for c in tok.children)
        # "will withdraw its troops unless X ...", "may halt mediation if Y ...": a conditional
        # consequence laid on someone is a threat.
        if (future or possible) and (4 <= root <= 9 or root >= 16) and (
                marks & g.ultimatum_mark or (marks & g.condition_mark and root >= 16)):
            return "threaten"
        if possible and root >= 16 and self._speaker_of_itself(tok):
            # "China warned it could impose sanctions", "said they may strike": a speaker saying
            # what it may do to someone threatens it.
            return "threaten"
        if not future:
            return None
        if 4 <= root <= 9:
            return "intent"
        if 16 <= root <= 20:
            return "threaten"
        return None

    def _noun_events(self, tok, pattern: Pattern, ctx, modifier_ok: bool = True,
                     outcome_targets: list[Actor] | None = None) -> list[CodedEvent]:
        """`outcome_targets`: the noun is the subject of a verb of harm ("a car bombing killed
        three soldiers"): its victims are the targets, and the event stands without a known
        source."""
        sources: list[Actor] = []
        targets: list[Actor] = []
        agent = agent_of(tok)
        if agent is None:
            for c in tok.children:
                if c.dep_ == "acl" and not self._verbal_reaction(c):  # "air raids carried out by the regime"
                    agent = agent_of(c)
                elif c.dep_ == "prep" and c.lower_ == "of":  # "the arrest of 30 protesters by police"
                    agent = next((agent_of(g) for g in c.children if g.dep_ == "pobj" and agent_of(g) is not None), None)
                if agent is not None:
                    break
        if agent is not None:
            sources = self._actors(agent, ctx)
        if not sources:
            for c in tok.children:
                if c.dep_ == "poss" or (modifier_ok and c.dep_ in ("amod", "compound") and c.i < tok.i and c.i in ctx.mentions):
                    a = ctx.resolve(c)
                    if a is not None and a.code:
                        sources = [a]
                        break
        verb = None
        if tok.dep_ in ("dobj", "obj") and tok.head.pos_ == "VERB":
            verb = tok.head
        elif tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.head.dep_ == "prep" and tok.head.head.pos_ == "VERB":
            # "engaged the peacekeepers in a firefight", "joined in the protests", "were involved
            # in clashes": the verb's subject acts, when the verb is no event of its own.
            verb = tok.head.head
            # ("died in an attack": the dead are its victims, not its authors)
            if self._participation(verb) is None and (is_passive(verb) or verb.lemma_.lower() in self.grammar.death or match_pattern(
                    verb, self.index.candidates("verb", verb.lemma_.lower()), self.grammar)[0]):
                verb = None
        verb_targets: list[Actor] = []
        if verb is not None and self._hypothetical(verb):
            return []  # "it was unlikely that the presidency would hold a summit": none was held
        if verb is not None and _in_background_clause(verb):
            verb = None  # "peacekeepers, who are deployed to oversee a ceasefire": a description
        if verb is not None and pattern.code[:2] in MATERIAL_ROOTS and not _realis(verb, self.grammar) and \
                self._future_family(verb, pattern.code) is None:
            verb = None  # "it could see tariffs on Chinese cars": no one imposed them
        if not sources and verb is not None:
            if not is_negated(verb) and tok.dep_ in ("dobj", "obj") and verb.lemma_.lower() in self.grammar.converse_verbs \
                    and not is_passive(verb):
                # "Pakistan received bailout packages from the IMF": the giver ("from") acts on the
                # receiver (the subject).
                giver = next((p for w, p, d in _preps(verb) if w == "from" and d), None) or next(
                    (p for w, p, d in _preps(tok) if w == "from" and d), None)
                subj = subject_of(verb)
                sources = [a for a in self._actors(giver, ctx, as_source=True) if a.code] if giver is not None else []
                targets = verb_targets = [a for a in self._actors(subj, ctx) if a.code] if subj is not None else []
                if not sources:
                    # "Perez received a 10-year sentence": done to the subject by no one named;
                    # "the city received aid": nothing a table counts without its giver
                    if targets and self.grammar.stands_without_agent(pattern.code) and _realis(verb, self.grammar):
                        return self._pairs(tok, pattern.code, pattern.pattern_id, [], targets, unknown_source=True,
                                           alone=self.grammar.stands_alone(pattern.code))
                    return []
            elif not is_negated(verb):
                subj = self._participation(verb) or subject_of(verb)
                sources = self._actors(subj, ctx, self._speaker(verb, ctx), as_source=True) if subj is not None else []
                verb_targets = [a for a in self._target_candidates(verb, None, ctx) if a.code]
                if tok.dep_ != "pobj":
                    targets = verb_targets
        unknown_source = outcome_targets is not None
        if not sources and unknown_source:
            between = self._between(tok, ctx)
            if len({_identity(a) for a in between}) >= 2:
                # "fighting between the army and the RSF killed thousands": each against the other
                return self._pairs(tok, pattern.code, pattern.pattern_id, between, [], reciprocal=True)
        if not sources and not unknown_source:
            # "Clashes erupted in Khartoum", "an attack was carried out": a nominal event with no
            # named agent is written when the sentence says it happened (not "attacks are rising",
            # "fears of an attack").
            occurred = self._occurred(tok)
            if not occurred and not (pattern.code.startswith(tuple(self.material.particular)) and self._particular_event(tok)):
                return []
            between = self._between(tok, ctx)
            if len({_identity(a) for a in between}) >= 2:
                # "clashes between protesters and police": each against the other
                return self._pairs(tok, pattern.code, pattern.pattern_id, between, [], reciprocal=True)
            if not self.grammar.stands_without_agent(pattern.code):
                return []
            targets = targets or self._victims(tok, ctx)
            if tok.head.lower_ == "under" and not any(t.agent in self.grammar.armed_agents for t in targets) \
                    and not self._physical_subject(tok):
                return []  # "the minister came under attack from critics": words, not force
            sources = self._from_whom(tok, ctx)
            unknown_source = not sources
            if not occurred:
                # "the kidnapping of the girls", "his arrest": a particular event, named by whom it
                # was done to (an actor in its own "of"/"on" phrase or its possessor).
                targets = [a for w, p, d in _preps(tok) if w in ("of", "on", "against") and d
                           for a in self._patients(p, ctx) if _participant(a)]
                targets += [a for c in tok.children if c.dep_ == "poss" and c.lower_ not in CALENDAR_WORDS
                            for a in self._patients(c, ctx) if _participant(a)]  # "his arrest" (not "Sunday's bombing")
                if not targets:
                    return []
        if not targets:
            for word, pobj, _d in _preps(tok):
                if word in ("on", "against", "with", "of", "to", "at", "for") and word != "by":
                    actors = [a for a in self._actors(pobj, ctx) if a.code]
                    if actors:
                        targets = actors
                        break
        if not targets:
            targets = outcome_targets or verb_targets
        reciprocal = self.grammar.is_reciprocal(pattern.code)
        if reciprocal and len({s.country for s in sources if s.code}) >= 2 and all(
                t.country in {s.country for s in sources} for t in targets if t is not None and t.code):
            targets = []  # "Israel and Lebanon renewed negotiations on an Israeli pullback"
        return self._pairs(tok, pattern.code, pattern.pattern_id, sources, targets, reciprocal=reciprocal,
                           unknown_source=unknown_source,
                           alone=unknown_source and self.grammar.stands_alone(pattern.code))

    def _from_whom(self, tok, ctx) -> list[Actor]:
        """"came under attack from Assad loyalists": the attackers."""
        if tok.dep_ != "pobj" or tok.head.lower_ != "under":
            return []
        for holder in (tok, tok.head.head):
            for word, pobj, _d in _preps(holder):
                if word == "from":
                    return [a for a in self._actors(pobj, ctx, as_source=True) if _participant(a)]
        return []

    def _between(self, tok, ctx) -> list[Actor]:
        """The parties of "clashes between X and Y" (also "talks were held between X and Y")."""
        holders = [tok] + ([tok.head] if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.pos_ in ("VERB", "AUX") else [])
        for holder in holders:
            for word, pobj, _d in _preps(holder):
                if word == "between":
                    return [a for a in self._actors(pobj, ctx) if _participant(a)]
        return []

    def _occurred(self, tok) -> bool:
        """An event noun the sentence reports as having happened: the subject of a verb of
        occurrence or harm ("clashes erupted", "a blast killed 12", "the protest turned violent"),
        the object or passive subject of a verb of doing or reporting ("carried out an attack",
        "a protest was held"), or "there was an explosion" — in a clause that is not negated,
        modal or conditional."""
        g = self.grammar
        if any(c.lower_ in g.generic_quant for c in tok.children if c.dep_ in ("det", "amod", "advmod")):
            return False  # "no attacks", "too much killing": no particular event
        node = tok
        while node.dep_ == "conj" and node.head.pos_ in ("NOUN", "PROPN") and node.head.i != node.i:
            node = node.head  # "clashes and protests erupted"
        verb, dep = node.head, node.dep_
        if verb.i == node.i or (verb.pos_ not in ("VERB", "AUX") and dep != "pobj"):
            return False
        keys = {verb.lemma_.lower()} | {f"{verb.lemma_.lower()} {c.lemma_.lower()}" for c in verb.children
                                          if c.dep_ in ("prt", "dobj", "acomp", "advmod", "oprd")}
        if dep == "nsubj":
            ok = bool(keys & g.occur)
        elif dep in ("nsubjpass", "dobj", "obj"):
            ok = bool(keys & g.perform)
        elif dep == "attr":
            ok = verb.lemma_.lower() == "be" and any(c.dep_ == "expl" for c in verb.children)
        elif dep == "pobj" and verb.dep_ == "prep" and verb.lower_ in ("in", "during"):
            # "21 passengers died in the attack", "two were wounded in the clashes"
            verb = verb.head
            ok = verb.pos_ == "VERB" and (verb.lemma_.lower() in g.death or (
                is_passive(verb) and verb.lemma_.lower() in g.occur))
        elif dep == "pobj" and verb.dep_ == "prep" and verb.lower_ in ("to", "in") and \
                verb.head.lemma_.lower() in self.material.result:
            verb = verb.head  # "led to the destruction of", "resulted in the deaths of" (not "leads to the arrest")
            ok = verb.pos_ in ("VERB", "AUX") and verb.tag_ in ("VBD", "VBN")
        elif dep == "pobj" and verb.dep_ == "prep" and verb.lower_ == "under":
            verb = verb.head
            ok = verb.lemma_.lower() in g.undergo  # "the convoy came under attack"
        else:
            ok = False
        return ok and _realis(verb, g)

    def _particular_event(self, tok) -> bool:
        """A definite event noun ("the kidnapping of the girls", "his arrest last month") in a clause
        that reports, not one that plans, fears or negates: an event that happened."""
        if tok.tag_ != "NN" or not any(c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in ("the", "this")) for c in tok.children):
            return False
        if any(c.lower_ in self.grammar.generic_quant for c in tok.children if c.dep_ in ("det", "amod", "advmod")):
            return False
        verb = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if verb is None or (verb.lemma_.lower() in self.material.result and verb.tag_ not in ("VBD", "VBN")):
            return False  # "information that leads to the arrest of": a hope, not a report
        return _realis(verb, self.grammar) and not self._has_future_aux(verb) and \
            verb.lemma_.lower() not in self.grammar.plan_verbs | self.grammar.halt_verbs

    def _victims(self, tok, ctx) -> list[Actor]:
        """Who died or was hurt in an event noun ("21 passengers died in the attack")."""
        prep = tok.head
        if tok.dep_ != "pobj" or prep.lower_ not in ("in", "during", "under") or prep.head.pos_ != "VERB":
            return []
        verb = prep.head
        if not (verb.lemma_.lower() in self.grammar.death | self.grammar.undergo or is_passive(verb)):
            return []
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return [a for a in self._patients(subj, ctx) if _participant(a)] if subj is not None else []

    def _participation(self, tok):
        """The subject of "X were engaged / involved in <event noun>" (a stative passive)."""
        if tok.lemma_.lower() not in self.grammar.participation or not is_passive(tok) or agent_of(tok) is not None:
            return None
        if not any(c.dep_ == "prep" and c.lower_ == "in" and any(g.dep_ == "pobj" for g in c.children) for c in tok.children):
            return None
        return next((c for c in tok.children if c.dep_ == "nsubjpass"), None)

    def _topic_of_event_noun(self, tok) -> bool:
        """"talks on a troop pullback", "a protest against the government's refusal", "calls for
        a ceasefire": an event noun that is what another event noun is about is no event itself."""
        prep = tok.head
        if tok.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in TOPIC_PREPS:
            return False
        holder = prep.head
        if holder.pos_ == "VERB":
            # "renewed negotiations today on a pullback": the phrase hangs on the verb but is
            # about its object.
            holder = next((c for c in holder.children if c.dep_ in ("dobj", "obj")), holder)
        if holder.lemma_.lower() in self.grammar.partitive:
            return False  # "a round of talks", "a barrage of rockets": the measure is no topic
        return holder.pos_ == "NOUN" and bool(self.index.candidates("noun", holder.lemma_.lower()))

    def _event_subject(self, tok, pattern: Pattern):
        """The subject of a verb of harm when it is itself a violent event noun ("an air strike
        killed 12", "the bombing wounded two soldiers"), with that noun's pattern."""
        if int(pattern.code[:2]) < 18 or is_passive(tok):
            return None, None
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        npat = self._violent_noun(subj)
        return (subj, npat) if npat is not None else (None, None)

    def _violent_noun(self, tok) -> Pattern | None:
        if tok is not None and tok.tag_ == "VBG" and tok.dep_ == "nsubj":
            # "Fighting between the army and the RSF has killed thousands": a gerund event noun
            npat, _ = match_pattern(tok, self.index.candidates("noun", tok.lower_), self.grammar)
            return npat if npat is not None and not npat.negative and int(npat.code[:2]) >= 18 else None
        if tok is None or tok.pos_ != "NOUN":
            return None
        npat, _ = match_pattern(tok, self.index.candidates("noun", tok.lemma_.lower()), self.grammar)
        if npat is None or npat.negative or int(npat.code[:2]) < 18:
            return None
        return npat

    def _harm_in_attack(self, tok, pattern: Pattern):
        """"A policeman was killed in an attack by rebels": an agentless passive of harm inside
        a violent event noun is that event, its victims the targets."""
        if int(pattern.code[:2]) < 18 or not is_passive(tok) or agent_of(tok) is not None:
            return None, None
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "during"):
                for g in c.children:
                    if g.dep_ == "pobj" and (npat := self._violent_noun(g)) is not None:
                        return g, npat
        return None, None

    def _modal_event(self, tok, ctx):
        """'threatened to impose sanctions', 'called on X to withdraw', 'refused to meet'."""
        rows = self.index.modal_verbs.get(tok.lemma_.lower())
        if not rows:
            return None
        xcomp = next((c for c in tok.children if c.dep_ in ("xcomp",) and c.pos_ in ("VERB", "AUX")), None)
        if xcomp is None and not any(c.dep_ in ("dobj", "obj") for c in tok.children):
            # "appealed to the government on Friday to reconsider": the parser often attaches the
            # infinitive as an adverbial clause once other words intervene.
            xcomp = next((c for c in tok.children if c.dep_ == "advcl" and _bare_infinitive(c)), None)
        for_clause = None
        if xcomp is None:
            # "called for the Taliban to lift the ban": a for-infinitive whose subject is asked to act.
            for_clause = next((c for c in tok.children if c.dep_ in ("advcl", "ccomp") and c.pos_ == "VERB"
                               and any(g.dep_ == "mark" and g.lower_ == "for" for g in c.children)
                               and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
                               and any(g.dep_ == "nsubj" for g in c.children)), None)
            xcomp = for_clause
        if xcomp is None:
            # "demanded that Israel withdraw", "urged that talks resume"
            # "called on X to resign" parsed as a clause with X its subject
            xcomp = next((c for c in tok.children if c.dep_ == "ccomp" and c.pos_ == "VERB"
                          and any(g.lower_ in ("that", "to") and g.dep_ in ("mark", "aux") for g in c.children)), None)
            if xcomp is None:
                return None
        if is_negated(tok):
            return [], {xcomp.i}, set()
        preps = _preps(tok)
        family = None
        addressee = None
        # "called on Minister X to resign" is sometimes parsed with X as the direct object and a
        # bare "on": the particle still selects the row, the object is the addressee.
        bare = {c.lower_ for c in tok.children if c.dep_ in ("prep", "prt")
                and not any(g.dep_ in ("pobj", "pcomp") for g in c.children)}
        dobj = next((c for c in tok.children if c.dep_ in ("dobj", "obj")), None)
        if dobj is None and xcomp.dep_ == "ccomp":
            dobj = next((c for c in xcomp.children if c.dep_ == "nsubj"), None)
        for fam, prep in rows:
            if prep == "+obj":
                # "wants Germany to pay": only with someone to do it ("wants to pay" is no appeal)
                if dobj is not None:
                    family, addressee = fam, dobj
            elif prep and for_clause is not None:
                if prep == "for":
                    family, addressee = fam, subject_of(for_clause)
            elif prep:
                for word, pobj, direct in preps:
                    if word == prep and direct:
                        family, addressee = fam, pobj
                        break
                if addressee is None and prep in bare and dobj is not None:
                    family, addressee = fam, dobj
            elif family is None:
                family = fam
            if family and addressee is not None:
                break
        if family is None:
            return None
        if addressee is None:
            addressee = next((c for c in tok.children if c.dep_ in ("dobj", "obj", "iobj", "dative")), None)
        if addressee is None and (xcomp.dep_ == "ccomp" or for_clause is not None):
            addressee = subject_of(xcomp)
        claimed = {xcomp.i}
        # "ask banks to help finance", "urged them to begin withdrawing": look through light verbs.
        while xcomp.lemma_.lower() in self.grammar.light_chain:
            inner = next((c for c in xcomp.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB"), None)
            if inner is None:
                break
            xcomp = inner
            claimed.add(xcomp.i)
        # Further complements of the chain ("help save civilians threatened with ...", mis-attached)
        # belong to the embedded content, not to events of their own.
        for i in list(claimed):
            claimed.update(c.i for c in tok.doc[i].children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX"))
        # What is asked, promised or threatened is content, not events of its own: "urging him to
        # work with partners to intercept and stop the shipments".
        claimed.update(t.i for t in xcomp.subtree if t.pos_ in ("VERB", "AUX") and t.i != xcomp.i and (
            t.dep_ == "xcomp" or (t.dep_ == "advcl" and _bare_infinitive(t)) or (
                t.dep_ == "conj" and t.head.dep_ in ("xcomp", "advcl") and t.head.i != xcomp.i and t.tag_ == "VB"))
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children))
        embedded, used = match_pattern(xcomp, self.index.candidates("verb", xcomp.lemma_.lower()), self.grammar)
        if embedded is not None and embedded.negative:
            embedded = None
        negated_inner = is_negated(xcomp)
        if negated_inner and family in ("intent", "appeal", "demand"):
            # "vowed not to attack" is not an intent to attack; leave it uncoded.
            return [], {xcomp.i}, {o.i for o in _objects(xcomp)}
        if embedded is None and tok.lemma_.lower() in self.grammar.plan_verbs:
            # "prepared to attend the Games", "plans to build a school": a plan is an intent
            # only for an act the codebook knows.
            return [], claimed, set()
        hostile = None
        if embedded is None and self._hostile_act(xcomp):
            hostile = "19"  # "vowed to retaliate against Uganda": a threat of force, not a promise
        code = self.books.cameo.family_code(family, embedded.code if embedded else hostile)
        if hostile and family == "intent":
            pass  # the threaten family: not a sought-after act
        elif family == "intent" and tok.lemma_.lower() in self.grammar.light_chain and (
                embedded is None or not code.startswith("03")):
            # "sought to improve ties" is an intent to cooperate (03x); "sought to expel the
            # envoy", "strove to capture the town": the attempt is coded as the act itself.
            return None
        pid = f"modal.{family}.{tok.lemma_.lower()}" + (f">{embedded.pattern_id}" if embedded else "")
        subj = (subject_of(tok) or self._statement_author(tok)) if not is_passive(tok) else agent_of(tok)
        speaker = self._speaker(tok, ctx)
        sources = self._actors(subj, ctx, speaker, as_source=True) if subj is not None else []
        if family in ("appeal", "demand"):
            targets = self._actors(addressee, ctx) if addressee is not None else []
            if not any(a.code for a in targets):
                targets = self._target_candidates(xcomp, embedded, ctx)
        else:
            targets = self._target_candidates(xcomp, embedded, ctx)
            if not targets and addressee is not None:
                targets = self._actors(addressee, ctx)
        events = self._pairs(tok, code, pid, sources, targets, reciprocal=family == "intent" and self.grammar.is_reciprocal(code))
        consumed = {o.i for o in _objects(xcomp)} | used
        return events, claimed, consumed

    def _evaluation(self, tok, ctx):
        """"X called the killing a significant achievement", "described the attack as a war crime":
        a verb of naming (&NAMING_VERBS) with an object and what it is called. The named act is
        not the speaker's; the naming is praise (051, &PRAISE_WORDS), criticism (111,
        &CONDEMN_WORDS) or a comment (010) on whoever the object names. Returns (events, the
        object's words) or None."""
        g = self.grammar
        if tok.lemma_.lower() not in g.naming_verbs or is_negated(tok) or is_passive(tok):
            return None
        obj = next((c for c in tok.children if c.dep_ in ("dobj", "obj")), None)
        if obj is None:
            return None
        own, _ = match_pattern(tok, self.index.candidates("verb", tok.lemma_.lower()), self.grammar)
        if own is not None and not own.negative and own.code != "010":
            return None  # "dismissed the allegations as baseless": the verb's own pattern (016)
        label = next((c for c in tok.children if c.dep_ in ("oprd", "xcomp") and c.pos_ in ("NOUN", "ADJ")), None)
        if label is None:
            label = next((p for w, p, _d in _preps(tok) if w == "as"), None)
        if label is None:
            return None
        words = {t.lemma_.lower() for t in label.subtree} | {t.lower_ for t in label.subtree}
        code = "051" if words & g.praise_words else "111" if words & g.condemn_words else "010"
        subj = subject_of(tok)
        sources = self._actors(subj, ctx, self._speaker(tok, ctx), as_source=True) if subj is not None else []
        # whom the naming is about: the object itself when it is an actor ("called Uganda a rogue
        # state"), else the author of the act it names ("the Ugandan attack", "Uganda's decision")
        targets = [a for a in self._actors(obj, ctx) if a.code]
        if not targets:
            targets = [a for c in obj.children if c.dep_ in ("poss", "amod", "compound") and c.i in ctx.mentions
                       for a in [ctx.resolve(c)] if a is not None and a.code]
        if not targets:
            for w, pobj, _d in _preps(obj):
                if w == "by" or (w == "of" and not self.index.candidates("noun", obj.lemma_.lower())):
                    targets = [a for a in self._actors(pobj, ctx) if a.code]
                    if targets:
                        break
        own = {_identity(a) for a in sources}
        targets = [a for a in targets if _identity(a) not in own]
        if not targets:
            code = "010"  # praise or blame of no one is a comment on the matter (kept if it is about something)
        used = {t.i for t in obj.subtree} | {t.i for t in label.subtree}
        return self._pairs(tok, code, f"evaluate.{code}.{tok.lemma_.lower()}", sources, targets), used

    def _pairs(self, tok, code, pid, sources, targets, reciprocal: bool = False,
               unknown_source: bool = False, alone: bool = False) -> list[CodedEvent]:
        # Open world: every actor the text names takes part, coded or not; an event without one
        # stands only where the grammar allows it (`unknown_source`: agentless passives and
        # nominal events that happened; `alone`: codes that need no target either).
        sources = [s for s in sources if _participant(s, self.grammar.private_agents)]
        targets = [t for t in targets if _participant(t)]
        if not any(_coded(a) for a in sources + targets) and not self.grammar.stands_without_agent(code):
            # Only names nobody knows ("Tina Vehof consoles ...", "Brandyberry visited Gregg"):
            # private life, unless the act is one that is news whoever does it (&AGENTLESS codes).
            return []
        if not sources:
            if unknown_source and targets:
                return [CodedEvent(tok.sent, tok, code, pid, None, t) for t in targets]
            if unknown_source and alone:
                return [CodedEvent(tok.sent, tok, code, pid, None, None)]
            return []
        if reciprocal and not targets and len({_identity(s) for s in sources}) >= 2:
            # "A and B signed a treaty": CAMEO codes A->B and B->A.
            out = []
            for s in sources:
                for t in sources:
                    if t is not s and _identity(t) != _identity(s):
                        out.append(CodedEvent(tok.sent, tok, code, pid, s, t))
            return out
        targets = targets or [None]
        out = []
        seen = set()
        for s in sources:
            for t in targets:
                if t is not None and t.code == s.code and (t.start, t.end) == (s.start, s.end):
                    continue
                key = (s.start, s.code, t.start if t else None, t.code if t else None)
                if key in seen:
                    continue
                seen.add(key)
                out.append(CodedEvent(tok.sent, tok, code, pid, s, t))
        return out

    FAMILY_OF_ROOT = {"02": "appeal", "03": "intent", "10": "demand", "12": "reject", "13": "threaten"}
    PROTEST_CODES = {"141", "142", "143", "144", "145"}

    def _content_code(self, trig, depth: int = 0) -> str | None:
        """The code of what an appeal, demand, rejection, threat or protest is about: a purpose
        clause ("to demand reforms"), or the noun it names ("a call for peacekeeping forces",
        "demands for the release of prisoners")."""
        seen = set()
        candidates = []
        for c in trig.children:
            if c.dep_ in ("xcomp", "advcl", "ccomp") and c.pos_ == "VERB":
                candidates.append(("verb", c))
            if c.dep_ in ("dobj", "pobj", "attr") or (c.dep_ == "prep" and c.lower_ in ("for", "against", "over", "on")):
                nodes = [c] if c.dep_ != "prep" else [g for g in c.children if g.dep_ == "pobj"]
                for n in nodes:
                    candidates.append(("noun", n))
                    for g in n.children:  # "a call for X", "demands for the release of Y"
                        if g.dep_ == "prep" and g.lower_ in ("for", "of", "to", "on"):
                            candidates.extend(("noun", x) for x in g.children if x.dep_ == "pobj")
                        if g.dep_ in ("acl", "relcl") and g.pos_ == "VERB":
                            candidates.append(("verb", g))
        for pos, tok in candidates:
            if tok.i in seen or tok.i == trig.i:
                continue
            seen.add(tok.i)
            if pos == "noun" and tok.pos_ not in ("NOUN", "PROPN"):
                continue
            pattern, _ = match_pattern(tok, self.index.candidates(pos, tok.lemma_.lower()), self.grammar)
            if pattern is not None and not pattern.negative and pattern.code[:2] not in ("01",):
                if depth < 2 and pattern.code[:2] in ("02", "10") and pattern.code.endswith("0"):
                    # "marched to demand the president's resignation": what the demand is for.
                    inner = self._content_code(tok, depth + 1)
                    if inner is not None and inner[:2] not in ("02", "10"):
                        return inner
                return pattern.code
        return None

    def _refine_generic(self, ev: CodedEvent) -> CodedEvent:
        """Give a generic code (020, 100, 120, 130, 141...) the specific code its content implies."""
        code = ev.code
        family = self.FAMILY_OF_ROOT.get(code[:2])
        generic = (family is not None and len(code) == 3 and code.endswith("0")) or code in self.PROTEST_CODES
        if not generic:
            return ev
        content = self._content_code(ev.trigger)
        if content is None or content[:2] == code[:2]:
            return ev
        if family is not None:
            refined = self.books.cameo.family_code(family, content)
        else:
            # what the protest demands ("to demand his resignation" is coded as the demand itself)
            demand = content if content[:2] == "10" else self.books.cameo.family_code("demand", content)
            refined = code + demand[-1] if demand[:3] == "104" and len(demand) == 4 else code
        if refined in self.books.cameo.codes and refined != code and refined[:2] == code[:2]:
            return dataclasses.replace(ev, code=refined, pattern_id=f"{ev.pattern_id}>content")
        return ev

    def _statement_mood(self, ev: CodedEvent) -> CodedEvent:
        """"said he was skeptical" is a pessimistic comment (012), "said he was confident" an
        optimistic one (013)."""
        if ev.code != "010":
            return ev
        content = next((c for c in ev.trigger.children if c.dep_ == "ccomp"), None)
        if content is None or is_negated(content):
            return ev
        words = {content.lemma_.lower(), content.lower_} | {
            w for c in content.children if c.dep_ in ("acomp", "attr") for w in (c.lemma_.lower(), c.lower_)}
        for code, mood in (("013", self.grammar.optimistic), ("012", self.grammar.pessimistic)):
            if words & mood:
                return dataclasses.replace(ev, code=code, pattern_id=f"{ev.pattern_id}>mood")
        return ev

    ISSUE_CODES = {"024", "034", "104", "123", "141", "142", "143", "144", "145"}

    def _refine_issue(self, ev: CodedEvent) -> CodedEvent:
        """Protests, and appeals/demands/intents/rejections about political reform, take their
        fourth digit from the issue named in the clause: leadership (1), policy (2), rights (3),
        institutions or regime (4). "blocked roads demanding the president's resignation": 1441."""
        if ev.code not in self.ISSUE_CODES:
            return ev
        trig = ev.trigger
        subject = {t.i for c in trig.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
        words = set()
        for t in trig.subtree:
            if t.i not in subject and t.i != trig.i:
                words.add(t.lemma_.lower())
                words.add(t.lower_)
        g = self.grammar
        for digit, issue in (("1", g.issue_leadership), ("4", g.issue_regime), ("3", g.issue_rights), ("2", g.issue_policy)):
            if words & issue:
                refined = ev.code + digit
                if refined in self.books.cameo.codes:
                    return dataclasses.replace(ev, code=refined, pattern_id=f"{ev.pattern_id}>issue")
                break
        return ev

    def _statement_as_demand(self, ev: CodedEvent, ctx, coded: frozenset[int] | set[int] = frozenset()) -> CodedEvent:
        """"X declared that China must drop its barriers": a statement whose content is an
        obligation laid on someone is a demand (100) on them, even when the obliged act has no
        pattern of its own."""
        if ev.code != "010":
            return ev
        content = next((c for c in ev.trigger.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")), None)
        if content is None or not self._is_obligation(content) or is_negated(content) or content.i in coded:
            return ev  # an obliged act with a pattern of its own is already coded as the demand
        subj = subject_of(content)
        obliged = [a for a in (self._actors(subj, ctx) if subj is not None else []) if a.code]
        if not obliged or (ev.source is not None and obliged[0].code == ev.source.code):
            return ev
        return dataclasses.replace(ev, code="100", pattern_id=f"obligation.demand>{ev.pattern_id}", target=obliged[0])

    def _mood_events(self, sent, ctx) -> list[CodedEvent]:
        """"Kenya is optimistic about the talks", "X remained skeptical": an actor's stated mood is
        an optimistic (013) or pessimistic (012) comment, when the sentence codes nothing else."""
        g = self.grammar
        for tok in sent:
            if tok.dep_ != "acomp" or tok.head.pos_ not in ("AUX", "VERB") or tok.head.lemma_.lower() not in MOOD_COPULAS:
                continue
            words = {tok.lemma_.lower(), tok.lower_}
            code = "013" if words & g.optimistic else "012" if words & g.pessimistic else None
            verb = tok.head
            if code is None or is_negated(verb) or is_negated(tok) or _in_background_clause(verb):
                continue
            if verb.dep_ not in ("ROOT", "ccomp", "conj"):
                continue
            subj = subject_of(verb)
            if subj is None:
                continue
            sources = self._actors(subj, ctx, self._speaker(verb, ctx), as_source=True)
            targets = self._target_candidates(tok, None, ctx)
            return self._pairs(tok, code, f"mood.{tok.lemma_.lower()}", sources, targets)
        return []

    def _ready_intents(self, sent, ctx, events: list[CodedEvent]) -> list[CodedEvent]:
        """"X is willing to help", "Y said it is prepared to ...": an intent to cooperate (030)
        when the embedded action has no pattern of its own."""
        coded = {e.trigger.i for e in events}
        out = list(events)
        for tok in sent:
            if tok.lemma_.lower() not in self.grammar.ready_adj or tok.dep_ not in ("acomp", "amod", "oprd"):
                continue
            inner = next((c for c in tok.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
            if inner is None or inner.i in coded or is_negated(inner) or is_negated(tok.head):
                continue
            if self.index.candidates("verb", inner.lemma_.lower()) and match_pattern(inner, self.index.candidates("verb", inner.lemma_.lower()), self.grammar)[0]:
                continue
            subj = subject_of(tok.head)
            speaker = self._speaker(tok.head, ctx)
            sources = self._actors(subj, ctx, speaker, as_source=True) if subj is not None else []
            targets = self._target_candidates(inner, None, ctx)
            code, pid = "030", f"ready.intent.{tok.lemma_.lower()}"
            # "willing to send equipment to help defend X": what the uncoded act is for is what
            # is intended; it is not an event of its own.
            scope = {t.i for t in inner.subtree}
            within = [e for e in out if e.trigger.i in scope and e.code != "010"]
            if within:
                code = self.books.cameo.family_code("intent", within[0].code)
                pid = f"{pid}>{within[0].pattern_id}"
                if not any(t.code for t in targets):
                    targets = [e.target for e in within if e.target is not None]
                drop = {id(e) for e in within}
                out = [e for e in out if id(e) not in drop]
            out.extend(self._pairs(tok, code, pid, sources, targets))
        return out

    def _statement_about(self, ev: CodedEvent, ctx) -> CodedEvent | None:
        """A plain statement (010) or declined comment (011) is an event only when it is about
        something: it has a target (not the press it was made to), else it takes the first other
        political actor its content names ("X said Iran was arming the rebels": X -> Iran), else
        its content names a political matter. "Officials said 425 tickets were sold" is no event."""
        if ev.code[:2] != "01" or ev.code[:3] not in COMMENT_CODES:
            return ev
        if any(m.dep_ == "mark" and m.lower_ in ("whether", "if") for m in ev.trigger.children):
            return None  # "asked whether Rubio had responded": a question, no statement
        src = ev.source
        if src is None or not (src.code or src.country or src.agent) or src.agent in self.grammar.commentator_agents:
            # A bare unknown name or an academic commenting is the press's source, not an actor
            # making a statement (nor one warning, hoping or worrying).
            return None
        subj = subject_of(ev.trigger)
        said_by = {t.lower_ for t in subj.subtree} if subj is not None else set()
        if (said_by | {w.lower() for w in re.findall(r"[A-Za-z]+", src.text or "")}) & self.grammar.commentator_nouns:
            # "Gregory Brew, a senior Iran analyst", "a fellow at the Brookings Institution": a
            # commentator the press quotes, whatever country the phrase names
            return None
        if self._about_nature(ev.trigger):
            return None  # "forecasters warned that a storm would hit the coast": no political act
        if ev.code not in ("010", "011"):
            return ev  # a comment with a mood (012, 013) need not name a topic

        def other(a):
            return _participant(a) and not _is_media(a) and _identity(a) != _identity(src) and (a.start, a.end) != (src.start, src.end)

        def topic(a):
            # a topic is a political actor: coded, not the speaker's own country ("Blinken said the
            # United States is disappointed"), and not private people ("deputies said a woman
            # was in the house")
            return other(a) and bool(a.code) and a.agent not in self.grammar.private_agents and not (
                a.country == src.country and a.agent in (None, src.agent))

        if other(ev.target):
            return ev
        trig = ev.trigger
        heads, words = [], set()
        for c in _with_inverted_about(trig):
            if c.dep_ in ("ccomp", "xcomp", "dobj", "obj", "attr") or (c.dep_ == "prep" and c.lower_ in ABOUT_PREPS):
                heads.extend(t for t in c.subtree if t.pos_ in ("NOUN", "PROPN") and t.dep_ in CONTENT_ROLES)
                if c.dep_ == "prep":
                    # "said of the Ugandan raid": the nationality of what the statement is about
                    heads.extend(t for t in c.subtree if t.dep_ in ("amod", "compound", "poss") and t.i in ctx.mentions)
                words.update(t.lemma_.lower() for t in c.subtree if t.pos_ in ("NOUN", "PROPN"))
        seen = set()
        for h in heads:
            for a in self._actors(h, ctx):
                if topic(a) and (a.start, a.end) not in seen:
                    return dataclasses.replace(ev, target=a, pattern_id=f"{ev.pattern_id}>about")
                seen.add((a.start, a.end))
        if self._narrated(trig):
            # "officials said the detainees were flown aboard an aircraft": an attribution of an
            # occurrence no pattern codes is the press's sourcing, not a statement
            return None
        if words & self.grammar.political_topic:
            # "said the situation on the border remained calm": about a political matter
            return dataclasses.replace(ev, target=None)
        return None

    def _about_nature(self, trig) -> bool:
        """The comment is about weather or a natural hazard (`&NATURAL_HAZARD`): the subject of its
        content clause, or what it warns of/about."""
        hazard = self.grammar.natural_hazard
        for c in trig.children:
            if c.dep_ == "ccomp":
                subj = subject_of(c)
                if subj is not None and subj.lemma_.lower() in hazard:
                    return True
        return any(w in ("of", "about") and p.lemma_.lower() in hazard for w, p, d in _preps(trig) if d)

    def _narrated(self, trig) -> bool:
        """The statement's content clause reports an occurrence: an action verb in the past or
        progressive ("the group was making bombs", "38,000 residents had cast votes"), not a state
        ("the situation remained calm"), a view or forecast ("would hold talks"), nor what befell a
        political matter ("the talks had failed")."""
        content = next((c for c in trig.children if c.dep_ == "ccomp" and c.i > trig.i), None)
        if content is None or content.pos_ not in ("VERB", "AUX") or content.lemma_.lower() in MOOD_COPULAS | {"have"}:
            return False
        if any(c.dep_ in ("aux", "auxpass") and c.lemma_.lower() in self.grammar.irrealis_aux | self.grammar.future_aux
               | self.grammar.possible_aux | self.grammar.obligation_aux for c in content.children):
            return False
        subj = subject_of(content)
        if subj is not None and subj.lemma_.lower() in self.grammar.political_topic:
            return False  # "Damascus said the talks had failed": about a political matter
        return content.tag_ in ("VBD", "VBN", "VBG")

    def _quote_speaker(self, sent, ctx) -> Actor | None:
        """The speaker of a quote this sentence attributes ('"...," he said'), kept for a next
        sentence that goes on with the quote; a continuing quote keeps its speaker."""
        if not any(t.text in QUOTE_MARKS for t in sent):
            return None
        for tok in sent:
            if tok.lemma_.lower() in self.index.speech_lemmas and tok.pos_ == "VERB":
                subj = subject_of(tok)
                if subj is not None:
                    found = [a for a in self._actors(subj, ctx, as_source=True) if a.code]
                    return found[0] if found else None
        return ctx.quote_speaker if _continues_quote(sent[0]) else None

    def _hostile_act(self, verb) -> bool:
        """A verb of retaliation with no pattern of its own (&HOSTILE_VERBS: "retaliate", "hit
        back"), or "respond / react with force" ("force" in &FORCE_WORDS)."""
        g = self.grammar
        if verb.lemma_.lower() in g.hostile_verbs or " ".join(
                [verb.lemma_.lower()] + [c.lower_ for c in verb.children if c.dep_ == "prt"]) in g.hostile_verbs:
            return True
        return verb.lemma_.lower() in g.response_verbs and any(
            w == "with" and (p.lemma_.lower() in g.force_words or phrase_forms(p) & g.force_words) for w, p, _d in _preps(verb))

    def _hostile_content(self, ev: CodedEvent, ctx) -> CodedEvent:
        """"Kenya warned it would retaliate if Uganda attacked", "said it will respond with force":
        a speaker saying it will (or may) strike back threatens force (138), against whom the
        content or its condition names."""
        if ev.code not in ("010", "012") or ev.trigger.lemma_.lower() not in self.index.speech_lemmas:
            return ev
        for c in ev.trigger.children:
            if c.dep_ != "ccomp" or is_negated(c) or not self._hostile_act(c):
                continue
            g = self.grammar
            modal = any(a.dep_ == "aux" and (a.lower_ in g.future_aux | g.possible_aux or a.lemma_.lower() in g.future_aux)
                        for a in c.children) or (c.dep_ == "xcomp" and c.head.lemma_.lower() in g.litotes)
            subj = next((a for a in c.children if a.dep_ == "nsubj"), None)
            if not modal or subj is None or subj.lower_ not in SELF_PRONOUNS:
                continue
            targets = [a for w, p, _d in _preps(c) if w in ("against", "on", "at") for a in self._actors(p, ctx) if a.code]
            if not targets:
                # "... if Uganda attacked": the party the condition names
                for a in c.children:
                    if a.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in g.condition_mark for m in a.children):
                        s2 = subject_of(a)
                        targets = [x for x in (self._actors(s2, ctx) if s2 is not None else []) if x.code]
            target = next((t for t in targets if ev.source is None or _identity(t) != _identity(ev.source)), None)
            return dataclasses.replace(ev, code="138", target=target, pattern_id=f"{ev.pattern_id}>threaten.force")
        return ev

    def _verbal_reaction(self, verb) -> bool:
        """"the attack, condemned by the White House": a verbal act (roots 01-13) about an event
        noun; its agent reacted to the event and did not carry it out."""
        pattern, _ = match_pattern(verb, self.index.candidates("verb", verb.lemma_.lower()), self.grammar)
        return pattern is not None and not pattern.negative and int(pattern.code[:2]) <= 13

    def _evaluative_code(self, trig) -> str | None:
        """What a speech verb's content says of its matter: a denial (016) when it calls an
        accusation false ('"Totally baseless," X said of the allegations'), a criticism (111) when
        its predicate condemns ('"The attack was a war crime," X said', "X said the vote was
        illegal"). Only the predicate counts, not every word of the content."""
        g = self.grammar
        contents = [c for c in trig.children if c.dep_ in ("ccomp", "parataxis")]
        if not contents:
            return None
        words, subjects = set(), set()
        for c in contents:
            if is_negated(c):
                continue
            words |= {c.lemma_.lower(), c.lower_}
            for d in c.children:
                if d.dep_ in ("acomp", "attr", "oprd", "amod", "compound") or (c.lemma_.lower() == "be" and d.dep_ == "dobj"):
                    words |= {t.lemma_.lower() for t in d.subtree} | {t.lower_ for t in d.subtree}
                if d.dep_ in ("nsubj", "nsubjpass"):
                    subjects |= {t.lemma_.lower() for t in d.subtree}
        about = {t.lemma_.lower() for c in _with_inverted_about(trig) if c.dep_ == "prep" and c.lower_ in ("of", "about", "on")
                 for t in c.subtree}
        if words & g.denial_words and (about | subjects) & g.accusation:
            return "016"
        if words & g.condemn_words:
            return "111"
        return None

    def _statement_evaluation(self, ev: CodedEvent) -> CodedEvent | None:
        """A statement whose content condemns (111) or denies (016) is that act; a quote before its
        "said" that does neither, or condemns no one, stays an attribution (no event)."""
        if ev.code != "010":
            return ev
        code = self._evaluative_code(ev.trigger)
        quoted = _attribution(ev.trigger)
        if code == "016" or (code == "111" and ev.target is not None and ev.target.code):
            return dataclasses.replace(ev, code=code, pattern_id=f"{ev.pattern_id}>evaluate.{code}")
        return None if quoted else ev

    def _hoped_content(self, events: list[CodedEvent], ctx) -> list[CodedEvent]:
        """"Kenya hopes Uganda will release the prisoners": what is hoped or feared (&WISH_VERBS) is
        no event of its own; the hope is a comment on whoever its content names as acting."""
        wishes = [e for e in events if e.code[:2] == "01" and e.trigger.lemma_.lower() in self.grammar.wish_verbs]
        if not wishes:
            return events
        out = list(events)
        for w in wishes:
            content = [c for c in w.trigger.children if c.dep_ == "ccomp"]
            scope = {t.i for c in content for t in c.subtree}
            inside = [e for e in out if e.trigger.i in scope and e is not w]
            if not inside:
                continue
            drop = {id(e) for e in inside}
            out = [e for e in out if id(e) not in drop]
            if w.target is None:
                actor = next((e.source for e in inside if e.source is not None and e.source.code
                              and (w.source is None or e.source.code != w.source.code)), None)
                if actor is not None:
                    out = [dataclasses.replace(e, target=actor) if e is w else e for e in out]
        return out

    @staticmethod
    def _subordinate_statements(events: list[CodedEvent]) -> list[CodedEvent]:
        """A plain statement (010) is residual: kept only when the sentence codes nothing else."""
        if any(e.code != "010" for e in events):
            return [e for e in events if e.code != "010"]
        return events

    # ----------------------------------------------------------------- articles

    def code_doc(self, doc, when: dt.date | None, dateline_country: str | None = None, places=None) -> list[CodedEvent]:
        mentions = self.matcher.mentions(doc)
        ctx = self.context(doc, mentions, when, dateline_country, places)
        ctx.set_doc(doc, mentions)
        events = []
        for sent in doc.sents:
            ctx.observe(sent)
            events.extend(self.code_sentence(sent, ctx))
        return events


CALENDAR_WORDS = frozenset(w.lower() for w in (*calendar.day_name, *calendar.month_name, "today", "yesterday") if w)
MATERIAL_ROOTS = frozenset({"06", "07", "08", "09", "14", "15", "16", "17", "18", "19", "20"})
FORCE_ROOTS = frozenset({"14", "15", "17", "18", "19", "20"})  # acts a person no table knows may do
CROWD_COUNTS = {"thousand", "hundred", "dozen", "million", "ten", "score"}
MOOD_COPULAS = {"be", "remain", "stay", "appear", "seem", "sound", "feel"}
BACKGROUND_MARKS = {"unless", "if", "until", "as", "after", "since", "while", "before", "because", "when",
                    "where", "although", "though", "whereas", "once"}


TOPIC_PREPS = {"of", "on", "over", "about", "against", "for", "concerning", "regarding", "into"}
BACKGROUND_PREPS = {"despite", "after", "following", "amid", "amidst", "before", "since", "ahead"}


def _in_temporal_clause(tok) -> bool:
    """Inside a clause saying when something else happened ("when it came under attack"), and
    not inside a relative or reason clause."""
    for node in (tok, *tok.ancestors):
        if node.dep_ in ("relcl", "acl"):
            return False
        if node.dep_ == "advcl":
            return any(c.dep_ in ("mark", "advmod") and c.lower_ in TEMPORAL_MARKS for c in node.children)
    return False


TEMPORAL_MARKS = {"when", "as", "while", "after"}


def _in_background_clause(tok) -> bool:
    """Inside a relative clause, a clause modifying a noun, or a conditional/temporal clause."""
    node = tok
    for _ in range(8):
        if node.dep_ in ("relcl", "acl"):
            return True
        if node.dep_ == "advcl" and any(c.dep_ in ("mark", "advmod") and c.lower_ in BACKGROUND_MARKS for c in node.children):
            return True
        if node.dep_ == "ccomp" and node.head.pos_ == "ADJ":
            return True  # "confident that Uganda would sign": a belief, not an event
        if node.dep_ in ("pobj", "pcomp") and node.head.lower_ in BACKGROUND_PREPS:
            return True  # "despite warnings by X", "after clashes with Y", "amid protests"
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _continues_quote(tok) -> bool:
    """tok's sentence opens with a quotation mark and names no speaker: it goes on with the
    previous sentence's quote."""
    sent = tok.sent
    first = next((t for t in sent if not t.is_space), None)
    if first is None or first.text not in QUOTE_MARKS:
        return False
    return not any(t.lemma_.lower() in SPEECH_LEMMAS and t.pos_ == "VERB" for t in sent)


def _with_inverted_about(trig) -> list:
    """The children of a speech verb, and the "of"/"about" phrase the parser hangs on a speaker
    who follows the verb ('"...," said X of the allegations': what was said is about them)."""
    out = list(trig.children)
    for c in trig.children:
        if c.dep_ == "nsubj" and c.i > trig.i:
            out.extend(g for g in c.children if g.dep_ == "prep" and g.lower_ in ("of", "about") and g.i > c.i)
    return out


def _attribution(tok) -> bool:
    """A speech verb that follows what it reports ("X did Y, officials said")."""
    if any(c.dep_ == "ccomp" and c.i < tok.i for c in tok.children):
        return True
    if any(c.dep_ in ("ccomp", "dobj", "obj") and c.i > tok.i for c in tok.children):
        return False
    doc = tok.doc
    return any(c.dep_ == "nsubj" and c.left_edge.i > tok.sent.start and doc[c.left_edge.i - 1].text == ","
               for c in tok.children)


def _to_the_press(ev: CodedEvent) -> CodedEvent:
    """"spoke to VOA", "met with reporters": talking to the media is a statement (010), not a
    consultation."""
    t = ev.target
    if ev.code[:2] != "04" or t is None or not (t.agent == "MED" or (t.code or "").endswith("MED")):
        return ev
    return dataclasses.replace(ev, code="010", pattern_id=f"{ev.pattern_id}>press")


def _drop_redundant(events: list[CodedEvent]) -> list[CodedEvent]:
    """One sentence, one event per source, root and target: "rioters torched cars and threw
    stones at police" is one riot against the police, not also a riot against no one."""
    if len(events) < 2:
        return events
    aimed = {(e.source.code if e.source else None, e.code[:2]) for e in events if e.target is not None and e.target.code}
    out, seen = [], set()
    for e in events:
        src = e.source.code if e.source else None
        tgt = e.target.code if e.target is not None else None
        if tgt is None and src is not None and (src, e.code[:2]) in aimed:
            continue
        key = (src, tgt, e.code)
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
    return out


COMMENT_CODES = {"010", "011", "012", "013"}
ABOUT_PREPS = {"about", "on", "of", "regarding", "concerning", "over", "to", "with"}
CONTENT_ROLES = {"nsubj", "nsubjpass", "dobj", "obj", "pobj", "attr", "appos", "conj", "dative"}


def _is_media(actor: Actor) -> bool:
    """The press a statement is made to ("told VOA", "told reporters")."""
    return actor.agent == "MED" or (actor.code or "").endswith("MED")


def _participant(actor: Actor | None, private: frozenset[str] = frozenset()) -> bool:
    """An actor the text names: a full or partial code (country or sector), or a person. A bare
    unknown capitalised word ("Mansfield OKs", "News") is not yet one: the actor layer says which
    unknown names are people or groups. With `private`, a sector alone that is private life
    ("investors cheered the results") is no actor either."""
    if actor is None:
        return False
    if not actor.code and not actor.country and actor.agent in private and not actor.is_person:
        return False
    return bool(actor.code or actor.agent or actor.country or actor.is_person or actor.named)


def _coded(actor: Actor | None) -> bool:
    """An actor with at least part of a code (a country or a sector), not only its words."""
    return actor is not None and bool(actor.code or actor.country or actor.agent)


def _identity(actor: Actor):
    """Who an actor is, for telling conjoined actors apart: its code, else its words."""
    return actor.code or (actor.text or "").lower()


def _realis(verb, grammar: Grammar) -> bool:
    """The clause reports something that happened or is happening: not negated, not modal or
    future ("could be arrested", "will be tried"), not an if-clause, not under a verb of planning
    or preventing."""
    if is_negated(verb):
        return False
    for c in verb.children:
        if c.dep_ in ("aux", "auxpass") and (c.lower_ in grammar.irrealis_aux or c.lemma_.lower() in grammar.irrealis_aux):
            return False
        if c.dep_ == "aux" and c.lower_ == "to":
            return False  # "to be arrested": an infinitive is no report
    node = verb
    for _ in range(4):
        if node.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in grammar.condition_mark | grammar.ultimatum_mark
                                        for m in node.children):
            return False
        if node.dep_ in ("xcomp", "ccomp") and node.head.lemma_.lower() in grammar.plan_verbs | grammar.halt_verbs:
            return False
        if node.head.i == node.i or node.dep_ not in ("conj", "xcomp", "ccomp", "advcl", "relcl", "acl"):
            break
        node = node.head
    return True


def _bare_infinitive(tok) -> bool:
    """A subjectless 'to'-infinitive ("to discuss the crisis")."""
    return tok.pos_ in ("VERB", "AUX") and tok.tag_ == "VB" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) and not any(
        c.dep_ in ("nsubj", "nsubjpass", "mark") for c in tok.children)


def _continues_event(trig, coded_heads: set[int]) -> bool:
    """A participle ("shelled Juba, killing 12", "..., setting fires and smashing windows") or a
    purpose infinitive ("met X to discuss Y") attached to a verb coded as an event."""
    node = trig
    for _ in range(6):
        if node.head.i == node.i:
            break
        if node.dep_ == "conj" or (node.dep_ == "ccomp" and node.head.tag_ == "VBG" and node.head.dep_ == "advcl"
                                   and node.head.lemma_.lower() in SPEECH_LEMMAS):
            # "staged rallies, saying he must resign": what the participle says continues it too.
            node = node.head
            continue
        break
    if node.head.i not in coded_heads or node.head.i == node.i:
        return False
    if node.dep_ == "advcl" and node.tag_ == "VBG":
        return True
    return node.dep_ in ("advcl", "xcomp") and _bare_infinitive(node)


def _alternation(phrases) -> re.Pattern[str] | None:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b") if ordered else None


def event_id(article_id: str, sentence_index: int, verb_start: int, source: str, code: str, target: str) -> str:
    key = "\x1f".join([article_id, str(sentence_index), str(verb_start), source, code, target])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]

