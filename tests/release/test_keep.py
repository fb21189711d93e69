"""What a build keeps for the next build into the same release folder: found only for the release it
was made with, by the same tool and inputs; never in the way of a build."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from peacegraph import pipeline, stamps
from peacegraph.errors import InputError
from peacegraph.release import keep, previous
from peacegraph.release.keep import BUILDS, Keep

RECORD = Path("records") / "mini.yaml"


def _build(seeds: Path, out: Path) -> pipeline.BuildResult:
    return pipeline.build(pipeline.Settings(seeds=seeds, out=out))


def _keeps(out: Path) -> list[str]:
    """The names of the keeps of the release folder ``out`` (the SHA-256 of their releases' dumps)."""
    [folder] = (Path(stamps.cache_home()) / BUILDS).glob(Keep(out, "").home.name)
    return sorted(entry.name for entry in folder.iterdir())


def _found(seeds: Path, out: Path) -> Keep:
    """The keep a next build of ``seeds`` into ``out`` starts with."""
    settings = pipeline.resolved(pipeline.Settings(seeds=seeds, out=out))
    assert settings.collection is not None
    dump = previous.in_out(out)
    return pipeline._keep(settings, settings.collection, dump)


def _rename(seeds: Path) -> None:
    path = seeds / RECORD
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('name: "Beta Network"', 'name: "Beta Network (renamed)"', 1), encoding="utf-8")


def test_a_build_keeps_what_the_next_uses_named_by_its_release(mini_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(mini_seeds, out)
    digest = previous.listed_digest(out / "peacegraph.nt")
    assert _keeps(out) == [digest]
    found = _found(mini_seeds, out)
    assert found.previous is not None
    assert found.previous.name == digest
    assert found.previous_lines == out / "peacegraph.nt"
    stage = found.stage("serialize")
    assert stage.fresh is not None
    assert stage.fresh.is_dir()
    found.drop()


def test_only_the_keep_of_the_last_release_stays(mini_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(mini_seeds, out)
    first = _keeps(out)
    _rename(mini_seeds)
    _build(mini_seeds, out)
    assert _keeps(out) == [previous.listed_digest(out / "peacegraph.nt")]
    assert _keeps(out) != first


def test_a_release_put_in_out_by_hand_has_no_keep(mini_seeds: Path, tmp_path: Path) -> None:
    out, other = tmp_path / "out", tmp_path / "other"
    _build(mini_seeds, out)
    _rename(mini_seeds)
    _build(mini_seeds, other)
    shutil.rmtree(out)
    shutil.copytree(other, out)  # another release than the one the keep was made with
    assert _found(mini_seeds, out).previous is None


@pytest.mark.parametrize("changed", ["ontology", "collection", "manifest"])
def test_a_keep_made_with_other_inputs_is_not_used(mini_seeds: Path, tmp_path: Path, changed: str) -> None:
    out = tmp_path / "out"
    _build(mini_seeds, out)
    if changed == "collection":
        config = mini_seeds / "collection.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
        assert _found(mini_seeds, out).previous is None
    elif changed == "manifest":
        [name] = _keeps(out)
        manifest = Keep(out, "").home / name / keep.MANIFEST
        manifest.write_text("{not json", encoding="utf-8")
        assert _found(mini_seeds, out).previous is None
    else:
        settings = pipeline.resolved(pipeline.Settings(seeds=mini_seeds, out=out))
        assert settings.collection is not None
        ontology = tmp_path / "ontology.ttl"
        ontology.write_bytes(settings.ontology.read_bytes() + b"\n# a comment\n")
        inputs = pipeline.shape_files(settings, settings.collection)
        made = keep.fingerprint(settings.ontology, *inputs, settings.collection.config_file)
        assert made != keep.fingerprint(ontology, *inputs, settings.collection.config_file)


def test_a_failed_build_leaves_the_last_keep(mini_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(mini_seeds, out)
    kept = _keeps(out)
    path = mini_seeds / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace("org:beta-network", "org:nobody", 1), encoding="utf-8")
    with pytest.raises(InputError):
        _build(mini_seeds, out)
    assert _keeps(out) == kept


def test_what_a_killed_build_began_to_keep_is_removed(mini_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(mini_seeds, out)
    left = Keep(out, "").home / (keep.WRITING + "killed")
    (left / "serialize").mkdir(parents=True)
    _build(mini_seeds, out)
    assert not left.exists()
    assert len(_keeps(out)) == 1


def test_a_cache_that_cannot_be_written_keeps_nothing_and_builds(
    mini_seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PEACEGRAPH_CACHE", str(blocked / "cache"))  # not even root can make it
    out = tmp_path / "out"
    assert _build(mini_seeds, out).count > 0
    assert _build(mini_seeds, out).count > 0  # and again, with nothing kept
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_a_stage_asked_again_writes_into_an_empty_folder(tmp_path: Path) -> None:
    kept = Keep(tmp_path / "out", "made", home=tmp_path / "cache")
    kept.start(None, None)
    first = kept.stage("serialize").fresh
    assert first is not None
    (first / "half").write_text("of the first try", encoding="utf-8")
    again = kept.stage("serialize").fresh
    assert again == first
    assert not list(again.iterdir())
    kept.drop()


def _digests_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files whose SHA-256 is computed from here on (by reading them)."""
    read: list[str] = []
    real = hashlib.file_digest

    def counted(handle: Any, digest: Any) -> Any:
        read.append(Path(handle.name).name)
        return real(handle, digest)

    monkeypatch.setattr(hashlib, "file_digest", counted)
    return read


def test_the_release_a_build_wrote_is_checked_again_by_its_stamps(
    mini_seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next build checks out/ against its SHA256SUMS without reading the files as they were left;
    one written since (even to the same size, its time set back) is read, and found damaged."""
    out = tmp_path / "out"
    _build(mini_seeds, out)
    listed = previous.parse_sums((out / "SHA256SUMS").read_bytes(), "SHA256SUMS")
    assert sorted(keep.release_stamps(out).values()) == sorted(listed.values())
    read = _digests_read(monkeypatch)
    assert pipeline.released(pipeline.resolved(pipeline.Settings(seeds=mini_seeds, out=out))) == out / "peacegraph.nt"
    assert read == []
    turtle = out / "peacegraph.ttl"
    before = turtle.stat()
    data = bytearray(turtle.read_bytes())
    data[-2] = ord("#") if data[-2] != ord("#") else ord("%")
    turtle.write_bytes(bytes(data))
    os.utime(turtle, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert turtle.stat().st_size == before.st_size
    with pytest.raises(InputError, match="SHA-256 differs from SHA256SUMS") as error:
        _build(mini_seeds, out)
    assert error.value.file == str(turtle)
    assert read == ["peacegraph.ttl"]


def test_stamps_that_cannot_be_read_are_none(mini_seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _build(mini_seeds, out)
    digest = previous.listed_digest(out / "peacegraph.nt")
    noted, sums = Keep(out, "").home / str(digest) / keep.STAMPS, out / "SHA256SUMS"
    for garbage in ("not json", '{"stamps": 3}', '{"stamps": [[1, 2, "x", 4, 5, "d"]]}', "[]", '{"stamps": [[1]]}'):
        noted.write_text(garbage, encoding="utf-8")
        assert keep.release_stamps(out) == {}
        read = _digests_read(monkeypatch)
        assert pipeline.released(pipeline.resolved(pipeline.Settings(seeds=mini_seeds, out=out))) is not None
        assert sorted(read) == sorted(Path(name).name for name in previous.parse_sums(sums.read_bytes(), sums))
        monkeypatch.undo()
