"""Load curated records from ``seeds/`` into a checked :class:`Corpus`.

Stage one of the pipeline. Everything that can be wrong with the input is reported here as an
:class:`InputError` naming the file and line; what comes out is safe to map.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import NamedNode

from ..errors import InputError, raise_all
from ..rdf.namespaces import KINDS, active, mint
from . import dates, integrity, plain, quotes, typography, verdict
from . import model as r
from .limits import (
    MAX_SOURCE_BYTES,
    MAX_TABLE_BYTES,
    MAX_YAML_NODES,
    RECORD_NODES,
    read_bounded,
    read_utf8,
    utf8_line,
)
from .parsed import Parses
from .yamlsource import Located, SchemaProblem, explain_errors, read_yaml

if TYPE_CHECKING:
    import jsonschema
    import jsonschema_rs

SCHEMA_FILE = "schema.json"
WIKIDATA_FILE = "wikidata.csv"
RECORDS_DIR = "records"

AGENTS = ("org", "person")
#: What a position may bear on (``pg:target``): an actor, a place, an event or another document.
TARGETS = ("org", "person", "place", "event", "doc")


# jsonschema and fastjsonschema only explain a file that fails (jsonschema-rs gives the verdict): they are
# imported when one does, not by every build (jsonschema alone takes 35 ms to import).


@functools.cache
def _validator(schema_path: Path) -> jsonschema.protocols.Validator:
    from .schemacheck import Validator

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return Validator(schema)


@functools.cache
def _fast_validator(schema_path: Path) -> Callable[[Any], Any]:
    """The schema compiled to Python by fastjsonschema: its verdict, should jsonschema-rs and jsonschema disagree."""
    import fastjsonschema

    return fastjsonschema.compile(json.loads(schema_path.read_text(encoding="utf-8")))


def schema_error(located: Located) -> InputError | None:
    """The first schema error in a record file, or None."""
    found = schema_errors(located)
    return found[0].error if found else None


def schema_errors(located: Located) -> list[SchemaProblem]:
    """Every schema error in a record file, in file order; only a file that fails (in Rust, by jsonschema-rs)
    is explained by jsonschema, or, should jsonschema find nothing, by fastjsonschema's verdict."""
    if _passes(located.data):
        return []
    explained = explain_errors(located, _validator(schema_path()).iter_errors(located.data))
    if explained:
        return explained
    import fastjsonschema

    try:
        _fast_validator(schema_path())(located.data)
    except fastjsonschema.JsonSchemaException as fast:
        return [SchemaProblem((), _fast_error(located, fast))]
    return []


@functools.cache
def _rust_validator(schema_path: Path) -> jsonschema_rs.Validator:
    """The schema compiled by jsonschema-rs, whose patterns are ECMA-262's as the schema's are (``$`` ends
    the text): the verdict on a record file, ~50x faster than fastjsonschema's."""
    return verdict.compiled(schema_path.read_text(encoding="utf-8"))


def _passes(data: Any) -> bool:
    """Whether ``data`` is valid by the schema; a value jsonschema-rs cannot read is left to jsonschema."""
    return verdict.valid(_rust_validator(schema_path()), data)


def _fast_error(located: Located, error: Exception) -> InputError:
    """fastjsonschema's own verdict, should jsonschema not find what it found: never let it pass."""
    steps = getattr(error, "path", None) or ["data"]
    path = tuple(int(p) if str(p).isdigit() else str(p) for p in steps[1:])
    where = "/".join(str(p) for p in path) or "top level"
    message = str(getattr(error, "message", error)).split(" ", 1)[-1]
    return InputError(f"{where}: {message}", located.file, located.line(path))


def schema_path() -> Path:
    """The JSON Schema of record files, shipped inside the package."""
    return Path(__file__).with_name(SCHEMA_FILE)


@dataclass(frozen=True)
class WikidataRow:
    key: str
    label: str
    qid: str
    status: str
    evidence: str


