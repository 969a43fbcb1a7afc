"""Precision, recall and F1 of extracted records against gold records, as SCHEMA.md defines them.

The same semantics as the reference scorer: names match by key (lower-case alphanumerics,
trailing plural "s" dropped), optional gold entities are neutral, several predictions that
hit one gold entity count once, COMPARABLE_TO matches in either direction, contributions
are a set.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .names import name_key

SYMMETRIC = {"COMPARABLE_TO"}


key = name_key


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    entities: Tally = field(default_factory=Tally)
    entities_type_blind: Tally = field(default_factory=Tally)
    relations: Tally = field(default_factory=Tally)
    contributions: Tally = field(default_factory=Tally)
    entity_types: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    relation_types: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    errors: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    missing: int = 0


def entity_index(entities: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Name key of every name and alias -> indices of the entities that carry it."""
    idx: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(entities):
        for name in [e["name"], *e.get("aliases", [])]:
            idx[key(name)].append(i)
    return idx


def first_index(entities: list[dict[str, Any]]) -> dict[str, int]:
    """Name key of every name and alias -> the first annotated entity that carries it."""
    return {k: ids[0] for k, ids in entity_index(entities).items()}


def annotated_hit(first: dict[str, int], names: list[str]) -> int | None:
    """The annotated entity (see ``first_index``) that the first matching of NAMES hits, trying them
    in order: how a predicted entity (name, then aliases) is labelled for training."""
    return next((first[key(n)] for n in names if key(n) in first), None)


def score(gold: dict[str, dict], pred: dict[str, dict]) -> Scores:
    """Micro-averaged scores of PRED against GOLD (both keyed by document id)."""
    s = Scores()
    for doc_id, g in gold.items():
        p = pred.get(doc_id)
        if p is None:
            s.missing += 1
            p = {}
        gents = g.get("entities", [])
        idx = entity_index(gents)

        def hit(name: str, etype: str | None = None) -> int | None:
            return next((i for i in idx.get(key(name), []) if etype is None or gents[i]["type"] == etype), None)

        for blind, tally in ((False, s.entities), (True, s.entities_type_blind)):
            found: set[int] = set()
            for e in p.get("entities", []):
                want = None if blind else e.get("type")
                i = hit(e.get("name", ""), want)
                for a in e.get("aliases", []) if i is None else []:
                    i = hit(a, want)
                    if i is not None:
                        break
                if i is None:
                    tally.fp += 1
                    if not blind:
                        s.entity_types[e.get("type")].fp += 1
                        s.errors["entity_fp"].append((doc_id, e.get("name"), e.get("type")))
                elif i not in found:
                    found.add(i)
                    if not gents[i].get("optional"):
                        tally.tp += 1
                        if not blind:
                            s.entity_types[gents[i]["type"]].tp += 1
            for i, e in enumerate(gents):
                if i not in found and not e.get("optional"):
                    tally.fn += 1
                    if not blind:
                        s.entity_types[e["type"]].fn += 1
                        s.errors["entity_fn"].append((doc_id, e["name"], e["type"]))

        gold_rels: set[tuple] = set()
        for r in g.get("relations", []):
            h, t = hit(r["head"]), hit(r["tail"])
            if h is not None and t is not None:
                gold_rels.add((h, r["relation"], t))
                if r["relation"] in SYMMETRIC:
                    gold_rels.add((t, r["relation"], h))
        matched: set[tuple] = set()
        for r in p.get("relations", []):
            h, t = hit(r.get("head", "")), hit(r.get("tail", ""))
            trip = (h, r.get("relation"), t)
            if h is not None and t is not None and trip in gold_rels:
                canon = trip if trip[1] not in SYMMETRIC else (min(h, t), trip[1], max(h, t))
                if canon not in matched:
                    matched.add(canon)
                    s.relations.tp += 1
                    s.relation_types[trip[1]].tp += 1
            else:
                s.relations.fp += 1
                s.relation_types[r.get("relation")].fp += 1
                s.errors["relation_fp"].append((doc_id, r.get("head"), r.get("relation"), r.get("tail")))
        for r in g.get("relations", []):
            h, t = hit(r["head"]), hit(r["tail"])
            if h is None or t is None:
                continue
            canon = (h, r["relation"], t) if r["relation"] not in SYMMETRIC else (min(h, t), r["relation"], max(h, t))
            if canon not in matched:
                matched.add(canon)
                s.relations.fn += 1
                s.relation_types[r["relation"]].fn += 1
                s.errors["relation_fn"].append((doc_id, r["head"], r["relation"], r["tail"]))

        gc = {hit(c) for c in g.get("contributions", [])} - {None}
        pc: set[int] = set()
        for c in p.get("contributions", []):
            i = hit(c)
            if i is None:
                s.contributions.fp += 1
                s.errors["contribution_fp"].append((doc_id, c))
            elif i not in pc:
                pc.add(i)
                if i in gc:
                    s.contributions.tp += 1
                else:
                    s.contributions.fp += 1
                    s.errors["contribution_fp"].append((doc_id, c))
        s.contributions.fn += len(gc - pc)
        s.errors["contribution_fn"] += [(doc_id, gents[i]["name"]) for i in sorted(gc - pc)]
    return s


def report(s: Scores, by_type: bool = True, errors: int = 0) -> str:
    """The scores as the reference scorer prints them, optionally with per-type rows and errors."""
    lines = []
    for name in ("entities", "entities_type_blind", "relations", "contributions"):
        p, r, f = getattr(s, name).prf()
        lines.append(f"{name:22s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    if by_type:
        for group in (s.entity_types, s.relation_types):
            for t, v in sorted(group.items(), key=lambda kv: str(kv[0])):
                p, r, f = v.prf()
                lines.append(f"  {t!s:20s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (gold {v.tp + v.fn})")
    if errors:
        for kind, rows in s.errors.items():
            lines.append(f"\n{kind} ({len(rows)}):")
            lines += ["   " + " | ".join(map(str, row)) for row in rows[:errors]]
    return "\n".join(lines)
