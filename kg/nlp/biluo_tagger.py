"""Entity recognition as per-token BILUO tagging, decoded into ``doc.ents`` by constrained Viterbi.

spaCy's transition-based ``ner`` spends about half of its time in its per-token state
machine. Tagging scores every token of a batch with one softmax layer over the same
tok2vec; a Viterbi pass over the batch (numpy, one step per token position) then picks the
best tag sequence that is valid BILUO (B-X I-X* L-X or U-X), so no span is half open.
Training uses spaCy's own machinery: the gold tags come from the reference ``doc.ents``
(``Example.get_aligned_ner``), and the score is entity F1 (``spacy.ner_scorer.v1``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from spacy.language import Language
from spacy.pipeline.tagger import DEFAULT_TAGGER_MODEL, Tagger
from spacy.tokens import Doc, Span
from spacy.training import Example
from thinc.api import Model, SequenceCategoricalCrossentropy

_DEFAULT_SCORER = {"@scorers": "spacy.ner_scorer.v1"}


@Language.factory(
    "kg_biluo_ner",
    default_config={"model": DEFAULT_TAGGER_MODEL, "scorer": _DEFAULT_SCORER},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_biluo_ner(nlp: Language, name: str, model: Model, scorer: Callable | None) -> "BiluoTagger":
    return BiluoTagger(nlp.vocab, model, name, scorer=scorer)


@dataclass(frozen=True)
class Layout:
    """Where each kind of label sits once the columns are reordered as L-*, O, U-*, B-*, I-*
    (types in the same order in each group), so the Viterbi step works on slices: a span can
    start (O, U, B) only after a closed label (L, O, U), and I-X or L-X only after B-X or I-X."""

    order: np.ndarray  # column of each reordered label in the tagger's label list
    n_types: int
    types: tuple[str, ...]

    @classmethod
    @lru_cache(maxsize=8)
    def of(cls, labels: tuple[str, ...]) -> "Layout":
        types = tuple(sorted({lab[2:] for lab in labels if lab != "O"}))
        missing = [f"{p}-{t}" for t in types for p in "BILU" if f"{p}-{t}" not in labels]
        if "O" not in labels or missing:
            raise ValueError(f"BILUO labels incomplete: missing {['O'] if 'O' not in labels else missing}")
        names = [f"L-{t}" for t in types] + ["O"] + [f"{p}-{t}" for p in "UBI" for t in types]
        return cls(np.array([labels.index(n) for n in names], dtype=np.intp), len(types), types)

    @property
    def size(self) -> int:
        return 4 * self.n_types + 1

    @property
    def last(self) -> slice:
        return slice(0, self.n_types)

    @property
    def closed(self) -> slice:
        """L-*, O and U-*: where a span has just ended (or none is open)."""
        return slice(0, 2 * self.n_types + 1)

    @property
    def starts(self) -> slice:
        """O, U-* and B-*: what may follow a closed label."""
        return slice(self.n_types, 3 * self.n_types + 1)

    @property
    def begin(self) -> slice:
        return slice(2 * self.n_types + 1, 3 * self.n_types + 1)

    @property
    def inside(self) -> slice:
        return slice(3 * self.n_types + 1, self.size)

    def label(self, k: int) -> tuple[str, str]:
        """(BILUO prefix, type) of reordered label K."""
        t = self.n_types
        if k < t:
            return "L", self.types[k]
        if k == t:
            return "O", ""
        group, i = divmod(k - t - 1, t)
        return "UBI"[group], self.types[i]


def viterbi(logits: list[np.ndarray], layout: Layout) -> list[list[int]]:
    """The best valid label sequence of each document (reordered label numbers, see Layout),
    all documents of a batch decoded together, one step per token position.

    Per-token normalization adds the same constant to every label of a token, so logits give
    the same best path as log-probabilities."""
    closed, starts, b_, i_, l_ = layout.closed, layout.starts, layout.begin, layout.inside, layout.last
    b_idx, i_idx = np.arange(layout.size)[b_], np.arange(layout.size)[i_]
    lengths = [len(x) for x in logits]
    n, d = max(lengths, default=0), len(logits)
    scores = np.zeros((n, d, layout.size), dtype=np.float32)
    for k, x in enumerate(logits):
        scores[: len(x), k] = x[:, layout.order]
    back = np.zeros((n, d, layout.size), dtype=np.intp)
    ended: dict[int, list[int]] = {}
    for k, length in enumerate(lengths):
        ended.setdefault(length, []).append(k)
    final = [0] * d
    best = np.full((d, layout.size), -np.inf, dtype=np.float32)
    if n:
        best[:, starts] = scores[0, :, starts]
    for t in range(1, n + 1):
        for k in ended.get(t, ()):  # documents whose last token is t - 1 end on a closed label
            final[k] = int(best[k, closed].argmax())
        if t == n:
            break
        came = best[:, closed].argmax(axis=1)
        new = np.empty_like(best)
        new[:, starts] = best[np.arange(d), came][:, None] + scores[t, :, starts]
        back[t, :, starts] = came[:, None]
        from_i = best[:, i_] > best[:, b_]
        inside = np.where(from_i, best[:, i_], best[:, b_])
        new[:, i_] = inside + scores[t, :, i_]
        new[:, l_] = inside + scores[t, :, l_]
        back[t, :, i_] = back[t, :, l_] = np.where(from_i, i_idx, b_idx)
        best = new
    paths = []
    for k, length in enumerate(lengths):
        path = [0] * length
        if length:
            path[-1] = final[k]
            for t in range(length - 1, 0, -1):
                path[t - 1] = int(back[t, k, path[t]])
        paths.append(path)
    return paths


def spans(doc: Doc, path: list[int], layout: Layout) -> list[Span]:
    """The entities of a valid BILUO path."""
    out, begin = [], 0
    for t, k in enumerate(path):
        prefix, label = layout.label(k)
        if prefix == "U":
            out.append(Span(doc, t, t + 1, label=label))
        elif prefix == "B":
            begin = t
        elif prefix == "L":
            out.append(Span(doc, begin, t + 1, label=label))
    return out


class BiluoTagger(Tagger):
    """A spaCy tagger whose labels are BILUO entity tags and whose output is ``doc.ents``."""

    def predict(self, docs: list[Doc]) -> list[np.ndarray]:
        """Per-token label scores (the softmax layer's logits: the config keeps ``normalize = false``)."""
        if not any(len(doc) for doc in docs):
            return [self.model.ops.alloc2f(len(doc), len(self.labels)) for doc in docs]
        return [self.model.ops.to_numpy(s) for s in self.model.predict(docs)]

    def set_annotations(self, docs: list[Doc], scores: list[np.ndarray]) -> None:
        layout = Layout.of(self.labels)
        for doc, path in zip(docs, viterbi(scores, layout)):
            doc.ents = spans(doc, path, layout)

    def get_loss(self, examples: Iterable[Example], scores: list) -> tuple[float, list]:
        """Cross-entropy against the reference entities as BILUO tags (unaligned or unknown tokens are missing)."""
        known = set(self.labels)
        truths = [[t if t in known else None for t in eg.get_aligned_ner()] for eg in examples]
        loss_func = SequenceCategoricalCrossentropy(names=self.labels, normalize=False)
        d_scores, loss = loss_func(scores, truths)
        return float(loss), d_scores

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None,
                   labels: list[str] | None = None) -> None:
        """Labels: O and the four BILU tags of every entity type in the examples."""
        if labels is None:
            types = sorted({ent.label_ for eg in get_examples() for ent in eg.reference.ents})
            labels = ["O"] + [f"{p}-{t}" for t in types for p in "BILU"]
        super().initialize(get_examples, nlp=nlp, labels=labels)
