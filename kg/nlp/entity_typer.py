"""The learned entity typer: one type per entity from everything the document says about it.

The NER model types a mention from a few tokens around it, and a rule from one pattern;
papers give the type away elsewhere: "on TabFact" three sentences later, "the TabFact
benchmark", a CamelCase name, an acronym defined in the title. The typer scores each
grouped entity with a multinomial logistic regression over sparse features of its name
(words, head word, affixes, shape), of the words around every mention and of what the
recognizers said (type, which rule or model). Its classes are the six types and NONE:
the entity takes its most probable type, or is dropped when NONE is most probable, which
removes generic phrases ("model compression" as a TECHNIQUE) the recognizers let through.
"""

from __future__ import annotations

import re
from pathlib import Path

from spacy.tokens import Doc

from .mentions import Entity
from .linear import LinearModel
from .tokens import doc_tokens

MODEL_DIR = Path(__file__).resolve().parent.parent / "model_typer"
CLASSES = ["NONE", "BENCHMARK", "HARDWARE", "METRIC", "MODEL", "TASK", "TECHNIQUE"]
_WINDOW = 6  # words each side of a mention that count as its context
_SPLIT = re.compile(r"[^0-9A-Za-z]+")
_DIGITS, _LOWERS, _UPPERS = re.compile(r"\d+"), re.compile(r"[a-z]+"), re.compile(r"[A-Z]+")


def _shape(word: str) -> str:
    """Coarse word shape: "DeepSeek" -> "XxXx", "H800" -> "Xd", "pass@1" -> "xd"."""
    s = _UPPERS.sub("X", _LOWERS.sub("x", _DIGITS.sub("d", word)))
    return s[:6]


def name_features(name: str) -> list[str]:
    """Features of a surface name, independent of where it occurs."""
    words = [w for w in _SPLIT.split(name) if w]
    if not words:
        return []
    low = [_DIGITS.sub("<n>", w.lower()) for w in words]
    f = [f"w={w}" for w in low]
    f += [f"hd={low[-1]}", f"fw={low[0]}", f"suf={words[-1][-3:].lower()}", f"pre={words[0][:3].lower()}",
          f"n={min(len(words), 4)}", f"shp={'_'.join(_shape(w) for w in words[:3])}"]
    if name.islower():
        f.append("lower")
    if any(ch.isdigit() for ch in name):
        f.append("digit")
    if "-" in name:
        f.append("hyphen")
    if any(w[1:] != w[1:].lower() and not w.isupper() for w in words):
        f.append("camel")
    if any(w.isupper() and len(w) > 1 for w in words):
        f.append("caps")
    return f


def entity_features(doc: Doc, ent: Entity) -> list[str]:
    """Name features of the entity's name and aliases plus the context of each mention."""
    f = set(name_features(ent.name))
    for alias in ent.aliases:
        f.update("a:" + x for x in name_features(alias))
    tok = doc_tokens(doc)
    words, alpha = tok.words, tok.alpha
    for m in ent.mentions:
        a, b = m.start, m.end
        left = [w for w in words[max(0, a - 2): a] if w]
        right = [w for w in words[b: b + 2] if w]
        if left:
            f.add(f"L1={left[-1]}")
            f.add(f"L2={' '.join(left)}")
        if right:
            f.add(f"R1={right[0]}")
            f.add(f"R2={' '.join(right)}")
        if left and right:
            f.add(f"LR={left[-1]}_{right[0]}")
        sent_start, sent_end = tok.sentence(a)
        f.update("lw=" + words[i] for i in range(max(sent_start, a - _WINDOW), a) if alpha[i])
        f.update("rw=" + words[i] for i in range(b, min(sent_end, b + _WINDOW)) if alpha[i])
        if a < tok.title_end:
            f.add("title")
            if b < len(words) and tok.lower[b] == ":":
                f.add("title_prefix")
    if len(ent.mentions) > 1:
        f.add("repeated")
    return sorted(f)


def recognizer_features(ent: Entity) -> list[str]:
    """What the recognizers said: the grouped type and each mention's source kind and label."""
    kinds = {f"src={(m.id_ or 'ner').split(':')[0].split('_')[0]}|{m.label_}" for m in ent.mentions}
    return [f"cur={ent.type}", *sorted(kinds)]


class EntityTyper:
    """Type or drop a document's entities with the typer model (no-op when kg/model_typer is absent)."""

    def __init__(self, model_dir: Path | None = MODEL_DIR) -> None:
        has = model_dir is not None and (Path(model_dir) / "weights.npz").exists()
        self.model = LinearModel.load(Path(model_dir)) if has else None

    def __call__(self, doc: Doc, entities: list[Entity], by_span: dict[tuple[int, int], Entity],
                 keep: list[Entity] = ()) -> tuple[list[Entity], dict[tuple[int, int], Entity]]:
        """Retyped entities and mentions; an entity of KEEP (the paper's contributions) is never dropped."""
        if self.model is None or not entities:
            return entities, by_span
        P = self.model.probs([entity_features(doc, e) + recognizer_features(e) for e in entities])
        kept: list[Entity] = []
        for ent, p in zip(entities, P):
            label = self.model.classes[int(p.argmax())]
            if label == "NONE" and any(ent is k for k in keep):
                label = self.model.classes[1 + int(p[1:].argmax())]
            if label != "NONE":
                ent.type = label
                kept.append(ent)
        ids = {id(e) for e in kept}
        return kept, {span: e for span, e in by_span.items() if id(e) in ids}
