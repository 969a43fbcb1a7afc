"""Reported numbers: "56% on SWE-bench Lite", "43.2 mAP on COCO", "1.5 times lower latency".

A result is a number with its unit, in a sentence that names a benchmark or a metric; its
subject is the closest model or technique before it, else the paper's contribution.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc, Span

from .mentions import Entity, mention_spans

_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>\\?%|×|x\b|times\b|points?\b|pp\b|ms\b|s\b|tokens/s\b|BLEU\b|mAP\b|AP\b|FID\b)?",
)
# a number directly followed by a size or count unit ("5.6M parameters", "1.3 GFLOPs") is not a result
_SIZE = re.compile(r"\s*(?:[KMBGT]\b|[KMBGT]?(?:FLOPs|MACs|MAdds|params|parameters|tokens|hours|GB|MB)\b|million|billion|trillion)")
_SYSTEM = ("MODEL", "TECHNIQUE")


def parse_value(text: str) -> tuple[float | None, str]:
    """Number and unit of a value string ("56%" -> 56.0, "%"; "3.7x" -> 3.7, "x")."""
    m = _NUMBER.search(text)
    if not m:
        return None, ""
    unit = (m.group("unit") or "").replace("\\%", "%").replace("×", "x").replace("times", "x")
    return float(m.group("num").replace(",", "")), unit


def _closest(mentions: list[Span], by_span: dict, pos: int, types: tuple[str, ...], before: bool = False) -> Entity | None:
    best = None
    for m in mentions:
        ent = by_span[(m.start, m.end)]
        if ent.type not in types or (before and m.start > pos):
            continue
        dist = abs(m.start - pos)
        if best is None or dist < best[0]:
            best = (dist, ent)
    return best[1] if best else None


def find_results(doc: Doc, by_span: dict[tuple[int, int], Entity], own: list[Entity]) -> list[dict[str, Any]]:
    """Every number with a benchmark or metric in its sentence becomes a result record."""
    out: list[dict[str, Any]] = []
    ents = mention_spans(by_span)
    for sent in doc.sents:
        mentions = [e for e in ents if sent.start <= e.start < sent.end]
        if not any(by_span[(m.start, m.end)].type in ("BENCHMARK", "METRIC") for m in mentions):
            continue
        for m in _NUMBER.finditer(sent.text):
            if not m.group("unit") and ("." not in m.group("num") or _SIZE.match(sent.text, m.end("num"))):
                continue  # bare integers, model sizes and compute counts are not results
            span = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
            if span is None or any(e.start <= span.start < e.end for e in mentions):
                continue
            bench = _closest(mentions, by_span, span.start, ("BENCHMARK",))
            metric = _closest(mentions, by_span, span.start, ("METRIC",))
            subject = _closest(mentions, by_span, span.start, _SYSTEM, before=True) or next(
                (e for e in own if e.type in _SYSTEM), None
            )
            if subject is None:
                continue
            value = m.group(0).strip()
            number, unit = parse_value(value)
            out.append({
                "subject": subject.name, "benchmark": bench.name if bench else "",
                "metric": metric.name if metric else "", "value": value, "number": number, "unit": unit,
                "evidence": sent.text.strip(), "start": span.start_char, "end": span.end_char,
            })
    return out
