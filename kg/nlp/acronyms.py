"""Acronym definitions: "Mixture-of-Experts (MoE)" is one entity.

The long form is found by word initials first ("Proximal Policy Optimization (PPO)",
"Language Instructed Temporal-Localization Assistant (LITA)", "Dynamic Discriminative
Operations (D2O)"), then by Schwartz & Hearst's (2003) character match, which finds long
forms whose letters are not initials ("Low-Rank Adaptation (LoRA)") but stops short when a
letter repeats ("Policy Optimization").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
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


_PIECES = re.compile(r"[A-Z][a-z]+|[a-z]+|[A-Z]+(?![a-z])|\d+")
_MAX_PARTS = 40  # a long form is read from at most this many word pieces before "(ACR)"


@dataclass(frozen=True)
class _Part:
    """A word, or a piece of one: a camel hump ("Mixer" in "MambaMixer") or a hyphen part."""
    text: str
    token: int  # index of its token among the words before the parenthesis
    joined: bool  # continues a word, so it may be passed over without a letter


def _parts(words: list[str]) -> list[_Part]:
    """The parts of the words after the last punctuation mark (a hyphen joins, it does not stop)."""
    start = next((i + 1 for i in range(len(words) - 1, -1, -1) if not words[i][:1].isalnum() and words[i] != "-"), 0)
    parts = []
    for i in range(start, len(words)):
        if words[i] != "-":
            for k, piece in enumerate(_PIECES.findall(words[i]) or [words[i]]):
                parts.append(_Part(piece, i, k > 0 or (i > 0 and words[i - 1] == "-")))
    return parts


def _spellings(core: str, digit_words: dict[str, list[str]]) -> list[list[str]]:
    """The sequences of word beginnings CORE may spell: its letters one by one, then for a
    mixed-case acronym its capitalized chunks ("TempMe": temp, me); a digit stands for a word
    ("2": to) or repeats the unit before it ("D2O": d, d, o)."""
    def spell(chunks: list[str]) -> list[list[str]]:
        out: list[list[str]] = [[]]
        for c in chunks:
            if c.isdigit():
                repeat = [u + [u[-1]] * (int(c) - 1) for u in out if u and 2 <= int(c) <= 4]
                out = [u + [w] for u in out for w in digit_words.get(c, [])] + repeat
            else:
                out = [u + [c.lower()] for u in out]
        return [u for u in out if u]

    spellings = spell([c for c in core if c.isalnum()])
    chunks = re.findall(r"[A-Z]?[a-z]+|[A-Z]|\d", core)
    if any(len(c) > 1 for c in chunks):
        spellings += spell(chunks)
    return spellings


def initials_start(short: str, words: list[str], function_words: set[str],
                   digit_words: dict[str, list[str]]) -> int | None:
    """Index in WORDS (the tokens before "(SHORT)") where a long form begins whose word initials
    spell SHORT, or None. Function words and the later parts of a word may go without a letter."""
    parts = _parts(words)[-_MAX_PARTS:]
    if not parts or parts[-1].text.lower() in function_words:
        return None
    lows = [p.text.lower() for p in parts]
    for units in _spellings(short, digit_words):

        @cache
        def match(u: int, p: int) -> int | None:
            """Where units[:u + 1] begin when spelled by parts[:p + 1] (memoized: each (u, p) once)."""
            if p < 0:
                return None
            if lows[p].startswith(units[u]):
                if u == 0 and not parts[p].joined and lows[p] not in function_words:
                    return parts[p].token
                found = match(u - 1, p - 1) if u > 0 else None
                if found is not None:
                    return found
            return match(u, p - 1) if parts[p].joined or lows[p] in function_words else None

        found = match(len(units) - 1, len(parts) - 1)
        if found is not None:
            return found
    return None


def _head_label(long: Span, heads: dict[str, str], default: str) -> str:
    last = long[-1].lower_
    return heads.get(last) or heads.get(last.rstrip("s")) or default


def find_acronyms(doc: Doc, words: list[str], cands: Iterable[_Cand], broad: set[str]) -> Iterator[tuple[Span, Span, str]]:
    """Yield (long form, acronym, label) for each "Long Form (ACR)" definition in DOC (token texts WORDS)."""
    cfg = load_yaml("acronyms.yaml")
    function_words = set(cfg["function_words"])
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
        initial = initials_start(core, words[window_start: i], function_words, cfg["digit_words"])
        if initial is not None:
            first: int | None = window.start + initial
        else:
            offset = long_form_start(core, window.text)
            if offset is None:
                continue
            char = window.start_char + offset
            first = next((t.i for t in window if t.idx >= char), None)
        if first is None:
            continue
        long = doc[first: tok.i]
        if not long or long[0].is_punct or long[0].lower_ in ("the", "a", "an", "of", "and", "our") or core.lower() in {t.lower_ for t in long}:
            continue
        if long.text.lower() in broad or long.text.lower().rstrip("s") in broad:
            continue
        exact = [c for c in cands if (c.start, c.end) in ((long.start, long.end), (short.start, short.end))]
        known = sorted(exact, key=lambda c: c.source == "ner")  # a rule's type first, then the model's
        label = known[0].label if known else _head_label(long, heads, cfg["default"])
        yield long, short, label
