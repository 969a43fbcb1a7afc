"""``kg build``: records -> graph -> every export, written into one folder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .export.documents import write_documents
from .export.netx import write_graphml, write_node_link
from .export.rdf import write_rdf
from .graph import build_graph
from .progress import progress_bar


def build(records: Iterable[dict[str, Any]], total: int, out_dir: Path, base_iri: str, progress: bool = True) -> str:
    """Write documents.jsonl, kg.{ttl,nt,jsonld,graphml,json,html} and ontology.ttl; return a summary line."""
    from .export.html_map import write_html_map

    docs: list[dict[str, Any]] = list(progress_bar(records, total, "extracting", enabled=progress))
    docs.sort(key=lambda r: r["id"])
    write_documents(docs, out_dir / "documents.jsonl")
    g = build_graph(docs)
    stats = write_rdf(g, out_dir, base_iri)
    write_graphml(g, out_dir / "kg.graphml")
    write_node_link(g, out_dir / "kg.json")
    write_html_map(g, out_dir / "kg.html")
    kinds = [d["kind"] for _, d in g.nodes(data=True)]
    return (
        f"{kinds.count('paper')} papers, {kinds.count('entity')} entities, "
        f"{sum(1 for *_, k in g.edges(keys=True) if k.isupper())} relations, "
        f"{kinds.count('result')} results, {stats['triples']} triples -> {out_dir}/"
    )
