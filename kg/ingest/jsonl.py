"""JSON Lines and JSON: objects with title, abstract (or text), optional id, url, date, authors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..paper import Paper, normalize_title
from .errors import InputError


def _string(obj: dict[str, Any], key: str, where: str) -> str | None:
    """OBJ[KEY] as a string (numbers allowed), None when absent or empty."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"{where}: '{key}' should be a string, got {type(value).__name__}")
    return str(value)


def _abstract_from_text(title: str, text: str) -> str:
    """The abstract inside a SCHEMA.md text ("title, a blank line, then the abstract")."""
    head, sep, rest = text.strip().partition("\n\n")
    if sep and normalize_title(head) == normalize_title(title):
        return rest
    return text[len(title):] if text.startswith(title) else text


def _authors(obj: dict[str, Any], where: str) -> list[str]:
    authors = obj.get("authors") or []
    if isinstance(authors, str):
        return [a.strip() for a in authors.split(",") if a.strip()]
    if not isinstance(authors, list):
        raise InputError(f"{where}: 'authors' should be a list or a string, got {type(authors).__name__}")
    return [str(a.get("name", "") if isinstance(a, dict) else a).strip() for a in authors if a]


def _paper(obj: Any, where: str) -> Paper:
    """The Paper of one JSON object; WHERE names the file and line (or record) for errors."""
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    title = " ".join((_string(obj, "title", where) or "").split())
    if not title:
        raise InputError(f"{where}: record has no 'title'")
    abstract = _string(obj, "abstract", where)
    if abstract is None:
        abstract = _abstract_from_text(title, _string(obj, "text", where) or "")
    return Paper(
        title=title,
        abstract=" ".join(abstract.split()),
        id=_string(obj, "id", where) or "",
        url=_string(obj, "url", where),
        date=_string(obj, "date", where),
        authors=_authors(obj, where),
        sources=[where],
    )


def parse_jsonl(text: str, source: str) -> Iterator[Paper]:
    """One paper per non-blank line (lines split on newlines only, as JSON Lines defines)."""
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{source}:{n}: not valid JSON ({e.msg} at column {e.colno})") from None
        yield _paper(obj, f"{source}:{n}")


def parse_json(text: str, source: str) -> Iterator[Paper]:
    """A JSON array of papers, or an object holding one under "papers", or a single paper object."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{source}:{e.lineno}: not valid JSON ({e.msg} at column {e.colno})") from None
    if isinstance(data, dict):
        data = data.get("papers", [data])
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a list of papers, got {type(data).__name__}")
    for i, obj in enumerate(data, 1):
        yield _paper(obj, f"{source}: record {i}")
