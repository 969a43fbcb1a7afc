"""Plain-text paper listings: Hugging Face papers pages saved as text, or any title/abstract dump.

Two layouts occur: a title, a blank line, then the abstract; or a title line directly
followed by its abstract. Page noise (buttons, dates, banners) is dropped. A fragment
at the top of a file (an abstract without its title) or a record cut at the end is
reported and skipped: only whole records are kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..paper import Paper
from ..rules import load_yaml

log = logging.getLogger("kg.ingest")

_SENTENCE_END = re.compile(r"""[.!?)\]"'”’]\s*$|https?://\S+$""")


@dataclass
class _Line:
    number: int
    text: str


def _noise() -> tuple[set[str], list[str], list[re.Pattern[str]]]:
    cfg = load_yaml("ingest.yaml")
    lines = {s.lower() for s in cfg["noise_lines"]}
    prefixes = sorted(cfg["noise_prefixes"], key=len, reverse=True)
    regexes = [re.compile(r, re.IGNORECASE) for r in cfg["noise_regex"]]
    return lines, prefixes, regexes


def _clean_lines(text: str) -> list[_Line | None]:
    """Content lines with noise removed; None marks a paragraph break."""
    noise_lines, prefixes, regexes = _noise()
    out: list[_Line | None] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = " ".join(raw.split())
        for p in prefixes:
            if line.startswith(p) and len(line) > len(p):
                line = line[len(p):].lstrip()
        if not line or line.lower() in noise_lines or any(r.match(line) for r in regexes):
            if out and out[-1] is not None:
                out.append(None)
            continue
        out.append(_Line(n, line))
    return out


def _is_title(line: _Line, max_chars: int) -> bool:
    return len(line.text) <= max_chars and not line.text.endswith(".")


def parse_text(text: str, source: str) -> Iterator[Paper]:
    """Yield the whole title/abstract records of one text listing."""
    cfg = load_yaml("ingest.yaml")
    max_title, min_abstract = cfg["title_max_chars"], cfg["abstract_min_chars"]
    lines = _clean_lines(text)
    title: _Line | None = None
    body: list[_Line] = []

    def flush(at_end: bool) -> Iterator[Paper]:
        if title is None:
            if body:
                log.warning("%s:%d: text without a title (a record cut at the top?), skipped", source, body[0].number)
            return
        abstract = " ".join(b.text for b in body)
        if len(abstract) < min_abstract:
            log.warning("%s:%d: title without an abstract, skipped: %.60s", source, title.number, title.text)
            return
        if at_end and not _SENTENCE_END.search(abstract):
            log.warning("%s:%d: record cut at the end of the file, skipped: %.60s", source, title.number, title.text)
            return
        yield Paper(title=title.text, abstract=abstract, sources=[f"{source}:{title.number}"])

    for i, line in enumerate(lines):
        if line is None:
            continue
        nxt = next((x for x in lines[i + 1:] if x is not None), None)
        starts_record = (
            _is_title(line, max_title)
            and nxt is not None
            and not _is_title(nxt, max_title)
            and (not body or _SENTENCE_END.search(body[-1].text) or lines[i - 1] is None)
        )
        if starts_record or (title is None and not body and _is_title(line, max_title)):
            yield from flush(at_end=False)
            title, body = line, []
            if not starts_record:  # a lone title-like line with no abstract behind it
                yield from flush(at_end=False)
                title = None
        else:
            body.append(line)
    yield from flush(at_end=True)
