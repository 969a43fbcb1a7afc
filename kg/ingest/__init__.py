"""Read papers from files, folders and stdin, whatever their format, merged one paper per id."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..paper import Paper
from .errors import InputError
from .html import parse_html
from .jsonl import parse_json, parse_jsonl
from .text import parse_text

__all__ = ["InputError", "read_papers", "iter_papers", "detect_format"]

log = logging.getLogger("kg.ingest")
PARSERS = {"html": parse_html, "jsonl": parse_jsonl, "json": parse_json, "text": parse_text}
_SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".pdf", ".zip", ".gz", ".ttl", ".nt", ".jsonld", ".graphml"}


def detect_format(text: str, name: str = "") -> str:
    """The format of TEXT from its content first, the file name second."""
    head = text.lstrip()[:2000].lower()
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        try:
            json.loads(text.lstrip().split("\n", 1)[0])
            return "jsonl"
        except ValueError:
            return "json"
    if head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head or "<article" in head:
        return "html"
    return "text"


def _files(inputs: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(source name, text) for every input: a file, a folder (recursively, sorted) or '-' for stdin."""
    for item in inputs:
        if item == "-":
            yield "<stdin>", sys.stdin.read()
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in _SKIP_SUFFIXES)
        elif path.is_file():
            files = [path]
        else:
            raise InputError(f"{item}: no such file or folder")
        for f in files:
            try:
                yield str(f), f.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{f}: not UTF-8 text") from None
            except OSError as e:
                raise InputError(f"{f}: cannot read ({e.strerror})") from None


def iter_papers(inputs: Iterable[str]) -> Iterator[Paper]:
    """Every paper record of every input, unmerged, in input order."""
    for name, text in _files(inputs):
        fmt = detect_format(text, name)
        n = 0
        for paper in PARSERS[fmt](text, name):
            n += 1
            yield paper
        if n == 0:
            log.warning("%s: no papers found (read as %s)", name, fmt)


def read_papers(inputs: Iterable[str]) -> list[Paper]:
    """The papers of INPUTS, one per id, each keeping every source it was found in."""
    merged: dict[str, Paper] = {}
    for paper in iter_papers(inputs):
        if paper.id in merged:
            merged[paper.id].merge(paper)
        else:
            merged[paper.id] = paper
    return list(merged.values())
