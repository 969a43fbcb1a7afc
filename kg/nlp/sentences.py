"""A rule-based sentence splitter that survives "e.g.", "et al." and version numbers."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_ENDERS = {".", "!", "?"}
_OPENERS = {'"', "'", "(", "[", "“", "‘", "*"}


@Language.component("kg_sentences")
def kg_sentences(doc: Doc) -> Doc:
    """Start a sentence after . ! ? before a capital, digit or quote, and after line breaks.

    Abbreviations are single tokens (see rules/tokenizer.yaml), so "et al." and "e.g."
    never look like sentence ends; "v1.5" and "Qwen2.5" have no standalone period.
    One pass over plain strings: this runs on every token of every paper.
    """
    words = [t.text for t in doc]
    spaces = [t.whitespace_ for t in doc]
    starts = [False] * len(words)
    for i, word in enumerate(words):
        if i == 0:
            starts[i] = True
            continue
        prev = words[i - 1]
        first = word[:1]
        starts[i] = (
            ("\n" in prev and not prev.strip())
            or ("\n" in spaces[i - 1] and prev not in _OPENERS)
            or (prev in _ENDERS and (first.isupper() or first.isdigit() or first in _OPENERS))
        )
    for tok, start in zip(doc, starts):
        tok.is_sent_start = start
    return doc
