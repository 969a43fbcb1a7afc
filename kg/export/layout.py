"""Node positions for the HTML map, computed once in Python.

vis.js physics on thousands of nodes takes minutes in the browser, so the map ships
fixed x/y coordinates instead. The layout is a vectorised Fruchterman-Reingold
spring embedder in NumPy (networkx's own spring_layout takes ~20 s on 3,000 nodes):
repulsion is computed exactly in row blocks, attraction along the edges, and a weak
gravity keeps disconnected components on screen. As in ForceAtlas2, repulsion and
gravity scale with degree ("mass"), so hubs such as a popular benchmark spread their
neighbours out instead of collapsing them into one dense centre. Everything is seeded and iterated a
fixed number of times, and nodes are ordered by id, so the same graph always gets the
same coordinates, whatever order its nodes were inserted in.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import networkx as nx
import numpy as np

EDGE_LENGTH = 40.0   # ideal distance between neighbours, in vis.js canvas pixels
ITERATIONS = 60      # fixed, so run time is bounded and the result never depends on timing
GRAVITY = 0.02       # pull towards the centre, as a fraction of the distance to it
BLOCK_ROWS = 64      # rows of the pairwise repulsion computed at once (fits in cache)


def compute_layout(
    graph: nx.Graph, seed: int = 7, iterations: int = ITERATIONS,
) -> dict[Hashable, tuple[float, float]]:
    """Canvas coordinates (pixels, rounded to 0.1) for every node of GRAPH."""
    nodes = sorted(graph.nodes, key=str)
    if not nodes:
        return {}
    src, dst = _edge_arrays(graph, nodes)
    mass = 1.0 + np.bincount(np.concatenate([src, dst]), minlength=len(nodes))
    rng = np.random.default_rng(seed)
    side = EDGE_LENGTH * math.sqrt(len(nodes))
    pos = rng.random((len(nodes), 2)) * side
    temperature = side / 10
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        force = _repulsion(pos, mass) + _attraction(pos, src, dst) - GRAVITY * mass[:, None] * (pos - pos.mean(axis=0))
        pos += _capped(force, temperature)
        temperature -= cooling
    pos -= pos.mean(axis=0)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in zip(nodes, pos)}


def _edge_arrays(graph: nx.Graph, nodes: list[Hashable]) -> tuple[np.ndarray, np.ndarray]:
    """Each undirected neighbour pair once: parallel edges and direction do not change the layout."""
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({
        (min(index[u], index[v]), max(index[u], index[v]))
        for u, v in graph.edges() if u != v
    })
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _repulsion(pos: np.ndarray, mass: np.ndarray) -> np.ndarray:
    """Every pair pushes apart with force m_i m_j k^2/d; exact, in small row blocks that stay in cache."""
    k2 = EDGE_LENGTH * EDGE_LENGTH
    x, y = pos[:, 0], pos[:, 1]
    out = np.empty_like(pos)
    for start in range(0, len(pos), BLOCK_ROWS):
        rows = slice(start, start + BLOCK_ROWS)
        dx = x[rows, None] - x[None, :]
        dy = y[rows, None] - y[None, :]
        weight = dx * dx
        weight += dy * dy
        np.maximum(weight, 1.0, out=weight)
        np.divide(k2 * mass[None, :], weight, out=weight)
        out[rows, 0] = (dx * weight).sum(axis=1) * mass[rows]
        out[rows, 1] = (dy * weight).sum(axis=1) * mass[rows]
    return out


def _attraction(pos: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Neighbours pull together with force d^2/k (summed with bincount, which is deterministic)."""
    delta = pos[src] - pos[dst]
    pull = delta * (np.sqrt(np.einsum("ij,ij->i", delta, delta)) / EDGE_LENGTH)[:, None]
    n = len(pos)
    out = np.empty_like(pos)
    for axis in (0, 1):
        out[:, axis] = (np.bincount(dst, weights=pull[:, axis], minlength=n)
                        - np.bincount(src, weights=pull[:, axis], minlength=n))
    return out


def _capped(force: np.ndarray, limit: float) -> np.ndarray:
    """The step along FORCE, no longer than LIMIT (the cooling temperature)."""
    length = np.sqrt(np.einsum("ij,ij->i", force, force))
    scale = np.minimum(length, limit) / np.maximum(length, 1e-9)
    return force * scale[:, None]
