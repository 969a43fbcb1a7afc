"""A rule-based sentence splitter that survives "e.g.", "et al." and version numbers."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_ENDERS = {".", "!", "?"}
_OPENERS = {'"', "'", "(", "[", "“", "‘", "*"}


@Language.component("kg_sentences")
def kg_sentences(doc: Doc) -> Doc:
    """Start a sentence after . ! ? before a capital, digit or quote, and after blank lines.

    Abbreviations are single tokens (see rules/tokenizer.yaml), so "et al." and "e.g."
    never look like sentence ends; "v1.5" and "Qwen2.5" have no standalone period.
    """
    for i, tok in enumerate(doc):
        if i == 0:
            tok.is_sent_start = True
            continue
        prev = doc[i - 1]
        if prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
        elif "\n" in prev.whitespace_ and prev.text not in _OPENERS:
            tok.is_sent_start = True
        elif prev.text in _ENDERS and (tok.text[:1].isupper() or tok.text[:1].isdigit() or tok.text[:1] in _OPENERS):
            tok.is_sent_start = True
        else:
            tok.is_sent_start = False
    return doc