def load(seeds: Path, texts: Path | None = None, parses: Parses | None = None) -> r.Corpus:
    """Read, check and cross-check every record file under ``seeds/records`` (a collection's folder),
    whose documents' source texts are in ``texts`` (default: the collection's folder itself); the files
    whose text ``parses`` kept are not parsed again (:mod:`.parsed`).

    Every error of every file is reported at once (as :class:`MultiInputError`, sorted by file and line).
    Records that fail the schema are left out of the cross-checks; if a file cannot be read at all, the
    cross-checks are not run, since every reference into that file would be reported as undefined.
    """
    seeds = Path(seeds)
    record_dir = seeds / RECORDS_DIR
    if not record_dir.is_dir():
        raise InputError(f"no {RECORDS_DIR}/ directory", seeds)
    strays = sorted(record_dir.glob("*.yml"))
    found = [
        InputError("record files end in .yaml; rename this one (a .yml file is not read)", _display(s), 1)
        for s in strays
    ]
    files = sorted(record_dir.glob("*.yaml"))  # none: a new collection, whose release is empty
    corpus = r.Corpus()
    loose: list[tuple[r.Ref, r.Origin]] = []
    complete = True
    budget = RECORD_NODES.value()
    for file in files:
        try:
            located = _read_record_file(file, record_dir, budget, parses)
        except InputError as error:
            found.append(error)
            complete = False
            continue
        budget -= located.nodes
        problems = schema_errors(located)
        found.extend(problem.error for problem in problems)
        broken = {problem.path[:2] for problem in problems}
        if any(len(path) < 2 for path in broken):
            complete = False
            continue
        corpus.unchecked.update(_refs_of(located, broken))
        loose.extend(_references_in(located, broken, {problem.path for problem in problems}))
        found.extend(_add_file(corpus, located, skip=broken))
    if complete:
        found.extend(_check_everything(corpus, seeds, texts))
        found.extend(_undefined_loose(corpus, loose))
    raise_all(found)
    return corpus


def _read_record_file(file: Path, record_dir: Path, budget: int, parses: Parses | None) -> Located:
    if _resolve(file, _display(file), 1).parent != _resolve(record_dir, record_dir, None):
        raise InputError(f"{file.name} links to a file outside {record_dir}", _display(file), 1)
    return read_yaml(file, display=_display(file), max_nodes=min(MAX_YAML_NODES, budget), parses=parses)


def _refs_of(located: Located, items: Iterable[tuple[str | int, ...]]) -> Iterator[r.Ref]:
    """The references of the records at ``items`` (``(section, index)``) that have a key."""
    for section, index in items:
        item = located.data[section][index]
        if section in _PREFIXES and isinstance(item, dict) and isinstance(item.get("key"), str):
            yield r.Ref(_PREFIXES[str(section)], item["key"])


_REFERENCE = re.compile(r"(?P<prefix>[a-z]+):(?P<key>[a-z0-9]+(-[a-z0-9]+)*)")


def _references_in(
    located: Located, items: Iterable[tuple[str | int, ...]], wrong: set[tuple[str | int, ...]]
) -> Iterator[tuple[r.Ref, r.Origin]]:
    """The references in records left out for schema errors (but those the errors are about), with their
    lines: they are still checked, so that a record's mistakes are all reported in one run."""
    for path, line in located.lines.items():
        if path[:2] not in items or path in wrong or path[-1] == "key":
            continue
        value = _value_at(located.data, path)
        match = _REFERENCE.fullmatch(value) if isinstance(value, str) else None
        if match and match["prefix"] in _PREFIXES.values():
            yield r.Ref(match["prefix"], match["key"]), r.Origin(located.file, line)


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _undefined_loose(corpus: r.Corpus, loose: list[tuple[r.Ref, r.Origin]]) -> Iterator[InputError]:
    for ref, origin in loose:
        if corpus.resolve(ref) is None and ref not in corpus.unchecked:
            yield InputError(_undefined(corpus, ref), origin.file, origin.line)


def _check_everything(corpus: r.Corpus, seeds: Path, texts: Path | None) -> list[InputError]:
    """The errors of the reference material (Wikidata table, seed texts) and of the cross-checks."""
    try:
        wikidata = load_wikidata(seeds / WIKIDATA_FILE)
    except InputError as error:
        return [error]
    found = list(_load_sources(corpus, seeds if texts is None else Path(texts)))
    found.extend(problems(corpus, wikidata))
    return found


def add_file(corpus: r.Corpus, seeds: Path, file: Path, texts: Path | None = None) -> None:
    """Add one more record file of ``seeds`` to a loaded corpus and check everything again, as ``load``
    would (``peacegraph draft`` proves so that its draft loads, without reading every file twice)."""
    located = read_yaml(file, display=_display(file))
    raise_all([problem.error for problem in schema_errors(located)])
    raise_all(list(_add_file(corpus, located)))
    raise_all(_check_everything(corpus, seeds, texts))


def _display(file: Path) -> Path:
    """``file`` as the user named it (links not followed), relative to the working directory if inside."""
    try:
        return file.absolute().relative_to(Path.cwd())
    except ValueError:
        return file


def _resolve(path: Path, file: Path | str, line: int | None) -> Path:
    """``path`` with every link followed; a loop of links is an input error, not a crash."""
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # Python 3.11 raises RuntimeError for a loop of links
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else "a loop of links"
        raise InputError(f"cannot follow the links of {path.name}: {detail}", file, line) from None


