"""JSON Lines and JSON: objects with title, abstract (or text), optional id, url, date, authors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..paper import Paper
from .errors import InputError


def _paper(obj: Any, where: str) -> Paper:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    title = str(obj.get("title") or "").strip()
    body = obj.get("abstract")
    if body is None:
        body = obj.get("text") or ""
        # SCHEMA.md's text is "title, a blank line, then the abstract"
        if title and body.startswith(title):
            body = body[len(title):]
    if not title:
        raise InputError(f"{where}: record has no 'title'")
    authors = obj.get("authors") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(",") if a.strip()]
    return Paper(
        title=" ".join(title.split()), abstract=" ".join(str(body).split()),
        id=str(obj["id"]) if obj.get("id") not in (None, "") else "",
        url=obj.get("url"), date=str(obj["date"]) if obj.get("date") else None,
        authors=[str(a) for a in authors], sources=[where],
    )


def parse_jsonl(text: str, source: str) -> Iterator[Paper]:
    """One paper per non-blank line."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{source}:{n}: not valid JSON ({e.msg})") from None
        yield _paper(obj, f"{source}:{n}")


def parse_json(text: str, source: str) -> Iterator[Paper]:
    """A JSON array of papers, or an object holding one under "papers"."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{source}:{e.lineno}: not valid JSON ({e.msg})") from None
    if isinstance(data, dict):
        data = data.get("papers", [data])
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a list of papers")
    for i, obj in enumerate(data):
        yield _paper(obj, f"{source}#{i}")
