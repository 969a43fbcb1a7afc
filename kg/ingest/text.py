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
    after_break: bool  # a blank or noise line, or the start of the file, comes before it


@dataclass
class _Noise:
    lines: set[str]
    prefixes: list[str]
    regexes: list[re.Pattern[str]]

    @classmethod
    def load(cls) -> _Noise:
        cfg = load_yaml("ingest.yaml")
        return cls(
            lines={s.lower() for s in cfg["noise_lines"]},
            prefixes=sorted(cfg["noise_prefixes"], key=len, reverse=True),
            regexes=[re.compile(r, re.IGNORECASE) for r in cfg["noise_regex"]],
        )

    def strip(self, line: str) -> str:
        """LINE without glued noise ("SubscribeDeepSeek-Coder: ..." -> "DeepSeek-Coder: ...")."""
        for p in self.prefixes:
            rest = line[len(p):]
            if line.startswith(p) and rest and not rest[0].islower():
                line = rest.lstrip()
        return line

    def is_noise(self, line: str) -> bool:
        return line.lower() in self.lines or any(r.match(line) for r in self.regexes)


def _clean_lines(text: str) -> list[_Line]:
    """The content lines of TEXT, whitespace-normalized, page noise removed."""
    noise = _Noise.load()
    out: list[_Line] = []
    after_break = True
    for n, raw in enumerate(text.split("\n"), 1):  # numbered as editors number lines
        line = noise.strip(" ".join(raw.split()))
        if not line or noise.is_noise(line):
            after_break = True
            continue
        out.append(_Line(n, line, after_break))
        after_break = False
    return out


def parse_text(text: str, source: str) -> Iterator[Paper]:
    """Yield the whole title/abstract records of one text listing."""
    cfg = load_yaml("ingest.yaml")
    max_title, min_abstract = cfg["title_max_chars"], cfg["abstract_min_chars"]

    def is_title(line: _Line) -> bool:
        return len(line.text) <= max_title and not line.text.endswith(".")

    def ends_paragraph(line: _Line) -> bool:
        # a line longer than any title is a whole unwrapped paragraph, whatever its last character
        return bool(_SENTENCE_END.search(line.text)) or len(line.text) > max_title

    lines = _clean_lines(text)

    def continues_sentence(i: int) -> bool:
        """Line I goes on with the sentence of the line before it (a wrapped line)."""
        return i < len(lines) and not lines[i].after_break and lines[i].text[0].islower()

    def starts_abstract(i: int) -> bool:
        """Line I can open an abstract: not a title, or the first line of a wrapped paragraph."""
        return (
            i < len(lines)
            and not continues_sentence(i)
            and (not is_title(lines[i]) or (lines[i].after_break and continues_sentence(i + 1)))
        )

    title: _Line | None = None
    body: list[_Line] = []
    for i, line in enumerate(lines):
        starts_record = (
            is_title(line)
            and starts_abstract(i + 1)
            and (not body or line.after_break or ends_paragraph(body[-1]))
        )
        if starts_record:
            yield from _record(title, body, source, min_abstract, at_end=False)
            title, body = line, []
        elif title is None and not body and is_title(line):
            log.warning("%s:%d: title-like line without an abstract, skipped: %.60s", source, line.number, line.text)
        else:
            body.append(line)
    yield from _record(title, body, source, min_abstract, at_end=True)


def _record(title: _Line | None, body: list[_Line], source: str, min_abstract: int, at_end: bool) -> Iterator[Paper]:
    """The paper TITLE and BODY make, if whole; otherwise a warning saying why it is skipped."""
    if title is None:
        if body:
            log.warning("%s:%d: text without a title (a record cut at the top?), skipped", source, body[0].number)
        return
    abstract = " ".join(b.text for b in body)
    if len(abstract) < min_abstract:
        log.warning("%s:%d: title without an abstract, skipped: %.60s", source, title.number, title.text)
    elif at_end and not _SENTENCE_END.search(abstract):
        log.warning("%s:%d: record cut at the end of the file, skipped: %.60s", source, title.number, title.text)
    else:
        yield Paper(title=title.text, abstract=abstract, sources=[f"{source}:{title.number}"])
