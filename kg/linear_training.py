"""Fitting kg's linear models (kg/nlp/linear.py) from labelled feature lists, deterministically.

Training data is a list of documents, each a list of rows ``(features, labels, ...)``; the
typer, the contribution model and the relation classifier build such rows their own way
and share everything from there: the vocabulary, the sparse matrix, the fit, the pruning,
the cross-validation folds and the threshold sweep over them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any, Callable

import numpy as np

from .nlp.linear import LinearModel
from .scoring import Scores, score


def vocabulary(docs: list[list[tuple]], min_count: int) -> dict[str, int]:
    """Feature -> column for every feature seen at least MIN_COUNT times in DOCS (lists of (features, labels, ...))."""
    counts: Counter = Counter()
    for rows in docs:
        for feats, *_ in rows:
            counts.update(feats)
    kept = sorted(f for f, n in counts.items() if n >= min_count)
    return {f: i for i, f in enumerate(kept)}


def matrix(docs: list[list[tuple]], vocab: dict[str, int], classes: list[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """Sparse rows (column indices) and class indices: one row per label, CLASSES[0] for a row without labels."""
    rows, ys = [], []
    for d in docs:
        for feats, labels, *_ in d:
            ix = np.array(sorted(vocab[f] for f in feats if f in vocab), dtype=np.int64)
            for lab in labels or [classes[0]]:
                rows.append(ix)
                ys.append(classes.index(lab))
    return rows, np.array(ys, dtype=np.int64)


def fit(rows: list[np.ndarray], y: np.ndarray, n_features: int, n_cls: int, seed: int, epochs: int = 20, lr: float = 0.05,
        l2: float = 1e-4, batch: int = 128, none_weight: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression over N_CLS classes by mini-batch AdaGrad on sparse binary rows
    (deterministic given SEED). Class 0 is the "nothing" class that NONE_WEIGHT scales.
    """
    W = np.zeros((n_features, n_cls), dtype=np.float64)
    b = np.zeros(n_cls, dtype=np.float64)
    gW_acc = np.full((n_features, n_cls), 1e-8)
    gb_acc = np.full(n_cls, 1e-8)
    rng = np.random.default_rng(seed)
    lens = np.array([len(r) for r in rows])
    sw = np.where(y == 0, none_weight, 1.0)
    n = len(rows)
    for _ in range(epochs):
        perm = rng.permutation(n)
        for k in range(0, n, batch):
            bi = perm[k: k + batch]
            idx = np.concatenate([rows[i] for i in bi])
            seg = np.repeat(np.arange(len(bi)), lens[bi])
            starts = np.concatenate([[0], np.cumsum(lens[bi])[:-1]])
            Z = np.add.reduceat(W[idx], starts, axis=0) if len(idx) else np.zeros((len(bi), n_cls))
            Z[lens[bi] == 0] = 0.0
            Z += b
            Z -= Z.max(axis=1, keepdims=True)
            P = np.exp(Z)
            P /= P.sum(axis=1, keepdims=True)
            G = P
            G[np.arange(len(bi)), y[bi]] -= 1.0
            G *= sw[bi][:, None] / len(bi)
            uniq, inv = np.unique(idx, return_inverse=True)
            gu = np.empty((len(uniq), n_cls))
            Gs = G[seg]
            for c in range(n_cls):
                gu[:, c] = np.bincount(inv, weights=Gs[:, c], minlength=len(uniq))
            gu += l2 * W[uniq]
            gW_acc[uniq] += gu * gu
            W[uniq] -= lr * gu / np.sqrt(gW_acc[uniq])
            gbb = G.sum(axis=0)
            gb_acc += gbb * gbb
            b -= lr * gbb / np.sqrt(gb_acc)
    return W, b


def prune(model: LinearModel, tol: float = 0.02) -> LinearModel:
    """Drop features whose weights all stay within TOL of zero: a smaller file, the same decisions."""
    keep = np.abs(model.W).max(axis=1) > tol
    feats = sorted(model.vocab, key=model.vocab.get)
    vocab = {f: i for i, f in enumerate(f for f, k in zip(feats, keep) if k)}
    return LinearModel(vocab, model.W[keep], model.b, model.classes, model.thresholds, model.meta)


def fold(doc_id: str, k: int, seed: int) -> int:
    """The cross-validation fold of a document: a seeded hash of its id."""
    return int(hashlib.sha1(f"{seed}:fold:{doc_id}".encode()).hexdigest()[:8], 16) % k


def threshold_sweep(docs: list[list[tuple]], records: list[dict[str, Any]], seed: int, grid: tuple[float, ...],
                    train: Callable[[list[list[tuple]]], LinearModel],
                    predict: Callable[[LinearModel, list[list[tuple]], list[dict], float], dict[str, dict]],
                    k: int = 5, judged: set[str] | None = None,
                    extra: list[list[tuple]] | None = None) -> tuple[list[tuple[float, Scores]], int]:
    """The K-fold cross-validated scores of every threshold in GRID, and how many documents they judge.

    Folds split documents (DOCS featurized, RECORDS annotated, in the same order); a model is
    trained on the other folds, with EXTRA (the same documents featurized another way), which
    only ever trains. PREDICT gives prediction records for a fold at a threshold; only the
    documents whose ids are in JUDGED (default: all) are scored, so synthetic training text
    does not pick the threshold for real abstracts.
    """
    folds = [fold(r["id"], k, seed) for r in records]
    extra = extra or [[] for _ in docs]
    models = [train([d for d, g in zip(docs, folds) if g != f] + [d for d, g in zip(extra, folds) if g != f])
              for f in range(k)]
    gold = {r["id"]: r for r in records if judged is None or r["id"] in judged}
    sweep = []
    for thr in grid:
        pred: dict[str, dict] = {}
        for f, m in enumerate(models):
            pred.update(predict(m, [d for d, g in zip(docs, folds) if g == f],
                                [r for r, g in zip(records, folds) if g == f], thr))
        sweep.append((thr, score(gold, pred)))
    return sweep, len(gold)
