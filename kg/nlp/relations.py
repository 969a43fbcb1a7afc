"""Relations between the entity mentions of a document: trigger rules, re-scored by a learned model.

Rules (rules/relations.yaml): for each trigger the head is the closest compatible mention
on one side, in the same clause ("X, which uses Y" takes X), and the tails are the closest
compatible mention on the other side plus those coordinated with it ("A, B and C"). When
trigger phrases overlap only the longest counts; prepositions ("with", "for", "on") are weak
triggers with a small window and a lower confidence; a negation or hedge between the head
and the trigger ("does not outperform", "fails to match", "may outperform") cancels it;
passives ("is outperformed by") swap the ends. Where no head stands in the clause but the
paper speaks of itself ("we", "our model", "the proposed method", "it"), the paper's
contribution is the head.

When a trained relation model is present (kg/model_relations, see kg.relation_training), it
scores every candidate pair of entities of the document, with the triggers and the rule
edges as features, and its probability is the edge's confidence; without it the rule edges
are the output.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..rules import load_yaml
from .mentions import Entity, mention_spans
from .relation_model import Featurizer, RelationModel
from .tokens import doc_tokens

MODEL_DIR = Path(__file__).resolve().parent.parent / "model_relations"
_NUM = re.compile(r"\d")


@dataclass(frozen=True)
class Rule:
    id: str
    relation: str
    backward: bool
    head: frozenset[str]
    tail: frozenset[str]
    confidence: float
    weak: bool = False
    needs_number: int = 0
    features_only: bool = False


@dataclass(frozen=True)
class Trigger:
    """One trigger occurrence: a token span and every rule whose phrase it is."""

    start: int
    end: int
    rules: tuple[Rule, ...]
    negated: bool
    text: str


class RelationExtractor:
    """Trigger rules (rules/relations.yaml), optionally re-scored by the learned relation model."""

    def __init__(self, nlp: Language, model_dir: Path | None = MODEL_DIR) -> None:
        cfg = load_yaml("relations.yaml")
        groups = cfg["types"]
        self.rules: dict[str, Rule] = {}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for r in cfg["rules"]:
            types = lambda v: frozenset(groups[v] if isinstance(v, str) else v)  # noqa: E731
            self.rules[r["id"]] = Rule(
                r["id"], r["relation"], r.get("direction") == "backward",
                types(r["head"]), types(r["tail"]), float(r["confidence"]),
                bool(r.get("weak", False)), int(r.get("needs_number", 0)), bool(r.get("features_only", False)),
            )
            self.matcher.add(r["id"], [nlp.make_doc(str(p)) for p in r["phrases"]])
        self.negation = set(cfg["negation"])
        self.hedging = set(cfg["hedging"])
        self.exceptions = {tuple(e) for e in cfg.get("negation_exceptions", [])}
        self.coordination = set(cfg["coordination"])
        self.clause_breaks = set(cfg.get("clause_breaks", []))
        self.window = int(cfg["window"])
        self.right_window = int(cfg.get("right_window", self.window))
        self.continuation = set(cfg.get("continuation", []))
        self.weak_window = int(cfg.get("weak_window", 4))
        self.subject_offset = int(cfg.get("subject_offset", 2))
        self.determiners = set(cfg.get("determiners", []))
        self.participle_endings = tuple(cfg.get("participle_endings", []))
        self.self_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for p in cfg["self_reference"]:
            self.self_matcher.add(" ".join(p), [nlp.make_doc(" ".join(p))])
        self.appositions = {noun: rel for rel, nouns in cfg.get("appositions", {}).items() for noun in nouns}
        self.apposition_openers = [opener.split() for opener in cfg["apposition_openers"]]
        self.apposition_gap = int(cfg.get("apposition_gap", 3))
        self.featurizer = Featurizer(self.negation, self.hedging, self.coordination)
        self.model: RelationModel | None = None
        if model_dir is not None and (Path(model_dir) / "weights.npz").is_file():
            self.model = RelationModel.load(Path(model_dir))

    # -- triggers -------------------------------------------------------------------------

    def negated(self, doc: Doc, start: int, stop: int) -> bool:
        """A negation or hedge among the tokens [stop, start) (at most 4 back, same clause)."""
        i = start - 1
        while i >= max(stop, start - 4):
            tok = doc[i]
            if tok.text in (",", ";", ":") or tok.is_sent_start and i < start - 1:
                break
            w = tok.lower_
            if w in self.negation or w in self.hedging:
                nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
                if (w, nxt) not in self.exceptions and (doc[i - 1].lower_ if i else "", w) not in self.exceptions:
                    return True
            i -= 1
        return False

    def triggers(self, doc: Doc) -> list[Trigger]:
        """Longest non-overlapping trigger spans outside entity mentions, in text order."""
        by_span: dict[tuple[int, int], list[Rule]] = {}
        for match_id, s, e in self.matcher(doc):
            by_span.setdefault((s, e), []).append(self.rules[doc.vocab.strings[match_id]])
        in_ent = set()
        for ent in doc.ents:
            in_ent.update(range(ent.start, ent.end))
        taken: set[int] = set()
        out: list[Trigger] = []
        sent_starts = doc_tokens(doc).sent_starts
        for (s, e), rules in sorted(by_span.items(), key=lambda kv: (kv[0][0] - kv[0][1], kv[0][0])):
            if any(i in taken or i in in_ent for i in range(s, e)):
                continue
            sent_start = sent_starts[bisect_right(sent_starts, s) - 1]
            kept = tuple(
                r for r in rules
                if not r.needs_number or any(_NUM.search(t.text) for t in doc[max(sent_start, s - r.needs_number): s])
            )
            if not kept:
                continue
            taken.update(range(s, e))
            out.append(Trigger(s, e, kept, self.negated(doc, s, sent_start), doc[s:e].text))
        return sorted(out, key=lambda t: t.start)

    def self_refs(self, doc: Doc) -> list[tuple[int, int, str]]:
        return sorted((s, e, doc.vocab.strings[m]) for m, s, e in self.self_matcher(doc))

    # -- rules ----------------------------------------------------------------------------

    def _rights(self, doc: Doc, sent: Span, te: int, mentions: list[Span], types: frozenset[str], by_span: dict,
                window: int, blockers: list[int]) -> list[Span]:
        """The first compatible mention after a trigger, and those coordinated with it ("A, B and C").

        It must stand within WINDOW tokens (counted again from a continuation like "including"),
        before the clause ends and before the next strong trigger (whose object it would be).
        """
        limit = te + window
        lowers = doc_tokens(doc).lower
        stop = next((i for i in range(te, sent.end) if lowers[i] in self.clause_breaks), sent.end)
        stop = min([stop, *(b for b in blockers if b >= te)])
        for i in range(te, min(limit + 1, stop)):
            for n in (2, 1):
                if " ".join(lowers[i: i + n]) in self.continuation:
                    limit = max(limit, i + n + window)
        out: list[Span] = []
        for m in mentions:
            if m.start < te:
                continue
            if not out:
                if m.start >= min(limit, stop):
                    break
                if by_span[(m.start, m.end)].type in types:
                    out.append(m)
                continue
            if by_span[(m.start, m.end)].type not in types:
                break
            if any(w not in self.coordination for w in lowers[out[-1].end: m.start]):
                break
            out.append(m)
        return out

    def _head_side(self, doc: Doc, sent: Span, ts: int, mentions: list[Span], window: int) -> tuple[list[Span], int]:
        """Mentions a head may come from (nearest first) and where the clause of the trigger starts."""
        clause_start = sent.start
        lowers = doc_tokens(doc).lower
        i = ts - 1
        relative: Span | None = None
        while i >= sent.start:
            w = lowers[i]
            if w in self.clause_breaks and not (w == "but" and i + 1 < len(doc) and lowers[i + 1] == "also"):
                if w in ("which", "that"):
                    j = i - 1 if i - 1 >= sent.start and doc[i - 1].text == "," else i
                    relative = next((m for m in mentions if m.end == j), None)
                clause_start = i + 1
                break
            i -= 1
        near = [m for m in reversed(mentions) if clause_start <= m.start and m.end <= ts and ts - m.end <= window]
        if relative is not None:
            near.append(relative)
        return near, clause_start

    def rule_edges(self, doc: Doc, by_span: dict[tuple[int, int], Entity], own: list[Entity],
                   triggers: list[Trigger], self_refs: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
        found: dict[tuple[str, str, str], dict[str, Any]] = {}
        ents = mention_spans(by_span)
        tokens = doc_tokens(doc)
        title_end, lowers = tokens.title_end, tokens.lower
        for sent in doc.sents:
            mentions = [e for e in ents if sent.start <= e.start < sent.end]
            in_sent = [t for t in triggers if sent.start <= t.start < sent.end]
            blockers = [t.start for t in in_sent if any(not r.weak and not r.features_only for r in t.rules)]
            # mentions right after a trigger are objects ("with LoRA", "outperforms X"), not subjects
            taken: set[int] = {m.start for m in mentions for t in in_sent if 0 <= m.start - t.end <= 2}
            title = sent.start == 0 and 0 <= title_end <= sent.end  # the first sentence ends at the title's line break
            colon = next((t.i for t in sent if t.text == ":"), None) if title else None
            prefix = next((m for m in mentions if colon is not None and m.end == colon), None)
            last_head: dict[str, tuple[int, Entity]] = {}
            for trig in in_sent:
                ts, te = trig.start, trig.end
                if trig.negated:
                    continue
                for rule in trig.rules:
                    if rule.features_only:
                        continue
                    window = self.weak_window if rule.weak else self.window
                    head_types, tail_types = (rule.tail, rule.head) if rule.backward else (rule.head, rule.tail)
                    right_types = head_types if rule.backward else tail_types
                    left_types = tail_types if rule.backward else head_types
                    rights = self._rights(doc, sent, te, mentions, right_types, by_span,
                                          self.weak_window if rule.weak else self.right_window, blockers)
                    if not rights:
                        continue
                    near, clause_start = self._head_side(doc, sent, ts, mentions, window)
                    lefts = [m for m in near if by_span[(m.start, m.end)].type in left_types]
                    lefts = [m for m in lefts if m.start not in taken] or [
                        m for m in lefts if doc[m.end: m.end + 2].text.lower().lstrip(", ").startswith(("which", "that"))]
                    left_ent: Entity | None = by_span[(lefts[0].start, lefts[0].end)] if lefts else None
                    confidence = rule.confidence
                    dist = 0
                    if left_ent is None and not rule.weak and last_head.get(rule.relation) is not None:
                        # "X is 2x faster than A and 3x faster than B": the same subject
                        prev_end, prev_head = last_head[rule.relation]
                        if clause_start <= prev_end:
                            left_ent, confidence = prev_head, confidence - 0.05
                    if (left_ent is None and not rule.backward and ts - 1 > clause_start and lowers[ts - 1] == ","
                            and lowers[ts].endswith(self.participle_endings)):
                        # "X shows strong results on A and B, outperforming C": the clause's subject
                        subject = next((m for m in mentions if clause_start <= m.start <= clause_start + self.subject_offset
                                        and all(w in self.determiners for w in lowers[clause_start: m.start])), None)
                        if subject is not None and by_span[(subject.start, subject.end)].type in left_types:
                            left_ent, confidence = by_span[(subject.start, subject.end)], confidence - 0.1
                    if prefix is not None and ts > colon and not rule.backward and by_span[(prefix.start, prefix.end)].type in left_types:
                        # a title "X: A for B" speaks of X
                        left_ent, lefts = by_span[(prefix.start, prefix.end)], [prefix]
                    if left_ent is None:
                        if rule.backward or rule.weak:
                            continue
                        anchor = [s for s, e, _ in self_refs if clause_start <= s and e <= ts]
                        left_ent = next((e for e in own if e.type in left_types), None) if anchor else None
                        confidence -= 0.15
                    elif lefts:
                        dist = ts - lefts[0].end
                    if left_ent is None:
                        continue
                    if not rule.backward:
                        taken.update(m.start for m in rights)
                        if not rule.weak:
                            last_head[rule.relation] = (te, left_ent)
                    for right in rights:
                        right_ent = by_span[(right.start, right.end)]
                        h, t = (right_ent, left_ent) if rule.backward else (left_ent, right_ent)
                        if h is t or h.name == t.name:
                            continue
                        if rule.relation in ("OUTPERFORMS", "COMPARABLE_TO") and (h.type == "HARDWARE") != (t.type == "HARDWARE"):
                            continue
                        key = (h.name, rule.relation, t.name)
                        conf = round(min(0.95, max(0.3, confidence - 0.01 * (dist + right.start - te))), 3)
                        if key not in found or found[key]["confidence"] < conf:
                            found[key] = {
                                "head": h.name, "relation": rule.relation, "tail": t.name,
                                "evidence": sent.text.strip(), "start": sent.start_char, "end": sent.end_char,
                                "trigger": trig.text, "rule": rule.id, "confidence": conf,
                            }
        for edge in self._apposition_edges(doc, ents, by_span):
            found.setdefault((edge["head"], edge["relation"], edge["tail"]), edge)
        return list(found.values())

    def _apposition_edges(self, doc: Doc, ents: list[Span], by_span: dict[tuple[int, int], Entity]) -> list[dict[str, Any]]:
        """ "X, a [adjectives] T method" (or "X: A T Method" in a title, "X is a T method") -> X BUILT_ON T;
        "X, a T model" -> X USES T (T a technique)."""
        lowers = doc_tokens(doc).lower
        out = []
        for x, t in zip(ents, ents[1:]):
            head, tail = by_span[(x.start, x.end)], by_span[(t.start, t.end)]
            if head.type not in ("MODEL", "TECHNIQUE") or tail.type != "TECHNIQUE" or head is tail:
                continue
            between = lowers[x.end: t.start]
            if len(between) < 2 or between[:2] not in self.apposition_openers or len(between) - 2 > self.apposition_gap:
                continue
            relation = self.appositions.get(lowers[t.end]) if t.end < len(doc) else None
            if relation is None:
                continue
            sent = doc[x.start].sent
            out.append({
                "head": head.name, "relation": relation, "tail": tail.name, "evidence": sent.text.strip(),
                "start": sent.start_char, "end": sent.end_char, "trigger": doc[x.end: t.end + 1].text,
                "rule": "rel_apposition", "confidence": 0.75,
            })
        return out

    def __call__(self, doc: Doc, by_span: dict[tuple[int, int], Entity], own: list[Entity]) -> list[dict[str, Any]]:
        triggers = self.triggers(doc)
        self_refs = self.self_refs(doc)
        edges = self.rule_edges(doc, by_span, own, triggers, self_refs)
        if self.model is None:
            return edges
        return self.model.predict(self.featurizer(doc, by_span, own, triggers, self_refs, edges), edges)
