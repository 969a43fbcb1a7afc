"""The spaCy pipeline on hand-written sentences: tokenizer, sentences, entity rules, records."""

from __future__ import annotations

import pytest

from kg.nlp.acronyms import initials_start, long_form_start
from kg.nlp.pipeline import build_nlp


@pytest.fixture(scope="module")
def rules_nlp():
    return build_nlp(use_model=False)


@pytest.fixture(scope="module")
def full_nlp():
    return build_nlp()


@pytest.mark.parametrize("name", ["GPT-4o", "Llama-3.1-8B-Instruct", "Qwen2.5-72B", "H800", "pass@1", "FP8", "GSM8K", "DeepSeek-R1-Distill-Qwen-32B"])
def test_ml_names_are_single_tokens(tokenizer_nlp, name):
    doc = tokenizer_nlp(f"We compare {name}, and more.")
    assert name in [t.text for t in doc]


def test_suffix_words_split_from_names(tokenizer_nlp):
    assert [t.text for t in tokenizer_nlp("Qwen2.5-based GQA-based models")][:3] == ["Qwen2.5", "-", "based"]


def test_sentence_final_period_is_split(tokenizer_nlp):
    assert [t.text for t in tokenizer_nlp("results on GSM8K.")][-2:] == ["GSM8K", "."]


def test_sentences_survive_abbreviations_and_versions(tokenizer_nlp):
    text = "Title of a Paper\n\nWe follow Smith et al. in this work. Models, e.g. GPT-4o and v1.5, improve. It ends here."
    sents = [s.text.strip() for s in tokenizer_nlp(text).sents]
    assert sents == ["Title of a Paper", "We follow Smith et al. in this work.", "Models, e.g. GPT-4o and v1.5, improve.", "It ends here."]


def test_schwartz_hearst_long_form():
    text = "we adopt a Mixture-of-Experts"
    assert text[long_form_start("MoE", text):] == "Mixture-of-Experts"
    assert long_form_start("XYZ", "nothing matches here") is None


ACRONYM_RULES = {"function_words": {"of", "the", "for", "and", "in", "to"}, "digit_words": {"2": ["to", "two"]}}


@pytest.mark.parametrize("before, short, long", [
    ("we train with Proximal Policy Optimization", "PPO", "Proximal Policy Optimization"),
    ("We present Language Instructed Temporal - Localization Assistant", "LITA",
     "Language Instructed Temporal - Localization Assistant"),
    ("a Mixture - of - Experts", "MoE", "Mixture - of - Experts"),
    ("we propose Dynamic Discriminative Operations", "D2O", "Dynamic Discriminative Operations"),
    ("models for text - to - image", "T2I", "text - to - image"),
    ("and Vision MambaMixer", "ViM2", "Vision MambaMixer"),
    ("we adopt Low - Rank Adaptation", "LoRA", "Low - Rank Adaptation"),
])
def test_long_form_by_initials(before, short, long):
    words = before.split()
    start = initials_start(short, words, **ACRONYM_RULES)
    assert start is not None and " ".join(words[start:]) == long


@pytest.mark.parametrize("before, short", [
    ("we study Temporal Token Merging", "TempMe"),  # "Temp" is no word's beginning: left to Schwartz & Hearst
    ("results of the", "TF"),  # a long form does not end on a function word
    ("a model , Routing", "SWR"),  # nor reach back over punctuation
    ("Ab" * 5000, "AAAAAAAAAA"),  # untrusted text: one long camel-case token is read in bounded time
])
def test_no_long_form_by_initials(before, short):
    assert initials_start(short, before.split(), **ACRONYM_RULES) is None


def test_acronym_long_form_with_repeated_letter(rules_nlp):
    ents, _ = _entities(rules_nlp, "A title\n\nWe fine-tune with Proximal Policy Optimization (PPO). PPO is stable.")
    assert ents["Proximal Policy Optimization"][1] == ["PPO"]


def _entities(nlp, text):
    rec = nlp(text)._.kg_record
    return {e["name"]: (e["type"], e["aliases"]) for e in rec["entities"]}, rec


def test_acronym_definition_is_one_entity_with_alias(rules_nlp):
    ents, _ = _entities(rules_nlp, "A title\n\nWe study Sparse Window Routing (SWR) for inference. SWR is fast.")
    assert ents["Sparse Window Routing"] == ("TECHNIQUE", ["SWR"])


def test_context_patterns_find_unseen_names(rules_nlp):
    ents, _ = _entities(
        rules_nlp,
        "A title\n\nWe propose ZetaNet, a model for retrieval. We evaluate on the QuuxBench benchmark. "
        "Training used 512 NVIDIA Z900 GPUs.",
    )
    assert ents["ZetaNet"][0] == "MODEL"
    assert ents["QuuxBench"][0] == "BENCHMARK"
    assert ents["NVIDIA Z900 GPUs"][0] == "HARDWARE"


def test_false_friends_are_filtered(rules_nlp):
    ents, _ = _entities(rules_nlp, "A title\n\nThe Model and the Framework use 7B parameters and 3.5% of data.")
    assert not {"Model", "Framework", "7B", "3.5%"} & set(ents)


def test_title_names_the_contribution_typed_by_its_noun(rules_nlp):
    _, rec = _entities(rules_nlp, "FooBench: Testing Agents\n\nWe present FooBench, a benchmark of agent tasks.")
    assert rec["contributions"] == ["FooBench"]
    assert {e["name"]: e["type"] for e in rec["entities"]}["FooBench"] == "BENCHMARK"


def test_model_finds_unlisted_technique(full_nlp):
    ents, _ = _entities(full_nlp, "A title\n\nWe apply speculative decoding with a lightweight draft model to speed up inference.")
    assert ents.get("speculative decoding", ("",))[0] == "TECHNIQUE"


def test_results_are_parsed(full_nlp):
    _, rec = _entities(full_nlp, "A title\n\nOur model QuillLM achieves 56.2% accuracy on MMLU, 3.1 points above the baseline.")
    res = rec["results"]
    assert any(r["number"] == 56.2 and r["unit"] == "%" and r["benchmark"] == "MMLU" for r in res)


@pytest.mark.parametrize(
    "text, number, unit",
    [("56%", 56.0, "%"), ("16.59\\%", 16.59, "%"), ("2.6times", 2.6, "x"), ("3.7×", 3.7, "x"), ("1,024 ms", 1024.0, "ms"), ("43.2", 43.2, "")],
)
def test_values_parse_into_number_and_unit(text, number, unit):
    from kg.nlp.results import parse_value

    assert parse_value(text) == (number, unit)


def test_model_found_names_take_their_head_noun_type(full_nlp):
    from kg.nlp.entities import Candidate

    ents = full_nlp.get_pipe("kg_entities")
    doc = full_nlp.make_doc("We study speech intent classification and the Q-T score .")
    assert ents._retype(doc, Candidate(2, 5, "TECHNIQUE", "ner")).label == "TASK"
    assert ents._retype(doc, Candidate(7, 11, "TECHNIQUE", "ner")).label == "METRIC"
    # gazetteer types come from annotations and are kept
    assert ents._retype(doc, Candidate(2, 5, "TECHNIQUE", "gaz:curated")).label == "TECHNIQUE"


def test_model_sizes_and_compute_are_not_results(full_nlp):
    _, rec = _entities(full_nlp, "A title\n\nQuillNet reaches 71.2% top-1 accuracy on ImageNet-1K with 5.6M parameters and 1.3 GFLOPs.")
    values = [r["value"] for r in rec["results"]]
    assert "71.2%" in values
    assert not {"5.6", "1.3"} & set(values)
