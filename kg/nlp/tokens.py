"""Token strings for features: a whole Doc's at once (one Token object per token is costly in hot
loops), the feature string of a word, and a per-document view of the token data that features read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from spacy.attrs import IS_ALPHA, LOWER, ORTH, SENT_START
from spacy.tokens import Doc


def token_strings(doc: Doc, attr: int = ORTH) -> list[str]:
    """The ATTR string of every token of DOC (ORTH: its text, LOWER: lower-cased), from the token hashes."""
    strings = doc.vocab.strings
    return [strings[h] for h in doc.to_array(attr).tolist()]


_DIGIT = re.compile(r"\d")
_ALPHA = re.compile(r"[a-z]{2,}")
_CACHE = "kg_doc_tokens"  # doc.user_data key of the DocTokens of a Doc (see doc_tokens)


@lru_cache(maxsize=65536)
def feature_word(lower: str) -> str:
    """A token's feature string: numbers ("3.5", "2x", "40%") fold into "<num>"."""
    return "<num>" if _DIGIT.search(lower) and not _ALPHA.search(lower) else lower


@dataclass(frozen=True)
class DocTokens:
    """What the feature code reads of each token of a Doc, as plain lists: ``doc[i].lower_`` and
    ``span.sent`` build a Token or Span object per access, which costs more than the feature itself."""

    lower: list[str]  # lower-cased text
    words: list[str]  # feature_word of the lower-cased text; "" for whitespace
    alpha: list[bool]
    sent_starts: list[int]  # first token of each sentence, as doc.sents gives them
    sent_of: list[int]  # the number of the sentence of each token
    title_end: int  # the first whitespace token with a line break (-1: none)

    @classmethod
    def of(cls, doc: Doc) -> "DocTokens":
        lower = token_strings(doc, LOWER)
        flags = doc.to_array([IS_ALPHA, SENT_START]).reshape(len(doc), 2)
        is_start = flags[:, 1] == 1
        is_start[:1] = True
        return cls(
            lower=lower,
            words=["" if w.isspace() else feature_word(w) for w in lower],
            alpha=flags[:, 0].astype(bool).tolist(),
            sent_starts=np.flatnonzero(is_start).tolist(),
            sent_of=(np.cumsum(is_start) - 1).tolist(),
            title_end=next((i for i, w in enumerate(lower) if w.isspace() and "\n" in w), -1),
        )

    def sentence(self, i: int) -> tuple[int, int]:
        """Start and end of the sentence of token I (the sentence ``doc[i].sent`` gives)."""
        k = self.sent_of[i]
        return self.sent_starts[k], self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(self.lower)


def doc_tokens(doc: Doc) -> DocTokens:
    """The DocTokens of DOC, computed on first use and kept in ``doc.user_data`` until ``forget_tokens``."""
    cached = doc.user_data.get(_CACHE)
    if cached is None:
        cached = doc.user_data[_CACHE] = DocTokens.of(doc)
    return cached


def forget_tokens(doc: Doc) -> None:
    """Drop DOC's cached DocTokens: a per-call cache, not part of the Doc (and not serializable)."""
    doc.user_data.pop(_CACHE, None)
