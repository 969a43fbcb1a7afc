"""RDF exports: the three formats agree, the ontology covers the data, provenance is queryable,
bytes are stable, and hostile names or a custom base still give valid IRIs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import OWL

from kg.export.rdf import KGO, write_rdf
from kg.graph import build_graph
from kg.query import run_query

BASE = "https://w3id.org/kg/"
S1 = "GPT-4 outperforms Llama 2 on MMLU by 17 points."
S2 = "Our results confirm that GPT-4 surpasses LLaMA-2 on reasoning."
HOSTILE = ["<script>alert(1)</script>", 'the "quoted" model', "two  spaced words", "Über-模型 ✓", "../../etc/passwd"]
FORBIDDEN_IN_IRI = set(' <>"{}|\\^`\n')


def _rel(head: str, relation: str, tail: str, evidence: str, start: int = 0) -> dict[str, Any]:
    return {"head": head, "relation": relation, "tail": tail, "evidence": evidence,
            "start": start, "end": start + len(evidence), "rule": "rel_test", "confidence": 0.8}


def _ent(name: str, type_: str, *aliases: str) -> dict[str, Any]:
    return {"name": name, "type": type_, "aliases": list(aliases)}


RECORDS: list[dict[str, Any]] = [
    {
        "id": "2401.00001", "title": "Evaluating GPT-4", "text": f"Evaluating GPT-4\n\n{S1}",
        "entities": [_ent("GPT-4", "MODEL"), _ent("Llama 2", "MODEL", "LLaMA-2"), _ent("MMLU", "BENCHMARK"),
                     _ent("accuracy", "METRIC"), _ent("A100", "HARDWARE")],
        "relations": [_rel("GPT-4", "OUTPERFORMS", "Llama 2", S1, 18), _rel("GPT-4", "EVALUATED_ON", "MMLU", S1, 18),
                      _rel("Llama 2", "RUNS_ON", "A100", "Llama 2 runs on one A100.", 70)],
        "contributions": [],
        "results": [{"subject": "GPT-4", "benchmark": "MMLU", "metric": "accuracy", "value": "86.4%", "number": 86.4,
                     "unit": "%", "evidence": "GPT-4 reaches 86.4% accuracy on MMLU.", "start": 100, "end": 137}],
    },
    {
        "id": "2402.00002", "title": "Reasoning with LLMs", "text": f"Reasoning with LLMs\n\n{S2}",
        "entities": [_ent("GPT-4", "MODEL"), _ent("LLaMA-2", "MODEL"), _ent("chain-of-thought", "TECHNIQUE")],
        "relations": [_rel("GPT-4", "OUTPERFORMS", "LLaMA-2", S2, 21), _rel("GPT-4", "USES", "chain-of-thought", S2, 21)],
        "contributions": ["chain-of-thought"],
        "results": [],
    },
]
HOSTILE_RECORD: dict[str, Any] = {
    "id": "../../etc", "title": "<script>alert('t')</script>", "text": "x\n\ny",
    "entities": [_ent(name, "TECHNIQUE") for name in HOSTILE],
    "relations": [_rel(HOSTILE[0], "USES", HOSTILE[-1], "A <b>hostile</b> \"sentence\".")],
    "contributions": [HOSTILE[1]],
    "results": [{"subject": HOSTILE[2], "benchmark": HOSTILE[3], "metric": "", "value": "1", "number": 1.0,
                 "unit": "", "evidence": "", "start": None, "end": None}],
}


def _export(out: Path, records: list[dict[str, Any]], base: str = BASE) -> Path:
    write_rdf(build_graph(records), out, base)
    return out


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _export(tmp_path_factory.mktemp("rdf"), RECORDS)


def _parse(path: Path) -> Graph:
    fmt = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[path.suffix]
    return Graph().parse(path, format=fmt)


def test_three_formats_hold_the_same_triples(export: Path) -> None:
    turtle, ntriples, jsonld = (_parse(export / f"kg.{ext}") for ext in ("ttl", "nt", "jsonld"))
    assert len(turtle) > 50
    assert set(turtle) == set(ntriples) == set(jsonld)


def test_ontology_declares_every_class_and_property_used(export: Path) -> None:
    ontology = Graph().parse(export / "ontology.ttl", format="turtle")
    data = _parse(export / "kg.nt")
    declared = {str(row.term) for row in ontology.query(
        "SELECT ?term WHERE { VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty } ?term a ?kind }",
        initNs={"owl": OWL})}
    used = {str(row.term) for row in data.query(
        "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } }")}
    used_kgo = {term for term in used if term.startswith(str(KGO))}
    assert used_kgo and used_kgo <= declared, used_kgo - declared


def test_object_and_datatype_properties_are_used_as_declared(export: Path) -> None:
    ontology = Graph().parse(export / "ontology.ttl", format="turtle")
    data = _parse(export / "kg.nt")
    for s, p, o in data:
        if (p, RDF.type, OWL.ObjectProperty) in ontology:
            assert isinstance(o, URIRef), (s, p, o)
        if (p, RDF.type, OWL.DatatypeProperty) in ontology:
            assert isinstance(o, Literal), (s, p, o)


PROVENANCE = """
SELECT ?title ?sentence WHERE {
  ?st a kgo:Statement ; kgo:relation "OUTPERFORMS" ;
      rdf:subject/skos:prefLabel "GPT-4" ; rdf:object/skos:prefLabel "LLaMA-2" ;
      prov:wasDerivedFrom/dcterms:title ?title ;
      kgo:hasEvidence ?ev .
  ?ev kgo:sentence ?sentence ; prov:wasDerivedFrom/dcterms:title ?title .
} ORDER BY ?title
"""
EXPECTED_PROVENANCE = [("Evaluating GPT-4", S1), ("Reasoning with LLMs", S2)]


def test_rdflib_sparql_finds_papers_and_sentences_behind_a_fact(export: Path) -> None:
    prefixes = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in [
        ("kgo", KGO), ("rdf", RDF), ("skos", "http://www.w3.org/2004/02/skos/core#"),
        ("prov", "http://www.w3.org/ns/prov#"), ("dcterms", "http://purl.org/dc/terms/")])
    rows = _parse(export / "kg.ttl").query(prefixes + PROVENANCE)
    assert [(str(r.title), str(r.sentence)) for r in rows] == EXPECTED_PROVENANCE


def test_kg_query_finds_papers_and_sentences_behind_a_fact(export: Path) -> None:
    rows = json.loads(run_query(export / "kg.ttl", PROVENANCE, "json"))
    assert [(r["title"], r["sentence"]) for r in rows] == EXPECTED_PROVENANCE


def test_statement_counts_support_and_keeps_direct_triple(export: Path) -> None:
    data = _parse(export / "kg.nt")
    gpt4, llama2 = URIRef(BASE + "entity/gpt4"), URIRef(BASE + "entity/llama2")
    assert (gpt4, KGO.outperforms, llama2) in data
    [statement] = [st for st in data.subjects(RDF.subject, gpt4) if (st, RDF.predicate, KGO.outperforms) in data]
    assert data.value(statement, KGO.supportCount).toPython() == 2


def test_exports_are_byte_identical_when_written_twice(tmp_path: Path) -> None:
    first, second = _export(tmp_path / "a", RECORDS), _export(tmp_path / "b", RECORDS)
    for name in ("kg.ttl", "kg.nt", "kg.jsonld", "ontology.ttl"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_hostile_names_mint_valid_iris(tmp_path: Path) -> None:
    out = _export(tmp_path, [*RECORDS, HOSTILE_RECORD])
    graphs = [_parse(out / f"kg.{ext}") for ext in ("ttl", "nt", "jsonld")]
    assert set(graphs[0]) == set(graphs[1]) == set(graphs[2])
    iris = {str(term) for triple in graphs[1] for term in triple if isinstance(term, URIRef)}
    for iri in iris:
        assert not FORBIDDEN_IN_IRI & set(iri), iri
        assert "/../" not in iri and not iri.endswith("/.."), iri
    labels = {str(o) for o in graphs[1].objects(None, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))}
    assert set(HOSTILE) <= labels


def test_custom_base_iri_is_honored(tmp_path: Path) -> None:
    base = "https://example.org/papers-kg"
    out = _export(tmp_path, RECORDS, base=base)
    data = _parse(out / "kg.nt")
    subjects = {str(s) for s in data.subjects()}
    assert subjects and all(iri.startswith(base + "/") for iri in subjects)
    iris = {str(term) for triple in data for term in triple if isinstance(term, URIRef)}
    assert all(iri.startswith(str(KGO)) for iri in iris if iri.startswith(BASE))
