"""RDF exports (Turtle, N-Triples, JSON-LD) of the knowledge graph, with PROV-O provenance.

Every relation is both a direct triple (``model kgo:outperforms other``) and a reified
``kgo:Statement`` linked with ``prov:wasDerivedFrom`` to each paper that supports it and with
``kgo:hasEvidence`` to each sentence, rule and confidence, so SPARQL can ask which papers
and sentences back a fact. No blank nodes: every node has a minted, stable IRI, which keeps
the exports byte-identical for the same input.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import networkx as nx
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV

from .atomic import atomic_open, write_text

KGO = Namespace("https://w3id.org/kg/ontology#")
ONTOLOGY_FILE = Path(__file__).with_name("ontology.ttl")
CLASS_OF = {
    "MODEL": KGO.Model, "BENCHMARK": KGO.Benchmark, "TECHNIQUE": KGO.Technique,
    "HARDWARE": KGO.Hardware, "METRIC": KGO.Metric, "TASK": KGO.Task,
}
PROPERTY_OF = {
    "OUTPERFORMS": KGO.outperforms, "COMPARABLE_TO": KGO.comparableTo, "BUILT_ON": KGO.builtOn,
    "USES": KGO.uses, "EVALUATED_ON": KGO.evaluatedOn, "TRAINED_ON": KGO.trainedOn,
    "RUNS_ON": KGO.runsOn, "APPLIED_TO": KGO.appliedTo,
}
_SAFE = re.compile(r"[^A-Za-z0-9._~-]")


def safe_segment(text: str) -> str:
    """A path segment that is safe in any IRI, from any string (untrusted paper text included)."""
    seg = quote(text, safe="")
    if seg in ("", ".", "..") or _SAFE.search(seg.replace("%", "")) or len(seg) > 120:
        seg = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return seg


class Minter:
    """Stable IRIs under a configurable base."""

    def __init__(self, base: str) -> None:
        self.ns = Namespace(base if base.endswith(("/", "#")) else base + "/")

    def __call__(self, kind: str, ident: str) -> URIRef:
        return self.ns[f"{kind}/{safe_segment(ident)}"]


def _triples(g: nx.MultiDiGraph, iri: Minter) -> Iterator[tuple]:
    node_iri: dict[str, URIRef] = {}
    for node, d in g.nodes(data=True):
        if d["kind"] == "paper":
            node_iri[node] = iri("paper", d["paper_id"])
        elif d["kind"] == "entity":
            node_iri[node] = iri("entity", node.split(":", 1)[1])
    for node, d in g.nodes(data=True):
        s = node_iri.get(node)
        if d["kind"] == "paper":
            yield s, RDF.type, KGO.Paper
            yield s, DCTERMS.identifier, Literal(d["paper_id"])
            yield s, DCTERMS.title, Literal(d["title"])
            yield s, DCTERMS.abstract, Literal(d["abstract"])
            if d.get("url"):
                yield s, RDFS.seeAlso, URIRef(quote(d["url"], safe=":/?#[]@!$&'()*+,;=%~"))
            if d.get("date"):
                yield s, DCTERMS.date, Literal(d["date"])
            for a in d.get("authors", []):
                yield s, DCTERMS.creator, Literal(a)
            for src in d.get("sources", []):
                yield s, KGO.source, Literal(src)
        elif d["kind"] == "entity":
            yield s, RDF.type, CLASS_OF.get(d["type"], KGO.Entity)
            yield s, KGO.entityType, Literal(d["type"])
            yield s, SKOS.prefLabel, Literal(d["name"])
            yield s, RDFS.label, Literal(d["name"])
            for a in d.get("aliases", []):
                yield s, SKOS.altLabel, Literal(a)
            yield s, KGO.paperCount, Literal(d["papers"])
        elif d["kind"] == "result":
            yield from _result_triples(g, node, d, iri, node_iri)
    for h, t, rel, d in g.edges(keys=True, data=True):
        if rel in ("mentions", "proposes"):
            yield node_iri[h], KGO[rel], node_iri[t]
        elif rel in PROPERTY_OF:
            yield from _statement_triples(h, rel, t, d, iri, node_iri)


def _statement_triples(h: str, rel: str, t: str, d: dict, iri: Minter, node_iri: dict) -> Iterator[tuple]:
    s, o, p = node_iri[h], node_iri[t], PROPERTY_OF[rel]
    yield s, p, o
    st = iri("statement", f"{h}|{rel}|{t}")
    yield st, RDF.type, KGO.Statement
    yield st, RDF.subject, s
    yield st, RDF.predicate, p
    yield st, RDF.object, o
    yield st, KGO.relation, Literal(rel)
    yield st, KGO.supportCount, Literal(d["support"])
    yield st, KGO.confidence, Literal(Decimal(str(d["confidence"])), datatype=XSD.decimal)
    for paper in sorted({e["paper"] for e in d["evidence"]}):
        yield st, PROV.wasDerivedFrom, iri("paper", paper)
    for e in d["evidence"]:
        ev = iri("evidence", f"{h}|{rel}|{t}|{e['paper']}|{e['start']}|{e['rule']}")
        yield st, KGO.hasEvidence, ev
        yield ev, RDF.type, KGO.Evidence
        yield ev, PROV.wasDerivedFrom, iri("paper", e["paper"])
        yield ev, KGO.sentence, Literal(e["sentence"])
        yield ev, KGO.rule, Literal(e["rule"])
        yield ev, KGO.confidence, Literal(Decimal(str(e["confidence"])), datatype=XSD.decimal)
        if e.get("start") is not None:
            yield ev, KGO.startOffset, Literal(int(e["start"]))
            yield ev, KGO.endOffset, Literal(int(e["end"]))


def _result_triples(g: nx.MultiDiGraph, node: str, d: dict, iri: Minter, node_iri: dict) -> Iterator[tuple]:
    r = iri("result", node.split(":", 1)[1])
    yield r, RDF.type, KGO.EvaluationResult
    yield r, PROV.wasDerivedFrom, iri("paper", d["paper_id"])
    yield r, KGO.valueText, Literal(d["value"])
    if d.get("number") is not None:
        yield r, KGO.value, Literal(Decimal(str(d["number"])), datatype=XSD.decimal)
    yield r, KGO.unit, Literal(d.get("unit", ""))
    yield r, KGO.sentence, Literal(d.get("sentence", ""))
    if d.get("start") is not None:
        yield r, KGO.startOffset, Literal(int(d["start"]))
        yield r, KGO.endOffset, Literal(int(d["end"]))
    props = {"subject": KGO.resultOf, "benchmark": KGO.onBenchmark, "metric": KGO.forMetric}
    for _, target, role in g.out_edges(node, keys=True):
        if role in props:
            yield r, props[role], node_iri[target]


def to_rdflib(g: nx.MultiDiGraph, base: str) -> Graph:
    """The graph as an rdflib Graph with kg's prefixes bound."""
    rdf = Graph()
    for prefix, ns in (("kgo", KGO), ("kg", Minter(base).ns), ("skos", SKOS), ("dcterms", DCTERMS),
                       ("prov", PROV), ("owl", OWL), ("xsd", XSD)):
        rdf.bind(prefix, ns)
    rdf.addN((s, p, o, rdf) for s, p, o in _triples(g, Minter(base)))
    return rdf


def write_rdf(g: nx.MultiDiGraph, out_dir: Path, base: str) -> dict[str, int]:
    """Write kg.ttl, kg.nt, kg.jsonld and ontology.ttl into OUT_DIR, each deterministic and atomic."""
    rdf = to_rdflib(g, base)
    write_text(out_dir / "kg.ttl", rdf.serialize(format="turtle"))
    lines = sorted(set(rdf.serialize(format="nt").splitlines()) - {""})
    write_text(out_dir / "kg.nt", "\n".join(lines) + "\n")
    doc = json.loads(rdf.serialize(format="json-ld"))
    for node in doc:
        for key, values in node.items():
            if isinstance(values, list):
                values.sort(key=lambda v: json.dumps(v, sort_keys=True))
    doc.sort(key=lambda n: n["@id"])
    context = {p: str(ns) for p, ns in rdf.namespaces() if p in ("kgo", "skos", "dcterms", "prov", "xsd", "kg")}
    with atomic_open(out_dir / "kg.jsonld") as f:
        json.dump({"@context": dict(sorted(context.items())), "@graph": doc}, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    write_text(out_dir / "ontology.ttl", ONTOLOGY_FILE.read_text(encoding="utf-8"))
    return {"triples": len(rdf)}
