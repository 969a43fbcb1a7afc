"""The kg command line: build, extract, query, stats, train, evaluate."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from .ingest import InputError

app = typer.Typer(
    help="kg turns AI paper listings (text dumps, HTML pages, JSONL) into a knowledge graph "
    "of models, benchmarks, techniques, hardware, metrics and tasks, with RDF exports, "
    "SPARQL queries and an interactive map.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

INPUTS = typer.Argument(..., help="Files, folders (read recursively) or - for stdin; format detected from content.")
MIN_CONF = typer.Option(0.0, "--min-confidence", min=0.0, max=1.0, help="Drop relations below this confidence.")
JOBS = typer.Option(1, "--jobs", "-j", min=0, help="Worker processes for the NLP pipeline (0 = all cores).")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _setup_logging(quiet: bool) -> None:
    logging.basicConfig(format="warning: %(message)s", level=logging.ERROR if quiet else logging.WARNING, stream=sys.stderr)


def _jobs(n: int) -> int:
    import os

    return (os.cpu_count() or 1) if n == 0 else n


def _records(inputs: list[str], min_confidence: float, jobs: int):
    from .extract import extract
    from .ingest import read_papers
    from .nlp.pipeline import build_nlp

    papers = read_papers(inputs)
    if not papers:
        _fail(f"no papers found in {', '.join(inputs)}")
    nlp = build_nlp(min_confidence=min_confidence)
    return papers, extract(papers, nlp, n_process=_jobs(jobs))


@app.command("extract")
def extract_cmd(
    inputs: list[str] = INPUTS,
    format: str = typer.Option("jsonl", "--format", "-f", help="Output format; jsonl is the SCHEMA.md record format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout (atomically)."),
    min_confidence: float = MIN_CONF,
    jobs: int = JOBS,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Hide ingest warnings."),
) -> None:
    """Extract entities, relations, contributions and results: one JSON record per paper.

    Example: kg extract ../shared/gold/dev.jsonl -o pred.jsonl
    """
    from .export.documents import write_documents

    _setup_logging(quiet)
    if format != "jsonl":
        _fail(f"unknown format {format!r} (supported: jsonl)")
    try:
        _, records = _records(inputs, min_confidence, jobs)
        if output is None:
            for rec in records:
                sys.stdout.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
        else:
            write_documents(records, output)
    except InputError as e:
        _fail(str(e))


@app.command("build")
def build_cmd(
    inputs: list[str] = INPUTS,
    output: Path = typer.Option(Path("exports"), "--output", "-o", help="Folder for the exports."),
    base_iri: str = typer.Option("https://w3id.org/kg/", "--base-iri", help="Namespace for minted IRIs."),
    min_confidence: float = MIN_CONF,
    jobs: int = JOBS,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Hide ingest warnings and progress."),
) -> None:
    """Build the knowledge graph and write every export into OUTPUT.

    Writes kg.ttl, kg.nt, kg.jsonld, ontology.ttl, kg.graphml, kg.json, documents.jsonl
    and kg.html. Example: kg build examples/corpus -o exports/
    """
    from .build import build

    _setup_logging(quiet)
    try:
        papers, records = _records(inputs, min_confidence, jobs)
        summary = build(records, len(papers), output, base_iri=base_iri, progress=not quiet)
    except InputError as e:
        _fail(str(e))
    typer.echo(summary)


def main() -> None:
    app()


@app.command("train")
def train_cmd(
    corpus: list[str] = typer.Option(["../shared/corpus"], "--corpus", help="Corpus files/folders for silver labels."),
    gold: Path = typer.Option(Path("../shared/gold/dev.jsonl"), "--exclude-gold", help="Gold file whose documents are never trained on."),
    seed: int = typer.Option(0, "--seed", help="Random seed: same data and seed, same model."),
    held_out: float = typer.Option(0.15, "--held-out", min=0.05, max=0.5, help="Share of annotated documents held out for scoring."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", help="Override the config's training steps."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the NER model here instead of the shipped kg/model (the typer, contribution and relation models are then not retrained)."),
    synthetic: bool = typer.Option(True, "--synthetic/--no-synthetic", help="Train on the synthetic documents of data/annotation/synthetic too (never held out)."),
) -> None:
    """Rebuild rules/gazetteer/annotations.jsonl, the NER model (kg/model), the entity typer (kg/model_typer), the contribution model (kg/model_contributions) and the relation classifier (kg/model_relations).

    Example: kg train --seed 0
    """
    from .train import train

    _setup_logging(True)
    corpus = [c for c in corpus if Path(c).exists()]
    kwargs = {"output": output} if output else {}
    typer.echo(train(seed=seed, held_out=held_out, corpus=corpus, gold=gold, max_steps=max_steps, synthetic=synthetic, **kwargs))


@app.command("query")
def query_cmd(
    graph: Path = typer.Argument(..., help="An RDF export: kg.ttl, kg.nt or kg.jsonld."),
    query: str = typer.Argument(..., help="A SPARQL SELECT/ASK/CONSTRUCT query, or a .rq file holding one."),
    format: str = typer.Option("table", "--format", "-f", help="table (aligned), csv or json."),
) -> None:
    """Run a read-only SPARQL query over an RDF export (Oxigraph engine).

    Example: kg query exports/kg.ttl examples/queries/top_benchmarks.rq
    """
    from .query import QueryError, run_query

    try:
        typer.echo(run_query(graph, query, format), nl=False)
    except QueryError as e:
        _fail(str(e))


@app.command("stats")
def stats_cmd(
    graph: Path = typer.Argument(Path("exports/kg.ttl"), help="An RDF export written by kg build."),
    top: int = typer.Option(10, "--top", min=1, help="How many top entities and relations to list."),
) -> None:
    """Counts by entity type and relation type, the most mentioned entities and best-supported relations.

    Example: kg stats exports/kg.ttl --top 5
    """
    from .query import QueryError
    from .stats import stats_text

    try:
        typer.echo(stats_text(graph, top), nl=False)
    except QueryError as e:
        _fail(str(e))


@app.command("evaluate")
def evaluate_cmd(
    gold: Path = typer.Argument(..., help="Gold records in SCHEMA.md JSONL format (id, title, text, entities, ...)."),
    errors: int = typer.Option(0, "--errors", help="List up to N misses and false hits of each kind."),
    rules: bool = typer.Option(True, "--rules/--no-rules", help="Use the rule components."),
    model: bool = typer.Option(True, "--model/--no-model", help="Use the trained NER model."),
    mode: str = typer.Option("longest", "--mode", help="How rules and model combine: rules_first, model_first or longest."),
    typer_: bool = typer.Option(True, "--typer/--no-typer", help="Use the entity typer (types or drops each entity from all its mentions)."),
    min_confidence: float = MIN_CONF,
) -> None:
    """Score the pipeline on gold documents, with the reference scorer's semantics.

    Prints precision, recall and F1 for entities (typed, type-blind, per type), relations
    (per type) and contributions.

    Example: kg evaluate ../shared/gold/dev.jsonl --errors 20
    """
    from .annotations import load
    from .nlp.pipeline import build_nlp
    from .scoring import report, score

    _setup_logging(True)
    if not gold.is_file():
        _fail(f"{gold}: no such file")
    try:
        records = load([gold])
    except (ValueError, KeyError) as e:
        _fail(f"{gold}: not SCHEMA.md JSONL ({e})")
    try:
        nlp = build_nlp(use_rules=rules, use_model=model, mode=mode, min_confidence=min_confidence, use_typer=typer_)
    except ValueError as e:
        _fail(str(e))
    docs = nlp.pipe(r["text"] for r in records)
    pred = {r["id"]: doc._.kg_record for r, doc in zip(records, docs)}
    typer.echo(f"documents {len(records)}")
    typer.echo(report(score({r["id"]: r for r in records}, pred), by_type=True, errors=errors))
