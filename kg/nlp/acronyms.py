"""Acronym definitions, Schwartz & Hearst (2003) style: "Mixture-of-Experts (MoE)" is one entity."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from spacy.tokens import Doc, Span

from ..rules import head_types, load_yaml


class _Cand(Protocol):
    start: int
    end: int
    label: str
    source: str


def _is_acronym(text: str) -> bool:
    core = text[:-1] if text.endswith("s") and text[:-1].isupper() else text
    letters = [c for c in core if c.isalpha()]
    return (
        2 <= len(core) <= 10
        and core[0].isalnum()
        and len(letters) >= 2
        and sum(c.isupper() for c in core) >= 2
        and " " not in core
    )


def long_form_start(short: str, long: str) -> int | None:
    """Character offset in LONG where the long form of SHORT begins, or None (S&H algorithm)."""
    s, l = len(short) - 1, len(long) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while l >= 0 and (long[l].lower() != c or (s == 0 and l > 0 and long[l - 1].isalnum())):
            l -= 1
        if l < 0:
            return None
        l -= 1
        s -= 1
    return max(long.rfind(" ", 0, l + 1) + 1, 0)


def _head_label(long: Span, heads: dict[str, str], default: str) -> str:
    last = long[-1].lower_
    return heads.get(last) or heads.get(last.rstrip("s")) or default


def find_acronyms(doc: Doc, words: list[str], cands: Iterable[_Cand], broad: set[str]) -> Iterator[tuple[Span, Span, str]]:
    """Yield (long form, acronym, label) for each "Long Form (ACR)" definition in DOC (token texts WORDS)."""
    cfg = load_yaml("acronyms.yaml")
    heads = head_types()
    cands = list(cands)
    for i in range(len(words) - 2):
        if words[i] != "(" or words[i + 2] != ")" or not _is_acronym(words[i + 1]):
            continue
        tok = doc[i]
        short = doc[tok.i + 1: tok.i + 2]
        core = short.text[:-1] if short.text.endswith("s") and short.text[:-1].isupper() else short.text
        sent_start = tok.sent.start
        window_start = max(sent_start, tok.i - min(len(core) + 5, 2 * len(core)) - 4)
        window = doc[window_start: tok.i]
        if not window.text:
            continue
        offset = long_form_start(core, window.text)
        if offset is None:
            continue
        char = window.start_char + offset
        first = next((t.i for t in window if t.idx >= char), None)
        if first is None:
            continue
        long = doc[first: tok.i]
        if not long or long[0].is_punct or long[0].lower_ in ("the", "a", "an", "of", "and", "our") or core.lower() in long.text.lower():
            continue
        if long.text.lower() in broad or long.text.lower().rstrip("s") in broad:
            continue
        exact = [c for c in cands if (c.start, c.end) in ((long.start, long.end), (short.start, short.end))]
        known = sorted(exact, key=lambda c: c.source == "ner")  # a rule's type first, then the model's
        label = known[0].label if known else _head_label(long, heads, cfg["default"])
        yield long, short, label
