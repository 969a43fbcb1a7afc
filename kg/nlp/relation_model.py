"""The learned relation classifier: candidate entity pairs of a document, their features, their scores.

A candidate is an ordered pair (head, tail) of entities of one document with some evidence
linking them:

- "pair" instances: a sentence that mentions both (the closest two mentions are used);
- "self" instances: the head is what the paper itself proposes (a contribution, an entity of
  the title, or the most mentioned model/technique) and a sentence mentions the tail but not
  the head ("we introduce X", "our model uses X", "experiments on X").

Each instance gives sparse binary features (words and trigger rules between the mentions,
negation and hedges, the order and distance, the words before the tail, self references,
the sentence's place...); a pair's features are the union over its instances plus features
of the pair itself (types, roles, which rule edges link it). A multinomial logistic
regression over the eight relations and NONE scores the pair; the best relation's
probability is the edge's confidence, and the instance that supports it best is the edge's
evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.tokens import Doc, Span

from ..names import group_key
from .linear import LinearModel
from .mentions import Entity, mention_spans
from .tokens import doc_tokens

NONE = "NONE"
SYSTEM = ("MODEL", "TECHNIQUE")
HEAD_TYPES = ("MODEL", "TECHNIQUE", "HARDWARE")
TAIL_TYPES = ("MODEL", "TECHNIQUE", "HARDWARE", "BENCHMARK", "TASK")
# Which features are also crossed with the pair's types ("|MODEL>BENCHMARK") or the head's role
# ("sownT:"): the words between and around the mentions are many and sparse, and crossing them
# cost time and model size without gain (held-out relation F1 0.457 -> 0.463, 262K -> 109K features).
_LEXICAL = ("bs=", "bf=", "bl=", "l1=", "r1=", "tw=", "tr=")  # pair features left uncrossed ("tr=" has its own)
_PER_ROLE = ("c1=", "cn=", "ct=", "sp=", "hd=")  # self-instance features kept per head role too
_LIST = {",", "and", "or", "(", ")", "as", "well", "&", "/", "the", "e.g.", "i.e.", "both", "either", "including"}


def _words(name: str) -> set[str]:
    """Lower-case words of a name, digits masked ("LLaMA-2 7B" -> llama, <n>, <n>b)."""
    return {re.sub(r"\d+", "<n>", w) for w in re.split(r"[^0-9a-z]+", name.lower()) if w}


def _bucket(n: int) -> str:
    for b in (0, 1, 2, 3, 4, 6, 9, 14, 20):
        if n <= b:
            return str(b)
    return "far"


@dataclass
class Instance:
    sent: Span
    kind: str  # "pair" or "self"
    features: list[str]
    trigger: Any = None  # the trigger nearest the tail, if any
    scope: list = field(default_factory=list)  # triggers between the mentions (pair) or before the tail (self)

    def stance(self, relation: str) -> bool | None:
        """Whether the nearest trigger of RELATION in scope asserts it (False: negated or hedged; None: no such trigger)."""
        trs = [t for t in self.scope if any(r.relation == relation for r in t.rules)]
        return None if not trs else not trs[-1].negated

    def cue(self, relation: str) -> str:
        trs = [t for t in self.scope if any(r.relation == relation and not r.features_only for r in t.rules)]
        trs = trs or [t for t in self.scope if any(r.relation == relation for r in t.rules)]
        return trs[-1].text if trs else (self.trigger.text if self.trigger is not None else "")


@dataclass
class Candidate:
    head: Entity
    tail: Entity
    features: list[str] = field(default_factory=list)
    instances: list[Instance] = field(default_factory=list)


class Featurizer:
    """Candidate pairs and their features for one document (see the module docstring)."""

    def __init__(self, negation: set[str], hedging: set[str], coordination: set[str]) -> None:
        self.negation = negation | hedging
        self.coordination = coordination

    def __call__(self, doc: Doc, by_span: dict[tuple[int, int], Entity], own: list[Entity],
                 triggers: list, self_refs: list[tuple[int, int, str]], rule_edges: list[dict[str, Any]]) -> list[Candidate]:
        mentions = mention_spans(by_span)
        if not mentions:
            return []
        # each mention's end and "<TYPE>" token by its start
        ment_at = {m.start: (m.end, "<" + by_span[(m.start, m.end)].type + ">") for m in mentions}
        ents = list({id(e): e for e in (by_span[(m.start, m.end)] for m in mentions)}.values())
        sents = list(doc.sents)
        sent_at = doc_tokens(doc).sent_of
        sent_of = {(m.start, m.end): sent_at[m.start] for m in mentions}
        ments_in_sent: dict[int, list[Span]] = defaultdict(list)
        for m in mentions:
            ments_in_sent[sent_at[m.start]].append(m)
        ment_pos = {m.start: j for j, m in enumerate(mentions)}
        title_end = doc_tokens(doc).title_end
        n_sents = len(sents)

        def sent_pos(si: int) -> str:
            s = sents[si]
            if s.end <= title_end + 1:
                return "title"
            if si > 0 and sents[si - 1].end <= title_end + 1:
                return "first"
            return "last" if si == n_sents - 1 else "mid"

        # roles: what the paper itself proposes
        own_ids = {id(e) for e in own}
        in_title = {id(by_span[(m.start, m.end)]) for m in mentions if m.end <= title_end}
        systems = (e for e in ents if e.type in SYSTEM)
        top = min(systems, key=lambda e: -len(e.mentions), default=None)  # most mentioned, first on a tie

        def role(e: Entity) -> str:
            if id(e) in own_ids:
                return "ownT" if id(e) in in_title or e is own[0] else "own"
            if id(e) in in_title and e.type in SYSTEM:
                return "title"
            if e is top and len(e.mentions) > 1:
                return "top"
            return "other"

        roles = {id(e): role(e) for e in ents}
        trig_by_sent: dict[int, list] = defaultdict(list)
        for tr in triggers:
            trig_by_sent[sent_at[tr.start]].append(tr)
        refs_by_sent: dict[int, list] = defaultdict(list)
        for ref in self_refs:
            refs_by_sent[sent_at[ref[0]]].append(ref)
        rules_of: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for r in rule_edges:
            rules_of[(r["head"], r["tail"])].append(r)

        words = doc_tokens(doc).words

        def toks(start: int, end: int) -> list[str]:
            out, i = [], start
            while i < end:
                m = ment_at.get(i)
                if m is not None and m[0] <= end:
                    out.append(m[1])
                    i = m[0]
                    continue
                if words[i]:
                    out.append(words[i])
                i += 1
            return out

        ment_by_ent: dict[int, list[Span]] = defaultdict(list)
        for m in mentions:
            ment_by_ent[id(by_span[(m.start, m.end)])].append(m)
        # per entity: its mentions by sentence, and the sentences of the paper's other systems
        ment_sents: dict[int, dict[int, list[Span]]] = {}
        for e in ents:
            by_sent = ment_sents[id(e)] = defaultdict(list)
            for m in ment_by_ent[id(e)]:
                by_sent[sent_of[(m.start, m.end)]].append(m)
        rival_sents = [(e, list(ment_sents[id(e)])) for e in ents if roles[id(e)] != "other" and e.type in SYSTEM]

        def list_start(m: Span, floor: int) -> Span:
            """The first mention of the coordination ("A, B and C") that M ends, not before FLOOR."""
            j = ment_pos[m.start]
            while j > 0 and mentions[j - 1].start >= floor:
                gap = [w for w in words[mentions[j - 1].end: mentions[j].start] if w]
                if len(gap) > 3 or any(w not in _LIST for w in gap):
                    break
                j -= 1
            return mentions[j]

        # per sentence: where its first mention of a head type ends
        first_head_end = {si: min((x.end for x in ms if by_span[(x.start, x.end)].type in HEAD_TYPES), default=len(doc) + 1)
                          for si, ms in ments_in_sent.items()}

        def first_sys(m: Span, si: int) -> bool:
            """No mention of a head type ends before M in its sentence."""
            return m.start < first_head_end[si]

        def pair_instance(hm: Span, tm: Span, si: int, tp: str) -> Instance:
            s = sents[si]
            o = "HT" if hm.start < tm.start else "TH"
            a, b = (hm, tm) if o == "HT" else (tm, hm)
            f = []
            if o == "HT":
                ls = list_start(tm, hm.end)
                if ls is not tm:
                    b = ls
                    f.append("inlist")
            btw = toks(a.end, b.start)
            n = len(btw)
            f += [f"o={o}", f"d={o}{_bucket(n)}", f"o={o}|{tp}"]
            if first_sys(hm, si):
                f.append(f"hfirst={o}")
            if n <= 8:
                f.append(f"bs={o}:{' '.join(btw)}")
            words = [f"bw={o}:{w}" for w in sorted(set(btw[:14]))] + [f"bb={o}:{w1}_{w2}" for w1, w2 in zip(btw[:12], btw[1:13])]
            if btw:
                f += [f"bf={o}:{btw[0]}", f"bl={o}:{btw[-1]}"]
            inner = [tr for tr in trig_by_sent[si] if tr.start >= a.end and tr.end <= b.start]
            for tr in inner:
                for r in tr.rules:
                    neg = ":neg" if tr.negated else ""
                    f += [f"tr={o}:{r.id}{neg}", f"tr={o}:{r.id}{neg}|{tp}"]
            near = inner[-1] if o == "HT" and inner else (inner[0] if inner else None)
            if near is not None:
                f += [f"tn={o}:{r.id}{':neg' if near.negated else ''}|{tp}" for r in near.rules]
                f.append(f"tw={o}:{near.text.lower()}")
            if not inner:
                f.append(f"notr={o}")
            left = toks(max(s.start, a.start - 2), a.start)
            right = toks(b.end, min(s.end, b.end + 2))
            if left:
                f.append(f"l1={left[-1]}")
            if right:
                f.append(f"r1={right[0]}")
            nm = sum(1 for w in btw if w.startswith("<") and w != "<num>")
            f.append(f"mb={o}{_bucket(nm)}")
            if btw and all(w in self.coordination or (w.startswith("<") and w != "<num>") for w in btw):
                f.append(f"co={o}")
            if any(w in self.negation for w in btw):
                f.append(f"ng={o}")
            if any(r0 < a.start for r0, _, _ in refs_by_sent[si]):
                f.append("sr")
            f.append(f"sp={sent_pos(si)}")
            f += [f"{x}|{tp}" for x in f if "|" not in x and not x.startswith(_LEXICAL)]
            f += words
            return Instance(s, "pair", ["p:" + x for x in f], near, inner)

        def self_instance(h: Entity, tm: Span, si: int, r: str, tt: str) -> Instance:
            s = sents[si]
            f = [f"sp={sent_pos(si)}", f"sp={sent_pos(si)}|{tt}"]
            ls = list_start(tm, s.start)
            if ls is not tm:
                f.append("inlist")
                tm = ls
            pre = toks(s.start, tm.start)
            if first_sys(tm, si):
                f.append("tfirst")
            last = [x for x in ment_sents[id(h)] if x < si]
            f.append(f"hd={_bucket(si - max(last)) if last else 'none'}")
            rivals = [x for e, ss in rival_sents if e is not h for x in ss if x <= si]
            if rivals and (not last or max(rivals) > max(last)):
                f.append("rival")
            if pre:
                f += [f"c1={pre[-1]}", f"c2={' '.join(pre[-2:])}", f"c1={pre[-1]}|{tt}"]
            else:
                f.append("c1=^")
            post = toks(tm.end, min(s.end, tm.end + 3))
            if post:
                f.append(f"a1={post[0]}")
            before = [tr for tr in trig_by_sent[si] if tr.end <= tm.start]
            for tr in before:
                f += [f"ct={rr.id}{':neg' if tr.negated else ''}" for rr in tr.rules]
            near = before[-1] if before else None
            if near is not None:
                d = _bucket(len(toks(near.end, tm.start)))
                for rr in near.rules:
                    neg = ":neg" if near.negated else ""
                    f += [f"cn={rr.id}{neg}|{tt}", f"cn={rr.id}{neg}|d{d}"]
                f.append(f"cnw={near.text.lower()}|{tt}")
            after = [tr for tr in trig_by_sent[si] if tr.start >= tm.end and tr.start - tm.end <= 5]
            for tr in after[:1]:
                f += [f"ca={rr.id}" for rr in tr.rules]
            refs = [p for r0, _, p in refs_by_sent[si] if r0 < tm.start]
            for p in sorted(set(refs)):
                f.append(f"cs={p}")
            f.append(f"cs_any={bool(refs)}|{tt}")
            prior = [m for m in ments_in_sent[si] if m.end <= tm.start]
            sys_prior = [m for m in prior if by_span[(m.start, m.end)].type in HEAD_TYPES]
            f.append(f"cm={_bucket(len(sys_prior))}")
            if prior:
                f.append(f"cmt={by_span[(prior[-1].start, prior[-1].end)].type}|{tt}")
                gap = toks(prior[-1].end, tm.start)
                if all(w in self.coordination for w in gap):
                    f.append("ccoord")
            if any(w in self.negation for w in pre[-8:]):
                f.append("cneg")
            f += [f"{x}|{tt}" for x in f if "|" not in x]
            out = [f"s{r}:" + x for x in f if x.startswith(_PER_ROLE)]
            out += ["s*:" + x for x in f] + [f"s*:cw={w}" for w in sorted(set(pre[-6:]))]
            return Instance(s, "self", out, near, before)

        keys = {id(e): group_key(e.name) for e in ents}
        name_feats = {id(e): ([f"g:tw={w}|{e.type}" for w in ws], [f"g:hw={w}|{e.type}" for w in ws])
                      for e in ents for ws in [_words(e.name)]}
        cands: list[Candidate] = []
        for h in ents:
            if h.type not in HEAD_TYPES:
                continue
            hr = roles[id(h)]
            hk = keys[id(h)]
            for t in ents:
                if t is h or t.type not in TAIL_TYPES or keys[id(t)] == hk:
                    continue
                tp = f"{h.type}>{t.type}"
                inst: list[Instance] = []
                h_sents = ment_sents[id(h)]
                for si, tms in ment_sents[id(t)].items():
                    if si in h_sents:
                        hm, tm = min(((a, b) for a in h_sents[si] for b in tms),
                                     key=lambda p: abs(p[0].start - p[1].start))
                        inst.append(pair_instance(hm, tm, si, tp))
                    elif hr != "other":
                        inst.append(self_instance(h, tms[0], si, hr, t.type))
                if not inst:
                    continue
                g = [f"g:tp={tp}", f"g:hr={hr}", f"g:hr={hr}|{tp}", f"g:tr={roles[id(t)]}",
                     f"g:hc={_bucket(len(h.mentions))}", f"g:tc={_bucket(len(t.mentions))}",
                     f"g:co={_bucket(sum(1 for i in inst if i.kind == 'pair'))}",
                     f"g:hn={hk}", f"g:tn={keys[id(t)]}|{t.type}"]
                if id(t) in in_title:
                    g.append("g:tt")
                g += name_feats[id(t)][0] + name_feats[id(h)][1]
                for r in rules_of.get((h.name, t.name), []):
                    g += [f"g:rule={r['relation']}", f"g:rid={r['rule']}", f"g:rule={r['relation']}|{hr}"]
                for r in rules_of.get((t.name, h.name), []):
                    g.append(f"g:rrev={r['relation']}")
                feats = set(g)
                for i in inst:
                    feats.update(i.features)
                cands.append(Candidate(h, t, sorted(feats), inst))
        return cands


class RelationModel(LinearModel):
    """The relation classifier: a linear model over pair features, and how its scores become edges."""

    def decide(self, pairs: list[tuple[str, str]], P: np.ndarray) -> list[tuple[int, int, float]]:
        """(pair index, class index, confidence) of the edges to emit, given each pair's class probabilities.

        A pair gives its most probable relation when that clears the threshold. Most tails have
        one head per relation, so only the most confident head of a (tail, relation) is kept,
        others only above ``thresholds["second_head"]``; of "A outperforms B" and "B outperforms
        A" only the more confident survives, and COMPARABLE_TO is kept in one direction.
        """
        rel_idx = [i for i, c in enumerate(self.classes) if c != NONE]
        default = self.thresholds.get("*", 0.5)
        second = self.thresholds.get("second_head", 1.01)
        picked = []
        best_rel = np.array(rel_idx)[P[:, rel_idx].argmax(axis=1)]  # the first of equal ones wins
        for k, i in enumerate(best_rel.tolist()):
            if P[k, i] >= self.thresholds.get(self.classes[i], default):
                picked.append((k, i, float(P[k, i])))
        top: dict[tuple[str, int], float] = {}
        for k, i, conf in picked:
            top[(pairs[k][1], i)] = max(top.get((pairs[k][1], i), 0.0), conf)
        best: dict[tuple, tuple[int, int, float]] = {}
        for k, i, conf in sorted(picked, key=lambda x: -x[2]):
            h, t = pairs[k]
            rel = self.classes[i]
            if rel != "COMPARABLE_TO" and conf < top[(t, i)] and conf < second:
                continue
            key = tuple(sorted((h, t))) + (rel,) if rel in ("COMPARABLE_TO", "OUTPERFORMS") else (h, rel, t)
            if key not in best:
                best[key] = (k, i, conf)
        return sorted(best.values())

    def predict(self, cands: list[Candidate], rule_edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The model's edges (see ``decide``) and the rule edges, each with evidence and a combined confidence.

        An edge both the model and a rule give is the most reliable: its confidence is raised to
        (p + 1) / 2. An edge only the model gives keeps its probability p, unless only negated or
        hedged statements ("X does not outperform Y", "X may outperform Y") express it. A rule edge
        the model does not confirm keeps a blend of the rule's base confidence and the model's
        probability for it, so it ranks below confirmed edges.
        """
        rules_by = {(r["head"], r["relation"], r["tail"]): r for r in rule_edges}
        P = self.probs([c.features for c in cands]) if cands else np.zeros((0, len(self.classes)))
        kept: list[tuple[Candidate, int, float, dict | None, list[bool | None]]] = []
        for k, i, conf in self.decide([(c.head.name, c.tail.name) for c in cands], P):
            c, rel = cands[k], self.classes[i]
            rule = rules_by.get((c.head.name, rel, c.tail.name))
            if rule is None and rel == "COMPARABLE_TO":
                rule = rules_by.get((c.tail.name, rel, c.head.name))
            stances = [inst.stance(rel) for inst in c.instances]
            if rule is None and False in stances and True not in stances:
                continue
            kept.append((c, i, (conf + 1) / 2 if rule else conf, rule, stances))
        out: dict[tuple[str, str, str], dict[str, Any]] = {}
        for (c, i, conf, rule, stances), scores in zip(kept, self._instance_probs([c for c, *_ in kept])):
            out[(c.head.name, self.classes[i], c.tail.name)] = self._edge(c, i, conf, rule, stances, scores[:, i])
        by_pair = {(c.head.name, c.tail.name): k for k, c in enumerate(cands)}
        for key, r in rules_by.items():
            h, rel, t = key
            if key in out or (rel == "COMPARABLE_TO" and (t, rel, h) in out):
                continue
            k = by_pair.get((h, t))
            p = float(P[k][self.classes.index(rel)]) if k is not None and rel in self.classes else 0.0
            out[key] = {**r, "rule": r["rule"], "confidence": round(0.6 * r["confidence"] + 0.4 * p, 3)}
        return list(out.values())

    def _instance_probs(self, cands: list[Candidate]) -> list[np.ndarray]:
        """Class probabilities of each instance of each candidate, scored with the pair's own features
        (one model call for all)."""
        P = self.probs([_pair_features(c.features) + inst.features for c in cands for inst in c.instances])
        return np.split(P, np.cumsum([len(c.instances) for c in cands[:-1]])) if cands else []

    def _edge(self, c: Candidate, i: int, conf: float, rule_edge: dict | None, stances: list[bool | None],
              scores: np.ndarray) -> dict[str, Any]:
        """The edge with its best supporting sentence (by SCORES, the instances' probabilities of
        relation I; asserting ones first), trigger and rule."""
        rel = self.classes[i]
        order = sorted(range(len(c.instances)), key=lambda k: (stances[k] is False, -scores[k]))
        inst = c.instances[order[0]]
        if rule_edge is not None:
            sent_start, sent_end, evidence = rule_edge["start"], rule_edge["end"], rule_edge["evidence"]
            trigger, rule = rule_edge["trigger"], "model+" + rule_edge["rule"]
        else:
            sent_start, sent_end, evidence = inst.sent.start_char, inst.sent.end_char, inst.sent.text.strip()
            trigger, rule = inst.cue(rel), f"model:{inst.kind}"
        return {"head": c.head.name, "relation": rel, "tail": c.tail.name, "evidence": evidence,
                "start": sent_start, "end": sent_end, "trigger": trigger, "rule": rule, "confidence": round(conf, 3)}


def _pair_features(features: list[str]) -> list[str]:
    """The features of the pair itself ("g:..."): a contiguous run of a candidate's sorted features."""
    return features[bisect_left(features, "g:"): bisect_left(features, "g;")]
