"""``kg train``: rebuild the gazetteer, the NER model, the entity typer and the relation classifier.

Hand-annotated corpus documents (data/annotation/done) are split by a seeded hash of their
id into train and held-out parts. The train part gives the gazetteer
(rules/gazetteer/annotations.jsonl); with the synthetic documents (data/annotation/synthetic)
and silver labels that the rules produce on other corpus documents it gives the NER
training set, then the typer, contribution and relation models; the held-out part scores
rules alone, the model alone and their combinations.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.tokens import DocBin

from .annotations import SYNTHETIC_DIR, annotation_files, load, to_docs
from .export.atomic import write_text
from .ingest import read_papers
from .nlp.pipeline import MODEL_DIR, build_nlp
from .paper import normalize_title
from .rules import load_yaml, rules_dir
from .scoring import report, score

CONFIG = Path(__file__).resolve().parent / "training" / "ner.cfg"
GAZETTEER = "annotations.jsonl"


def split(records: list[dict[str, Any]], held_out: float, seed: int) -> tuple[list, list]:
    """Deterministic train/held-out split by a seeded hash of each document id."""
    train, dev = [], []
    for rec in records:
        h = int(hashlib.sha1(f"{seed}:{rec['id']}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        (dev if h < held_out else train).append(rec)
    return train, dev


def training_split(held_out: float = 0.15, seed: int = 0, synthetic: bool = True) -> tuple[list, list, list]:
    """(corpus training documents, synthetic documents, held-out corpus documents).

    Only corpus documents are held out: the scores then speak of real abstracts.
    """
    train_recs, dev_recs = split(load(annotation_files()), held_out, seed)
    written = load(annotation_files(SYNTHETIC_DIR)) if synthetic else []
    return train_recs, written, dev_recs


def _appears(form: str, text: str) -> bool:
    return form in text and re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text) is not None


def gazetteer_entries(records: list[dict[str, Any]], min_precision: float = 0.5) -> list[dict[str, Any]]:
    """One entry per annotated name: its most frequent type and the aliases seen with it.

    A surface form is kept only if, in the documents whose text contains it, annotators
    marked it as an entity at least MIN_PRECISION of the time: "loss" or "tokens",
    annotated once, would otherwise fire in every abstract.
    """
    never = {str(w).lower() for w in load_yaml("filters.yaml")["never"]}
    types: dict[str, Counter] = defaultdict(Counter)
    aliases: dict[str, set[str]] = defaultdict(set)
    annotated_in: dict[str, int] = Counter()
    for rec in records:
        seen: set[str] = set()
        for e in rec.get("entities", []):
            if e.get("optional") or e["name"].lower() in never:
                continue
            types[e["name"]][e["type"]] += 1
            forms = [e["name"], *(a for a in e.get("aliases", []) if a.lower() not in never and len(a) > 1)]
            aliases[e["name"]].update(forms[1:])
            seen.update(forms)
        for form in seen:
            annotated_in[form] += 1

    def precise(form: str) -> bool:
        present = sum(1 for rec in records if _appears(form, rec["text"]))
        return present > 0 and annotated_in[form] / present >= min_precision

    entries = []
    for name, c in sorted(types.items()):
        forms = [f for f in [name, *sorted(aliases[name])] if precise(f)]
        if forms:
            label = min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            entries.append({"name": forms[0], "type": label, "aliases": forms[1:]})
    return entries


def silver_records(corpus: list[str], exclude: list[dict[str, Any]], gold: Path | None) -> list[dict[str, Any]]:
    """Rule-labelled corpus documents that are neither hand-annotated nor in the gold file.

    The rules run without the entity typer: the typer is one of the models being retrained,
    and labels that depended on the shipped one would make ``kg train`` depend on the
    checkout's previous models rather than on its data and seed alone."""
    skip = {normalize_title(r["title"]) for r in exclude}
    if gold is not None and gold.exists():
        skip |= {normalize_title(json.loads(line)["title"]) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()}
    papers = [p for p in read_papers(corpus) if normalize_title(p.title) not in skip] if corpus else []
    nlp = build_nlp(use_model=False, use_typer=False)
    return [
        {"id": p.id, "text": p.text, "entities": [{"name": m["text"], "type": e["type"]} for e in doc._.kg_record["entities"] for m in e["mentions"]]}
        for doc, p in ((nlp(p.text), p) for p in papers)
    ]


