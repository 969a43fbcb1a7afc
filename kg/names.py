"""The name key that decides when two surface forms name the same thing."""

from __future__ import annotations

import re


def name_key(text: str) -> str:
    """Lower-case alphanumerics, a trailing plural "s" dropped: SCHEMA.md's matching key.

    "H800 GPUs" ~ "H800 GPU", "LLaMA-2 7B" ~ "llama27b", "Transformers" ~ "Transformer".
    """
    text = str(text).strip()
    k = re.sub(r"[^0-9a-z]", "", text.lower())
    if len(k) > 3 and text.endswith("s") and not text.endswith("ss"):
        k = k[:-1]
    return k
