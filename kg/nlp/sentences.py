"""A rule-based sentence splitter that survives "e.g.", "et al." and version numbers."""

from __future__ import annotations

import re
from bisect import bisect_left

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

# . ! ? then space then a capital, digit or opening quote/bracket (or a capital right after
# "word."); or any line break
_BOUNDARY = re.compile(r"""(?<=[.!?])[ \t]+(?=[A-Z0-9"'(\[“‘*])|(?<=[a-z0-9)][.!?])(?=[A-Z])|\s*\n\s*(?=\S)""")


@Language.component("kg_sentences")
def kg_sentences(doc: Doc) -> Doc:
    """Start a sentence after . ! ? before a capital, digit or quote, and after line breaks.

    A period that is part of a token (abbreviations such as "et al." and "e.g." are single
    tokens, see rules/tokenizer.yaml; "v1.5" and "Qwen2.5" hold their dots) never ends a
    sentence. Works on the text and token offsets with one regex pass: it runs on every
    token of every paper.
    """
    if not len(doc):
        return doc
    idx = doc.to_array([IDX]).tolist()
    starts = set(idx)
    marks = numpy.full((len(doc), 1), -1, dtype="int64")
    marks[0, 0] = 1
    text = doc.text
    for m in _BOUNDARY.finditer(text):
        if text[m.start() - 1] in ".!?" and m.start() - 1 not in starts and "\n" not in m.group():
            continue  # the period belongs to a longer token
        i = bisect_left(idx, m.end())
        if i < len(idx) and idx[i] == m.end():
            marks[i, 0] = 1
    return doc.from_array([SENT_START], marks.astype("uint64"))  # spaCy's array type; -1 wraps as it expects
