"""Throughput of kg's extraction pipeline, in tokens per second.

usage: python benchmarks/extract_speed.py [INPUT ...] [--jobs N] [--repeat R]

Reads the inputs (default: ../shared/corpus), builds the pipeline once, then times
``kg.extract.extract`` over every paper (best of R runs) and prints papers, tokens and
tokens/s. Target (issue 3): >= 20,000 tokens/s on one core (--jobs 1).
"""

from __future__ import annotations

import argparse
import logging
import time

from kg.extract import extract
from kg.ingest import read_papers
from kg.nlp.pipeline import build_nlp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*", default=["../shared/corpus"])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    logging.disable(logging.WARNING)
    papers = read_papers(a.inputs)
    nlp = build_nlp()
    tokens = sum(len(nlp.tokenizer(p.text)) for p in papers)
    best = float("inf")
    for _ in range(a.repeat):
        start = time.perf_counter()
        n = sum(1 for _ in extract(papers, nlp, n_process=a.jobs))
        best = min(best, time.perf_counter() - start)
    print(f"papers {n}  tokens {tokens}  jobs {a.jobs}  best of {a.repeat}: {best:.2f} s  "
          f"{tokens / best:,.0f} tokens/s  {n / best:.1f} papers/s")


if __name__ == "__main__":
    main()
