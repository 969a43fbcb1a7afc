"""Ingest: every input format, format detection, folders, stdin, merging, warnings and bad input."""

from __future__ import annotations

import io
import json
import logging
import pathlib
import shutil
import sys
from pathlib import Path

import pytest

from kg.ingest import InputError, detect_format, iter_papers, read_papers
from kg.ingest.html import parse_html
from kg.ingest.jsonl import parse_json, parse_jsonl
from kg.ingest.text import parse_text
from kg.paper import Paper, normalize_title, title_id

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

SPARSE_MOE = "SparseMoE-7B: Efficient Mixture-of-Experts Language Modeling on Commodity GPUs"
FLASH = "FlashDecode: Fast Long-Context Inference with Tiled Key-Value Cache Attention"
CODEWEAVER = "CodeWeaver: Repository-Level Code Generation with Retrieval-Augmented Language Models"
VISIONBENCH = "VisionBench-1K: A Benchmark for Fine-Grained Visual Reasoning in Multimodal Language Models"
MOE_LITE = "MoE-Lite: Fine-Grained Expert Segmentation for Efficient Language Models"
EDGE = "EdgeWhisper: Streaming Speech Recognition with Quantized Transformers on Mobile NPUs"
ABSTRACT = ("We present TinyNet, a convolutional model for keyword spotting on microcontrollers. TinyNet "
            "reaches 96.2% accuracy on Google Speech Commands with 20K parameters on an Arm Cortex-M4.")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def by_title(papers: list[Paper]) -> dict[str, Paper]:
    return {p.title: p for p in papers}


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "kg.ingest" and r.levelno == logging.WARNING]


# --- plain text -------------------------------------------------------------------------------


def test_text_dump_both_layouts_noise_and_duplicate() -> None:
    papers = by_title(read_papers([str(FIXTURES / "hf_papers.txt")]))
    assert sorted(papers) == sorted([SPARSE_MOE, FLASH, CODEWEAVER, VISIONBENCH])
    moe = papers[SPARSE_MOE]  # once in the blank-line layout, once glued to "Subscribe"
    assert moe.id == title_id(SPARSE_MOE)
    assert moe.sources == [f"{FIXTURES / 'hf_papers.txt'}:12", f"{FIXTURES / 'hf_papers.txt'}:26"]
    assert moe.abstract.startswith("Mixture-of-Experts (MoE) models scale the parameter count")
    assert moe.abstract.endswith("while using 40% fewer FLOPs per token.")
    assert papers[FLASH].abstract.endswith("by 45% for Llama 3 8B.")
    assert papers[CODEWEAVER].abstract.endswith("https://github.com/example/codeweaver.")
    assert papers[CODEWEAVER].text == f"{CODEWEAVER}\n\n{papers[CODEWEAVER].abstract}"


def test_text_abstract_without_final_period_does_not_swallow_the_next_record() -> None:
    vision = by_title(read_papers([str(FIXTURES / "hf_papers.txt")]))[VISIONBENCH]
    assert vision.abstract.endswith("with greedy decoding on 8 NVIDIA A100 GPUs")
    assert "SparseMoE" not in vision.abstract


def test_text_fragment_at_top_and_cut_record_at_end_are_skipped_with_warnings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="kg.ingest")
    papers = list(parse_text(fixture("hf_papers.txt"), "dump.txt"))
    assert not any("QuantLlama" in p.title or "HumanEval" in p.abstract for p in papers)
    messages = warnings(caplog)
    assert any(m.startswith("dump.txt:1: text without a title") for m in messages)
    assert any(m.startswith("dump.txt:28: record cut at the end") and "QuantLlama" in m for m in messages)


def test_text_wrapped_abstract_lines_stay_one_record() -> None:
    text = (
        "WrapNet: Keyword Spotting with Tiny Convolutions\n\n"
        "We propose WrapNet, a convolutional model whose abstract is wrapped at seventy\n"
        "characters per line, as plain-text dumps often are. It reaches 80.1%\n"
        "accuracy on ImageNet.\n"
        "We also show that the model\n"
        "is fast on a single NVIDIA T4 GPU.\n\n"
        "TinyNet: Microcontroller Speech Models\n"
        f"{ABSTRACT}\n"
    )
    papers = list(parse_text(text, "wrapped.txt"))
    assert [p.title for p in papers] == ["WrapNet: Keyword Spotting with Tiny Convolutions", "TinyNet: Microcontroller Speech Models"]
    assert papers[0].abstract.endswith("We also show that the model is fast on a single NVIDIA T4 GPU.")
    assert papers[1].abstract == ABSTRACT


