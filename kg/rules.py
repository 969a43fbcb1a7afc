"""Locate and load the data files under rules/ (shipped inside the package too)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_REPO_RULES = Path(__file__).resolve().parent.parent / "rules"
_PACKAGED_RULES = Path(__file__).resolve().parent / "rules_data"


def rules_dir() -> Path:
    """The copy installed as kg/rules_data, else (in a checkout) the repo's rules/."""
    return _PACKAGED_RULES if _PACKAGED_RULES.is_dir() else _REPO_RULES


@lru_cache(maxsize=None)
def load_yaml(name: str) -> Any:
    """Parse rules/NAME (YAML) once per process."""
    with open(rules_dir() / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=None)
def head_types() -> dict[str, str]:
    """rules/heads.yaml as head noun -> entity type."""
    return {word: label for label, words in load_yaml("heads.yaml").items() for word in words}
