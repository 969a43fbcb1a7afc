"""Gazetteer entries from rules/gazetteer/: curated YAML and JSONL lists of names with aliases."""

from __future__ import annotations

from dataclasses import dataclass

import json

import yaml

from ..rules import rules_dir


@dataclass(frozen=True)
class Entry:
    name: str
    label: str
    aliases: tuple[str, ...]
    source: str


def load_gazetteer() -> list[Entry]:
    """Every entry of every file in rules/gazetteer, in a stable order."""
    entries: list[Entry] = []
    for path in sorted((rules_dir() / "gazetteer").iterdir()):
        if path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for label, items in data.items():
                for item in items:
                    names = [item] if isinstance(item, str) else list(item)
                    entries.append(Entry(str(names[0]), label, tuple(map(str, names[1:])), f"gaz:{path.stem}"))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    d = json.loads(line)
                    entries.append(Entry(d["name"], d["type"], tuple(d.get("aliases", ())), f"gaz:{path.stem}"))
    return entries
