"""Tokenizer tuned for ML names: model names with versions and sizes stay one token."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.symbols import ORTH
from spacy.util import compile_prefix_regex, compile_suffix_regex, registry

from ..rules import load_yaml


def _name_regex(suffixes: list[str]) -> re.Pattern[str]:
    chunk = r"[A-Za-z0-9][A-Za-z0-9.]*[A-Za-z0-9]|[A-Za-z0-9]"
    no_suffix = "|".join(map(re.escape, suffixes))
    hyphenated = rf"(?=.*\d)(?=.*[A-Za-z])(?!.*-(?i:{no_suffix})$)(?:{chunk})(?:-(?:{chunk}))+"
    alnum = r"[A-Za-z]+\d[A-Za-z0-9]*"  # GSM8K, H800, FP8: never split a unit off the end
    return re.compile(rf"^(?:{hyphenated}|{alnum})$")


@registry.callbacks("kg.ml_tokenizer.v1")
def create_ml_tokenizer_callback():
    """Config hook: customize a blank English tokenizer for ML text."""

    def customize(nlp: Language) -> Language:
        cfg = load_yaml("tokenizer.yaml")
        tokenizer = nlp.tokenizer
        tokenizer.token_match = _name_regex(cfg["hyphen_suffixes"]).match
        # a sentence-final period after any name ("on GSM8K.") is punctuation, not part of the name
        suffixes = [*nlp.Defaults.suffixes, r"(?<=[A-Za-z0-9][A-Z0-9])\.$", r"\\%$", r"(?<=\d)times$"]
        tokenizer.suffix_search = compile_suffix_regex(suffixes).search
        # LaTeX left in abstracts: "\textit{Name}" -> "\textit{", "Name", "}"
        prefixes = [*nlp.Defaults.prefixes, r"\\[A-Za-z]+\{", r"\$"]
        tokenizer.prefix_search = compile_prefix_regex(prefixes).search
        for abbr in cfg["abbreviations"]:
            tokenizer.add_special_case(abbr, [{ORTH: abbr}])
        return nlp

    return customize
