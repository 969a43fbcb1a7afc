"""Summary statistics of an RDF export, computed with SPARQL so they describe what was exported.

Counting from the export rather than from the in-memory graph means `kg stats` works on any
kg.ttl / kg.nt / kg.jsonld, including one built elsewhere or by an older version.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .graph import ENTITY_TYPES, RELATION_TYPES
from .query import load_store, select

COUNT_PAPERS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kgo:Paper }"
COUNT_RESULTS = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a kgo:EvaluationResult }"
ENTITIES_BY_TYPE = "SELECT ?key (COUNT(?e) AS ?n) WHERE { ?e kgo:entityType ?key } GROUP BY ?key"
STATEMENTS_BY_RELATION = """
SELECT ?key (COUNT(?st) AS ?n) WHERE { ?st a kgo:Statement ; kgo:relation ?key } GROUP BY ?key
"""
TOP_ENTITIES = """
SELECT ?n ?type ?label WHERE {{
  ?e kgo:paperCount ?n ; kgo:entityType ?type ; skos:prefLabel ?label .
}} ORDER BY DESC(?n) ?label LIMIT {top}
"""
TOP_RELATIONS = """
SELECT ?n ?relation ?head ?tail WHERE {{
  ?st a kgo:Statement ; kgo:supportCount ?n ; kgo:confidence ?confidence ; kgo:relation ?relation ;
      rdf:subject/skos:prefLabel ?head ; rdf:object/skos:prefLabel ?tail .
}} ORDER BY DESC(?n) DESC(?confidence) ?relation ?head ?tail LIMIT {top}
"""


def stats_text(graph: Path, top: int) -> str:
    """Counts by entity and relation type, then the TOP most mentioned entities and best-supported relations."""
    store = load_store(graph)
    entities = _counts(store, ENTITIES_BY_TYPE, ENTITY_TYPES)
    relations = _counts(store, STATEMENTS_BY_RELATION, RELATION_TYPES)
    summary = [["papers", str(_count(store, COUNT_PAPERS))], ["entities", str(sum(entities.values()))]]
    summary += [[f"  {key}", str(n)] for key, n in entities.items()]
    summary += [["relations", str(sum(relations.values()))]]
    summary += [[f"  {key}", str(n)] for key, n in relations.items()]
    summary += [["results", str(_count(store, COUNT_RESULTS))]]
    entity_rows = [[_value(r[k]) for k in ("n", "type", "label")] for r in select(store, TOP_ENTITIES.format(top=top))]
    relation_rows = [
        [_value(r["n"]), _value(r["relation"]), f"{_value(r['head'])} -> {_value(r['tail'])}"]
        for r in select(store, TOP_RELATIONS.format(top=top))
    ]
    return "\n".join([
        *_aligned(summary),
        "",
        f"Most mentioned entities (top {top})",
        *_aligned([["papers", "type", "entity"], *entity_rows], indent="  "),
        "",
        f"Best-supported relations (top {top})",
        *_aligned([["papers", "relation", "statement"], *relation_rows], indent="  "),
    ]) + "\n"


def _count(store: ox.Store, query: str) -> int:
    return int(select(store, query)[0]["n"].value)


def _counts(store: ox.Store, query: str, known: tuple[str, ...]) -> dict[str, int]:
    """Counts per key, every known key listed (zero when absent) before any unexpected one."""
    found = {r["key"].value: int(r["n"].value) for r in select(store, query)}
    return {key: found.get(key, 0) for key in [*known, *sorted(set(found) - set(known))]}


def _value(term: ox.NamedNode | ox.Literal | None) -> str:
    return "" if term is None else term.value


def _aligned(rows: list[list[str]], indent: str = "") -> list[str]:
    """Rows as lines with left-aligned columns, two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [(indent + "  ".join(c.ljust(w) for c, w in zip(row, widths))).rstrip() for row in rows]
