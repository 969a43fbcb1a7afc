"""The rule side of entity recognition, and how it combines with the statistical NER model.

Candidates come from the gazetteer (rules/gazetteer), shape patterns (rules/patterns.yaml),
context patterns (rules/context.yaml) and acronym definitions (rules/acronyms.yaml); the
NER model's ``doc.ents`` are candidates too. Overlaps are resolved by a configurable
policy (see ``_resolve``), false friends (rules/filters.yaml) are dropped, and every kept
span carries the rule or model that found it in ``span.id_``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..rules import head_types, load_yaml
from .acronyms import find_acronyms
from .context import NOUN_TYPED, ContextMatcher
from .gazetteer import Entry, load_gazetteer
from .shapes import ShapeMatcher
from .tokens import token_strings

if not Doc.has_extension("kg_aliases"):
    Doc.set_extension("kg_aliases", default=None)

# Lower number wins an overlap of equal standing (see _resolve).
PRIORITY = {"acronym": 0, "gaz": 1, "pat": 2, "ner": 3, "ctx": 4}


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    source: str

    @property
    def kind(self) -> str:
        return self.source.split(":", 1)[0].split("_", 1)[0]

    @property
    def priority(self) -> float:
        """Lower wins ties; a name typed by the text's own noun ("X, a dataset") beats the model."""
        return 0.5 if self.source.endswith(NOUN_TYPED) else PRIORITY.get(self.kind, 9)


class EntityRules:
    """Gazetteer + shape + context + acronym candidates for one vocabulary."""

    def __init__(self, nlp: Language, gazetteer: list[Entry] | None = None) -> None:
        """GAZETTEER: the entries to match (default: rules/gazetteer)."""
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[str, tuple[str, str]] = {}
        for i, entry in enumerate(load_gazetteer() if gazetteer is None else gazetteer):
            for form in (entry.name, *entry.aliases):
                key = f"g{i}"
                self.labels[key] = (entry.label, entry.source)
                matcher = self.lower if len(form) >= 5 and not form.isupper() else self.exact
                matcher.add(key, [nlp.make_doc(form)])
        self.shapes = ShapeMatcher(load_yaml("patterns.yaml"))
        self.context = ContextMatcher(nlp)

    def candidates(self, doc: Doc, words: list[str]) -> list[Candidate]:
        """Rule candidates of DOC; WORDS are its token texts."""
        out: list[Candidate] = []
        strings = doc.vocab.strings
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                label, source = self.labels[strings[match_id]]
                out.append(Candidate(start, end, label, source))
        out.extend(Candidate(s, e, label, rid) for s, e, label, rid in self.shapes(words))
        out.extend(Candidate(s, e, label, src) for s, e, label, src in self.context(doc))
        return out


def _resolve(cands: Iterable[Candidate], mode: str) -> list[Candidate]:
    """Pick non-overlapping candidates.

    ``rules_first``: rule spans (longest first) win, NER fills the gaps.
    ``model_first``: NER spans win, rules fill the gaps.
    ``longest``: the longest span wins whatever found it (ties by PRIORITY).
    """
    def rank(c: Candidate) -> tuple:
        length = c.end - c.start
        is_ner = c.kind == "ner"
        if mode == "rules_first":
            return (is_ner, -length, c.priority, c.start)
        if mode == "model_first":
            return (not is_ner, -length, c.priority, c.start)
        return (-length, c.priority, c.start)

    taken: set[int] = set()
    kept: list[Candidate] = []
    for c in sorted(set(cands), key=lambda c: (rank(c), c.label, c.source)):
        if any(i in taken for i in range(c.start, c.end)):
            continue
        kept.append(c)
        taken.update(range(c.start, c.end))
    return sorted(kept, key=lambda c: c.start)


class Filters:
    """False friends from rules/filters.yaml."""

    def __init__(self) -> None:
        cfg = load_yaml("filters.yaml")
        self.never = {str(w).lower() for w in cfg["never"]}
        self.unit = re.compile(cfg["unit_regex"])

    def keep(self, span: Span) -> bool:
        text = span.text.strip()
        if not text or text.lower() in self.never or self.unit.match(text):
            return False
        return any(ch.isalpha() for ch in text)


