"""Contributions on hand-written abstracts: the cue rule, the learned model and its training data."""

from __future__ import annotations

import pytest

from kg.contribution_training import CONTRIBUTION, examples
from kg.nlp.contributions import ContributionFinder
from kg.nlp.mentions import group_mentions
from kg.nlp.pipeline import build_nlp

ABSTRACT = (
    "ZorbNet: Fast Retrieval with Folded Attention\n\n"
    "Retrieval with large language models is slow. We propose ZorbNet, a retrieval model built on the Transformer. "
    "ZorbNet consists of two components: Folded Lattice Attention (FLA), which merges similar keys, and a gated "
    "cache refresh strategy. ZorbNet outperforms BERT on MS MARCO."
)


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _contributions(nlp, text: str, model: bool = True) -> list[str]:
    doc = nlp(text)
    if model:
        return doc._.kg_record["contributions"]
    ents, by_span = group_mentions(doc, doc._.kg_aliases or [])
    return [e.name for e in ContributionFinder(nlp, model_dir=None)(doc, ents, by_span)]


def test_rule_takes_title_prefix_and_first_name_after_a_cue(nlp):
    assert _contributions(nlp, ABSTRACT, model=False) == ["ZorbNet"]
    text = "Efficient inference\n\nThis paper presents QuiltViT for vision. It is built on the Transformer."
    assert _contributions(nlp, text, model=False) == ["QuiltViT"]


def test_model_adds_named_components_but_not_known_architectures(nlp):
    found = _contributions(nlp, ABSTRACT)
    assert {"ZorbNet", "Folded Lattice Attention"} <= set(found)
    assert not {"Transformer", "BERT", "MS MARCO"} & set(found)


def test_model_takes_every_coordinated_contribution(nlp):
    text = ("Efficient inference for vision models\n\nWe introduce QuiltViT and a new benchmark called PatchQA. "
            "Unlike Mixture-of-Experts models, QuiltViT uses LoRA. QuiltViT achieves 81.2% accuracy on ImageNet.")
    found = _contributions(nlp, text)
    assert {"QuiltViT", "PatchQA"} <= set(found)
    assert not {"Mixture-of-Experts", "LoRA", "ImageNet"} & set(found)


def test_training_examples_label_entities_by_annotated_contribution(nlp):
    record = {"id": "zorb", "text": ABSTRACT, "contributions": ["ZorbNet"],
              "entities": [{"name": "ZorbNet", "type": "MODEL"}, {"name": "BERT", "type": "MODEL"}]}
    (rows,) = examples([record], nlp, seed=0)
    labels = {name: labels for _, labels, name in rows}
    assert labels["ZorbNet"] == [CONTRIBUTION]
    assert labels["BERT"] == []
    assert all(feats for feats, _, _ in rows)


def test_title_prefix_drops_technical_report(nlp):
    text = "ZorbLM-2 Technical Report: Scaling Retrieval\n\nWe present ZorbLM-2, a family of models trained on web data."
    record = nlp(text)._.kg_record
    assert "ZorbLM-2 Technical Report" not in {e["name"] for e in record["entities"]}
    assert record["contributions"] == ["ZorbLM-2"]
