"""Relations from trigger phrases (rules/relations.yaml) between the entity mentions of a sentence.

For each trigger the head is the closest compatible mention on one side and the tails are
the closest compatible mention on the other side plus those coordinated with it ("A, B and
C"). A negation or hedge just before the trigger cancels it. Where no head stands in the
sentence but the paper speaks of itself ("we", "our model", "it"), the paper's contribution
is the head.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..rules import load_yaml
from .mentions import Entity


@dataclass(frozen=True)
class Rule:
    id: str
    relation: str
    backward: bool
    head: frozenset[str]
    tail: frozenset[str]
    confidence: float


class RelationExtractor:
    """Trigger-based relation extraction, configured by rules/relations.yaml."""

    def __init__(self, nlp: Language) -> None:
        cfg = load_yaml("relations.yaml")
        groups = cfg["types"]
        self.rules: dict[str, Rule] = {}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for r in cfg["rules"]:
            types = lambda v: frozenset(groups[v] if isinstance(v, str) else v)  # noqa: E731
            self.rules[r["id"]] = Rule(
                r["id"], r["relation"], r.get("direction") == "backward",
                types(r["head"]), types(r["tail"]), float(r["confidence"]),
            )
            self.matcher.add(r["id"], [nlp.make_doc(p) for p in r["phrases"]])
        self.negation = set(cfg["negation"])
        self.hedging = set(cfg["hedging"])
        self.coordination = set(cfg["coordination"])
        self.window = int(cfg["window"])
        self.self_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.self_matcher.add("SELF", [nlp.make_doc(" ".join(p)) for p in cfg["self_reference"]])

    def _cancelled(self, doc: Doc, start: int, sent: Span) -> bool:
        before = [t.lower_ for t in doc[max(sent.start, start - 3): start]]
        return any(w in self.negation or w in self.hedging for w in before)

    def _tails(self, mentions: list[Span], first: int, types: frozenset[str], by_span: dict, doc: Doc) -> list[Span]:
        """The first compatible mention from index FIRST on, and those coordinated with it."""
        out: list[Span] = []
        for m in mentions[first:]:
            if by_span[(m.start, m.end)].type not in types:
                if out:
                    break
                continue
            if out:
                gap = doc[out[-1].end: m.start]
                if any(t.lower_ not in self.coordination for t in gap):
                    break
            out.append(m)
        return out

    def __call__(self, doc: Doc, by_span: dict[tuple[int, int], Entity], own: list[Entity]) -> list[dict[str, Any]]:
        found: dict[tuple[str, str, str], dict[str, Any]] = {}
        self_refs = {start for _, start, _ in self.self_matcher(doc)}
        matches = sorted(self.matcher(doc), key=lambda m: (m[1], -m[2]))
        for sent in doc.sents:
            mentions = [e for e in sent.ents if (e.start, e.end) in by_span]
            taken: set[int] = set()  # mentions already used as tails: objects, not subjects
            for match_id, ts, te in matches:
                if not sent.start <= ts < sent.end:
                    continue
                rule = self.rules[doc.vocab.strings[match_id]]
                if self._cancelled(doc, ts, sent):
                    continue
                if any(m.start < te and ts < m.end for m in mentions):
                    continue  # the trigger is part of a name
                left = [m for m in mentions if m.end <= ts and ts - m.end <= self.window]
                right_idx = next((i for i, m in enumerate(mentions) if m.start >= te and m.start - te <= self.window), None)
                head_types, tail_types = (rule.tail, rule.head) if rule.backward else (rule.head, rule.tail)
                tails = self._tails(mentions, right_idx, tail_types if not rule.backward else head_types, by_span, doc) if right_idx is not None else []
                if not tails:
                    continue
                side_types = head_types if not rule.backward else tail_types
                lefts = [
                    m for m in reversed(left)
                    if by_span[(m.start, m.end)].type in side_types
                    and (m.start not in taken or doc[m.end: m.end + 2].text.lower().lstrip(", ").startswith(("which", "that")))
                ]
                head_ent: Entity | None = by_span[(lefts[0].start, lefts[0].end)] if lefts else None
                confidence = rule.confidence
                if head_ent is None:
                    anchor = [s for s in self_refs if sent.start <= s < ts]
                    head_ent = next((e for e in own if e.type in side_types), None) if anchor else None
                    confidence -= 0.15
                if head_ent is None:
                    continue
                if not rule.backward:
                    taken.update(m.start for m in tails)
                for tail in tails:
                    tail_ent = by_span[(tail.start, tail.end)]
                    h, t = (tail_ent, head_ent) if rule.backward else (head_ent, tail_ent)
                    if h is t or h.name == t.name:
                        continue
                    if rule.relation in ("OUTPERFORMS", "COMPARABLE_TO") and (h.type == "HARDWARE") != (t.type == "HARDWARE"):
                        continue
                    key = (h.name, rule.relation, t.name)
                    dist = abs(tail.start - te) + (ts - lefts[0].end if lefts else 0)
                    conf = round(max(0.3, confidence - 0.01 * dist), 3)
                    if key not in found or found[key]["confidence"] < conf:
                        found[key] = {
                            "head": h.name, "relation": rule.relation, "tail": t.name,
                            "evidence": sent.text.strip(), "start": sent.start_char, "end": sent.end_char,
                            "trigger": doc[ts:te].text, "rule": rule.id, "confidence": conf,
                        }
        return list(found.values())