# --- building records -------------------------------------------------------------------------


def _record_lines(located: Located) -> dict[tuple[str | int, ...], dict[str, int]]:
    """The line of each field of each record (``"roles.0.title"``), by the record's path; one pass."""
    grouped: dict[tuple[str | int, ...], dict[str, int]] = {}
    for path, line in located.lines.items():
        if len(path) > 2:
            grouped.setdefault(path[:2], {})[".".join(map(str, path[2:]))] = line
    return grouped


def _ref(text: str | None) -> r.Ref | None:
    if text is None:
        return None
    prefix, key = text.split(":", 1)
    return r.Ref(prefix, key)


def _refs(items: Iterable[str] | None) -> tuple[r.Ref, ...]:
    return tuple(r.Ref(*item.split(":", 1)) for item in items or ())


def _name(value: str | dict[str, str]) -> tuple[str, str | None]:
    """A name written as a string (the default language) or as ``{text, language}``."""
    if isinstance(value, str):
        return value, None
    return value["text"], value["language"]


def _alternate_names(item: dict[str, Any]) -> dict[str, Any]:
    names = [_name(value) for value in item.get("alternate_names", ())]
    tagged = any(language for _text, language in names)
    return {
        "alternate_names": tuple(text for text, _language in names),
        "alternate_languages": tuple(language or r.DEFAULT_LANGUAGE for _text, language in names) if tagged else (),
    }


def _entity_fields(item: dict[str, Any]) -> dict[str, Any]:
    name, language = _name(item["name"])
    return {
        "name": name,
        "name_language": language or r.DEFAULT_LANGUAGE,
        **_alternate_names(item),
        "printed_variants": tuple(item.get("printed_variants", ())),
        "description": item.get("description"),
        "wikidata": item.get("wikidata"),
        "wikidata_candidates": tuple(item.get("wikidata_candidates", ())),
    }


def _organization(item: dict[str, Any], **base: Any) -> r.Organization:
    return r.Organization(**base, **_entity_fields(item), type=item["type"], country=_ref(item.get("country")))


def _person(item: dict[str, Any], **base: Any) -> r.Person:
    roles = tuple(
        r.Role(
            key=role["key"],
            title=role["title"],
            organization=_ref(role.get("organization")),
            start=role.get("start"),
            end=role.get("end"),
            note=role.get("note"),
        )
        for role in item.get("roles", ())
    )
    return r.Person(**base, **_entity_fields(item), roles=roles)


def _place(item: dict[str, Any], **base: Any) -> r.Place:
    return r.Place(
        **base,
        **_entity_fields(item),
        type=item["type"],
        contained_in=_ref(item.get("contained_in")),
        country=_ref(item.get("country")),
        coordinates=_coordinates(item.get("coordinates")),
    )


def _coordinates(item: dict[str, Any] | None) -> r.Coordinates | None:
    if item is None:
        return None
    return r.Coordinates(item["latitude"], item["longitude"], item["source"])


def _event(item: dict[str, Any], **base: Any) -> r.Event:
    return r.Event(
        **base,
        **_entity_fields(item),
        type=item["type"],
        start=item.get("start"),
        end=item.get("end"),
        not_before=item.get("not_before"),
        not_after=item.get("not_after"),
        location=_ref(item.get("location")),
        attendees=_refs(item.get("attendees")),
        organizers=_refs(item.get("organizers")),
        super_event=_ref(item.get("super_event")),
        reported_in=_refs(item.get("reported_in")),
    )


def _signatures(items: Iterable[str | dict[str, Any]] | None) -> tuple[r.Signature, ...]:
    """Each signatory written as ``prefix:key`` or as ``{ref, printed, rank}``; the rank defaults to its place."""
    signatures = []
    for place, item in enumerate(items or (), start=1):
        entry: dict[str, Any] = {"ref": item} if isinstance(item, str) else item
        signatory = r.Ref(*entry["ref"].split(":", 1))
        signatures.append(r.Signature(signatory, entry.get("rank", place), entry.get("printed")))
    return tuple(signatures)


