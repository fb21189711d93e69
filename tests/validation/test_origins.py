"""Where each record is, as a validation result names it: every record of the corpus, by its IRI."""

from __future__ import annotations

from pathlib import Path

from peacegraph import pipeline
from peacegraph.rdf.namespaces import KINDS, active, using
from peacegraph.validation.report import origin_of, origins


def test_every_record_is_found_at_its_file_and_line(mini_seeds: Path) -> None:
    settings = pipeline.resolved(pipeline.Settings(seeds=mini_seeds))
    assert settings.collection is not None
    with using(settings.collection.space):
        corpus = pipeline.load(settings)
        expected = {
            f"{active().id}{kind}/{key}": record.origin
            for prefix, kind in KINDS.items()
            for key, record in corpus.table(prefix).items()
        }
        found = origins(corpus)
        assert len(found) == len(expected) > 10
        assert dict(found) == expected
        some = next(iter(expected))
        assert origin_of(f"{some}/evidence", found) == expected[some]
        assert origin_of(f"{active().id}nothing/here", found) is None
        assert {str(origin.file) for origin in expected.values()} >= {str(mini_seeds / "records" / "mini.yaml")}
