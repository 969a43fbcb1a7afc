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

    return os.cpu_count() or 1 if n == 0 else n


def _records(inputs: list[str], min_confidence: float, jobs: int, quiet: bool):
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
        _, records = _records(inputs, min_confidence, jobs, quiet)
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
    and kg.html. Example: kg build examples/ -o exports/
    """
    from .build import build

    _setup_logging(quiet)
    try:
        papers, records = _records(inputs, min_confidence, jobs, quiet)
        summary = build(records, len(papers), output, base_iri=base_iri, progress=not quiet)
    except InputError as e:
        _fail(str(e))
    typer.echo(summary)


def main() -> None:
    app()
