"""What a paper itself introduces: "we propose X", "a model called X", a title "X: ...".

Contributions are the entities named right after a contribution cue (rules/contributions.yaml)
in the abstract, or before the colon of the title.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..rules import load_yaml
from .mentions import Entity, name_key

_WINDOW = 12


class ContributionFinder:
    """Find contribution entities among a document's grouped entities."""

    def __init__(self, nlp: Language) -> None:
        cfg = load_yaml("contributions.yaml")
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher.add("VERB", [nlp.make_doc(w) for w in cfg["verbs"]])
        self.matcher.add("NAMING", [nlp.make_doc(w) for w in cfg["naming"]])
        self.subjects = set(cfg["subjects"])

    def __call__(self, doc: Doc, entities: list[Entity], by_span: dict[tuple[int, int], Entity]) -> list[Entity]:
        found: list[Entity] = []
        title_end = next((t.i for t in doc if t.is_space and "\n" in t.text), None)
        if title_end is not None:
            colon = next((t.i for t in doc[:title_end] if t.text == ":"), None)
            if colon is not None:
                prefix = name_key(doc[:colon].text)
                found += [e for e in entities if name_key(e.name) == prefix or prefix in map(name_key, e.aliases)]
        for match_id, start, end in sorted(self.matcher(doc), key=lambda m: m[1]):
            if doc.vocab.strings[match_id] == "VERB" and not any(t.lower_ in self.subjects for t in doc[max(0, start - 3): start]):
                continue
            sent = doc[start].sent
            stop = min(sent.end, end + _WINDOW)
            cue_ents = [e for e in doc.ents if end <= e.start < stop and (e.start, e.end) in by_span]
            if cue_ents:
                first = by_span[(cue_ents[0].start, cue_ents[0].end)]
                if first.type not in ("METRIC", "TASK"):
                    found.append(first)
        unique: list[Entity] = []
        for e in found:
            if e not in unique:
                unique.append(e)
        return unique
