"""Hand-annotated training documents (data/annotation/done/*.jsonl): load, check, align to tokens.

``python -m kg.annotations check [FILES]`` validates files against SCHEMA.md: names and aliases
are spans of the text, types and relations come from the schema, relation ends are
non-optional entities, contributions name entities.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .graph import ENTITY_TYPES, RELATION_TYPES

ANNOTATION_DIR = Path(__file__).resolve().parent.parent / "data" / "annotation" / "done"
# written and annotated for training only (data/annotation/synthetic/README.md): never held out
SYNTHETIC_DIR = ANNOTATION_DIR.parent / "synthetic"


def load(paths: Iterable[Path]) -> list[dict[str, Any]]:
    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            docs += [json.loads(line) for line in f if line.strip()]
    return docs


def annotation_files(folder: Path = ANNOTATION_DIR) -> list[Path]:
    return sorted(folder.glob("*.jsonl"))


def problems(doc: dict[str, Any]) -> Iterator[str]:
    """What is wrong with one annotated document, one message per problem."""
    text = doc.get("text", "")
    forms: dict[str, dict] = {}
    for e in doc.get("entities", []):
        if e.get("type") not in ENTITY_TYPES:
            yield f"entity {e.get('name')!r}: unknown type {e.get('type')!r}"
        for form in [e.get("name", ""), *e.get("aliases", [])]:
            if form not in text:
                yield f"entity {e.get('name')!r}: {form!r} is not in the text"
            forms[form] = e
    for r in doc.get("relations", []):
        if r.get("relation") not in RELATION_TYPES:
            yield f"relation {r}: unknown relation type"
        for end in ("head", "tail"):
            e = forms.get(r.get(end, ""))
            if e is None:
                yield f"relation {r.get('head')} {r.get('relation')} {r.get('tail')}: {end} is no entity"
            elif e.get("optional"):
                yield f"relation {r.get('head')} {r.get('relation')} {r.get('tail')}: {end} is optional"
    for c in doc.get("contributions", []):
        if c not in forms:
            yield f"contribution {c!r} is no entity"


def entity_spans(nlp_doc: Doc, entities: list[dict[str, Any]]) -> list[Span]:
    """Every occurrence of every non-optional name or alias, as token-aligned labelled spans.

    Longer names win overlaps; occurrences inside a longer word ("MoE" in "DeepSeekMoE") or
    that do not fall on token boundaries are skipped.
    """
    text = nlp_doc.text
    spans: list[Span] = []
    for e in entities:
        if e.get("optional"):
            continue
        for form in sorted({e["name"], *e.get("aliases", [])}, key=len, reverse=True):
            for m in re.finditer(re.escape(form), text):
                before = text[m.start() - 1] if m.start() else " "
                after = text[m.end()] if m.end() < len(text) else " "
                if before.isalnum() or after.isalnum():
                    continue
                span = nlp_doc.char_span(m.start(), m.end(), label=e["type"])
                if span is not None:
                    spans.append(span)
    return filter_spans(spans)


def to_docs(nlp: Language, records: Iterable[dict[str, Any]]) -> Iterator[Doc]:
    """Tokenized training Docs with ``doc.ents`` set from the annotations."""
    for rec in records:
        doc = nlp.make_doc(rec["text"])
        doc.ents = entity_spans(doc, rec.get("entities", []))
        yield doc


def check(paths: list[Path]) -> int:
    """Print every problem of the files; return the number of problems."""
    n = 0
    for path in paths:
        for i, doc in enumerate(load([path]), 1):
            for msg in problems(doc):
                print(f"{path}:{i}: {doc.get('id')}: {msg}")
                n += 1
    return n


if __name__ == "__main__":
    if sys.argv[1:2] != ["check"]:
        sys.exit("usage: python -m kg.annotations check [FILE ...]")
    files = [Path(p) for p in sys.argv[2:]] or annotation_files()
    count = check(files)
    print(f"{len(files)} files, {sum(len(load([f])) for f in files)} documents, {count} problems")
    sys.exit(1 if count else 0)