def test_text_unknown_header_line_is_not_taken_for_a_title(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="kg.ingest")
    papers = list(parse_text(f"Trending This Week\n\nTinyNet: Microcontroller Speech Models\n{ABSTRACT}\n", "t.txt"))
    assert [(p.title, p.abstract) for p in papers] == [("TinyNet: Microcontroller Speech Models", ABSTRACT)]
    assert warnings(caplog) == ["t.txt:1: title-like line without an abstract, skipped: Trending This Week"]


def test_text_glued_noise_only_cut_before_a_capital() -> None:
    text = f"Subscribers Matter: Newsletter Signals for Recommendation Models\n{ABSTRACT}\n"
    assert [p.title for p in parse_text(text, "t.txt")] == ["Subscribers Matter: Newsletter Signals for Recommendation Models"]


# --- HTML ---------------------------------------------------------------------------------------


def test_hf_papers_page() -> None:
    papers = list(parse_html(fixture("hf_papers.html"), "hf.html"))
    assert [p.id for p in papers] == ["2401.06066", "2403.01234", "2405.04321"]
    moe = papers[0]
    assert moe.title == MOE_LITE
    assert moe.url == "https://huggingface.co/papers/2401.06066"
    assert moe.date == "2024-01-11"
    assert moe.abstract.startswith("Mixture-of-Experts (MoE) architectures let language models grow")
    assert moe.abstract.endswith("trained on 64 NVIDIA H800 GPUs.")
    assert papers[2].title.startswith("DraftServe: Speculative Decoding")
    assert papers[2].date == "2024-05-07"


def test_arxiv_abstract_page() -> None:
    (paper,) = parse_html(fixture("arxiv_abs.html"), "abs.html")
    assert paper.id == "2402.05555"
    assert paper.title == "ViT-1B: Scaling Vision Transformers to One Billion Parameters on TPU v4 Pods"
    assert paper.abstract.startswith("Vision Transformers (ViT) have become the standard backbone")
    assert paper.abstract.endswith("by 2.1 points over a Swin-L backbone.")
    assert paper.authors == ["Wei Chen", "Priya Kumar", "Chidi Okafor"]
    assert paper.date == "2024-02-08"
    assert paper.url == "https://arxiv.org/abs/2402.05555v2"


def test_arxiv_listing_page(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="kg.ingest")
    papers = list(parse_html(fixture("arxiv_listing.html"), "list.html"))
    assert [p.id for p in papers] == ["2404.01111", "2404.02222"]
    graph, lora = papers
    assert graph.title == "GraphRAG-Bench: Evaluating Retrieval-Augmented Generation over Knowledge Graphs"
    assert graph.authors == ["Maria Silva", "Kenji Tanaka"]
    assert graph.url == "https://arxiv.org/abs/2404.01111"
    assert graph.abstract.startswith("Retrieval-augmented generation (RAG) grounds language models")
    assert lora.authors == ["Jan Novak", "Layla Haddad", "Xin Li"]
    assert lora.abstract.endswith("while training 1.6x faster.")
    assert any("2404.03333 has no abstract" in m for m in warnings(caplog))


# --- JSON Lines and JSON --------------------------------------------------------------------------


def test_jsonl_keeps_ids_and_metadata() -> None:
    papers = list(parse_jsonl(fixture("papers.jsonl"), "p.jsonl"))
    assert [p.id for p in papers] == ["2401.06066", "kg-demo-002", "kg-demo-003", "2406.07777"]
    moe, edge, tutor, robo = papers
    assert moe.title == MOE_LITE
    assert moe.url == "https://arxiv.org/abs/2401.06066"
    assert moe.date == "2024-01-11"
    assert moe.authors == ["Wei Zhang", "Lena Fischer", "Ravi Menon"]
    assert moe.sources == ["p.jsonl:1"]
    assert tutor.authors == ["Ana Costa", "Omar Said"]  # a comma-separated string
    assert robo.url == "https://arxiv.org/abs/2406.07777v2"  # no id: the arXiv id of the URL


def test_jsonl_schema_text_is_split_into_title_and_abstract() -> None:
    edge = list(parse_jsonl(fixture("papers.jsonl"), "p.jsonl"))[1]
    assert edge.title == EDGE
    assert edge.abstract.startswith("Automatic speech recognition (ASR) models such as Whisper")
    assert edge.text == f"{EDGE}\n\n{edge.abstract}"


def test_json_array() -> None:
    papers = list(parse_json(fixture("papers.json"), "p.json"))
    assert [p.id for p in papers] == ["2407.08888", "2408.09999"]
    assert papers[1].title.startswith("SafeChat: Red-Teaming Chat Assistants")
    assert papers[1].authors == ["Grace Obi", "Lukas Varga"]
    assert papers[0].date == "2024-07-12"


