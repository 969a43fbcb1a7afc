"""What a paper itself introduces: "we propose X", "a model called X", a title "X: ...".

The cue rule takes the first entity within a few tokens after a contribution cue
(rules/contributions.yaml) and the entity named before the colon of the title. When the
learned contribution model is present (kg/model_contributions, see
kg.contribution_training), it decides instead, with the rule's pick as one of its features
(kg/nlp/contribution_model.py).
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..names import group_key
from ..rules import load_yaml
from .contribution_model import Cue, entity_keys, featurize, title_prefix
from .gazetteer import Entry, load_gazetteer
from .mentions import Entity, mention_spans
from .linear import LinearModel
from .tokens import doc_tokens

MODEL_DIR = Path(__file__).resolve().parent.parent / "model_contributions"
_WINDOW = 12
_SUBJECT_REACH = 3


def gazetteer_keys(entries: list[Entry]) -> set[str]:
    """Name keys of every name and alias of gazetteer ENTRIES: names the paper did not coin."""
    return {group_key(n) for e in entries for n in (e.name, *e.aliases)}


class ContributionFinder:
    """Find contribution entities among a document's grouped entities."""

    def __init__(self, nlp: Language, model_dir: Path | None = MODEL_DIR) -> None:
        cfg = load_yaml("contributions.yaml")
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher.add("VERB", [nlp.make_doc(w) for w in cfg["verbs"]])
        self.matcher.add("NAMING", [nlp.make_doc(w) for w in cfg["naming"]])
        self.matcher.add("COMPONENT", [nlp.make_doc(w) for w in cfg["components"]])
        self.subjects = set(cfg["subjects"])
        self.self_words = set(cfg["self_words"])
        self.nouns: dict[str, str] = cfg["nouns"]
        has_model = model_dir is not None and (Path(model_dir) / "weights.npz").is_file()
        self.model = LinearModel.load(Path(model_dir)) if has_model else None
        self.known = gazetteer_keys(load_gazetteer())

    def cues(self, doc: Doc) -> list[Cue]:
        """Contribution verbs (with whether "we", "this paper"... stands just before), naming and component words."""
        out = []
        lower = doc_tokens(doc).lower
        for match_id, start, end in sorted(self.matcher(doc), key=lambda m: m[1]):
            kind = doc.vocab.strings[match_id].lower()
            subject = any(w in self.subjects for w in lower[max(0, start - _SUBJECT_REACH): start])
            out.append(Cue(start, end, doc[start:end].text.lower(), kind, subject))
        return out

    def rule(self, doc: Doc, entities: list[Entity], by_span: dict[tuple[int, int], Entity], cues: list[Cue]) -> list[Entity]:
        """The title prefix's entity, then the first entity after each cue (not a METRIC or TASK)."""
        found: list[Entity] = []
        _, name_end = title_prefix(doc)
        if name_end is not None:
            prefix = group_key(doc[:name_end].text)
            found += [e for e in entities if prefix in entity_keys(e)]
        mentions = mention_spans(by_span)
        for cue in cues:
            if not (cue.kind == "naming" or cue.kind == "verb" and cue.subject):
                continue
            stop = min(doc_tokens(doc).sentence(cue.start)[1], cue.end + _WINDOW)
            after = [e for e in mentions if cue.end <= e.start < stop]
            if after:
                first = by_span[(after[0].start, after[0].end)]
                if first.type not in ("METRIC", "TASK"):
                    found.append(first)
        unique: list[Entity] = []
        for e in found:
            if e not in unique:
                unique.append(e)
        return unique

    def features(self, doc: Doc, entities: list[Entity], by_span: dict[tuple[int, int], Entity],
                 known: set[str] | None = None) -> list[list[str]]:
        """The contribution model's features of every entity (KNOWN: name keys not coined here; default: the gazetteer's)."""
        cues = self.cues(doc)
        acronyms = {group_key(n) for pair in doc._.kg_aliases or [] for n in pair}
        known = self.known if known is None else known
        return featurize(doc, entities, by_span, cues, self.rule(doc, entities, by_span, cues), acronyms, known,
                         self.nouns, self.self_words)

    def __call__(self, doc: Doc, entities: list[Entity], by_span: dict[tuple[int, int], Entity]) -> list[Entity]:
        if self.model is None or not entities:
            return self.rule(doc, entities, by_span, self.cues(doc))
        probs = self.model.probs(self.features(doc, entities, by_span))[:, 1]
        threshold = self.model.thresholds["*"]
        return [e for e, p in zip(entities, probs) if p >= threshold]
