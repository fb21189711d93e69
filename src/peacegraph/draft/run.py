"""``peacegraph draft SOURCE``: the text into the collection's texts folder, the draft records into its
``records/``, both written whole or not at all, and the draft loaded back to prove that it builds as it is."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..records import loader
from ..records import model as r
from ..records.limits import MAX_RECORD_BYTES, MAX_SOURCE_BYTES, MIB, read_bounded
from . import compose, extract, writer

_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SEED_NAME = re.compile(r"^(\d{3})_[0-9a-f]{16}\.txt$")


@dataclass(frozen=True)
class Settings:
    source: Path
    #: The collection's folder (no default: the command finds it, as every command does).
    seeds: Path
    key: str | None = None
    out: Path | None = None
    force: bool = False
    #: The collection's folder of source texts; default: the collection's folder (``seeds``) itself.
    texts: Path | None = None

    @property
    def text_dir(self) -> Path:
        return self.texts if self.texts is not None else self.seeds


@dataclass(frozen=True)
class Outcome:
    drafted: compose.Drafted
    record_file: Path
    source_file: Path
    source_written: bool


def run(settings: Settings) -> Outcome:
    if settings.key is not None and not _KEY.match(settings.key):
        raise InputError(f"--key {settings.key!r} is not a key (lower-case ASCII words joined by hyphens)")
    corpus = loader.load(settings.seeds, settings.text_dir)
    text, name, existing = _text(settings)
    planned = settings.out or (settings.seeds / loader.RECORDS_DIR / f"{settings.key}.yaml" if settings.key else None)
    if settings.force and planned is not None and planned.exists():
        _forget(corpus, planned)  # drafting again over its own record file: as if it were not there
    _refuse_curated(corpus, text, name, settings)
    if settings.key is not None and settings.key in corpus.documents:
        raise InputError(f"doc:{settings.key} is already curated; give another --key", settings.seeds)
    drafted = compose.draft(corpus, text, name, settings.key)
    own = settings.seeds / loader.RECORDS_DIR / f"{drafted.wanted_key}.yaml"
    if settings.force and planned is None and drafted.key != drafted.wanted_key and own.exists():
        _forget(corpus, own)  # drafting again over the record file it wrote before
        drafted = compose.draft(corpus, text, name, drafted.wanted_key)
    record_file = settings.out or settings.seeds / loader.RECORDS_DIR / f"{drafted.key}.yaml"
    if record_file.exists() and not settings.force:
        raise InputError("the record file exists; --force replaces it", record_file)
    source_file = settings.text_dir / name
    yaml_text = writer.dump(drafted.sections(), name)
    size = len(yaml_text.encode("utf-8"))
    if size > MAX_RECORD_BYTES:
        raise InputError(
            f"the draft would be {size / MIB:.1f} MiB, more than a record file may hold "
            f"({MAX_RECORD_BYTES // MIB} MiB); split the document and draft each part",
            settings.source,
        )
    replaces_records = (
        record_file.exists() and record_file.resolve().parent == (settings.seeds / loader.RECORDS_DIR).resolve()
    )
    _write_checked(
        None if replaces_records else corpus,
        settings,
        record_file,
        yaml_text,
        source_file,
        None if existing else text,
    )
    return Outcome(drafted, record_file, source_file, not existing)


def _text(settings: Settings) -> tuple[str, str, bool]:
    """The text, the name of its seed file, and whether that file is already there."""
    source = settings.source
    seeds = settings.text_dir.resolve()
    if source.resolve().parent == seeds and source.suffix in (".txt", ".md"):
        raw = read_bounded(source, MAX_SOURCE_BYTES, file=source)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("not valid UTF-8", source) from None
        if not text.strip():
            raise InputError("the file is empty", source)
        return text, source.name, True
    text = extract.read(source).text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    numbers = []
    for seed in sorted(settings.text_dir.glob("*.txt")):
        match = _SEED_NAME.match(seed.name)
        if match:
            numbers.append(int(match.group(1)))
            if seed.name.endswith(f"_{digest[:16]}.txt") and seed.read_bytes() == text.encode("utf-8"):
                return text, seed.name, True
    return text, f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}.txt", False


def _forget(corpus: r.Corpus, file: Path) -> None:
    """Take the records of ``file`` out of ``corpus``."""
    target = file.resolve()

    def keep(record: r.Record) -> bool:
        return record.origin.file.resolve() != target

    for prefix in ("doc", "org", "person", "place", "event", "position", "topic"):
        table = corpus.table(prefix)
        for key in [key for key, record in table.items() if not keep(record)]:
            del table[key]
            if prefix == "doc":
                corpus.sources.pop(key, None)
    corpus.memberships[:] = [m for m in corpus.memberships if keep(m)]
    corpus.reviews[:] = [note for note in corpus.reviews if note.origin.file.resolve() != target]
    for key in [key for key, record in corpus.deprecations.items() if not keep(record)]:
        del corpus.deprecations[key]


def _refuse_curated(corpus: r.Corpus, text: str, name: str, settings: Settings) -> None:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for key, source in sorted(corpus.sources.items()):
        if source.sha256 == digest and not settings.force:
            raise InputError(
                f"its text is already the source of the curated doc:{key} ({source.name}); --force drafts it again",
                settings.source,
            )


def _write_checked(
    corpus: r.Corpus | None, settings: Settings, record_file: Path, yaml_text: str, source_file: Path, text: str | None
) -> None:
    """Write the seed text and the record file, then load the new file into the corpus it was drafted
    against (every check of ``load`` runs again), or load all of them again when it replaced one of them
    (``corpus`` None); on failure put everything back."""
    previous = record_file.read_bytes() if record_file.exists() else None
    if text is not None:
        _atomic(source_file, text.encode("utf-8"))
    _atomic(record_file, yaml_text.encode("utf-8"))
    try:
        if corpus is None:
            loader.load(settings.seeds, settings.text_dir)
        else:
            loader.add_file(corpus, settings.seeds, record_file, settings.text_dir)
    except InputError as error:
        if previous is None:
            record_file.unlink()
        else:
            _atomic(record_file, previous)
        if text is not None:
            source_file.unlink()
        raise InputError(f"the draft does not load with the records, so nothing was written: {error}") from None


def _atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def summary(outcome: Outcome) -> list[str]:
    """What a curator reads after drafting: what was found, and where to look."""
    drafted = outcome.drafted
    document = drafted.document
    signed = len(document.get("signatories", ()))
    lines = [
        f"drafted {outcome.record_file} from {outcome.source_file}"
        + ("" if outcome.source_written else " (seed text already there)"),
        f"  title: {document['title']}",
        f"  date: {document.get('date', 'none stated')}",
        f"  type: {document['type']}",
        f"  addressees: {', '.join(document.get('recipients', [])) or 'none'}"
        + (f"; cc: {', '.join(document['copied_to'])}" if document.get("copied_to") else ""),
        f"  issuers: {', '.join(document.get('issuers', [])) or 'none'}",
        f"  {signed} signatories ({drafted.resolved} resolved to existing records, {drafted.proposed} proposed as new)",
    ]
    lines += [f"    ambiguous: {name}" for name in drafted.ambiguous]
    new = [
        f"{len(items) - (kind == 'documents')} {kind}"
        for kind, items in drafted.sections().items()
        if kind != "positions" and len(items) > (kind == "documents")
    ]
    lines.append(f"  new records proposed (each with a note): {', '.join(new) or 'none'}")
    lines += [
        f"  {len(drafted.positions)} candidate positions, {len(drafted.events)} candidate events, "
        f"{len(drafted.documents) - 1} other documents drafted",
        f"  {drafted.mentions} mentions, {len(document.get('cites', []))} documents cited",
        f"  {_notes(drafted)} review notes: `peacegraph check` lists them; remove each once reviewed",
    ]
    return lines


def _notes(drafted: compose.Drafted) -> int:
    return sum(len(item.get("review", ())) for items in drafted.sections().values() for item in items)
