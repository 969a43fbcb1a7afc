"""Read-only SPARQL over an RDF export, with Oxigraph as the engine.

Oxigraph loads the corpus export over 10x faster than rdflib and answers aggregate queries
25-45x faster (see ``benchmarks/query_engines.py``), and it parses all three export formats
(Turtle, N-Triples, JSON-LD) natively. The common prefixes are predeclared so one-line
queries stay short; a PREFIX the query declares itself wins.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import pyoxigraph as ox

PREFIXES = {
    "kgo": "https://w3id.org/kg/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
DEFAULT_BASE = "https://w3id.org/kg/"
FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD}
OUTPUT_FORMATS = ("table", "csv", "json")
_XSD = PREFIXES["xsd"]
_INTEGER_TYPES = {_XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
)}
_FLOAT_TYPES = {_XSD + t for t in ("decimal", "double", "float")}
_PROLOGUE = r"(?:\s|#[^\n]*(?:\n|$)|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*"
_UPDATE = re.compile(_PROLOGUE + r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_DECLARED = re.compile(r"PREFIX\s+([^\s:]*):\s*<([^>]*)>", re.I)


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QueryError(Exception):
    """A query that cannot run: bad graph file, bad SPARQL, an update, an unknown format."""


def load_store(path: Path) -> ox.Store:
    """A fresh in-memory store holding the export at PATH (format from its extension)."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"{path}: unsupported graph format (expected {', '.join(FORMATS)})")
    if not path.is_file():
        raise QueryError(f"{path}: graph file not found (run `kg build` first)")
    store = ox.Store()
    try:
        store.load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as e:
        raise QueryError(f"{path}: cannot parse graph: {_one_line(e)}") from None
    return store


def select(store: ox.Store, query: str) -> list[dict[str, Term | None]]:
    """Rows of a SELECT query as variable -> term dicts (None when unbound)."""
    result = _execute(store, query)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names, rows = _solutions(result)
    return [dict(zip(names, row)) for row in rows]


def run_query(graph: Path, query: str, fmt: str) -> str:
    """Run QUERY (SPARQL text or a .rq file) over the export GRAPH and render it as FMT.

    table shortens IRIs with the known prefixes (and those the query declares) for reading;
    csv and json keep full IRIs for programs.
    """
    if fmt not in OUTPUT_FORMATS:
        raise QueryError(f"unknown format {fmt!r} (expected {', '.join(OUTPUT_FORMATS)})")
    text = read_query(query)
    result = _execute(load_store(graph), text)
    if isinstance(result, ox.QueryBoolean):
        return "true\n" if bool(result) else "false\n"
    if isinstance(result, ox.QueryTriples):
        lines = result.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines()
        return "".join(line + "\n" for line in sorted(set(lines)))
    names, rows = _solutions(result)
    if fmt == "csv":
        return _csv(names, rows)
    if fmt == "json":
        return _json(names, rows)
    return _table(names, rows, {"kg": DEFAULT_BASE, **PREFIXES, **dict(_DECLARED.findall(text))})


def read_query(query: str) -> str:
    """The SPARQL text: QUERY itself, or the content of the .rq/.sparql file it names."""
    if query.strip().lower().endswith((".rq", ".sparql")):
        path = Path(query.strip())
        if not path.is_file():
            raise QueryError(f"{path}: query file not found")
        return path.read_text(encoding="utf-8")
    return query


def _execute(store: ox.Store, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Parse and start QUERY with the default prefixes; updates are refused before parsing."""
    update = _UPDATE.match(query)
    if update:
        raise QueryError(f"read-only: {update.group(1).upper()} updates are not allowed, only SELECT, ASK, CONSTRUCT and DESCRIBE")
    try:
        return store.query(query, prefixes=PREFIXES)
    except SyntaxError as e:
        raise QueryError(f"SPARQL syntax error: {_one_line(e)}") from None
    except (ValueError, OSError) as e:
        raise QueryError(f"query failed: {_one_line(e)}") from None


def _solutions(result: ox.QuerySolutions) -> tuple[list[str], list[list[Term | None]]]:
    """Variable names and rows; evaluation is lazy, so its errors surface here."""
    try:
        return [v.value for v in result.variables], [list(solution) for solution in result]
    except (SyntaxError, ValueError, OSError) as e:
        raise QueryError(f"query failed: {_one_line(e)}") from None


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split())


def _plain(term: Term | None) -> str:
    """A term as a bare string: literal value, full IRI, _:id blank node, empty when unbound."""
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _short(term: Term | None, prefixes: dict[str, str]) -> str:
    """Like _plain, but IRIs in a known namespace are written prefix:local for reading.

    Minted IRIs under the default base read as kg:entity/gpt4: shorter, though not valid SPARQL.
    """
    if isinstance(term, ox.NamedNode):
        for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            local = term.value[len(ns):]
            if term.value.startswith(ns) and re.fullmatch(r"[\w.-]+(/[\w.~%-]+)*", local):
                return f"{prefix}:{local}"
    return " ".join(_plain(term).split())


def _table(names: list[str], rows: list[list], prefixes: dict[str, str]) -> str:
    cells = [names] + [[_short(t, prefixes) for t in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(names))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _csv(names: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([_plain(t) for t in row] for row in rows)
    return out.getvalue()


def _json(names: list[str], rows: list[list]) -> str:
    objects = [{n: _json_value(t) for n, t in zip(names, row)} for row in rows]
    return json.dumps(objects, ensure_ascii=False, indent=1) + "\n"


def _json_value(term: Term | None) -> str | int | float | bool | None:
    """Typed numbers and booleans become JSON numbers and booleans; everything else a string."""
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value
        if dtype in _INTEGER_TYPES:
            return _number(term.value, int)
        if dtype in _FLOAT_TYPES:
            return _number(term.value, float)
        if dtype == _XSD + "boolean":
            return term.value in ("true", "1")
    return None if term is None else _plain(term)


def _number(text: str, kind: type) -> int | float | str:
    """TEXT as a number, or as itself when JSON cannot hold it (NaN, INF, malformed)."""
    try:
        number = kind(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text
