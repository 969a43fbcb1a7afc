"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest
import spacy

from kg.nlp import sentences  # noqa: F401  (registers kg_sentences)
from kg.nlp.tokenizer import create_ml_tokenizer_callback


@pytest.fixture(scope="module")
def tokenizer_nlp():
    """kg's tokenizer and sentence splitter alone: what the rules see, without any model."""
    nlp = create_ml_tokenizer_callback()(spacy.blank("en"))
    nlp.add_pipe("kg_sentences")
    return nlp
