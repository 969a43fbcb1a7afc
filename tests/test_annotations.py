"""The training data in data/annotation: every file passes the schema check, and the split
keeps synthetic documents out of the held-out part."""

from __future__ import annotations

from kg.annotations import ANNOTATION_DIR, SYNTHETIC_DIR, annotation_files, load, problems
from kg.train import training_split


def test_every_annotation_file_passes_the_schema_check():
    files = annotation_files() + annotation_files(SYNTHETIC_DIR) + annotation_files(ANNOTATION_DIR.parent / "agreement")
    assert len(files) >= 3
    found = [f"{path.name}: {doc['id']}: {msg}" for path in files for doc in load([path]) for msg in problems(doc)]
    assert found == []


def test_synthetic_documents_are_trained_on_and_never_held_out():
    train, written, held_out = training_split()
    corpus_ids = {r["id"] for r in load(annotation_files())}
    written_ids = [r["id"] for r in written]
    assert written and len(set(written_ids)) == len(written_ids)
    assert not corpus_ids & set(written_ids)
    assert {r["id"] for r in train} | {r["id"] for r in held_out} == corpus_ids
    assert training_split(synthetic=False)[1] == []