def _document(item: dict[str, Any], **base: Any) -> r.Document:
    title, title_language = _name(item["title"])
    signatures = _signatures(item.get("signatories"))
    return r.Document(
        **base,
        title=title,
        title_language=title_language,
        type=item["type"],
        **_alternate_names(item),
        printed_variants=tuple(item.get("printed_variants", ())),
        description=item.get("description"),
        wikidata=item.get("wikidata"),
        wikidata_candidates=tuple(item.get("wikidata_candidates", ())),
        source=item.get("source"),
        date=item.get("date"),
        identifier=item.get("identifier"),
        url=item.get("url"),
        issuers=_refs(item.get("issuers")),
        signatories=tuple(signature.signatory for signature in signatures),
        signatures=signatures,
        recipients=_refs(item.get("recipients")),
        copied_to=_refs(item.get("copied_to")),
        mentions=_refs(item.get("mentions")),
        cites=_refs(item.get("cites")),
        about=_refs(item.get("about")),
        language=item.get("language", "en"),
    )


def _position(item: dict[str, Any], **base: Any) -> r.Position:
    quote = item["quote"]
    document = _ref(item["document"])
    assert document is not None
    return r.Position(
        **base,
        name=item["name"],
        document=document,
        stance=item["stance"],
        topics=_refs(item["topics"]),
        quote=r.Quote(text=quote["text"], start=quote["start"], end=quote["end"]),
        holders=_refs(item.get("holders")),
        targets=_refs(item.get("targets")),
        point=item.get("point"),
        date=item.get("date"),
        quoted_from=_ref(item.get("quoted_from")),
        quote_origin=item.get("quote_origin"),
        note=item.get("note"),
    )


def _topic(item: dict[str, Any], **base: Any) -> r.Topic:
    return r.Topic(
        **base,
        label=item["label"],
        definition=item["definition"],
        alt_labels=tuple(item.get("alt_labels", ())),
        broader=_ref(item.get("broader")),
        wikidata=item.get("wikidata"),
    )


_BUILDERS: dict[str, tuple[str, Callable[..., r.Record]]] = {
    "documents": ("doc", _document),
    "organizations": ("org", _organization),
    "people": ("person", _person),
    "places": ("place", _place),
    "events": ("event", _event),
    "positions": ("position", _position),
    "topics": ("topic", _topic),
}


def add_records(corpus: r.Corpus, located: Located) -> None:
    """Add the records of a file to ``corpus``, unchecked (for comparing a file's records with another version's)."""
    for _error in _add_file(corpus, located):
        pass


def _add_file(corpus: r.Corpus, located: Located, skip: Collection[tuple[str | int, ...]] = ()) -> Iterator[InputError]:
    """Add the records of a file (but those at ``skip``, which failed the schema); yield duplicates."""
    fields = _record_lines(located)
    for section, items in located.data.items():
        for index, item in enumerate(items):
            path = (section, index)
            if path in skip:
                continue
            origin = r.Origin(located.file, located.line(path))
            lines = fields.get(path, {})
            _add_reviews(corpus, section, item, origin, lines)
            if section == "deprecated":
                yield from _add_deprecation(corpus, _deprecation(item, origin=origin, lines=lines))
            elif section == "memberships":
                corpus.memberships.append(_membership(item, origin=origin, lines=lines))
            else:
                yield from _add_record(corpus, section, item, origin, lines)


def _membership(item: dict[str, Any], **base: Any) -> r.Membership:
    return r.Membership(
        **base,
        key=f"{item['group']}",
        group=r.Ref(*item["group"].split(":", 1)),
        members=_refs(item["members"]),
        documents=_refs(item.get("documents")),
        start=item.get("start"),
        end=item.get("end"),
        note=item.get("note"),
    )


def _add_record(
    corpus: r.Corpus, section: str, item: dict[str, Any], origin: r.Origin, lines: dict[str, int]
) -> Iterator[InputError]:
    prefix, build = _BUILDERS[section]
    record = build(item, key=item["key"], origin=origin, lines=lines)
    table = corpus.table(prefix)
    if record.key in table:
        first = table[record.key].origin
        yield InputError(f"duplicate key {prefix}:{record.key} (first defined at {first})", origin.file, origin.line)
    else:
        table[record.key] = record


_PREFIXES = {section: prefix for section, (prefix, _) in _BUILDERS.items()}


def _add_reviews(corpus: r.Corpus, section: str, item: dict[str, Any], origin: r.Origin, lines: dict[str, int]) -> None:
    """The record's ``review:`` notes, each with its line."""
    for index, note in enumerate(item.get("review", ())):
        name = f"{_PREFIXES.get(section, section)}:{item.get('key', '')}"
        if section == "memberships":
            name = f"membership of {item['group']}"
        line = lines.get(f"review.{index}", origin.line)
        corpus.reviews.append(r.ReviewNote(r.Origin(origin.file, line), name, note))


def _deprecation(item: dict[str, Any], **base: Any) -> r.Deprecation:
    ref = _ref(item.get("ref"))
    identifier = mint(KINDS[ref.prefix], ref.key).value if ref else item["iri"]
    return r.Deprecation(
        **base,
        key=identifier,
        label=item["label"],
        note=item["note"],
        ref=ref,
        replaced_by=_ref(item.get("replaced_by")),
    )


