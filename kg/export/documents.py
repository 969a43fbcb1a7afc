"""documents.jsonl: the per-paper SCHEMA records, one JSON object a line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .atomic import atomic_open


def write_documents(records: Iterable[dict[str, Any]], path: Path) -> int:
    """Write RECORDS (sorted keys, UTF-8) to PATH atomically; return how many."""
    n = 0
    with atomic_open(path) as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n
