"""Run the pipeline over a stream of papers and yield one SCHEMA record per paper."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language

from .paper import Paper


def paper_record(paper: Paper, extraction: dict[str, Any]) -> dict[str, Any]:
    """A SCHEMA.md record: the paper's id, title and text, its metadata and what was extracted."""
    return {
        "id": paper.id,
        "title": paper.title,
        "text": paper.text,
        "url": paper.url,
        "date": paper.date,
        "authors": paper.authors,
        "sources": paper.sources,
        **extraction,
    }


def extract(
    papers: Iterable[Paper], nlp: Language, n_process: int = 1, batch_size: int = 32
) -> Iterator[dict[str, Any]]:
    """Stream papers through ``nlp.pipe`` (batched, optionally on several cores), in input order."""
    pairs = ((p.text, p) for p in papers)
    for doc, paper in nlp.pipe(pairs, as_tuples=True, n_process=n_process, batch_size=batch_size):
        yield paper_record(paper, doc._.kg_record)