def _add_deprecation(corpus: r.Corpus, record: r.Deprecation) -> Iterator[InputError]:
    first = corpus.deprecations.get(record.key)
    if first is not None:
        yield _fail(record, "", f"{record.key} is already deprecated at {first.origin}")
    else:
        corpus.deprecations[record.key] = record


# --- reference material -----------------------------------------------------------------------


def load_wikidata(path: Path) -> dict[str, WikidataRow]:
    """The reviewed Wikidata identifiers, by QID."""
    shown = _display(path)
    if not path.exists():
        raise InputError("missing: the reviewed Wikidata identifiers are needed", shown)
    text = read_utf8(path, MAX_TABLE_BYTES, file=shown, line=1)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _wikidata_rows(reader, shown)
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", shown, reader.reader.line_num) from None


def _wikidata_rows(reader: csv.DictReader[str], shown: Path) -> dict[str, WikidataRow]:
    rows: dict[str, WikidataRow] = {}
    expected = {"key", "label", "qid", "status", "evidence"}
    if set(reader.fieldnames or ()) != expected:
        raise InputError(f"header must be {','.join(sorted(expected))}", shown, 1)
    for row in reader:
        if row["status"] not in ("verified", "unverified"):
            raise InputError(f"status must be verified or unverified, not {row['status']!r}", shown, reader.line_num)
        if row["qid"] in rows:
            raise InputError(f"{row['qid']} is listed twice (also for {rows[row['qid']].key})", shown, reader.line_num)
        if row["qid"]:
            rows[row["qid"]] = WikidataRow(row["key"], row["label"], row["qid"], row["status"], row["evidence"])
    return rows


def _load_sources(corpus: r.Corpus, seeds: Path) -> Iterator[InputError]:
    """Read the seed text of every document that has one; yield what is wrong with each."""
    root = seeds.resolve()
    for document in corpus.documents.values():
        if document.source is None:
            continue
        try:
            corpus.sources[document.key] = _source(document, seeds, root)
        except InputError as error:
            yield error


def _source(document: r.Document, seeds: Path, root: Path) -> r.SourceText:
    assert document.source is not None
    where = document.where("source")
    path = _resolve(seeds / document.source, where.file, where.line)
    if path.parent != root:
        raise InputError(f"source {document.source!r} is not a file directly in {seeds}", where.file, where.line)
    if not path.exists():
        raise InputError(f"source text {document.source!r} not found in {seeds}", where.file, where.line)
    raw = read_bounded(path, MAX_SOURCE_BYTES, file=where.file, line=where.line)
    if not raw.strip():
        raise InputError(f"source text {document.source!r} is empty", where.file, where.line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (used by {document.key})", _display(path), utf8_line(raw, exc)) from None
    return r.SourceText(name=document.source, text=text, sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))


# --- cross-checks -----------------------------------------------------------------------------
# Each check yields what is wrong, so that one run reports every error.

Problems = Iterator[InputError]


def _fail(record: r.Record, field: str, message: str) -> InputError:
    where = record.where(field)
    return InputError(message, where.file, where.line)


def _check_ref(
    corpus: r.Corpus, record: r.Record, field: str, ref: r.Ref | None, allowed: tuple[str, ...], spot: str | None = None
) -> Problems:
    """``ref`` (the value at ``spot``, by default ``field``) names a defined record of an allowed kind."""
    if ref is None:
        return
    if ref.prefix not in allowed:
        yield _fail(record, spot or field, f"{field} must refer to {' or '.join(p + ':' for p in allowed)}, not {ref}")
    elif corpus.resolve(ref) is None and ref not in corpus.unchecked:
        yield _fail(record, spot or field, _undefined(corpus, ref))


def _undefined(corpus: r.Corpus, ref: r.Ref) -> str:
    """``org:baytna-syira is not defined in any record file; did you mean org:baytna-syria?``"""
    close = plain.nearest(
        ref.key, [*corpus.table(ref.prefix), *(u.key for u in corpus.unchecked if u.prefix == ref.prefix)]
    )
    hint = f"; did you mean {ref.prefix}:{close}?" if close else ""
    return f"{ref} is not defined in any record file{hint}"


def _check_refs(
    corpus: r.Corpus, record: r.Record, field: str, refs: Iterable[r.Ref], allowed: tuple[str, ...]
) -> Problems:
    for index, ref in enumerate(refs):
        yield from _check_ref(corpus, record, field, ref, allowed, spot=f"{field}.{index}")


