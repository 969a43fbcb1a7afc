"""Context patterns (rules/context.yaml): names recognized by how papers talk about them."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from ..rules import load_yaml

_MAX_NAME_TOKENS = 6
NOUN_TYPED = "+noun"  # suffix of a rule id whose type came from the text's own noun
_JOINERS = {"-", "+", ".", "/"}


def is_name_like(tok: Token) -> bool:
    """Capitals inside the word, digits with letters, or all caps: how ML names look."""
    t = tok.text
    if len(t) < 2 or not any(c.isalpha() for c in t):
        return False
    inner_caps = any(c.isupper() for c in t[1:])
    return inner_caps or (any(c.isdigit() for c in t) and t[0].isalpha()) or (t[0].isupper() and not tok.is_sent_start and len(t) > 2)


def _has_shape(tokens: list[Token]) -> bool:
    return any(any(c.isdigit() for c in t.text) or any(c.isupper() for c in t.text[1:]) for t in tokens)


def name_run(doc: Doc, start: int, step: int, stop: int) -> tuple[int, int] | None:
    """The run of name-like tokens from START walking by STEP (±1), never past STOP."""
    i, toks = start, []
    while (i >= stop if step < 0 else i < stop) and len(toks) < _MAX_NAME_TOKENS:
        tok = doc[i]
        if is_name_like(tok) or (tok.text in _JOINERS and toks and not tok.whitespace_ and not doc[i - 1].whitespace_):
            toks.append(tok)
            i += step
        else:
            break
    while toks and toks[-1].text in _JOINERS:
        toks.pop()
    if not toks:
        return None
    lo, hi = sorted((toks[0].i, toks[-1].i))
    return lo, hi + 1


def title_name_end(doc: Doc, colon: int) -> int:
    """Where the name before a title's colon ends: "X Technical Report: ..." names X."""
    words = [t.lower_ for t in doc[:colon]]
    for suffix in load_yaml("contributions.yaml")["title_suffixes"]:
        n = len(suffix.split())
        if n < len(words) and words[-n:] == suffix.split():
            return colon - n
    return colon


class ContextMatcher:
    """Yield (start, end, label, rule id) for names found next to the cues of rules/context.yaml."""

    def __init__(self, nlp: Language) -> None:
        self.rules = {r["id"]: r for r in load_yaml("context.yaml")}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for rid, r in self.rules.items():
            self.matcher.add(rid, [nlp.make_doc(" ".join(cue)) for cue in r["cues"]])
        self.nouns = load_yaml("contributions.yaml")["nouns"]

    def noun_label(self, doc: Doc, start: int, end: int) -> str | None:
        """Type a new name by the closest typing noun around it ("X, a new dataset"), else None."""
        sent = doc[start].sent
        lo, hi = max(sent.start, start - 6), min(sent.end, end + 10)
        best: tuple[int, str] | None = None
        for tok in doc[lo:hi]:
            if start <= tok.i < end:
                continue
            label = self.nouns.get(tok.lower_)
            if label:
                dist = start - tok.i if tok.i < start else tok.i - end
                if best is None or dist < best[0]:
                    best = (dist, label)
        return best[1] if best else None

    def title_name(self, doc: Doc) -> Iterator[tuple[int, int, str, str]]:
        """A title "X: ..." names the paper's contribution X; type it where the abstract uses it."""
        colon = next((t.i for t in doc[:5] if t.text == ":"), None)
        if colon is None or colon == 0 or not (colon == 1 or any(_has_shape([t]) for t in doc[:colon])):
            return
        end = title_name_end(doc, colon)
        prefix = doc[:end].text
        later = next((t.i for t in doc[end:] if t.text == doc[0].text and doc[t.i: t.i + end].text == prefix), None)
        label = self.noun_label(doc, later, later + end) if later is not None else None
        yield 0, end, label or "MODEL", "ctx_title" + (NOUN_TYPED if label else "")

    def __call__(self, doc: Doc) -> Iterator[tuple[int, int, str, str]]:
        yield from self.title_name(doc)
        for match_id, start, end in self.matcher(doc):
            rid = doc.vocab.strings[match_id]
            rule = self.rules[rid]
            sent = doc[start].sent
            if rule["side"] == "left":
                span = name_run(doc, start - 1, -1, sent.start)
            else:
                span = name_run(doc, end, 1, sent.end)
            if span is None:
                continue
            s, e = span
            if rule.get("include_cue"):
                e = end
            label = rule["label"]
            if label == "NOUN":
                label = self.noun_label(doc, s, e)
                if label:
                    rid += NOUN_TYPED
            yield s, e, label or rule.get("default", "MODEL"), rid
