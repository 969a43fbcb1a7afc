"""Token strings of a whole Doc at once: creating one Token object per token is costly in hot loops."""

from __future__ import annotations

from spacy.attrs import ORTH
from spacy.tokens import Doc


def token_strings(doc: Doc, attr: int = ORTH) -> list[str]:
    """The ATTR string of every token of DOC (ORTH: its text, LOWER: lower-cased), from the token hashes."""
    strings = doc.vocab.strings
    return [strings[h] for h in doc.to_array(attr).tolist()]