def _check_date(record: r.Record, field: str, value: str | None) -> Problems:
    if value is None:
        return
    try:
        dates.latest(value)
    except ValueError:
        yield _fail(record, field, f"{field} {value!r} is not a real date")


def _check_url(document: r.Document) -> Problems:
    """The url becomes an IRI: refuse here what the RDF model would refuse later."""
    if document.url is None:
        return
    try:
        NamedNode(document.url)
    except ValueError as exc:
        yield _fail(document, "url", f"url {document.url!r} is not a valid IRI: {exc}")


def _check_role_keys(person: r.Person) -> Problems:
    seen: set[str] = set()
    for index, role in enumerate(person.roles):
        if role.key in seen:
            message = f"role key {role.key!r} is used twice; role keys must be unique within a person"
            yield _fail(person, f"roles.{index}.key", message)
        seen.add(role.key)


def _check_span(record: r.Record, start: str | None, end: str | None, spot: str = "end") -> Problems:
    """``end`` is not certainly before ``start`` (each may be a month or a year; an unreal date is told apart)."""
    try:
        before = bool(start and end and dates.latest(end) < dates.earliest(start))
    except ValueError:
        return
    if before:
        yield _fail(record, spot, f"end {end} is before start {start}")


def _check_signatures(corpus: r.Corpus, doc: r.Document) -> Problems:
    """The ranks are 1 to n, each once; the printed names are in the source text, in rank order."""
    seen: dict[int, int] = {}
    for index, signature in enumerate(doc.signatures):
        if signature.rank in seen:
            first = doc.where(f"signatories.{seen[signature.rank]}").line
            message = f"rank {signature.rank} is given twice (also at line {first})"
            yield _fail(doc, f"signatories.{index}", message)
        seen[signature.rank] = index
    gaps = sorted(set(range(1, len(doc.signatures) + 1)) - set(seen))
    if gaps and len(seen) == len(doc.signatures):  # a rank given twice leaves a gap: said once, above
        index = len(doc.signatures) - 1
        yield _fail(doc, f"signatories.{index}", f"the ranks of the {len(seen)} signatories skip rank {gaps[0]}")
    source = corpus.sources.get(doc.key)
    at = 0
    for signature in sorted(doc.signatures, key=lambda s: s.rank):
        if signature.printed is None:
            continue
        index = doc.signatures.index(signature)
        if source is None:
            yield _fail(doc, f"signatories.{index}", "a printed name needs the document's source text")
            return
        found = source.text.find(signature.printed, at)
        if found < 0:
            where = "is not in" if signature.printed not in source.text else "is out of rank order in"
            yield _fail(doc, f"signatories.{index}", f"printed name {signature.printed!r} {where} {source.name}")
            continue
        at = found + len(signature.printed)


def _check_narrowing(event: r.Event) -> Problems:
    """``not_before`` and ``not_after`` narrow the event's coarse dates: they lie inside them, in order."""
    for field in ("not_before", "not_after"):
        value = getattr(event, field)
        unreal = list(_check_date(event, field, value))
        yield from unreal
        if value is None or unreal:
            continue
        if event.start is None:
            yield _fail(event, field, f"{field} narrows a start date, and event:{event.key} has none")
            continue
        last = event.end or event.start
        try:
            outside = not dates.earliest(event.start) <= dates.earliest(value) <= dates.latest(last)
        except ValueError:  # the event's own dates are unreal: reported with them
            continue
        if outside:
            yield _fail(event, field, f"{field} {value} is outside the dates it narrows ({event.start} to {last})")
    if event.not_before and event.not_after and event.not_after < event.not_before:
        yield _fail(event, "not_after", f"not_after {event.not_after} is before not_before {event.not_before}")


def _check_not_own_document(position: r.Position) -> Problems:
    for index, target in enumerate(position.targets):
        if target == position.document:
            message = f"{target} is the position's own document, not a thing it bears on; leave it out of targets"
            yield _fail(position, f"targets.{index}", message)


def _check_quote_origin(corpus: r.Corpus, position: r.Position) -> Problems:
    """A quote the document repeats second-hand says where it comes from: ``quoted_from`` or ``quote_origin``."""
    if corpus.first_hand(position):
        if position.quote_origin is not None:
            yield _fail(position, "quote_origin", f"{position.document} is the holders' own document; no origin needed")
        return
    if position.quoted_from is not None and position.quote_origin is not None:
        yield _fail(position, "quote_origin", "give quoted_from or quote_origin, not both")
    unknown = any(corpus.resolve(holder) is None for holder in corpus.holders(position))
    if position.quoted_from is None and position.quote_origin is None and not unknown:  # else said above
        holders = ", ".join(str(holder) for holder in corpus.holders(position))
        message = (
            f"the holders ({holders}) neither issued nor signed {position.document}: say where the quote comes "
            "from, with quoted_from (its original document) or quote_origin (in words)"
        )
        yield _fail(position, "holders", message)


