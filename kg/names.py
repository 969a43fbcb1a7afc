"""The keys that decide when two surface forms name the same thing."""

from __future__ import annotations

import re
import unicodedata


def name_key(text: str) -> str:
    """Lower-case alphanumerics, a trailing plural "s" dropped: SCHEMA.md's matching key.

    "H800 GPUs" ~ "H800 GPU", "LLaMA-2 7B" ~ "llama27b", "Transformers" ~ "Transformer".
    The reference scorer uses it, so kg's own scores do too (kg/scoring.py).
    """
    text = str(text).strip()
    k = re.sub(r"[^0-9a-z]", "", text.lower())
    if len(k) > 3 and text.endswith("s") and not text.endswith("ss"):
        k = k[:-1]
    return k


def _spelled(ch: str) -> str:
    """A Greek letter as its name ("γ" -> "gamma"); any other character as it is."""
    name = unicodedata.name(ch, "")
    if not name.startswith("GREEK") or " LETTER " not in name:
        return ch
    words = [w for w in name.split(" LETTER ", 1)[1].split() if w != "FINAL"]
    return words[0].lower() if words else ch


def fold(text: str) -> str:
    """TEXT with accents removed and Greek letters spelled out: "Fréchet" -> "Frechet", "γ-MoD" -> "gamma-MoD"."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(text)))
    return "".join(_spelled(ch) for ch in text if not unicodedata.combining(ch))


def group_key(text: str) -> str:
    """The key kg groups mentions and graph nodes by: ``name_key`` of the folded text.

    ``name_key`` drops every non-ASCII letter, so "γ-MoD" would join "MoD" and "PixArt-α"
    would join "PixArt"; folded, "γ-MoD" joins "gamma-MoD" and "PixArt-α" only "PixArt-alpha".
    """
    return name_key(text if str(text).isascii() else fold(text))
