"""The kg command line as a user runs it: `python -m kg ...` in a fresh working directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from kg.cli import app

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
EXPORTS = ["kg.ttl", "kg.nt", "kg.jsonld", "ontology.ttl", "kg.graphml", "kg.json", "documents.jsonl", "kg.html"]
RECORD_KEYS = {"id", "title", "text", "entities", "relations", "contributions", "results"}
ENTITY_TYPES = {"MODEL", "BENCHMARK", "TECHNIQUE", "HARDWARE", "METRIC", "TASK"}
JSONL_IDS = ["2401.06066", "kg-demo-002", "kg-demo-003", "2406.07777"]
TITLES_QUERY = "SELECT ?title WHERE { ?p a kgo:Paper ; dcterms:title ?title } ORDER BY ?title"


def kg(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m kg ARGS` in CWD with the repo importable, as an installed kg would be."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single `error: ...` line of a failed run (no traceback, nothing else on stderr)."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def make_workdir(root: Path) -> Path:
    """ROOT holding tests/fixtures (the good inputs) and bad.jsonl beside it."""
    shutil.copytree(FIXTURES, root / "tests" / "fixtures", ignore=shutil.ignore_patterns("bad.jsonl"))
    shutil.copy(FIXTURES / "bad.jsonl", root / "bad.jsonl")
    return root


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    return make_workdir(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A working directory where `kg build tests/fixtures -o OUT` has run once."""
    cwd = make_workdir(tmp_path_factory.mktemp("build"))
    return cwd, kg(cwd, "build", "tests/fixtures", "-o", "OUT")


# --- help -------------------------------------------------------------------------------------


VERBS = sorted(typer.main.get_command(app).commands)


def test_every_expected_verb_exists() -> None:
    assert {"extract", "build", "query", "stats", "train"} <= set(VERBS)


@pytest.mark.parametrize("verb", VERBS)
def test_help_of_every_verb_mentions_an_example(verb: str, tmp_path: Path) -> None:
    result = kg(tmp_path, verb, "--help")
    assert result.returncode == 0, result.stderr
    assert "Example" in result.stdout
    assert f"kg {verb}" in " ".join(result.stdout.split())


def test_top_level_help_lists_the_verbs(tmp_path: Path) -> None:
    result = kg(tmp_path, "--help")
    assert result.returncode == 0
    assert all(verb in result.stdout for verb in VERBS)


# --- extract ----------------------------------------------------------------------------------


