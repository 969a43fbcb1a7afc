"""kg query and kg stats on a small export: output formats, default prefixes, read-only
refusals, clear errors, correct counts, and every bundled example query returns rows."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kg.export.rdf import write_rdf
from kg.graph import build_graph
from kg.query import QueryError, run_query
from kg.stats import stats_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_QUERIES = sorted((ROOT / "examples" / "queries").glob("*.rq"))
EXAMPLE_CORPUS = ROOT / "examples" / "corpus"


def _rel(head: str, relation: str, tail: str, evidence: str) -> dict[str, Any]:
    return {"head": head, "relation": relation, "tail": tail, "evidence": evidence,
            "start": 0, "end": len(evidence), "rule": "rel_test", "confidence": 0.75}


def _ent(name: str, type_: str) -> dict[str, Any]:
    return {"name": name, "type": type_, "aliases": []}


def _result(subject: str, value: float, evidence: str) -> dict[str, Any]:
    return {"subject": subject, "benchmark": "MMLU", "metric": "accuracy", "value": f"{value}%",
            "number": value, "unit": "%", "evidence": evidence, "start": 0, "end": len(evidence)}


# Small, but touching everything the example queries look for.
RECORDS: list[dict[str, Any]] = [
    {
        "id": "p1", "title": "DeepSeek-V3 Technical Report", "text": "DeepSeek-V3 Technical Report\n\nabstract",
        "entities": [_ent("DeepSeek-V3", "MODEL"), _ent("Mixture-of-Experts", "TECHNIQUE"), _ent("H800", "HARDWARE"),
                     _ent("MMLU", "BENCHMARK"), _ent("accuracy", "METRIC"), _ent("GPT-4o", "MODEL"),
                     _ent("code generation", "TASK")],
        "relations": [
            _rel("DeepSeek-V3", "USES", "Mixture-of-Experts", "DeepSeek-V3 adopts a Mixture-of-Experts design."),
            _rel("DeepSeek-V3", "RUNS_ON", "H800", "DeepSeek-V3 is trained on H800 GPUs."),
            _rel("DeepSeek-V3", "EVALUATED_ON", "MMLU", "We evaluate DeepSeek-V3 on MMLU."),
            _rel("DeepSeek-V3", "OUTPERFORMS", "GPT-4o", "DeepSeek-V3 outperforms GPT-4o on MMLU."),
            _rel("DeepSeek-V3", "APPLIED_TO", "code generation", "DeepSeek-V3 is applied to code generation."),
        ],
        "contributions": ["DeepSeek-V3"],
        "results": [_result("DeepSeek-V3", 88.5, "DeepSeek-V3 scores 88.5% on MMLU."),
                    _result("GPT-4o", 87.2, "GPT-4o scores 87.2% on MMLU.")],
    },
    {
        "id": "p2", "title": "Attention Is Still All You Need", "text": "Attention Is Still All You Need\n\nabstract",
        "entities": [_ent("Transformer", "TECHNIQUE"), _ent("self-attention", "TECHNIQUE"), _ent("GPT-4o", "MODEL"),
                     _ent("MMLU", "BENCHMARK")],
        "relations": [_rel("GPT-4o", "EVALUATED_ON", "MMLU", "GPT-4o is evaluated on MMLU."),
                      _rel("Transformer", "USES", "self-attention", "The Transformer uses self-attention.")],
        "contributions": [],
        "results": [],
    },
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    write_rdf(build_graph(RECORDS), out, "https://w3id.org/kg/")
    return out / "kg.ttl"


MODELS = "SELECT ?name ?papers WHERE { ?m a kgo:Model ; skos:prefLabel ?name ; kgo:paperCount ?papers } ORDER BY ?name"


def test_table_has_header_rule_and_aligned_rows(graph: Path) -> None:
    lines = run_query(graph, MODELS, "table").splitlines()
    assert lines[0].split() == ["name", "papers"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert [line.split() for line in lines[2:]] == [["DeepSeek-V3", "1"], ["GPT-4o", "2"]]
    assert lines[2].index("1") == lines[3].index("2") == lines[0].index("papers")


def test_table_shortens_iris_with_known_prefixes(graph: Path) -> None:
    out = run_query(graph, "SELECT DISTINCT ?class WHERE { ?x a ?class } ORDER BY ?class", "table")
    assert "kgo:Model" in out and "https://w3id.org/kg/ontology#" not in out


def test_csv_has_header_and_full_values(graph: Path) -> None:
    rows = list(csv.reader(io.StringIO(run_query(graph, MODELS, "csv"))))
    assert rows == [["name", "papers"], ["DeepSeek-V3", "1"], ["GPT-4o", "2"]]


def test_json_rows_with_typed_numbers(graph: Path) -> None:
    query = "SELECT ?subject ?value WHERE { ?r kgo:resultOf/skos:prefLabel ?subject ; kgo:value ?value } ORDER BY ?value"
    assert json.loads(run_query(graph, query, "json")) == [
        {"subject": "GPT-4o", "value": 87.2}, {"subject": "DeepSeek-V3", "value": 88.5}]
    assert json.loads(run_query(graph, MODELS, "json"))[1] == {"name": "GPT-4o", "papers": 2}


def test_unbound_values_are_empty_or_null(graph: Path) -> None:
    query = "SELECT ?name ?alias WHERE { ?m a kgo:Model ; skos:prefLabel ?name OPTIONAL { ?m skos:altLabel ?alias } } ORDER BY ?name"
    assert json.loads(run_query(graph, query, "json"))[0] == {"name": "DeepSeek-V3", "alias": None}
    assert run_query(graph, query, "csv").splitlines()[1] == "DeepSeek-V3,"


def test_ask_and_construct(graph: Path) -> None:
    assert run_query(graph, "ASK { ?p a kgo:Paper }", "table") == "true\n"
    assert run_query(graph, "ASK { ?p a kgo:Nothing }", "json") == "false\n"
    triples = run_query(graph, "CONSTRUCT { ?p a kgo:Paper } WHERE { ?p a kgo:Paper }", "table").splitlines()
    assert triples == sorted(triples) and len(triples) == 2
    assert all(t.startswith("<https://w3id.org/kg/paper/") and t.endswith(" .") for t in triples)


def test_declared_prefix_wins_over_default(graph: Path) -> None:
    query = "PREFIX kgo: <http://example.org/other#> ASK { ?p a kgo:Paper }"
    assert run_query(graph, query, "table") == "false\n"


def test_query_read_from_rq_file(graph: Path, tmp_path: Path) -> None:
    path = tmp_path / "papers.rq"
    path.write_text("# count papers\nSELECT (COUNT(?p) AS ?n) WHERE { ?p a kgo:Paper }\n", encoding="utf-8")
    assert json.loads(run_query(graph, str(path), "json")) == [{"n": 2}]


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "# comment\nPREFIX ex: <http://x/>\ndelete where { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL", "DROP GRAPH <http://x/g>", "CREATE GRAPH <http://x/g>",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused(graph: Path, update: str) -> None:
    with pytest.raises(QueryError, match="read-only"):
        run_query(graph, update, "table")


def test_comment_mentioning_update_words_is_not_an_update(graph: Path) -> None:
    assert run_query(graph, "# papers with a title; delete nothing\nASK { ?p a kgo:Paper }", "table") == "true\n"


@pytest.mark.parametrize(("path", "message"), [
    ("missing.ttl", "graph file not found"),
    ("kg.graphml", "unsupported graph format"),
])
def test_bad_graph_file(tmp_path: Path, path: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as err:
        run_query(tmp_path / path, "ASK {}", "table")
    assert path in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("name", ["kg.ttl", "kg.nt", "kg.jsonld"])
def test_unparseable_graph_names_the_file(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("<not rdf", encoding="utf-8")
    with pytest.raises(QueryError, match="cannot parse graph") as err:
        run_query(tmp_path / name, "ASK {}", "table")
    assert name in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("ext", ["nt", "jsonld"])
def test_every_export_format_loads(graph: Path, ext: str) -> None:
    assert json.loads(run_query(graph.with_suffix(f".{ext}"), MODELS, "json"))[1]["papers"] == 2


def test_syntax_error_and_bad_format_and_missing_query_file(graph: Path) -> None:
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_query(graph, "SELECT ?x WHERE { ?x a }", "table")
    with pytest.raises(QueryError, match="unknown format"):
        run_query(graph, MODELS, "xml")
    with pytest.raises(QueryError, match="query file not found"):
        run_query(graph, "no/such/query.rq", "table")


def test_stats_counts(graph: Path) -> None:
    text = stats_text(graph, top=3)
    counts = dict(line.split() for line in text.split("\n\n")[0].splitlines())
    assert counts["papers"] == "2" and counts["results"] == "2"
    assert counts["entities"] == "9" and counts["MODEL"] == "2" and counts["TECHNIQUE"] == "3"
    assert counts["relations"] == "7" and counts["EVALUATED_ON"] == "2" and counts["TRAINED_ON"] == "0"
    top_entities = text.split("Most mentioned entities (top 3)\n")[1].split("\n\n")[0].splitlines()
    assert [line.split() for line in top_entities] == [
        ["papers", "type", "entity"], ["2", "MODEL", "GPT-4o"], ["2", "BENCHMARK", "MMLU"], ["1", "MODEL", "DeepSeek-V3"]]
    top_relations = text.split("Best-supported relations (top 3)\n")[1].splitlines()
    assert len(top_relations) == 4 and top_relations[1].split()[0] == "1"


def _rows(graph: Path, query: Path) -> list[dict]:
    return json.loads(run_query(graph, str(query), "json"))


def test_there_are_enough_example_queries() -> None:
    assert len(EXAMPLE_QUERIES) >= 9
    for query in EXAMPLE_QUERIES:
        header = query.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("# "), query.name


@pytest.mark.parametrize("query", EXAMPLE_QUERIES, ids=lambda p: p.name)
def test_example_query_returns_rows_on_small_graph(graph: Path, query: Path) -> None:
    assert _rows(graph, query), query.name


@pytest.fixture(scope="module")
def corpus_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not EXAMPLE_CORPUS.is_dir():
        pytest.skip(f"no bundled corpus at {EXAMPLE_CORPUS}")
    out = tmp_path_factory.mktemp("corpus-export")
    subprocess.run([sys.executable, "-m", "kg", "build", str(EXAMPLE_CORPUS), "-o", str(out), "-q"],
                   check=True, cwd=ROOT)
    return out / "kg.nt"


@pytest.mark.parametrize("query", EXAMPLE_QUERIES, ids=lambda p: p.name)
def test_example_query_returns_rows_on_bundled_corpus(corpus_graph: Path, query: Path) -> None:
    assert _rows(corpus_graph, query), query.name
