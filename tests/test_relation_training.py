"""Relation training: the classifier's threshold is cross-validated on the documents it is told
to judge (the real training abstracts), while every document trains; the held-out evaluation
can put the annotated entities in place of the recognized ones."""

from __future__ import annotations

from kg.relation_training import choose_threshold, evaluate


def documents(n: int) -> tuple[list[list[tuple]], list[dict]]:
    """N one-pair documents with the same features: the first half annotate the pair as USES, the rest do not."""
    docs, records = [], []
    for i in range(n):
        related = i < n // 2
        records.append({
            "id": f"d{i}",
            "entities": [{"name": "Foo", "type": "MODEL"}, {"name": "Bar", "type": "TECHNIQUE"}],
            "relations": [{"head": "Foo", "relation": "USES", "tail": "Bar"}] if related else [],
        })
        docs.append([(["g:tp=MODEL>TECHNIQUE"], ["USES"] if related else [], ("Foo", "Bar"), [])])
    return docs, records


def test_threshold_scored_on_judged_documents_only() -> None:
    docs, records = documents(20)
    _, everything = choose_threshold(docs, records, seed=0)
    assert "on 20 documents" in everything and "F1 0.000" not in everything
    # judged on the unrelated half alone, every edge the model gives is wrong
    _, unrelated = choose_threshold(docs, records, seed=0, judged={f"d{i}" for i in range(10, 20)})
    assert "on 10 documents" in unrelated and "F1 0.000" in unrelated


def test_evaluate_with_annotated_entities_scores_relations_apart_from_recognition() -> None:
    """With the annotated entities in place, a relation the rules read is found even when its
    ends are descriptive phrases the recognizer does not pick out."""
    text = ("ZephNet: Sparse Routing for Retrieval. We propose ZephNet, which uses a gated cache refresh "
            "strategy. ZephNet outperforms QuollLM on the KestrelQA benchmark.")
    names = [("ZephNet", "MODEL"), ("gated cache refresh strategy", "TECHNIQUE"), ("QuollLM", "MODEL"),
             ("KestrelQA", "BENCHMARK")]
    record = {
        "id": "t1", "title": "ZephNet", "text": text,
        "entities": [{"name": n, "type": t, "aliases": []} for n, t in names],
        "relations": [{"head": "ZephNet", "relation": "USES", "tail": "gated cache refresh strategy"},
                      {"head": "ZephNet", "relation": "OUTPERFORMS", "tail": "QuollLM"},
                      {"head": "ZephNet", "relation": "EVALUATED_ON", "tail": "KestrelQA"}],
        "contributions": ["ZephNet"],
    }
    lines = {line.split()[0]: line for line in evaluate([record], gold_entities=True).splitlines()}
    assert "(gold 3," in lines["relations"] and "R 0.000" not in lines["relations"]
    assert "R 1.000" in lines["USES"]  # the edge to the descriptive phrase
    assert "R 1.000" in lines["contributions"]
