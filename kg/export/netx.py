"""GraphML (Gephi, Cytoscape) and node-link JSON exports of the NetworkX graph."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from .atomic import atomic_open


def _flat(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML takes scalars only: lists and evidence become JSON strings, None becomes ''."""
    out = nx.MultiDiGraph()

    def scalar(v):
        if v is None:
            return ""
        return json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (list, dict)) else v

    for n, d in sorted(g.nodes(data=True)):
        out.add_node(n, **{k: scalar(v) for k, v in sorted(d.items())})
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        out.add_edge(u, v, key=k, **{a: scalar(b) for a, b in sorted(d.items())})
    return out


def write_graphml(g: nx.MultiDiGraph, path: Path) -> None:
    with atomic_open(path) as f:
        f.write("\n".join(nx.generate_graphml(_flat(g))) + "\n")


def write_node_link(g: nx.MultiDiGraph, path: Path) -> None:
    data = nx.node_link_data(g, edges="links")
    data["nodes"].sort(key=lambda n: n["id"])
    data["links"].sort(key=lambda e: (e["source"], e["target"], e["key"]))
    with atomic_open(path) as f:
        json.dump(data, f, ensure_ascii=False, sort_keys=True, indent=1)
        f.write("\n")