def _check_quoted_from(corpus: r.Corpus, position: r.Position) -> Problems:
    """``quoted_from`` names the original of a quote the position's document repeats, and only that."""
    original = position.quoted_from
    if original is None:
        return
    yield from _check_ref(corpus, position, "quoted_from", original, ("doc",))
    if original == position.document:
        yield _fail(position, "quoted_from", f"{original} is the position's own document, not an original it quotes")
    elif corpus.first_hand(position):
        yield _fail(
            position, "quoted_from", f"{position.document} is the holders' own document; quoted_from is for quotes"
        )
    elif original in position.targets:
        yield _fail(position, "quoted_from", f"{original} is both the original and a target; keep it under quoted_from")


def _check_wikidata(
    record: r.Record, qid: str | None, candidates: Iterable[str], wikidata: dict[str, WikidataRow]
) -> Problems:
    if qid is not None:
        row = wikidata.get(qid)
        if row is None or row.status != "verified":
            where = f"the collection's {WIKIDATA_FILE}"
            state = f"not in {where}" if row is None else f"not verified in {where}"
            yield _fail(record, "wikidata", f"{qid} is {state}; keep it under wikidata_candidates")
    for index, candidate in enumerate(candidates):
        if candidate == qid:
            yield _fail(record, f"wikidata_candidates.{index}", f"{candidate} is both the link and a candidate")


def check_quote(corpus: r.Corpus, position: r.Position) -> Problems:
    source = corpus.sources.get(position.document.key)
    if source is None:
        if corpus.documents[position.document.key].source is None:  # else its source text was reported already
            yield _fail(position, "document", f"{position.document} has no source text to quote from")
        return
    quote = position.quote
    if quote.end > len(source.text) or quote.start >= quote.end:
        yield _fail(
            position,
            "quote.start",
            f"quote offsets {quote.start}-{quote.end} are outside {source.name} ({len(source.text)} characters)",
        )
        return
    found = source.text[quote.start : quote.end]
    if found != quote.text:
        at = source.text.find(quote.text)
        hint = f"; the quote is at {at}-{at + len(quote.text)}" if at >= 0 else _missing_quote(source.text, quote.text)
        yield _fail(
            position,
            "quote.text",
            f"quote does not match {source.name}[{quote.start}:{quote.end}] ({found[:40]!r}…){hint}",
        )


def _missing_quote(text: str, quote: str) -> str:
    hint = quotes.normalization_hint(text, quote)
    return f"; {hint}" if hint else "; the quote is not in the source"


ANY_KIND = ("doc", "org", "person", "place", "event", "position", "topic")


def problems(corpus: r.Corpus, wikidata: dict[str, WikidataRow]) -> Problems:
    """Every reference resolves to the right kind, dates are real, QIDs are reviewed, quotes match."""
    for doc in corpus.documents.values():
        yield from _check_document(corpus, doc, wikidata)
    for org in corpus.organizations.values():
        yield from _check_ref(corpus, org, "country", org.country, ("place",))
        yield from _check_wikidata(org, org.wikidata, org.wikidata_candidates, wikidata)
    for person in corpus.people.values():
        yield from _check_person(corpus, person, wikidata)
    for place in corpus.places.values():
        yield from _check_ref(corpus, place, "country", place.country, ("place",))
        yield from _check_ref(corpus, place, "contained_in", place.contained_in, ("place",))
        yield from _check_wikidata(place, place.wikidata, place.wikidata_candidates, wikidata)
    for event in corpus.events.values():
        yield from _check_event(corpus, event, wikidata)
    for topic in corpus.topics.values():
        yield from _check_ref(corpus, topic, "broader", topic.broader, ("topic",))
        yield from _check_wikidata(topic, topic.wikidata, (), wikidata)
    for membership in corpus.memberships:
        yield from _check_membership(corpus, membership)
    for position in corpus.positions.values():
        yield from _check_position(corpus, position)
    for deprecation in corpus.deprecations.values():
        yield from _check_deprecation(corpus, deprecation)
    yield from typography.problems(corpus)
    yield from integrity.problems(corpus)


