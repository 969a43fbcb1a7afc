"""Train the contribution model (kg/nlp/contribution_model.py) from hand-annotated documents.

``train_contributions(train_records, seed, output, synthetic=...)`` runs the extraction pipeline over the
training documents, featurizes every entity it finds, labels it by whether it hits an
annotated contribution (by name key, as the scorer does), fits a logistic regression (the
relation classifier's sparse trainer with two classes) and picks the probability threshold
by cross-validation, scored on the real training abstracts only (synthetic documents train
every fold). The weights go to OUTPUT
(kg/model_contributions by default), which ContributionFinder loads when present.

The gazetteer is built from the same training documents, so a training document would see
every name it annotates as "known" and its entities found far better than an unseen
document's. Instead each of five folds is extracted with the gazetteer of the other four.

``python3 -m kg.contribution_training`` trains on the training part of the standard split
(``kg.train.split``, 15% held out, seed 0) and prints the held-out contribution scores.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from .linear_training import fit, fold, matrix, prune, threshold_sweep, vocabulary
from .nlp.contributions import MODEL_DIR, ContributionFinder, gazetteer_keys
from .nlp.entities import EntityRules
from .nlp.gazetteer import Entry, load_gazetteer
from .nlp.linear import LinearModel
from .nlp.mentions import group_mentions
from .nlp.relation_model import NONE
from .scoring import annotated_hit, first_index, key, score

CONTRIBUTION = "CONTRIBUTION"
CLASSES = [NONE, CONTRIBUTION]
GRID = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def _fold_gazetteer(records: list[dict[str, Any]]) -> list[Entry]:
    """The gazetteer that RECORDS alone would give: the curated lists and their annotations."""
    from .train import GAZETTEER, gazetteer_entries

    source = "gaz:" + Path(GAZETTEER).stem
    entries = [e for e in load_gazetteer() if e.source != source]
    return entries + [Entry(d["name"], d["type"], tuple(d["aliases"]), source) for d in gazetteer_entries(records)]


def examples(records: list[dict[str, Any]], nlp, seed: int, k: int = 5) -> list[list[tuple[list[str], list[str], str]]]:
    """Per document: (features, [CONTRIBUTION] or [], name) for every entity the pipeline finds.

    Each of K folds is extracted with the gazetteer of the other folds, so its entities and its
    "known name" features look like those of an unseen document.
    """
    finder = ContributionFinder(nlp, model_dir=None)
    folds = [fold(r["id"], k, seed) for r in records]
    component = nlp.get_pipe("kg_entities")
    shipped = component.rules
    out: dict[str, list] = {}
    for f in range(k):
        part = [r for r, g in zip(records, folds) if g == f]
        entries = _fold_gazetteer([r for r, g in zip(records, folds) if g != f])
        keys = gazetteer_keys(entries)
        component.rules = EntityRules(nlp, entries)
        texts = (r["text"] for r in part)
        for rec, doc in zip(part, nlp.pipe(texts, disable=["kg_record"])):
            ents, by_span = group_mentions(doc, doc._.kg_aliases or [])
            first = first_index(rec.get("entities", []))
            gold = {first[key(c)] for c in rec.get("contributions", []) if key(c) in first}
            rows = []
            for e, feats in zip(ents, finder.features(doc, ents, by_span, keys)):
                hit = annotated_hit(first, [e.name, *e.aliases])
                rows.append((feats, [CONTRIBUTION] if hit in gold else [], e.name))
            out[rec["id"]] = rows
    component.rules = shipped
    return [out[r["id"]] for r in records]


def train_model(docs: list[list[tuple]], seed: int, min_count: int = 2) -> LinearModel:
    vocab = vocabulary(docs, min_count)
    rows, y = matrix(docs, vocab, CLASSES)
    W, b = fit(rows, y, len(vocab), len(CLASSES), seed, epochs=30)
    return LinearModel(vocab, W, b, CLASSES, {"*": 0.5})


def _predicted(model: LinearModel, docs: list[list[tuple]], records: list[dict], threshold: float) -> dict[str, dict]:
    out = {}
    for rows, rec in zip(docs, records):
        probs = model.probs([r[0] for r in rows])[:, 1] if rows else []
        out[rec["id"]] = {"contributions": [r[2] for r, p in zip(rows, probs) if p >= threshold]}
    return out


def choose_threshold(docs: list[list[tuple]], records: list[dict], seed: int, k: int = 5,
                     judged: set[str] | None = None) -> tuple[float, str]:
    """The probability threshold with the best K-fold cross-validated contribution F1, scored on
    the documents whose ids are in JUDGED (default: all)."""
    sweep, n = threshold_sweep(docs, records, seed, GRID, lambda d: train_model(d, seed), _predicted, k, judged)
    p, r, f1, thr = max(((*s.contributions.prf(), thr) for thr, s in sweep), key=lambda x: (x[2], x[3]))
    return thr, f"threshold {thr}: {k}-fold cross-validated on {n} documents: contributions P {p:.3f} R {r:.3f} F1 {f1:.3f}"


def train_contributions(train_records: list[dict[str, Any]], seed: int, output: Path = MODEL_DIR,
                        ner_model: Path | None = None, synthetic: list[dict[str, Any]] | None = None) -> str:
    """Fit the contribution model on TRAIN_RECORDS and SYNTHETIC documents, write it to OUTPUT,
    return a short report. The threshold is cross-validated on TRAIN_RECORDS, real abstracts."""
    from .nlp.pipeline import MODEL_DIR as NER_DIR
    from .nlp.pipeline import build_nlp

    judged = {r["id"] for r in train_records}
    train_records = train_records + (synthetic or [])
    docs = examples(train_records, build_nlp(model=ner_model or NER_DIR), seed)
    thr, summary = choose_threshold(docs, train_records, seed, judged=judged)
    model = prune(train_model(docs, seed), tol=0.01)
    model.thresholds = {"*": thr}
    output = Path(output)
    model.save(output, {"seed": seed, "documents": len(train_records), "features": len(model.vocab)})
    positive = sum(1 for d in docs for row in d if row[1])
    return (f"contribution model: {len(train_records)} documents, {sum(map(len, docs))} entities "
            f"({positive} contributions), {len(model.vocab)} features in {output}\n{summary}")


def main() -> None:
    from .nlp.pipeline import build_nlp
    from .scoring import report
    from .train import training_split

    logging.disable(logging.WARNING)
    train_recs, written, dev_recs = training_split()
    print(train_contributions(train_recs, seed=0, synthetic=written))
    nlp = build_nlp()
    pred = {r["id"]: doc._.kg_record for r, doc in zip(dev_recs, nlp.pipe(r["text"] for r in dev_recs))}
    print(f"held-out ({len(dev_recs)} documents):")
    print(report(score({r["id"]: r for r in dev_recs}, pred), by_type=False))


if __name__ == "__main__":
    sys.exit(main())
