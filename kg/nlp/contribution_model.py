"""Features of "is this entity something the paper itself introduces?", one list per entity.

The cue rule alone (first entity after "we propose", title prefix) misses components named
later ("our X", "the proposed X", "X (FB)", the second name of "we propose X and Y") and
takes architecture classes that merely follow a cue. A logistic regression
(kg.contribution_training) weighs these signals instead; its weights live in
kg/model_contributions and are read by ContributionFinder.

Features of an entity: its type and shape, where it is mentioned (title prefix, title, first
sentences), how often, the words around its mentions, its rank and distance after each
contribution cue of its sentence, whether the abstract defines an acronym for it, whether the
rule picks it, and whether its name is already known (gazetteer) - a known name is rarely new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..names import group_key
from .context import title_name_end
from .mentions import Entity, mention_spans
from .tokens import doc_tokens

_RANKS = 3  # "first/second/third-or-later entity after the cue"
_CUE_REACH = 25  # tokens after a cue in which names count as following it


@dataclass(frozen=True)
class Cue:
    """A contribution cue: a verb ("we propose"), a naming word ("called") or a component word ("consists of")."""

    start: int
    end: int
    word: str
    kind: str  # "verb", "naming" or "component"
    subject: bool  # "we", "this paper"... stands just before


def entity_keys(e: Entity) -> set[str]:
    """Name keys of an entity's name and aliases."""
    return {group_key(n) for n in (e.name, *e.aliases)}


def _bucket(n: int, edges: Sequence[int]) -> str:
    return next((str(b) for b in edges if n <= b), "more")


def _shape(name: str) -> list[str]:
    words = name.split()
    out = [f"words={_bucket(len(words), (1, 2, 3, 4))}"]
    if any(c.isupper() for w in words for c in w[1:]):
        out.append("shape=innercaps")
    if any(c.isdigit() for c in name):
        out.append("shape=digit")
    if name.islower():
        out.append("shape=lower")
    elif all(w[:1].isupper() for w in words if w[:1].isalpha()):
        out.append("shape=capitalized")
    if "-" in name:
        out.append("shape=hyphen")
    return out


def title_prefix(doc: Doc) -> tuple[int, int | None]:
    """End of the title (the first line break; none: no title) and of the name before its colon, if any."""
    tok = doc_tokens(doc)
    if tok.title_end < 0:
        return 0, None
    colon = next((i for i, w in enumerate(tok.lower[:tok.title_end]) if w == ":"), None)
    return tok.title_end, None if colon is None else title_name_end(doc, colon)


def featurize(doc: Doc, entities: list[Entity], by_span: dict[tuple[int, int], Entity], cues: list[Cue],
              rule_picks: list[Entity], acronyms: set[str], known: set[str],
              heads: dict[str, str], self_words: set[str]) -> list[list[str]]:
    """One feature list per entity of ENTITIES (see the module docstring).

    ACRONYMS are the name keys of forms the abstract defines ("Foo Bar (FB)"); KNOWN are the
    name keys of the gazetteer; HEADS maps typing nouns ("method", "dataset") to types;
    SELF_WORDS mark a sentence about the paper's own work ("we", "our").
    """
    title_end, name_end = title_prefix(doc)
    prefix_key = group_key(doc[:name_end].text) if name_end else ""
    mentions = mention_spans(by_span)
    tok = doc_tokens(doc)
    words, sent_of = tok.lower, tok.sent_of
    abstract_first = next((si for si, start in enumerate(tok.sent_starts) if start > title_end), len(tok.sent_starts))
    cue_rank: dict[int, list[str]] = {}
    for cue in cues:
        si = sent_of[cue.start]
        after = [m for m in mentions if cue.end <= m.start < cue.end + _CUE_REACH and sent_of[m.start] == si]
        seen: list[Entity] = []
        for m in after:
            ent = by_span[(m.start, m.end)]
            if ent in seen:
                continue
            seen.append(ent)
            rank = min(len(seen) - 1, _RANKS - 1)
            dist = _bucket(m.start - cue.end, (0, 1, 2, 4, 8, 14))
            subj = cue.kind + ("&we" if cue.subject else "")
            between = [w for w in words[cue.end: m.start] if w.strip()]
            feats = [f"cue={cue.word}", f"cue_rank={rank}", f"cue_rank={rank}&{subj}", f"cue_dist={dist}",
                     f"{cue.kind}_rank={rank}&dist={dist}", f"cue_rank={rank}&type={ent.type}"]
            feats += [f"cue_btw={w}" for w in between[:6]]
            cue_rank.setdefault(id(ent), []).extend(feats)
    rule_ids = {id(e) for e in rule_picks}
    pick_sents = {sent_of[m.start] for e in rule_picks for m in e.mentions}
    self_sents = {sent_of[i] for i, w in enumerate(words) if w in self_words}
    out = []
    for ent in entities:
        ms = sorted(ent.mentions, key=lambda m: m.start)
        first = ms[0]
        f = [f"type={ent.type}", f"mentions={_bucket(len(ms), (1, 2, 3, 5))}", *_shape(ent.name)]
        keys = entity_keys(ent)
        if prefix_key and prefix_key in keys:
            f += ["title_prefix", f"title_prefix&type={ent.type}"]
        elif name_end and any(m.end <= name_end for m in ms):
            f.append("in_title_prefix")
        if any(m.end <= title_end for m in ms):
            f += ["title", f"title&type={ent.type}"]
            if not any(m.start > title_end for m in ms):
                f.append("title_only")
        si = sent_of[first.start]
        f.append("first_sent=" + ("title" if first.start < title_end else _bucket(si - abstract_first, (0, 1, 2, 4))))
        if keys & acronyms:
            f.append("acronym_defined")
        novelty = "known" if keys & known else "novel"
        f += [novelty, f"{novelty}&type={ent.type}"]
        if id(ent) in rule_ids:
            f.append("rule")
        elif any(sent_of[m.start] in pick_sents for m in ms):
            f.append("sent_with_rule_pick")
        if any(sent_of[m.start] in self_sents for m in ms):
            f.append("self_sent")
        head = ent.name.split()[-1].lower() if ent.name.split() else ""
        if head in heads:
            f.append(f"head={heads[head]}")
        f += sorted(set(cue_rank.get(id(ent), ["no_cue"])))
        f += sorted(set(_context(words, m) for m in ms for _context in (_left, _left2, _right)))
        out.append(f)
    return out


def _left(words: list[str], m: Span) -> str:
    return "l1=" + (words[m.start - 1] if m.start > 0 else "<s>")


def _left2(words: list[str], m: Span) -> str:
    return "l2=" + (" ".join(words[m.start - 2: m.start]) if m.start > 1 else "<s>")


def _right(words: list[str], m: Span) -> str:
    return "r1=" + (words[m.end] if m.end < len(words) else "</s>")
