"""Train the entity typer (kg/nlp/entity_typer.py) from hand-annotated documents.

Each training document gives two kinds of examples: its annotated entities located in the
text (gold spans, gold types: how names and contexts look), and the entities the pipeline
recognizes in it, labelled with the type of the annotated entity they hit or NONE (what
the recognizers get wrong). Run after the NER model is trained: the typer learns from the
entities that model finds.

``python3 -m kg.typer_training`` trains on the training part of the standard split
(``kg.train.split``) and prints held-out entity scores without and with the typer.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from .nlp.entity_typer import CLASSES, MODEL_DIR, entity_features, recognizer_features
from .nlp.mentions import group_mentions
from .nlp.linear import LinearModel
from .linear_training import fit, matrix, prune, vocabulary
from .scoring import annotated_hit, first_index, report, score


def examples(records: list[dict[str, Any]], nlp) -> list[tuple[list[str], list[str]]]:
    """(features, [type]) of every annotated and every recognized entity of RECORDS ([] for NONE)."""
    from .annotations import entity_spans

    out: list[tuple[list[str], list[str]]] = []
    for rec, doc in zip(records, nlp.pipe((r["text"] for r in records), disable=["kg_record"])):
        annotated = rec.get("entities", [])
        index = first_index(annotated)
        recognized, _ = group_mentions(doc, doc._.kg_aliases or [])
        for ent in recognized:
            hit = annotated_hit(index, [ent.name, *ent.aliases])
            if hit is not None and annotated[hit].get("optional"):
                continue  # neither right nor wrong: do not teach either
            labels = [annotated[hit]["type"]] if hit is not None else []
            out.append((entity_features(doc, ent) + recognizer_features(ent), labels))
        doc.ents = entity_spans(doc, annotated)
        gold, _ = group_mentions(doc, [(e["name"], a) for e in annotated for a in e.get("aliases", [])])
        out += [(entity_features(doc, ent), [ent.type]) for ent in gold]
    return out


def train_typer(train_records: list[dict[str, Any]], seed: int, output: Path = MODEL_DIR,
                ner_model: Path | None = None, min_count: int = 2) -> str:
    """Fit the typer on TRAIN_RECORDS with the NER model NER_MODEL, write it to OUTPUT, return a summary."""
    from .nlp.pipeline import MODEL_DIR as NER_DIR
    from .nlp.pipeline import build_nlp

    rows = examples(train_records, build_nlp(model=ner_model or NER_DIR))
    vocab = vocabulary([rows], min_count)
    X, y = matrix([rows], vocab, CLASSES)
    W, b = fit(X, y, len(vocab), len(CLASSES), seed)
    model = prune(LinearModel(vocab, W, b, CLASSES, {}))
    output = Path(output)
    model.save(output, {"seed": seed, "documents": len(train_records), "features": len(model.vocab)})
    size = sum(p.stat().st_size for p in output.iterdir())
    labels = Counter(CLASSES[i] for i in y.tolist())
    return (f"entity typer: {len(train_records)} documents, {len(rows)} examples "
            f"({', '.join(f'{c} {labels[c]}' for c in CLASSES)}), {len(model.vocab)} features, "
            f"{size / 1e6:.2f} MB in {output}")


def evaluate(records: list[dict[str, Any]], use_typer: bool = True) -> str:
    """Entity scores of the pipeline on RECORDS, with or without the typer."""
    from .nlp.pipeline import build_nlp

    nlp = build_nlp(use_typer=use_typer)
    pred = {r["id"]: doc._.kg_record for r, doc in zip(records, nlp.pipe(r["text"] for r in records))}
    lines = report(score({r["id"]: r for r in records}, pred), by_type=False).splitlines()
    return "\n".join(line for line in lines if line.startswith("entities"))


def main() -> None:
    from .train import training_split

    logging.disable(logging.WARNING)
    train_recs, written, dev_recs = training_split()
    print(train_typer(train_recs + written, seed=0))
    print(f"held-out ({len(dev_recs)} documents) without the typer:\n{evaluate(dev_recs, use_typer=False)}")
    print(f"held-out ({len(dev_recs)} documents) with the typer:\n{evaluate(dev_recs)}")


if __name__ == "__main__":
    sys.exit(main())
