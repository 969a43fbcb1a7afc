"""Tokenizer tuned for ML names: model names with versions and sizes stay one token."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.symbols import ORTH
from spacy.util import registry

from ..rules import load_yaml


def _name_regex(suffixes: list[str]) -> re.Pattern[str]:
    chunk = r"[A-Za-z0-9][A-Za-z0-9.]*[A-Za-z0-9]|[A-Za-z0-9]"
    no_suffix = "|".join(map(re.escape, suffixes))
    return re.compile(
        rf"^(?=.*\d)(?=.*[A-Za-z])(?!.*-(?i:{no_suffix})$)(?:{chunk})(?:-(?:{chunk}))+$"
    )


@registry.callbacks("kg.ml_tokenizer.v1")
def create_ml_tokenizer_callback():
    """Config hook: customize a blank English tokenizer for ML text."""

    def customize(nlp: Language) -> Language:
        cfg = load_yaml("tokenizer.yaml")
        tokenizer = nlp.tokenizer
        tokenizer.token_match = _name_regex(cfg["hyphen_suffixes"]).match
        for abbr in cfg["abbreviations"]:
            tokenizer.add_special_case(abbr, [{ORTH: abbr}])
        return nlp

    return customize
