"""A progress bar on stderr for long runs, silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress_bar(items: Iterable[T], total: int, label: str, enabled: bool = True) -> Iterator[T]:
    """Yield ITEMS, drawing "label [####    ] n/total" as they pass."""
    if not enabled or not sys.stderr.isatty() or total <= 0:
        yield from items
        return
    width = 30
    for n, item in enumerate(items, 1):
        filled = width * n // total
        sys.stderr.write(f"\r{label} [{'#' * filled}{' ' * (width - filled)}] {n}/{total}")
        sys.stderr.flush()
        yield item
    sys.stderr.write("\n")
