"""The linear classifier kg learns three times: the entity typer, the contribution model and the
relation classifier. Features are strings; a model is a vocabulary, a weight matrix and a
bias, stored small (float16 weights, compressed) and scored with one gather per call.
"""

from __future__ import annotations

import json
from itertools import chain, repeat
from pathlib import Path

import numpy as np


class LinearModel:
    """Multinomial logistic regression over sparse binary features: weights.npz (features, weights, bias)
    and meta.json (classes, thresholds) in one folder."""

    def __init__(self, vocab: dict[str, int], weights: np.ndarray, bias: np.ndarray, classes: list[str],
                 thresholds: dict[str, float], meta: dict | None = None) -> None:
        self.vocab, self.W, self.b, self.classes = vocab, weights.astype(np.float32), bias.astype(np.float32), classes
        self.thresholds = thresholds
        self.meta = meta or {}

    @classmethod
    def load(cls, folder: Path) -> "LinearModel":
        data = np.load(folder / "weights.npz", allow_pickle=False)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        vocab = {f: i for i, f in enumerate(data["features"].tolist())}
        return cls(vocab, data["weights"], data["bias"], meta["classes"], meta["thresholds"], meta)

    def save(self, folder: Path, extra: dict | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        feats = sorted(self.vocab, key=self.vocab.get)
        np.savez_compressed(folder / "weights.npz", features=np.array(feats), weights=self.W.astype(np.float16),
                            bias=self.b.astype(np.float32))
        meta = {"classes": self.classes, "thresholds": self.thresholds, **(extra or {})}
        (folder / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    def probs(self, features: list[list[str]]) -> np.ndarray:
        """Class probabilities, one row per feature list: one vocabulary pass over all lists (unknown
        features dropped), one gather and one segmented sum, each list summed in its own order."""
        lens = np.fromiter(map(len, features), dtype=np.intp, count=len(features))
        cols = np.fromiter(map(self.vocab.get, chain.from_iterable(features), repeat(-1)), dtype=np.intp,
                           count=int(lens.sum()))
        known = cols >= 0
        cols = cols[known]
        counts = np.bincount(np.repeat(np.arange(len(features)), lens)[known], minlength=len(features))
        z = np.tile(self.b, (len(features), 1))
        if len(cols):
            starts = np.cumsum(counts) - counts
            sums = np.add.reduceat(self.W[cols], np.minimum(starts, len(cols) - 1), axis=0)
            has = counts > 0  # reduceat gives a row even for empty segments
            z[has] += sums[has]
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)
