"""The entity typer: its features, how it types and drops entities, and the shipped model on new text."""

from __future__ import annotations

import numpy as np
import pytest

from kg.nlp.entity_typer import CLASSES, EntityTyper, entity_features, name_features
from kg.nlp.linear import LinearModel
from kg.nlp.mentions import group_mentions
from kg.nlp.pipeline import build_nlp
from kg.typer_training import examples


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def test_name_features_describe_the_shape():
    f = name_features("DeepSeek-V3")
    assert {"camel", "digit", "hyphen", "hd=v<n>", "fw=deepseek"} <= set(f)
    assert "lower" in name_features("speculative decoding") and "camel" not in name_features("speculative decoding")
    assert "caps" in name_features("MMLU")


def _doc(nlp, text: str):
    """A tokenized Doc with sentences and no entities."""
    return nlp.get_pipe("kg_sentences")(nlp.make_doc(text))


def test_context_features_cover_every_mention(nlp):
    doc = nlp("Zorblex: a study\n\nWe test on Zorblex. The Zorblex benchmark is hard.")
    ents, _ = group_mentions(doc, [])
    zorblex = next(e for e in ents if e.name == "Zorblex")
    f = entity_features(doc, zorblex)
    assert {"title", "title_prefix", "L1=on", "R1=benchmark", "repeated"} <= set(f)


def _typer_that_maps(feature: str, label: str) -> EntityTyper:
    """A typer whose only feature FEATURE votes strongly for LABEL (everything else: TECHNIQUE)."""
    W = np.zeros((1, len(CLASSES)))
    W[0, CLASSES.index(label)] = 10.0
    b = np.zeros(len(CLASSES))
    b[CLASSES.index("TECHNIQUE")] = 1.0
    typer = EntityTyper(None)
    typer.model = LinearModel({feature: 0}, W, b, CLASSES, {})
    return typer


def test_typer_retypes_and_drops(nlp):
    doc = _doc(nlp, "We use Foo and Bar here.")
    doc.ents = [doc.char_span(7, 10, label="MODEL"), doc.char_span(15, 18, label="MODEL")]
    ents, by_span = group_mentions(doc, [])
    kept, kept_spans = _typer_that_maps("w=foo", "NONE")(doc, ents, by_span)
    assert [(e.name, e.type) for e in kept] == [("Bar", "TECHNIQUE")]
    assert list(kept_spans) == [(4, 5)]
    kept, _ = _typer_that_maps("w=bar", "BENCHMARK")(doc, ents, by_span)
    assert [(e.name, e.type) for e in kept] == [("Foo", "TECHNIQUE"), ("Bar", "BENCHMARK")]


def test_typer_never_drops_a_contribution(nlp):
    doc = _doc(nlp, "We use Foo here.")
    doc.ents = [doc.char_span(7, 10, label="MODEL")]
    ents, by_span = group_mentions(doc, [])
    kept, kept_spans = _typer_that_maps("w=foo", "NONE")(doc, ents, by_span, keep=ents)
    assert [(e.name, e.type) for e in kept] == [("Foo", "TECHNIQUE")] and list(kept_spans) == [(2, 3)]


def test_shipped_typer_types_an_unseen_dataset_from_its_contexts(nlp):
    text = ("A study\n\nWe train TorvaNet on the Orbex-1M dataset and test on Orbex-1M val. "
            "TorvaNet uses Mixture-of-Experts.")
    before = {e["name"]: e["type"] for e in build_nlp(use_typer=False)(text)._.kg_record["entities"]}
    after = {e["name"]: e["type"] for e in nlp(text)._.kg_record["entities"]}
    assert before["Orbex-1M"] == "MODEL" and after["Orbex-1M"] == "BENCHMARK"
    assert after["TorvaNet"] == "MODEL" and after["Mixture-of-Experts"] == "TECHNIQUE"


def test_shipped_typer_drops_a_generic_title_phrase(nlp):
    text = ("ZipSpec: Efficient Inference\n\nWe propose ZipSpec, which prunes the key-value cache of Mixtral-8x7B "
            "with 1-bit codes and keeps accuracy on MMLU.")
    before = [e["name"] for e in build_nlp(use_typer=False)(text)._.kg_record["entities"]]
    after = [e["name"] for e in nlp(text)._.kg_record["entities"]]
    assert "Efficient Inference" in before and "Efficient Inference" not in after
    assert {"ZipSpec", "Mixtral-8x7B", "MMLU"} <= set(after)


def test_training_examples_label_recognized_entities_by_annotation(nlp):
    text = "A study\n\nWe train TorvaNet with LoRA on ImageNet and report accuracy."
    record = {"id": "t", "text": text, "entities": [
        {"name": "TorvaNet", "type": "MODEL"}, {"name": "ImageNet", "type": "BENCHMARK"},
        {"name": "LoRA", "type": "TECHNIQUE", "optional": True}]}
    rows = examples([record], nlp)
    recognized = [(f, labels) for f, labels in rows if any(x.startswith("cur=") for x in f)]
    annotated = [(f, labels) for f, labels in rows if not any(x.startswith("cur=") for x in f)]
    by_name = {next(x[3:] for x in f if x.startswith("fw=")): labels for f, labels in recognized}
    assert by_name["torvanet"] == ["MODEL"] and by_name["imagenet"] == ["BENCHMARK"]
    assert by_name["accuracy"] == []  # recognized, not annotated: NONE
    assert "lora" not in by_name  # optional: teaches nothing
    assert sorted(labels for _, labels in annotated) == [["BENCHMARK"], ["MODEL"]]