def test_jsonl_line_with_unicode_line_separator_stays_one_record() -> None:
    line = json.dumps({"id": "x1", "title": "LS Test", "abstract": "first\u2028second"}, ensure_ascii=False)
    (paper,) = parse_jsonl(line + "\n", "ls.jsonl")
    assert paper.abstract == "first second"


# --- format detection, files, folders, stdin ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("papers.jsonl", "jsonl"), ("papers.json", "json"), ("hf_papers.html", "html"),
     ("arxiv_abs.html", "html"), ("arxiv_listing.html", "html"), ("hf_papers.txt", "text")],
)
def test_detect_format_from_content(name: str, expected: str) -> None:
    assert detect_format(fixture(name), "no-extension") == expected


def test_detect_format_text_starting_with_a_bracket() -> None:
    assert detect_format("[2401.06066] MoE-Lite: Fine-Grained Experts\n" + ABSTRACT) == "text"
    assert detect_format("[\n  {\"title\": \"T\"}\n]") == "json"


def test_detect_format_saved_page_with_leading_comment() -> None:
    script = "<script>" + "var state = {};" * 500 + "</script>"
    page = f"<!-- saved from url=(0033)https://huggingface.co/papers -->\n<html><head>{script}</head><body>x</body></html>"
    assert detect_format(page) == "html"


def test_format_is_detected_from_content_not_extension(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "papers.jsonl", tmp_path / "papers.txt")
    shutil.copy(FIXTURES / "hf_papers.html", tmp_path / "saved_page")
    shutil.copy(FIXTURES / "hf_papers.txt", tmp_path / "dump.html")
    ids = {p.id for p in read_papers([str(tmp_path / "papers.txt")])}
    assert ids == {"2401.06066", "kg-demo-002", "kg-demo-003", "2406.07777"}
    assert [p.id for p in read_papers([str(tmp_path / "saved_page")])] == ["2401.06066", "2403.01234", "2405.04321"]
    assert SPARSE_MOE in {p.title for p in read_papers([str(tmp_path / "dump.html")])}


def test_folder_is_read_recursively_skipping_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    shutil.copy(FIXTURES / "papers.json", tmp_path / "a" / "b" / "deep.json")
    shutil.copy(FIXTURES / "arxiv_abs.html", tmp_path / "a" / "abs")
    shutil.copy(FIXTURES / "papers.jsonl", tmp_path / ".cache" / "old.jsonl")
    shutil.copy(FIXTURES / "papers.jsonl", tmp_path / ".hidden.jsonl")
    assert sorted(p.id for p in read_papers([str(tmp_path)])) == ["2402.05555", "2407.08888", "2408.09999"]


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(fixture("papers.json")))
    papers = read_papers(["-"])
    assert [p.id for p in papers] == ["2407.08888", "2408.09999"]
    assert papers[0].sources == ["<stdin>: record 1"]


def test_stdin_bytes_are_decoded_as_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    data = fixture("hf_papers.html").replace("MoE-Lite", "MoE-Lité").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="latin-1"))
    assert read_papers(["-"])[0].title.startswith("MoE-Lité:")


def test_file_without_papers_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="kg.ingest")
    notes = tmp_path / "notes.txt"
    notes.write_text("todo: read more papers\n", encoding="utf-8")
    assert read_papers([str(notes)]) == []
    assert any(m.startswith(f"{notes}: no papers found") for m in warnings(caplog))


# --- merging ------------------------------------------------------------------------------------


def test_same_id_across_files_is_merged_with_both_sources() -> None:
    papers = read_papers([str(FIXTURES / "papers.jsonl"), str(FIXTURES / "hf_papers.html")])
    moe = [p for p in papers if p.id == "2401.06066"]
    assert len(moe) == 1
    assert moe[0].sources == [f"{FIXTURES / 'papers.jsonl'}:1", f"{FIXTURES / 'hf_papers.html'}#{MOE_LITE[:40]}"]
    assert moe[0].authors == ["Wei Zhang", "Lena Fischer", "Ravi Menon"]
    assert len(papers) == 6


def test_same_title_in_a_text_dump_and_a_page_is_one_paper_with_the_arxiv_id() -> None:
    papers = read_papers([str(FIXTURES / "hf_papers.txt"), str(FIXTURES / "hf_papers.html")])
    flash = [p for p in papers if p.title == FLASH]
    assert len(flash) == 1
    assert flash[0].id == "2403.01234"
    assert flash[0].sources == [f"{FIXTURES / 'hf_papers.txt'}:16", f"{FIXTURES / 'hf_papers.html'}#{FLASH[:40]}"]
    assert len({normalize_title(p.title) for p in papers}) == len(papers) == 6


