"""The Paper record that ingest produces and every later stage consumes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

_ARXIV_ID = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")


def normalize_title(title: str) -> str:
    """Lower case, alphanumerics only, single spaces: the same paper typed twice matches."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", title.lower()).split())


def title_id(title: str) -> str:
    """A stable id for a paper without an arXiv id: a short hash of its normalized title."""
    return hashlib.sha1(normalize_title(title).encode("utf-8")).hexdigest()[:12]


def find_arxiv_id(*texts: str | None) -> str | None:
    """The first new-style arXiv id (2401.06066) found in a URL or text."""
    for text in texts:
        if text:
            m = _ARXIV_ID.search(text)
            if m:
                return m.group(1)
    return None


@dataclass
class Paper:
    """One paper: title and abstract plus where it was found."""

    title: str
    abstract: str
    id: str = ""
    url: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = find_arxiv_id(self.url) or title_id(self.title)

    @property
    def text(self) -> str:
        """The document as SCHEMA.md feeds it to the extractor: title, blank line, abstract."""
        return f"{self.title}\n\n{self.abstract}" if self.abstract else self.title

    def merge(self, other: Paper) -> None:
        """Fold a second sighting of the same paper into this one, keeping every source."""
        for src in other.sources:
            if src not in self.sources:
                self.sources.append(src)
        if len(other.abstract) > len(self.abstract):
            self.abstract = other.abstract
        self.url = self.url or other.url
        self.date = self.date or other.date
        self.authors = self.authors or other.authors
