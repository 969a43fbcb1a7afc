"""Train the relation classifier (kg/nlp/relation_model.py) from hand-annotated documents.

``train_relations(train_records, seed, output, synthetic)`` runs the extraction pipeline
(entities, contributions, trigger rules) over the training documents, turns every candidate
entity pair into sparse features, labels it from the annotations (a relation when both ends
hit annotated entities that the annotation links, else NONE), fits a multinomial logistic
regression and picks the confidence threshold by cross-validation, scored on the real
training abstracts only (synthetic ones train every fold but are easier: scoring them too
would pick the threshold for text kg never sees). The weights go to OUTPUT
(kg/model_relations by default), which the pipeline loads when present.

``python3 -m kg.relation_training`` trains on the training part of the standard split
(``kg.train.split``, 15% held out, seed 0) and prints the held-out relation scores: trigger
rules alone, with the classifier, and with the annotated entities in place of the recognized
ones (how much of the loss is recognition's).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from .graph import RELATION_TYPES
from .linear_training import fit, matrix, prune, threshold_sweep, vocabulary
from .nlp.relation_model import NONE, RelationModel
from .nlp.relations import MODEL_DIR
from .scoring import SYMMETRIC, annotated_hit, first_index, key

RELATIONS = sorted(RELATION_TYPES)
CLASSES = [NONE, *RELATIONS]
SECOND_HEAD = 0.8  # a second head for the same (tail, relation) needs this confidence
MIN_PRECISION = 0.6  # precision first: the threshold must reach this cross-validated precision


# -- data -------------------------------------------------------------------------------------

def prepare(records: list[dict[str, Any]], nlp=None, gold_entities: bool = False) -> list[tuple]:
    """(record, doc, entities, by_span, contributions) per record, as the pipeline sees them.

    With GOLD_ENTITIES the annotated names (and aliases) are the mentions instead of the
    recognized and typed ones.
    """
    from .annotations import entity_spans
    from .nlp.contributions import ContributionFinder
    from .nlp.entity_typer import EntityTyper
    from .nlp.mentions import group_mentions
    from .nlp.pipeline import build_nlp

    nlp = nlp or build_nlp()
    finder = ContributionFinder(nlp)
    typer = EntityTyper()
    out = []
    texts = (r["text"] for r in records)
    for rec, doc in zip(records, nlp.pipe(texts, disable=["kg_record"])):
        aliases = doc._.kg_aliases or []
        if gold_entities:
            doc.ents = entity_spans(doc, rec.get("entities", []))
            aliases = [(e["name"], a) for e in rec.get("entities", []) for a in e.get("aliases", [])]
        ents, by_span = group_mentions(doc, aliases)
        own = finder(doc, ents, by_span)
        if not gold_entities:  # as in kg_record: contributions first, then the typer
            ents, by_span = typer(doc, ents, by_span, keep=own)
        out.append((rec, doc, ents, by_span, own))
    return out


def gold_labels(rec: dict[str, Any]) -> tuple[dict[str, int], set[tuple[int, str, int]]]:
    """Name key -> annotated entity index, and the annotated (head, relation, tail) index triples."""
    idx = first_index(rec.get("entities", []))
    triples = set()
    for r in rec.get("relations", []):
        h, t = idx.get(key(r["head"])), idx.get(key(r["tail"]))
        if h is not None and t is not None:
            triples.add((h, r["relation"], t))
            if r["relation"] in SYMMETRIC:
                triples.add((t, r["relation"], h))
    return idx, triples


def examples(prepared: list[tuple], extractor) -> list[list[tuple[list[str], list[str], tuple]]]:
    """Per document: (features, gold relations of the pair, (head, tail) names) for every candidate."""
    out = []
    for rec, doc, ents, by_span, own in prepared:
        idx, triples = gold_labels(rec)
        triggers = extractor.triggers(doc)
        refs = extractor.self_refs(doc)
        edges = extractor.rule_edges(doc, by_span, own, triggers, refs)
        rows = []
        for c in extractor.featurizer(doc, by_span, own, triggers, refs, edges):
            h = annotated_hit(idx, [c.head.name, *c.head.aliases])
            t = annotated_hit(idx, [c.tail.name, *c.tail.aliases])
            labels = sorted(r for r in RELATIONS if h is not None and t is not None and (h, r, t) in triples)
            rows.append((c.features, labels, (c.head.name, c.tail.name), [i.features for i in c.instances]))
        out.append(rows)
    return out


# -- the model ------------------------------------------------------------------------------

def train_model(docs: list[list[tuple]], seed: int, min_count: int = 2, **kw) -> RelationModel:
    vocab = vocabulary(docs, min_count)
    rows, y = matrix(docs, vocab, CLASSES)
    W, b = fit(rows, y, len(vocab), len(CLASSES), seed, **kw)
    return RelationModel(vocab, W, b, CLASSES, {"*": 0.5})


# -- thresholds by cross-validation -------------------------------------------------------

def predicted_edges(model: RelationModel, docs: list[list[tuple]], records: list[dict]) -> dict[str, dict]:
    """Prediction records (relations only) of the model on featurized DOCS, as the pipeline would emit them."""
    out = {}
    for rows, rec in zip(docs, records):
        rels = []
        if rows:
            P = model.probs([r[0] for r in rows])
            for k, i, conf in model.decide([r[2] for r in rows], P):
                h, t = rows[k][2]
                rels.append({"head": h, "relation": model.classes[i], "tail": t, "confidence": conf})
        out[rec["id"]] = {"entities": [], "contributions": [], "relations": rels}
    return out


def choose_threshold(docs: list[list[tuple]], records: list[dict], seed: int, extra: list[list[tuple]] | None = None,
                     k: int = 5, grid: tuple[float, ...] = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7),
                     min_precision: float = 0.0, judged: set[str] | None = None, **kw) -> tuple[float, str]:
    """The confidence threshold with the best K-fold cross-validated F1 (precision >= MIN_PRECISION).

    Folds split documents; EXTRA (the same documents featurized another way) only ever trains;
    only the documents whose ids are in JUDGED (default: all) are scored.
    """
    def predict(m: RelationModel, fold_docs: list[list[tuple]], fold_records: list[dict], thr: float) -> dict[str, dict]:
        m.thresholds = {"*": thr, "second_head": SECOND_HEAD}
        return predicted_edges(m, fold_docs, fold_records)

    sweep, n = threshold_sweep(docs, records, seed, grid, lambda d: train_model(d, seed, **kw), predict, k, judged, extra)
    rows = []
    for thr, s in sweep:
        p, r, f1 = s.relations.prf()
        rows.append((f1 if p >= min_precision else -1.0, thr, p, r))
    f1, thr, p, r = max(rows, key=lambda x: (x[0], x[1]))
    table = ", ".join(f"{t}: P {pp:.2f} R {rr:.2f}" for _, t, pp, rr in rows)
    return thr, f"threshold {thr}: {k}-fold cross-validated on {n} documents: P {p:.3f} R {r:.3f} F1 {max(f1, 0):.3f} (model alone; {table})"


# -- entry points ------------------------------------------------------------------------------

def train_relations(train_records: list[dict[str, Any]], seed: int, output: Path = MODEL_DIR,
                    min_precision: float = MIN_PRECISION, ner_model: Path | None = None,
                    synthetic: list[dict[str, Any]] | None = None) -> str:
    """Fit the relation classifier on TRAIN_RECORDS and SYNTHETIC documents, write it to OUTPUT,
    return a short report. The threshold is cross-validated on TRAIN_RECORDS.

    Entities come from the pipeline with the NER model NER_MODEL (default: kg/model), so train
    the NER model first.
    """
    from .nlp.pipeline import MODEL_DIR as NER_DIR
    from .nlp.pipeline import build_nlp
    from .nlp.relations import RelationExtractor

    judged = {r["id"] for r in train_records}
    train_records = train_records + (synthetic or [])
    nlp = build_nlp(model=ner_model or NER_DIR)
    extractor = RelationExtractor(nlp, model_dir=None)
    # the pipeline's own entities, and the annotated ones: the same documents seen two ways
    docs = examples(prepare(train_records, nlp), extractor)
    gold_docs = examples(prepare(train_records, nlp, gold_entities=True), extractor)
    thr, summary = choose_threshold(docs, train_records, seed, extra=gold_docs, min_precision=min_precision,
                                    judged=judged)
    model = prune(train_model(docs + gold_docs, seed))
    model.thresholds = {"*": thr, "second_head": SECOND_HEAD}
    output = Path(output)
    model.save(output, {"seed": seed, "documents": len(train_records), "features": len(model.vocab)})
    size = sum(p.stat().st_size for p in output.iterdir())
    pairs = [row for d in docs + gold_docs for row in d]
    positive = sum(1 for row in pairs if row[1])
    return (f"relation classifier: {len(train_records)} documents (with predicted and with annotated entities), "
            f"{len(pairs)} candidate pairs ({positive} related), {len(model.vocab)} features, "
            f"{size / 1e6:.2f} MB in {output}\n{summary}")


def evaluate(records: list[dict[str, Any]], model_dir: Path | None = MODEL_DIR, gold_entities: bool = False) -> str:
    """Relation scores (overall and per type) and contribution scores of the pipeline on RECORDS, with
    the relation model in MODEL_DIR (None: the trigger rules alone). With GOLD_ENTITIES the annotated
    entities stand in for the recognized ones, which separates relation errors from recognition errors."""
    from .nlp.pipeline import build_nlp
    from .nlp.relations import RelationExtractor
    from .scoring import score

    nlp = build_nlp()
    prepared = prepare(records, nlp, gold_entities)
    extractor = RelationExtractor(nlp, model_dir=model_dir)
    gold, pred = {}, {}
    for rec, doc, ents, by_span, own in prepared:
        gold[rec["id"]] = rec
        pred[rec["id"]] = {"entities": [e.to_record() for e in ents], "contributions": [e.name for e in own],
                           "relations": extractor(doc, by_span, own)}
    s = score(gold, pred)
    lines = []
    for name, t in [("relations", s.relations), *sorted(s.relation_types.items()), ("contributions", s.contributions)]:
        p, r, f = t.prf()
        lines.append(f"{name:16s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (gold {t.tp + t.fn}, predicted {t.tp + t.fp})")
    return "\n".join(lines)


def main() -> None:
    from .train import training_split

    logging.disable(logging.WARNING)
    train_recs, written, dev_recs = training_split()
    print(train_relations(train_recs, seed=0, synthetic=written))
    print(f"held-out ({len(dev_recs)} documents), rules alone:")
    print(evaluate(dev_recs, model_dir=None))
    print(f"held-out ({len(dev_recs)} documents), rules + relation classifier:")
    print(evaluate(dev_recs))
    print(f"held-out ({len(dev_recs)} documents), rules + relation classifier, annotated entities:")
    print(evaluate(dev_recs, gold_entities=True))


if __name__ == "__main__":
    sys.exit(main())
