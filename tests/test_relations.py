"""Relation extraction on hand-written sentences: every relation type, coordination, passives,
negation and hedging, comparatives with numbers, the paper's contribution as subject.

Entity mentions are given explicitly (not left to the NER model), so these tests pin down the
relation step alone: the trigger rules (rules/relations.yaml) and, where it is trained, the
learned classifier that re-scores them (kg/model_relations).
"""

from __future__ import annotations

import re

import pytest

from kg.nlp.contributions import ContributionFinder
from kg.nlp.mentions import group_mentions
from kg.nlp.pipeline import build_nlp
from kg.nlp.relations import MODEL_DIR, RelationExtractor


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(use_model=False)


@pytest.fixture(scope="module")
def rules(nlp):
    return RelationExtractor(nlp, model_dir=None)


@pytest.fixture(scope="module")
def learned(nlp):
    if not (MODEL_DIR / "weights.npz").is_file():
        pytest.skip("no trained relation model (python3 -m kg.relation_training)")
    return RelationExtractor(nlp)


def run(nlp, extractor, text: str, ents: dict[str, str], title: str = "A study") -> set[tuple[str, str, str]]:
    """(head, relation, tail) edges of TEXT whose entity mentions are the names in ENTS (name -> type)."""
    full = f"{title}\n\n{text}"
    doc = nlp.get_pipe("kg_sentences")(nlp.make_doc(full))
    spans = []
    for name, label in sorted(ents.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(re.escape(name), full):
            span = doc.char_span(m.start(), m.end(), label=label)
            if span is not None and not any(s.start < span.end and span.start < s.end for s in spans):
                spans.append(span)
    doc.ents = sorted(spans, key=lambda s: s.start)
    entities, by_span = group_mentions(doc, [])
    own = ContributionFinder(nlp)(doc, entities, by_span)
    edges = extractor(doc, by_span, own)
    for e in edges:
        assert 0.0 <= e["confidence"] <= 1.0
        assert e["evidence"] and full[e["start"]: e["end"]].strip() == e["evidence"]
    return {(e["head"], e["relation"], e["tail"]) for e in edges}


M = "MODEL"
T = "TECHNIQUE"


# -- the trigger rules ---------------------------------------------------------------------

def test_outperforms_with_coordinated_tails(nlp, rules):
    got = run(nlp, rules, "Zephyrix outperforms Falcon-40B, LLaMA-2 and Mistral-7B on GSM8K.",
              {"Zephyrix": M, "Falcon-40B": M, "LLaMA-2": M, "Mistral-7B": M, "GSM8K": "BENCHMARK"})
    assert {("Zephyrix", "OUTPERFORMS", t) for t in ("Falcon-40B", "LLaMA-2", "Mistral-7B")} <= got
    assert ("Zephyrix", "EVALUATED_ON", "GSM8K") in got


def test_passive_swaps_head_and_tail(nlp, rules):
    got = run(nlp, rules, "In our tests, LLaMA-2 is clearly outperformed by Zephyrix.", {"Zephyrix": M, "LLaMA-2": M})
    assert ("Zephyrix", "OUTPERFORMS", "LLaMA-2") in got
    assert ("LLaMA-2", "OUTPERFORMS", "Zephyrix") not in got


def test_lags_behind_is_backward(nlp, rules):
    got = run(nlp, rules, "On long documents, Falcon-40B still lags behind Zephyrix.", {"Zephyrix": M, "Falcon-40B": M})
    assert got == {("Zephyrix", "OUTPERFORMS", "Falcon-40B")}


@pytest.mark.parametrize("sentence", [
    "Zephyrix does not outperform Falcon-40B.",
    "Zephyrix fails to outperform Falcon-40B.",
    "Zephyrix may outperform Falcon-40B on harder inputs.",
    "It is unclear whether Zephyrix outperforms Falcon-40B.",
])
def test_negation_and_hedging_cancel(nlp, rules, sentence):
    got = run(nlp, rules, sentence, {"Zephyrix": M, "Falcon-40B": M})
    assert not any(r == "OUTPERFORMS" for _, r, _ in got)


def test_fails_to_match_gives_no_comparable(nlp, rules):
    got = run(nlp, rules, "Zephyrix fails to match Falcon-40B.", {"Zephyrix": M, "Falcon-40B": M})
    assert got == set()


def test_not_only_is_no_negation(nlp, rules):
    got = run(nlp, rules, "Zephyrix not only outperforms Falcon-40B but also runs faster.", {"Zephyrix": M, "Falcon-40B": M})
    assert ("Zephyrix", "OUTPERFORMS", "Falcon-40B") in got


@pytest.mark.parametrize("sentence", [
    "Zephyrix is 2x faster than Falcon-40B.",
    "Zephyrix gains +3.1 points over Falcon-40B.",
    "Zephyrix reaches 71.2% accuracy, 4.5% over Falcon-40B.",
])
def test_comparatives_with_numbers(nlp, rules, sentence):
    got = run(nlp, rules, sentence, {"Zephyrix": M, "Falcon-40B": M})
    assert ("Zephyrix", "OUTPERFORMS", "Falcon-40B") in got


def test_over_without_a_number_is_no_comparison(nlp, rules):
    got = run(nlp, rules, "Zephyrix takes over Falcon-40B weights.", {"Zephyrix": M, "Falcon-40B": M})
    assert not any(r == "OUTPERFORMS" for _, r, _ in got)


def test_two_comparisons_share_their_subject(nlp, rules):
    got = run(nlp, rules, "Zephyrix is 1.4x faster than Falcon-40B and 1.6x faster than Mistral-7B.",
              {"Zephyrix": M, "Falcon-40B": M, "Mistral-7B": M})
    assert {("Zephyrix", "OUTPERFORMS", "Falcon-40B"), ("Zephyrix", "OUTPERFORMS", "Mistral-7B")} <= got
    assert ("Falcon-40B", "OUTPERFORMS", "Mistral-7B") not in got


def test_participle_after_a_list_takes_the_clause_subject(nlp, rules):
    ents = {"Zephyrix": M, "GSM8K": "BENCHMARK", "MATH": "BENCHMARK", "Falcon-40B": M, "Mistral-7B": M}
    got = run(nlp, rules, "The Zephyrix model shows consistently strong accuracy on general reasoning benchmarks "
              "such as GSM8K and MATH, outperforming models such as Falcon-40B and Mistral-7B.", ents)
    assert {("Zephyrix", "OUTPERFORMS", "Falcon-40B"), ("Zephyrix", "OUTPERFORMS", "Mistral-7B")} <= got
    # a sentence opened by another clause has no subject at its start
    got = run(nlp, rules, "Building on Falcon-40B, a model scores well on GSM8K and MATH, outperforming Mistral-7B.", ents)
    assert ("Falcon-40B", "OUTPERFORMS", "Mistral-7B") not in got


def test_longest_trigger_wins(nlp, rules):
    """'comparable performance with' is one trigger: it must not also fire USES through 'with'."""
    got = run(nlp, rules, "Zephyrix achieves comparable performance with Falcon-40B.",
              {"Zephyrix": M, "Falcon-40B": M})
    assert got == {("Zephyrix", "COMPARABLE_TO", "Falcon-40B")}


def test_built_on(nlp, rules):
    got = run(nlp, rules, "Zephyrix is built on LLaMA-2.", {"Zephyrix": M, "LLaMA-2": M})
    assert got == {("Zephyrix", "BUILT_ON", "LLaMA-2")}


def test_uses_with_relative_clause(nlp, rules):
    got = run(nlp, rules, "Zephyrix, which uses low-rank adaptation, outperforms Falcon-40B.",
              {"Zephyrix": M, "low-rank adaptation": "TECHNIQUE", "Falcon-40B": M})
    assert ("Zephyrix", "USES", "low-rank adaptation") in got
    assert ("Zephyrix", "OUTPERFORMS", "Falcon-40B") in got
    assert ("low-rank adaptation", "OUTPERFORMS", "Falcon-40B") not in got


def test_object_of_a_preposition_is_no_subject(nlp, rules):
    got = run(nlp, rules, "Zephyrix with rotary embeddings surpasses Falcon-40B.",
              {"Zephyrix": M, "rotary embeddings": "TECHNIQUE", "Falcon-40B": M})
    assert ("Zephyrix", "OUTPERFORMS", "Falcon-40B") in got
    assert ("rotary embeddings", "OUTPERFORMS", "Falcon-40B") not in got


def test_evaluated_trained_runs_applied(nlp, rules):
    ents = {"Zephyrix": M, "MMLU": "BENCHMARK", "HumanEval": "BENCHMARK", "RedPajama": "BENCHMARK",
            "A100 GPUs": "HARDWARE", "code generation": "TASK"}
    text = ("Zephyrix is trained on RedPajama. Zephyrix runs on A100 GPUs. Zephyrix is designed for code generation. "
            "Zephyrix is evaluated on MMLU and HumanEval.")
    got = run(nlp, rules, text, ents)
    assert {("Zephyrix", "TRAINED_ON", "RedPajama"), ("Zephyrix", "RUNS_ON", "A100 GPUs"),
            ("Zephyrix", "APPLIED_TO", "code generation"), ("Zephyrix", "EVALUATED_ON", "MMLU"),
            ("Zephyrix", "EVALUATED_ON", "HumanEval")} == got


def test_trained_on_hardware_is_runs_on(nlp, rules):
    got = run(nlp, rules, "Zephyrix was trained on 512 TPU v4 chips.", {"Zephyrix": M, "TPU v4": "HARDWARE"})
    assert got == {("Zephyrix", "RUNS_ON", "TPU v4")}


def test_contribution_is_the_subject_of_our_model_and_it(nlp, rules):
    ents = {"Zephyrix": M, "Falcon-40B": M, "grouped-query attention": "TECHNIQUE"}
    text = ("We introduce Zephyrix, a compact language model. Our model outperforms Falcon-40B. "
            "It uses grouped-query attention.")
    got = run(nlp, rules, text, ents)
    assert ("Zephyrix", "OUTPERFORMS", "Falcon-40B") in got
    assert ("Zephyrix", "USES", "grouped-query attention") in got


def test_contribution_named_only_in_the_title(nlp, rules):
    ents = {"Zephyrix": M, "Falcon-40B": M, "code generation": "TASK"}
    got = run(nlp, rules, "The proposed method surpasses Falcon-40B by a wide margin.", ents,
              title="Zephyrix: Small Models for code generation")
    assert ("Zephyrix", "OUTPERFORMS", "Falcon-40B") in got
    assert ("Zephyrix", "APPLIED_TO", "code generation") in got


def test_no_self_reference_no_guess(nlp, rules):
    ents = {"Zephyrix": M, "Falcon-40B": M}
    got = run(nlp, rules, "Prior systems surpass Falcon-40B.", ents, title="Zephyrix: Small Models")
    assert got == set()


# -- rules re-scored by the learned classifier ------------------------------------------------

def test_learned_negation_is_vetoed(nlp, learned):
    got = run(nlp, learned, "Zephyrix does not outperform Falcon-40B on MMLU.",
              {"Zephyrix": M, "Falcon-40B": M, "MMLU": "BENCHMARK"})
    assert not any(r == "OUTPERFORMS" for _, r, _ in got)


def test_learned_keeps_clear_statements(nlp, learned):
    ents = {"Zephyrix": M, "Falcon-40B": M, "LLaMA-2": M, "MMLU": "BENCHMARK"}
    text = "We present Zephyrix. Zephyrix outperforms Falcon-40B and LLaMA-2 on MMLU."
    got = run(nlp, learned, text, ents)
    assert {("Zephyrix", "OUTPERFORMS", "Falcon-40B"), ("Zephyrix", "OUTPERFORMS", "LLaMA-2"),
            ("Zephyrix", "EVALUATED_ON", "MMLU")} <= got
    assert ("Falcon-40B", "OUTPERFORMS", "LLaMA-2") not in got


def test_learned_confidence_orders_support(nlp, learned):
    """An edge stated by a rule the model confirms is more confident than a merely co-mentioned pair."""
    full = "A study\n\nWe present Zephyrix. Zephyrix outperforms Falcon-40B. Falcon-40B and Zephyrix are both models."
    doc = nlp.get_pipe("kg_sentences")(nlp.make_doc(full))
    spans = [doc.char_span(m.start(), m.end(), label=M) for m in re.finditer(r"Zephyrix|Falcon-40B", full)]
    doc.ents = spans
    entities, by_span = group_mentions(doc, [])
    edges = learned(doc, by_span, ContributionFinder(nlp)(doc, entities, by_span))
    conf = {(e["head"], e["relation"], e["tail"]): e["confidence"] for e in edges}
    assert conf.get(("Zephyrix", "OUTPERFORMS", "Falcon-40B"), 0) >= 0.6
    assert all(v < conf[("Zephyrix", "OUTPERFORMS", "Falcon-40B")] for k, v in conf.items()
               if k != ("Zephyrix", "OUTPERFORMS", "Falcon-40B"))


PTQ, ZT = {"QuipQuant": M, "post-training quantization": T}, {"ZetaLM": M, "Transformer": T}


@pytest.mark.parametrize("sentence, ents, present, absent", [
    # an apposition: "X, a T method" gives BUILT_ON, "X, a T model" gives USES; no noun, no edge
    ("We propose QuipQuant, a post-training quantization method for LLMs.", PTQ,
     {("QuipQuant", "BUILT_ON", "post-training quantization")}, set()),
    ("We present ZetaLM, a Transformer model.", ZT, {("ZetaLM", "USES", "Transformer")}, set()),
    ("We compare ZetaLM, a Transformer trained on code.", ZT, set(),
     {("ZetaLM", "BUILT_ON", "Transformer"), ("ZetaLM", "USES", "Transformer")}),
    # a title's colon and a copula open appositions too
    ("QuipQuant: A Post-Training Quantization Method for LLMs", {"QuipQuant": M, "Post-Training Quantization": T},
     {("QuipQuant", "BUILT_ON", "Post-Training Quantization")}, set()),
    ("ZetaLM is a Transformer model with 7B parameters.", ZT, {("ZetaLM", "USES", "Transformer")}, set()),
    ("ZetaLM uses a Transformer model.", ZT, {("ZetaLM", "USES", "Transformer")}, {("ZetaLM", "BUILT_ON", "Transformer")}),
])
def test_appositions_give_built_on_and_uses(nlp, rules, sentence, ents, present, absent):
    edges = run(nlp, rules, sentence, ents)
    assert present <= edges and not absent & edges
