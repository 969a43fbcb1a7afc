"""The BILUO decoding of kg's NER tagger: every output is a valid tag sequence, the best one."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kg.nlp.biluo_tagger import Layout, viterbi

# the order a trained tagger keeps them in: O, then B I L U of each type
LABELS = ("O", "B-MODEL", "I-MODEL", "L-MODEL", "U-MODEL", "B-TASK", "I-TASK", "L-TASK", "U-TASK")
LAYOUT = Layout.of(LABELS)


def scores(*rows: dict[str, float]) -> np.ndarray:
    x = np.full((len(rows), len(LABELS)), -5.0, dtype=np.float32)
    for i, row in enumerate(rows):
        for tag, v in row.items():
            x[i, LABELS.index(tag)] = v
    return x


def decode(*docs: np.ndarray) -> list[list[str]]:
    return [["-".join(filter(None, LAYOUT.label(k))) for k in path] for path in viterbi(list(docs), LAYOUT)]


def valid(tags: list[str]) -> bool:
    prev = "O"
    for tag in tags + ["O"]:
        inside = prev[0] in "BI"
        if inside != (tag[0] in "IL") or (inside and tag[2:] != prev[2:]):
            return False
        prev = tag
    return True


def test_an_unclosed_begin_becomes_the_best_valid_sequence() -> None:
    # arg max per token says B-MODEL O, which opens a span that never closes
    assert decode(scores({"B-MODEL": 3, "U-MODEL": 2.9, "O": 0}, {"O": 3, "L-MODEL": 2.5})) == [["U-MODEL", "O"]]
    # an inside tag with no begin, alone in the document
    assert decode(scores({"I-MODEL": 5, "U-MODEL": 1})) == [["U-MODEL"]]
    # a span cannot change type midway
    assert decode(scores({"B-TASK": 4}, {"I-MODEL": 4, "I-TASK": 3}, {"L-TASK": 4})) == [["B-TASK", "I-TASK", "L-TASK"]]


def test_the_decoding_is_the_exact_best_valid_sequence() -> None:
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 4):
        x = rng.normal(size=(n, len(LABELS))).astype(np.float32)
        logp = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
        best = max((seq for seq in itertools.product(range(len(LABELS)), repeat=n)
                    if valid([LABELS[i] for i in seq])), key=lambda seq: sum(logp[t, i] for t, i in enumerate(seq)))
        assert decode(x) == [[LABELS[i] for i in best]]


@pytest.mark.parametrize("lengths", [(5, 1, 0, 12), (3, 3), (0,)])
def test_a_batch_decodes_each_document_as_if_alone(lengths: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(lengths))
    docs = [rng.normal(scale=3, size=(n, len(LABELS))).astype(np.float32) for n in lengths]
    together = decode(*docs)
    assert together == [decode(d)[0] for d in docs]
    assert all(valid(tags) for tags in together)


def test_a_label_set_without_all_four_tags_of_a_type_is_refused() -> None:
    with pytest.raises(ValueError, match="L-TASK"):
        Layout.of(("O", "B-TASK", "I-TASK", "U-TASK"))
