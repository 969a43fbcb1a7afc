"""Group a document's entity mentions into entities: one per name key, acronyms joined."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ..names import group_key


@dataclass
class Entity:
    """One entity of one document, with every mention of it."""

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)

    def to_record(self) -> dict:
        return {
            "name": self.name,
            "type": self.type,
            "aliases": self.aliases,
            "mentions": [
                {"start": m.start_char, "end": m.end_char, "text": m.text, "source": m.id_ or "ner"}
                for m in self.mentions
            ],
        }


def group_mentions(doc: Doc, alias_pairs: list[tuple[str, str]]) -> tuple[list[Entity], dict[tuple[int, int], Entity]]:
    """Entities of DOC (first-mention order) and a map from each mention's token span to its entity."""
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.get(k, k) != k:
            k = parent[k]
        return k

    for long, short in alias_pairs:
        a, b = find(group_key(long)), find(group_key(short))
        if a != b:
            parent[b] = a
    groups: dict[str, list[Span]] = {}
    for ent in doc.ents:
        k = group_key(ent.text)
        if k:
            groups.setdefault(find(k), []).append(ent)
    long_forms = {group_key(lng) for lng, _ in alias_pairs}
    entities: list[Entity] = []
    by_span: dict[tuple[int, int], Entity] = {}
    for root, spans in groups.items():
        forms = Counter(s.text for s in spans)
        long = [s.text for s in spans if group_key(s.text) in long_forms]
        name = long[0] if long else min(forms.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]
        labels = Counter(s.label_ for s in spans)
        label = min(labels.items(), key=lambda kv: (-kv[1], [s.label_ for s in spans].index(kv[0])))[0]
        ent = Entity(name=name, type=label, aliases=sorted(set(forms) - {name}), mentions=spans)
        entities.append(ent)
        for s in spans:
            by_span[(s.start, s.end)] = ent
    return entities, by_span


def mention_spans(by_span: dict[tuple[int, int], Entity]) -> list[Span]:
    """The mentions BY_SPAN maps, in text order: the spans of ``doc.ents`` that BY_SPAN keeps, without
    ``doc.ents``, which builds a new Span for every entity of the Doc on each access."""
    spans = {(m.start, m.end): m for ent in {id(e): e for e in by_span.values()}.values() for m in ent.mentions}
    return [spans[key] for key in sorted(by_span)]
