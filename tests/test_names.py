"""Name keys: the scorer's key stays SCHEMA.md's; kg groups by a key that keeps Greek letters and accents."""

from __future__ import annotations

import spacy

from kg.graph import build_graph, entity_node
from kg.names import group_key, name_key
from kg.nlp.mentions import group_mentions


def test_scoring_key_is_schema_md_key() -> None:
    assert name_key("H800 GPUs") == name_key("H800 GPU") == "h800gpu"
    assert name_key("γ-MoD") == "mod"  # the reference scorer drops non-ASCII letters


def test_greek_letters_and_accents_are_kept_apart_by_the_group_key() -> None:
    assert group_key("γ-MoD") == group_key("gamma-MoD") != group_key("MoD")
    assert group_key("PixArt-α") == group_key("PixArt-$\\alpha$") != group_key("PixArt")
    assert group_key("PixArt-Σ") != group_key("PixArt-α")
    assert group_key("µP") == group_key("μP") == group_key("muP")
    assert group_key("Fréchet Inception Distance") == group_key("Frechet Inception Distance")
    assert group_key("LLaMA-2 7B") == name_key("LLaMA-2 7B")


def test_mentions_written_with_and_without_greek_letters_group_together() -> None:
    nlp = spacy.blank("en")
    doc = nlp("γ-MoD applies MoD layers ; gamma-MoD skips tokens .")
    doc.ents = [doc.char_span(0, 5, "TECHNIQUE"), doc.char_span(14, 17, "TECHNIQUE"), doc.char_span(27, 36, "TECHNIQUE")]
    entities, _ = group_mentions(doc, [])
    assert sorted((e.name, tuple(e.aliases)) for e in entities) == [("MoD", ()), ("gamma-MoD", ("γ-MoD",))]


def test_graph_keeps_greek_named_models_apart() -> None:
    rec = {"id": "p1", "title": "t", "text": "x", "entities": [
        {"name": "PixArt-α", "type": "MODEL", "aliases": [], "mentions": []},
        {"name": "PixArt", "type": "MODEL", "aliases": [], "mentions": []},
    ], "relations": [], "contributions": [], "results": []}
    g = build_graph([rec])
    assert entity_node("PixArt-α") != entity_node("PixArt")
    assert {entity_node("PixArt-α"), entity_node("PixArt")} <= set(g.nodes)
