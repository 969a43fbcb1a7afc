"""The last pipeline step: turn an annotated Doc into its SCHEMA record (``doc._.kg_record``).

Computing the record inside the pipeline keeps ``nlp.pipe(n_process=N)`` simple: worker
processes send back finished records, not spans.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .contributions import ContributionFinder
from .entity_typer import EntityTyper
from .mentions import group_mentions
from .relations import RelationExtractor
from .results import find_results
from .tokens import forget_tokens

if not Doc.has_extension("kg_record"):
    Doc.set_extension("kg_record", default=None)


@Language.factory("kg_record", default_config={"min_confidence": 0.0, "use_typer": True})
def make_kg_record(nlp: Language, name: str, min_confidence: float, use_typer: bool) -> "KgRecord":
    return KgRecord(nlp, min_confidence, use_typer)


class KgRecord:
    """Entities, contributions, relations and results of one document, as plain data."""

    def __init__(self, nlp: Language, min_confidence: float, use_typer: bool = True) -> None:
        self.typer = EntityTyper() if use_typer else EntityTyper(None)
        self.contributions = ContributionFinder(nlp)
        self.relations = RelationExtractor(nlp)
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        try:
            doc._.kg_record = self.record(doc)
        finally:
            forget_tokens(doc)
        return doc

    def record(self, doc: Doc) -> dict:
        entities, by_span = group_mentions(doc, doc._.kg_aliases or [])
        own = self.contributions(doc, entities, by_span)
        entities, by_span = self.typer(doc, entities, by_span, keep=own)
        relations = [r for r in self.relations(doc, by_span, own) if r["confidence"] >= self.min_confidence]
        return {
            "entities": [e.to_record() for e in entities],
            "relations": sorted(relations, key=lambda r: (r["start"], r["relation"], r["head"], r["tail"])),
            "contributions": [e.name for e in own],
            "results": find_results(doc, by_span, own),
        }