def _trim(doc: Doc, c: Candidate) -> Candidate | None:
    """Drop leading/trailing punctuation, articles and spaces a candidate may have picked up."""
    start, end = c.start, c.end
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].lower_ in ("the", "a", "an", "our")):
        start += 1
    while end > start and (doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 1].text not in (")", "+"))):
        end -= 1
    if end > start and doc[end - 1].text == ")" and "(" not in doc[start:end].text:
        end -= 1
    return Candidate(start, end, c.label, c.source) if end > start else None


@Language.factory(
    "kg_entities",
    default_config={"mode": "longest", "use_rules": True, "use_model": True},
)
def make_kg_entities(nlp: Language, name: str, mode: str, use_rules: bool, use_model: bool) -> "KgEntities":
    return KgEntities(nlp, mode, use_rules, use_model)


class KgEntities:
    """Combine NER output with rule candidates into ``doc.ents`` (sources in ``span.id_``)."""

    def __init__(self, nlp: Language, mode: str, use_rules: bool, use_model: bool) -> None:
        if mode not in ("rules_first", "model_first", "longest"):
            raise ValueError(f"kg_entities: unknown mode {mode!r}")
        self.mode, self.use_rules, self.use_model = mode, use_rules, use_model
        self.rules = EntityRules(nlp)
        self.filters = Filters()
        self.heads = head_types()
        acr = load_yaml("acronyms.yaml")
        self.broad = {b.lower() for b in acr["broad"]}

    def _retype(self, doc: Doc, c: Candidate) -> Candidate:
        """A multi-word name the model or a context rule found takes the type of its head noun."""
        if c.end - c.start < 2 or c.kind not in ("ner", "ctx"):
            return c
        label = self.heads.get(doc[c.end - 1].lower_)
        return Candidate(c.start, c.end, label, c.source) if label and label != c.label else c

    def __call__(self, doc: Doc) -> Doc:
        cands: list[Candidate] = []
        if self.use_model:
            cands += [Candidate(e.start, e.end, e.label_, "ner") for e in doc.ents]
        pairs: list[tuple[Span, Span]] = []
        words = token_strings(doc)
        if self.use_rules:
            cands += self.rules.candidates(doc, words)
            for long, short, label in find_acronyms(doc, words, cands, self.broad):
                pairs.append((long, short))
                cands += [Candidate(long.start, long.end, label, "acronym"), Candidate(short.start, short.end, label, "acronym")]
                cands += [Candidate(s, e, label, "acronym") for s, e in _occurrences(words, short.text) if s != short.start]
        cands = [self._retype(doc, t) for c in cands if (t := _trim(doc, c)) is not None]
        spans = [
            Span(doc, c.start, c.end, label=c.label, span_id=c.source)
            for c in _resolve(cands, self.mode)
        ]
        spans = [s for s in spans if self.filters.keep(s) and s.text.lower() not in self.broad]
        doc.ents = filter_spans(spans + _propagate(doc, words, spans))
        doc._.kg_aliases = [(lng.text, shr.text) for lng, shr in pairs]
        return doc


def _propagate(doc: Doc, words: list[str], spans: list[Span]) -> list[Span]:
    """Other occurrences of a recognized name are mentions too (one sense per document).

    Only spans that do not overlap a recognized one are added, so relations in later
    sentences see a name the recognizers caught only once.
    """
    taken = {i for s in spans for i in range(s.start, s.end)}
    by_first: dict[str, list[Span]] = {}
    for s in sorted(spans, key=lambda s: s.start - s.end):  # longest first
        by_first.setdefault(s[0].text, []).append(s)
    out: list[Span] = []
    for i, word in enumerate(words):
        if i in taken:
            continue
        for s in by_first.get(word, ()):
            n = len(s)
            if words[i: i + n] == words[s.start: s.end] and not taken.intersection(range(i, i + n)):
                out.append(Span(doc, i, i + n, label=s.label_, span_id=s.id_ or "ner"))
                taken.update(range(i, i + n))
                break
    return out


def _occurrences(words: list[str], text: str) -> list[tuple[int, int]]:
    return [(i, i + 1) for i, w in enumerate(words) if w == text or w == text + "s"]
