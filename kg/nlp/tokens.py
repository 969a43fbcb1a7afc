"""Token strings for features: a whole Doc's at once (one Token object per token is costly in hot
loops), and the feature string of a word."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.attrs import ORTH
from spacy.tokens import Doc


def token_strings(doc: Doc, attr: int = ORTH) -> list[str]:
    """The ATTR string of every token of DOC (ORTH: its text, LOWER: lower-cased), from the token hashes."""
    strings = doc.vocab.strings
    return [strings[h] for h in doc.to_array(attr).tolist()]


_DIGIT = re.compile(r"\d")
_ALPHA = re.compile(r"[a-z]{2,}")


@lru_cache(maxsize=65536)
def feature_word(lower: str) -> str:
    """A token's feature string: numbers ("3.5", "2x", "40%") fold into "<num>"."""
    return "<num>" if _DIGIT.search(lower) and not _ALPHA.search(lower) else lower
