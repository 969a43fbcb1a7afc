"""Read papers from files, folders and stdin, whatever their format, merged one paper per id."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..paper import Paper, normalize_title, title_id
from .errors import InputError
from .html import parse_html
from .jsonl import parse_json, parse_jsonl
from .text import parse_text

__all__ = ["InputError", "read_papers", "iter_papers", "detect_format"]

log = logging.getLogger("kg.ingest")
PARSERS = {"html": parse_html, "jsonl": parse_jsonl, "json": parse_json, "text": parse_text}
_SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".pdf", ".zip", ".gz", ".ttl", ".nt", ".jsonld", ".graphml"}
_HTML_TAG = re.compile(r"<(!doctype\s+html|html|head|body|article|meta|title)\b")


def detect_format(text: str, name: str = "") -> str:
    """The format of TEXT from its content first; NAME's extension only breaks a tie for markup."""
    head = text.lstrip("\ufeff \t\r\n")[:4000].lower()
    if re.match(r"\[\s*[{\]]", head):  # an array of objects; "[2401.06066] Title" stays text
        return "json"
    if head.startswith("{"):
        try:
            json.loads(text.lstrip("\ufeff \t\r\n").split("\n", 1)[0])
            return "jsonl"
        except ValueError:
            return "json"
    if head.startswith("<") and (_HTML_TAG.search(head) or name.lower().endswith((".html", ".htm"))):
        return "html"
    return "text"


def _decode(data: bytes, name: str) -> str:
    """DATA as UTF-8 text (a leading BOM dropped), or an InputError naming the bad line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(f"{name}:{line}: not UTF-8 text (byte 0x{data[e.start]:02x})") from None


def _folder_files(folder: Path) -> list[Path]:
    """The readable-looking files under FOLDER, recursively, sorted; hidden files and folders skipped."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.suffix.lower() not in _SKIP_SUFFIXES
    )


def _read(path: Path) -> str:
    try:
        return _decode(path.read_bytes(), str(path))
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None


def _stdin() -> str:
    buffer = getattr(sys.stdin, "buffer", None)
    return _decode(buffer.read(), "<stdin>") if buffer is not None else sys.stdin.read()


def _files(inputs: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(source name, text) for every input: a file, a folder (recursively, sorted) or '-' for stdin."""
    for item in inputs:
        if item == "-":
            yield "<stdin>", _stdin()
            continue
        path = Path(item)
        if path.is_dir():
            files = _folder_files(path)
            if not files:
                log.warning("%s: folder holds no input files", item)
        elif path.exists():
            files = [path]
        else:
            raise InputError(f"{item}: no such file or folder")
        for f in files:
            yield str(f), _read(f)


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


def _has_own_id(paper: Paper) -> bool:
    """True when the paper's id came from its source (JSON id, arXiv id), not from its title."""
    return paper.id != title_id(paper.title)


def read_papers(inputs: Iterable[str]) -> list[Paper]:
    """The papers of INPUTS, one per id, each keeping every source it was found in.

    Two sightings are one paper when their ids agree, or when their titles agree and at
    least one of them has only a title-derived id (a text dump and an arXiv page of the
    same paper); the merged paper keeps the real id.
    """
    papers: list[Paper] = []
    by_id: dict[str, Paper] = {}
    by_title: dict[str, Paper] = {}
    for paper in iter_papers(inputs):
        key = normalize_title(paper.title)
        same = by_id.get(paper.id)
        if same is None and key in by_title:
            candidate = by_title[key]
            if not (_has_own_id(candidate) and _has_own_id(paper)):
                same = candidate
        if same is None:
            papers.append(paper)
            by_id[paper.id] = paper
            by_title.setdefault(key, paper)
            continue
        same.merge(paper)
        if _has_own_id(paper) and not _has_own_id(same):
            same.id = paper.id
            by_id[paper.id] = same
    return papers
