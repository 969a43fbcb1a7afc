"""The relation classifier's threshold is cross-validated on the documents it is told to judge
(the real training abstracts), while every document trains."""

from __future__ import annotations

from kg.relation_training import choose_threshold


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