def test_distinct_explicit_ids_are_never_merged(tmp_path: Path) -> None:
    path = tmp_path / "two.jsonl"
    rows = [{"id": "a", "title": "Same Title", "abstract": ABSTRACT}, {"id": "b", "title": "Same Title", "abstract": ABSTRACT}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [p.id for p in read_papers([str(path)])] == ["a", "b"]


def test_all_fixtures_give_fourteen_unique_papers() -> None:
    good = sorted(p for p in FIXTURES.iterdir() if p.name != "bad.jsonl")
    papers = read_papers([str(p) for p in good])
    assert len(papers) == 14
    assert len({p.id for p in papers}) == len({normalize_title(p.title) for p in papers}) == 14


# --- bad input --------------------------------------------------------------------------------


def error_of(inputs: list[str]) -> str:
    with pytest.raises(InputError) as info:
        read_papers(inputs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_broken_jsonl_line_names_file_and_line() -> None:
    path = FIXTURES / "bad.jsonl"
    assert error_of([str(path)]).startswith(f"{path}:3: not valid JSON")


def test_jsonl_record_without_title(tmp_path: Path) -> None:
    path = tmp_path / "notitle.jsonl"
    path.write_text(json.dumps({"id": "1", "title": "T", "abstract": ABSTRACT}) + "\n\n" + json.dumps({"id": "2", "abstract": ABSTRACT}) + "\n")
    assert error_of([str(path)]) == f"{path}:3: record has no 'title'"


def test_json_array_record_without_title(tmp_path: Path) -> None:
    path = tmp_path / "notitle.json"
    path.write_text(json.dumps([{"title": "T", "abstract": ABSTRACT}, {"text": ABSTRACT}]))
    assert error_of([str(path)]) == f"{path}: record 2: record has no 'title'"


def test_invalid_json_document_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"title": "T",\n   "abstract": }\n]\n')
    assert error_of([str(path)]).startswith(f"{path}:3: not valid JSON")


def test_json_record_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    path.write_text(json.dumps({"title": "T", "abstract": ABSTRACT}) + "\n[1, 2]\n")
    assert error_of([str(path)]) == f"{path}:2: expected a JSON object, got list"


def test_wrongly_typed_field(tmp_path: Path) -> None:
    path = tmp_path / "types.jsonl"
    path.write_text(json.dumps({"title": "T", "abstract": ["not", "text"]}) + "\n")
    assert error_of([str(path)]) == f"{path}:1: 'abstract' should be a string, got list"


def test_non_utf8_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Title\nCaf\u00e9 models\n".encode("latin-1"))
    assert error_of([str(path)]) == f"{path}:2: not UTF-8 text (byte 0xe9)"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("x")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "read_bytes", deny)
    assert error_of([str(path)]) == f"{path}: cannot read (Permission denied)"


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    assert error_of([str(FIXTURES / "papers.json"), str(missing)]) == f"{missing}: no such file or folder"


def test_errors_surface_lazily_from_iter_papers() -> None:
    papers = iter_papers([str(FIXTURES / "bad.jsonl")])
    assert next(papers).id == "bad-001"
    assert next(papers).id == "bad-002"
    with pytest.raises(InputError, match=r"bad\.jsonl:3:"):
        next(papers)


# --- the real corpus --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_papers() -> list[Paper]:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return read_papers([str(CORPUS)])


def test_corpus_gives_each_paper_once(corpus_papers: list[Paper]) -> None:
    keys = [normalize_title(p.title) for p in corpus_papers]
    assert len(keys) == len(set(keys))
    assert len(corpus_papers) >= 490


def test_corpus_records_are_clean(corpus_papers: list[Paper]) -> None:
    titles = {p.title for p in corpus_papers}
    assert not any(t.startswith(("Subscribe", "Get trending")) or t in ("new", "Daily Papers") for t in titles)
    assert "DeepSeek-Coder: When the Large Language Model Meets Programming -- The Rise of Code Intelligence" in titles
    assert all(len(p.abstract) >= 120 and len(p.title) <= 300 for p in corpus_papers)


def test_corpus_abstract_without_final_period_keeps_the_next_paper(corpus_papers: list[Paper]) -> None:
    titles = {p.title: p for p in corpus_papers}
    deep_snp = [t for t in titles if t.startswith("Deep SNP:")]
    assert len(deep_snp) == 1
    striped = [p for t, p in titles.items() if t.startswith("Striped Attention:")]
    assert striped and "Deep SNP" not in striped[0].abstract
