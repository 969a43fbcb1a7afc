"""Shape patterns (rules/patterns.yaml) matched over token strings, with per-word caching.

The patterns use a small subset of spaCy's Matcher syntax (TEXT or LOWER, each with a
string, REGEX or IN; OP "?" or "+"). spaCy's Matcher re-runs every REGEX on every token;
here each test runs once per distinct word, which makes shape matching about ten times
cheaper on abstracts, where words repeat.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any


class TokenTest:
    """One token spec: which string of the token to test, how, and how often it may repeat."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.op = spec.get("OP", "")
        if self.op not in ("", "?", "+"):
            raise ValueError(f"patterns.yaml: unsupported OP {self.op!r}")
        (attr, cond), = [(k, v) for k, v in spec.items() if k != "OP"]
        if attr not in ("TEXT", "LOWER"):
            raise ValueError(f"patterns.yaml: unsupported attribute {attr!r}")
        self.lower = attr == "LOWER"
        self.test = self._compile(cond)
        self.cache: dict[str, bool] = {}

    @staticmethod
    def _compile(cond: Any) -> Callable[[str], bool]:
        if isinstance(cond, str):
            return cond.__eq__
        if "REGEX" in cond:
            rx = re.compile(cond["REGEX"])
            return lambda s: rx.search(s) is not None
        if "IN" in cond:
            return frozenset(map(str, cond["IN"])).__contains__
        raise ValueError(f"patterns.yaml: unsupported condition {cond!r}")

    def __call__(self, word: str) -> bool:
        if self.lower:
            word = word.lower()
        hit = self.cache.get(word)
        if hit is None:
            hit = self.cache[word] = self.test(word)
        return hit


class ShapeMatcher:
    """Yield (start, end, label, rule id) for the longest match of each pattern at each token."""

    def __init__(self, patterns: list[dict[str, Any]]) -> None:
        self.rules = [(p["id"], p["label"], [TokenTest(s) for s in p["pattern"]]) for p in patterns]
        # a match must start with one of the tests up to the first required one
        self.openers = [
            tests[: next((j for j, t in enumerate(tests) if t.op != "?"), len(tests) - 1) + 1]
            for _, _, tests in self.rules
        ]
        self.starts: dict[str, tuple[int, ...]] = {}

    def _rules_starting_at(self, word: str) -> tuple[int, ...]:
        """Indices of the rules that may start at WORD, computed once per distinct word."""
        hit = self.starts.get(word)
        if hit is None:
            hit = self.starts[word] = tuple(r for r, tests in enumerate(self.openers) if any(t(word) for t in tests))
        return hit

    @staticmethod
    def _ends(tests: list[TokenTest], words: list[str], i: int) -> Iterator[int]:
        """Every end position where TESTS match WORDS from position I (greedy first)."""
        if not tests:
            yield i
            return
        head, rest = tests[0], tests[1:]
        if head.op == "+":
            j = i
            while j < len(words) and head(words[j]):
                j += 1
            for k in range(j, i, -1):
                yield from ShapeMatcher._ends(rest, words, k)
            return
        if i < len(words) and head(words[i]):
            yield from ShapeMatcher._ends(rest, words, i + 1)
        if head.op == "?":
            yield from ShapeMatcher._ends(rest, words, i)

    def __call__(self, words: list[str]) -> Iterator[tuple[int, int, str, str]]:
        for i, word in enumerate(words):
            for r in self._rules_starting_at(word):
                rid, label, tests = self.rules[r]
                end = max(self._ends(tests, words, i), default=i)
                if end > i:
                    yield i, end, label, rid