def _check_document(corpus: r.Corpus, doc: r.Document, wikidata: dict[str, WikidataRow]) -> Problems:
    for field in ("issuers", "signatories", "recipients", "copied_to"):
        yield from _check_refs(corpus, doc, field, getattr(doc, field), AGENTS)
    yield from _check_refs(corpus, doc, "mentions", doc.mentions, ANY_KIND)
    yield from _check_refs(corpus, doc, "cites", doc.cites, ("doc",))
    yield from _check_refs(corpus, doc, "about", doc.about, ("topic",))
    yield from _check_date(doc, "date", doc.date)
    yield from _check_signatures(corpus, doc)
    yield from _check_url(doc)
    yield from _check_wikidata(doc, doc.wikidata, doc.wikidata_candidates, wikidata)


def _check_person(corpus: r.Corpus, person: r.Person, wikidata: dict[str, WikidataRow]) -> Problems:
    yield from _check_wikidata(person, person.wikidata, person.wikidata_candidates, wikidata)
    for index, role in enumerate(person.roles):
        yield from _check_ref(corpus, person, f"roles.{index}.organization", role.organization, ("org",))
        yield from _check_date(person, f"roles.{index}.start", role.start)
        yield from _check_date(person, f"roles.{index}.end", role.end)
        yield from _check_span(person, role.start, role.end, f"roles.{index}.end")
    yield from _check_role_keys(person)


def _check_event(corpus: r.Corpus, event: r.Event, wikidata: dict[str, WikidataRow]) -> Problems:
    yield from _check_ref(corpus, event, "location", event.location, ("place",))
    yield from _check_refs(corpus, event, "attendees", event.attendees, AGENTS)
    yield from _check_refs(corpus, event, "organizers", event.organizers, AGENTS)
    yield from _check_ref(corpus, event, "super_event", event.super_event, ("event",))
    yield from _check_refs(corpus, event, "reported_in", event.reported_in, ("doc",))
    yield from _check_date(event, "start", event.start)
    yield from _check_date(event, "end", event.end)
    yield from _check_span(event, event.start, event.end)
    yield from _check_narrowing(event)
    yield from _check_wikidata(event, event.wikidata, event.wikidata_candidates, wikidata)
    if event.type != "series" and event.start is None:
        yield _fail(event, "type", f"event:{event.key} has no start date (only a series may have none)")


def _check_membership(corpus: r.Corpus, membership: r.Membership) -> Problems:
    yield from _check_ref(corpus, membership, "group", membership.group, ("org",))
    yield from _check_refs(corpus, membership, "members", membership.members, AGENTS)
    yield from _check_refs(corpus, membership, "documents", membership.documents, ("doc",))
    yield from _check_date(membership, "start", membership.start)
    yield from _check_date(membership, "end", membership.end)
    yield from _check_span(membership, membership.start, membership.end)


def _check_position(corpus: r.Corpus, position: r.Position) -> Problems:
    yield from _check_ref(corpus, position, "document", position.document, ("doc",))
    yield from _check_refs(corpus, position, "holders", position.holders, AGENTS)
    yield from _check_refs(corpus, position, "topics", position.topics, ("topic",))
    yield from _check_refs(corpus, position, "targets", position.targets, TARGETS)
    yield from _check_not_own_document(position)
    yield from _check_date(position, "date", position.date)
    if corpus.resolve(position.document) is None:
        return  # reported above, or its record was left out; what follows reads the document
    if not corpus.holders(position):
        yield _fail(position, "holders", "no holders, and the document has no issuers or signatories")
    yield from _check_quoted_from(corpus, position)
    yield from _check_quote_origin(corpus, position)
    yield from check_quote(corpus, position)


def _record_of(identifier: str) -> r.Ref | None:
    """The reference ``prefix:key`` if ``identifier`` is the IRI of a record (not of a node under one)."""
    kind, _, key = identifier.removeprefix(active().id).partition("/")
    prefixes = {kind_name: prefix for prefix, kind_name in KINDS.items()}
    if kind not in prefixes or "/" in key:
        return None
    return r.Ref(prefixes[kind], key)


def _check_deprecation(corpus: r.Corpus, deprecation: r.Deprecation) -> Problems:
    """A deprecated identifier has no live record, and what replaces it is live and of its kind."""
    field = "ref" if deprecation.ref else "iri"
    named = _record_of(deprecation.key)
    if named is not None and corpus.resolve(named) is not None:
        yield _fail(deprecation, field, f"{named} is deprecated but still has a record; remove one of the two")
    survivor = deprecation.replaced_by
    if survivor is None:
        return
    if named is not None and survivor.prefix != named.prefix:
        yield _fail(deprecation, "replaced_by", f"{named} can only be replaced by a {named.prefix}: record")
    elif corpus.resolve(survivor) is None and survivor not in corpus.unchecked:
        yield _fail(deprecation, "replaced_by", _undefined(corpus, survivor))
