"""Time rdflib against pyoxigraph on a kg export: loading, and aggregate SPARQL queries.

Why kg query uses Oxigraph: this measures both engines on the same file and the same
queries (and checks they return the same rows).

Usage:
    python benchmarks/query_engines.py exports/kg.nt
    python benchmarks/query_engines.py exports/kg.ttl --repeat 5
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.query import PREFIXES, load_store

RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}
HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
QUERIES = {
    "top benchmarks": """
        SELECT ?benchmark (COUNT(DISTINCT ?subject) AS ?n) WHERE {
          ?st a kgo:Statement ; kgo:relation "EVALUATED_ON" ; rdf:subject ?subject ;
              rdf:object/skos:prefLabel ?benchmark .
        } GROUP BY ?benchmark ORDER BY DESC(?n) ?benchmark LIMIT 20""",
    "evidence per relation": """
        SELECT ?relation (COUNT(?ev) AS ?n) WHERE {
          ?st kgo:relation ?relation ; kgo:hasEvidence ?ev .
        } GROUP BY ?relation ORDER BY ?relation""",
    "mentions per type": """
        SELECT ?type (COUNT(*) AS ?n) WHERE {
          ?paper kgo:mentions|kgo:proposes ?entity . ?entity kgo:entityType ?type .
        } GROUP BY ?type ORDER BY ?type""",
}


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def best_of(repeat: int, action: Callable[[], list]) -> tuple[float, list]:
    """The fastest of REPEAT runs (the least disturbed by the rest of the machine) and its rows."""
    runs = [timed(action) for _ in range(repeat)]
    return min(seconds for seconds, _ in runs), runs[0][1]


def rdflib_rows(graph: Graph, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(term) for term in row) for row in graph.query(HEADER + query)]


def oxigraph_rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value for term in row) for row in store.query(HEADER + query)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="kg.nt, kg.ttl or kg.jsonld")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the best is kept")
    args = parser.parse_args()

    rdflib_load, graph = timed(lambda: Graph().parse(args.graph, format=RDFLIB_FORMATS[args.graph.suffix]))
    oxigraph_load, store = timed(lambda: load_store(args.graph))
    print(f"{args.graph}: {len(graph)} triples (best of {args.repeat} runs per query)\n")
    rows = [("load", rdflib_load, oxigraph_load)]
    for name, query in QUERIES.items():
        slow, expected = best_of(args.repeat, lambda: rdflib_rows(graph, query))
        fast, got = best_of(args.repeat, lambda: oxigraph_rows(store, query))
        if sorted(expected) != sorted(got):
            raise SystemExit(f"{name}: the engines disagree")
        rows.append((name, slow, fast))
    print(f"{'step':<24}{'rdflib':>12}{'pyoxigraph':>12}{'speedup':>10}")
    for name, slow, fast in rows:
        print(f"{name:<24}{slow * 1000:>10.1f}ms{fast * 1000:>10.1f}ms{slow / fast:>9.1f}x")


if __name__ == "__main__":
    main()
