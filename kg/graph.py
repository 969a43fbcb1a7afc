"""Fold per-paper extraction records into one NetworkX knowledge graph.

Nodes: ``paper:<id>`` (kind "paper") and ``entity:<key>`` (kind "entity") and
``result:<hash>`` (kind "result"). Edges: paper -> entity ``mentions`` / ``proposes``,
entity -> entity relation edges (key = relation type) whose ``evidence`` lists every
supporting sentence, and result -> paper / entity edges.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from .names import group_key

ENTITY_TYPES = ("MODEL", "BENCHMARK", "TECHNIQUE", "HARDWARE", "METRIC", "TASK")
RELATION_TYPES = (
    "OUTPERFORMS", "COMPARABLE_TO", "BUILT_ON", "USES",
    "EVALUATED_ON", "TRAINED_ON", "RUNS_ON", "APPLIED_TO",
)


def entity_key(name: str) -> str:
    """Names that differ only in case, hyphens, spaces, punctuation, accents, a plural "s" or how
    a Greek letter is written ("γ-MoD", "gamma-MoD") share a key."""
    return group_key(name)


def entity_node(name: str) -> str:
    return f"entity:{entity_key(name)}"


def paper_node(paper_id: str) -> str:
    return f"paper:{paper_id}"


def _pick(counter: Counter) -> str:
    """Most frequent value, ties broken alphabetically so the graph is deterministic."""
    return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def build_graph(records: Iterable[dict[str, Any]]) -> nx.MultiDiGraph:
    """The knowledge graph of a stream of SCHEMA records (as ``kg extract`` writes them)."""
    g = nx.MultiDiGraph()
    names: dict[str, Counter] = defaultdict(Counter)
    types: dict[str, Counter] = defaultdict(Counter)
    aliases: dict[str, set[str]] = defaultdict(set)
    papers_of: dict[str, set[str]] = defaultdict(set)
    evidence: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)

    for rec in records:
        pid = rec["id"]
        pnode = paper_node(pid)
        g.add_node(
            pnode, kind="paper", paper_id=pid, title=rec.get("title", ""),
            abstract=rec.get("abstract") or rec.get("text", "").split("\n\n", 1)[-1],
            url=rec.get("url") or "", date=rec.get("date") or "",
            authors=list(rec.get("authors") or []), sources=list(rec.get("sources") or []),
        )
        local: dict[str, str] = {}  # any surface form in this paper -> entity node
        for ent in rec.get("entities", []):
            node = entity_node(ent["name"])
            if not entity_key(ent["name"]):
                continue
            names[node][ent["name"]] += 1
            types[node][ent["type"]] += 1
            papers_of[node].add(pid)
            for form in [ent["name"], *ent.get("aliases", [])]:
                local[entity_key(form)] = node
                if form != ent["name"]:
                    aliases[node].add(form)
        proposed = {local.get(entity_key(c)) for c in rec.get("contributions", [])} - {None}
        for node in sorted(set(local.values())):
            rel = "proposes" if node in proposed else "mentions"
            g.add_edge(pnode, node, key=rel, relation=rel)
        for r in rec.get("relations", []):
            h, t = local.get(entity_key(r["head"])), local.get(entity_key(r["tail"]))
            if h is None or t is None or h == t:
                continue
            evidence[(h, r["relation"], t)].append({
                "paper": pid,
                "sentence": r.get("evidence", ""),
                "start": r.get("start"),
                "end": r.get("end"),
                "rule": r.get("rule", ""),
                "confidence": float(r.get("confidence", 1.0)),
            })
        for res in rec.get("results", []):
            _add_result(g, pid, res, local)

    for node in sorted(names):
        name = _pick(names[node])
        g.add_node(
            node, kind="entity", name=name, type=_pick(types[node]),
            aliases=sorted((aliases[node] | set(names[node])) - {name}), papers=len(papers_of[node]),
        )
    for (h, rel, t), ev in sorted(evidence.items()):
        ev.sort(key=lambda e: (e["paper"], e["start"] if e["start"] is not None else -1, e["rule"]))
        g.add_edge(
            h, t, key=rel, relation=rel, evidence=ev,
            support=len({e["paper"] for e in ev}),
            confidence=max(e["confidence"] for e in ev),
        )
    return g


def _add_result(g: nx.MultiDiGraph, pid: str, res: dict[str, Any], local: dict[str, str]) -> None:
    """A reported number becomes a result node tied to its paper, subject, benchmark and metric."""
    ident = "|".join([pid, res.get("subject", ""), res.get("benchmark", ""), res.get("metric", ""), res.get("value", "")])
    node = "result:" + hashlib.sha1(ident.encode("utf-8")).hexdigest()[:16]
    g.add_node(
        node, kind="result", paper_id=pid, value=res.get("value", ""),
        number=res.get("number"), unit=res.get("unit") or "",
        subject=res.get("subject", ""), benchmark=res.get("benchmark", ""), metric=res.get("metric", ""),
        sentence=res.get("evidence", ""), start=res.get("start"), end=res.get("end"),
    )
    g.add_edge(node, paper_node(pid), key="reportedIn", relation="reportedIn")
    for role in ("subject", "benchmark", "metric"):
        target = local.get(entity_key(res.get(role) or ""))
        if target:
            g.add_edge(node, target, key=role, relation=role)
