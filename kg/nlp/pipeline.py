"""Assemble the kg pipeline: blank English + ML tokenizer + sentences + NER model + rules."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from . import biluo_tagger, entities, record, sentences  # noqa: F401  (registers the components)
from .tokenizer import create_ml_tokenizer_callback

MODEL_DIR = Path(__file__).resolve().parent.parent / "model"


def build_nlp(
    model: Path | None = MODEL_DIR,
    use_rules: bool = True,
    use_model: bool = True,
    mode: str = "longest",
    min_confidence: float = 0.0,
    use_typer: bool = True,
) -> Language:
    """The extraction pipeline. MODEL is a trained kg NER pipeline directory (see ``kg train``);
    USE_TYPER applies the entity typer of kg/model_typer when it is there."""
    nlp = create_ml_tokenizer_callback()(spacy.blank("en"))
    nlp.add_pipe("kg_sentences")
    has_model = use_model and model is not None and (Path(model) / "ner").is_dir()
    if has_model:
        nlp.add_pipe("ner", source=spacy.load(model))
    nlp.add_pipe("kg_entities", config={"mode": mode, "use_rules": use_rules, "use_model": has_model})
    nlp.add_pipe("kg_record", config={"min_confidence": min_confidence, "use_typer": use_typer})
    return nlp