def evaluate_modes(records: list[dict[str, Any]], model: Path) -> str:
    """Scores on held-out documents of rules alone, the model alone, each combination and the typer."""
    gold = {r["id"]: r for r in records}
    lines = []
    settings = [("rules only", dict(use_model=False)), ("model only", dict(use_rules=False))]
    settings += [(f"rules + model ({m})", dict(mode=m)) for m in ("rules_first", "model_first", "longest")]
    settings = [(label, {**kw, "use_typer": False}) for label, kw in settings]
    if model == MODEL_DIR:  # the typer is trained for the shipped NER model
        settings.append(("rules + model (longest) + entity typer: the default pipeline", {}))
    for label, kw in settings:
        nlp = build_nlp(model=model, **kw)
        pred = {r["id"]: {**doc._.kg_record} for r, doc in zip(records, nlp.pipe(r["text"] for r in records))}
        s = score(gold, pred)
        lines.append(f"== {label}\n{report(s, by_type=False)}")
    return "\n".join(lines)


def _forget_paths(config: Path) -> None:
    """Drop the temporary corpus paths from the saved config: same data, same bytes."""
    from thinc.api import Config

    cfg = Config().from_disk(config, interpolate=False)
    cfg["paths"]["train"] = cfg["paths"]["dev"] = None
    cfg.to_disk(config)


def train(seed: int = 0, held_out: float = 0.15, corpus: list[str] | None = None, gold: Path | None = None,
          max_steps: int | None = None, output: Path = MODEL_DIR, synthetic: bool = True) -> str:
    """Rebuild gazetteer and models; return the held-out report.

    Synthetic documents (SYNTHETIC_DIR) are training documents for every model; the
    gazetteer comes from corpus documents only, since the names written for synthetic
    documents are invented.
    """
    import spacy
    from spacy.cli.train import train as spacy_train

    train_recs, written, dev_recs = training_split(held_out, seed, synthetic)
    write_text(rules_dir() / "gazetteer" / GAZETTEER,
               "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in gazetteer_entries(train_recs)))
    silver = silver_records(corpus or [], train_recs + dev_recs, gold)
    nlp = spacy.blank("en")
    from .nlp.tokenizer import create_ml_tokenizer_callback

    nlp = create_ml_tokenizer_callback()(nlp)
    with tempfile.TemporaryDirectory(prefix="kg-train-") as tmp:
        tmp_path = Path(tmp)
        DocBin(docs=list(to_docs(nlp, train_recs + written + silver))).to_disk(tmp_path / "train.spacy")
        DocBin(docs=list(to_docs(nlp, dev_recs))).to_disk(tmp_path / "dev.spacy")
        overrides = {"paths.train": str(tmp_path / "train.spacy"), "paths.dev": str(tmp_path / "dev.spacy"), "system.seed": seed}
        if max_steps:
            overrides["training.max_steps"] = max_steps
        spacy_train(CONFIG, tmp_path / "out", overrides=overrides)
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(tmp_path / "out" / "model-best", output)
        _forget_paths(output / "config.cfg")
    header = (f"trained on {len(train_recs)} hand-annotated + {len(written)} synthetic + {len(silver)} silver documents; "
              f"held out {len(dev_recs)} hand-annotated documents (seed {seed})")
    if output == MODEL_DIR:
        # the typer, contribution and relation models learn from the entities this NER model finds,
        # so they follow it; relations come last: contributions are among their features
        from .contribution_training import train_contributions
        from .relation_training import train_relations
        from .typer_training import train_typer

        header += "\n" + train_typer(train_recs + written, seed, ner_model=output)
        header += "\n" + train_contributions(train_recs, seed, ner_model=output, synthetic=written)
        header += "\n" + train_relations(train_recs, seed, ner_model=output, synthetic=written)
    else:
        header += "\n(typer, contribution and relation models not retrained: they are trained for the shipped NER model only)"
    return header + "\n" + evaluate_modes(dev_recs, output)