def test_extract_prints_one_record_per_paper_keeping_ids(workdir: Path) -> None:
    result = kg(workdir, "extract", "tests/fixtures/papers.jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == JSONL_IDS
    for rec in records:
        assert RECORD_KEYS <= set(rec)
        assert rec["text"].startswith(rec["title"] + "\n\n")
        assert all(isinstance(rec[k], list) for k in ("entities", "relations", "contributions", "results"))
        assert {e["type"] for e in rec["entities"]} <= ENTITY_TYPES
    edge = records[1]
    assert edge["title"].startswith("EdgeWhisper:")
    assert edge["text"].split("\n\n", 1)[1].startswith("Automatic speech recognition (ASR)")
    assert edge["entities"], "EdgeWhisper's abstract names Whisper, LibriSpeech and an NPU"


def test_extract_output_file_matches_stdout(workdir: Path) -> None:
    printed = kg(workdir, "extract", "tests/fixtures/papers.jsonl")
    written = kg(workdir, "extract", "tests/fixtures/papers.jsonl", "-o", "out/pred.jsonl")
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert (workdir / "out" / "pred.jsonl").read_text(encoding="utf-8") == printed.stdout
    assert sorted(p.name for p in (workdir / "out").iterdir()) == ["pred.jsonl"]


def test_extract_on_two_processes_gives_the_same_records(workdir: Path) -> None:
    one = kg(workdir, "extract", "tests/fixtures", "--jobs", "1", "-q")
    two = kg(workdir, "extract", "tests/fixtures", "--jobs", "2", "-q")
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout and two.stdout == one.stdout


def test_extract_reads_folders_and_warns_about_cut_records(workdir: Path) -> None:
    result = kg(workdir, "extract", "tests/fixtures")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 14
    assert "hf_papers.txt:28: record cut at the end of the file" in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_bad_jsonl_fails_cleanly_and_keeps_the_old_output(workdir: Path) -> None:
    old = workdir / "pred.jsonl"
    old.write_text('{"id": "previous run"}\n', encoding="utf-8")
    before = sorted(p.name for p in workdir.iterdir())
    error = one_line_error(kg(workdir, "extract", "bad.jsonl", "-o", "pred.jsonl"))
    assert error.startswith("error: bad.jsonl:3: not valid JSON")
    assert old.read_text(encoding="utf-8") == '{"id": "previous run"}\n'
    assert sorted(p.name for p in workdir.iterdir()) == before


def test_extract_missing_input(workdir: Path) -> None:
    assert one_line_error(kg(workdir, "extract", "nope.jsonl")) == "error: nope.jsonl: no such file or folder"


def test_extract_non_utf8_input(workdir: Path) -> None:
    (workdir / "latin1.txt").write_bytes("A Title\nR\u00e9sum\u00e9 of models\n".encode("latin-1"))
    assert one_line_error(kg(workdir, "extract", "latin1.txt")) == "error: latin1.txt:2: not UTF-8 text (byte 0xe9)"


def test_extract_record_without_title(workdir: Path) -> None:
    (workdir / "notitle.jsonl").write_text('{"id": "x", "abstract": "GPT-4 on MMLU."}\n', encoding="utf-8")
    assert one_line_error(kg(workdir, "extract", "notitle.jsonl")) == "error: notitle.jsonl:1: record has no 'title'"


def test_extract_from_stdin(workdir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    data = (FIXTURES / "papers.json").read_bytes()
    result = subprocess.run([sys.executable, "-m", "kg", "extract", "-"], cwd=workdir, env=env, input=data,
                            capture_output=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["2407.08888", "2408.09999"]


# --- build, query, stats --------------------------------------------------------------------------


def test_build_writes_every_export(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    cwd, result = built
    assert result.returncode == 0, result.stderr
    assert "14 papers" in result.stdout
    out = cwd / "OUT"
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPORTS)
    assert all((out / name).stat().st_size > 0 for name in EXPORTS)
    documents = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(documents) == 14
    assert set(JSONL_IDS) <= {d["id"] for d in documents}


def test_build_twice_gives_byte_identical_files(workdir: Path) -> None:
    runs = [kg(workdir, "build", "tests/fixtures", "-o", out) for out in ("OUT1", "OUT2")]
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    assert sorted(p.name for p in (workdir / "OUT1").iterdir()) == sorted(EXPORTS)
    assert sorted(p.name for p in (workdir / "OUT2").iterdir()) == sorted(EXPORTS)
    for name in EXPORTS:
        assert (workdir / "OUT2" / name).read_bytes() == (workdir / "OUT1" / name).read_bytes(), name


def test_query_prints_a_table(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    cwd, _ = built
    result = kg(cwd, "query", "OUT/kg.ttl", TITLES_QUERY)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "title"
    assert set(lines[1].strip()) == {"-"}
    assert len(lines) == 2 + 14
    assert lines[2] == "CodeWeaver: Repository-Level Code Generation with Retrieval-Augmented Language Models"
    assert "MoE-Lite: Fine-Grained Expert Segmentation for Efficient Language Models" in lines


def test_stats_prints_counts(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    cwd, _ = built
    result = kg(cwd, "stats", "OUT/kg.ttl")
    assert result.returncode == 0, result.stderr
    counts = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    assert counts["papers"] == 14
    assert counts["entities"] == sum(counts[t] for t in ENTITY_TYPES) > 0
    assert counts["relations"] > 0


def test_update_query_is_refused(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    cwd, _ = built
    graph = cwd / "OUT" / "kg.ttl"
    before = graph.read_bytes()
    error = one_line_error(kg(cwd, "query", "OUT/kg.ttl", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"))
    assert "read-only" in error
    assert graph.read_bytes() == before


def test_query_on_missing_graph(tmp_path: Path) -> None:
    assert "graph file not found" in one_line_error(kg(tmp_path, "query", "OUT/kg.ttl", TITLES_QUERY))
