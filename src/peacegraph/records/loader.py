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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
from pyoxigraph import NamedNode

from ..errors import InputError
from ..rdf.namespaces import ID, KINDS, mint
from . import dates, integrity, quotes
from . import model as r
from .limits import (
    MAX_SOURCE_BYTES,
    MAX_TABLE_BYTES,
    MAX_YAML_NODES,
    RECORD_NODES,
    read_bounded,
    utf8_line,
)
from .schemacheck import Validator
from .yamlsource import Located, read_yaml, walk_errors

SCHEMA_FILE = "schema.json"
WIKIDATA_FILE = "wikidata.csv"
RECORDS_DIR = "records"

AGENTS = ("org", "person")


@functools.cache
def _validator(schema_path: Path) -> jsonschema.protocols.Validator:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return Validator(schema)


@functools.cache
def _fast_validator(schema_path: Path) -> Callable[[Any], Any]:
    """The schema compiled to Python by fastjsonschema: the verdict on a file, ~10x faster than jsonschema."""
    return fastjsonschema.compile(json.loads(schema_path.read_text(encoding="utf-8")))


def schema_error(located: Located) -> InputError | None:
    """The first schema error in a record file, or None; only a file that fails is explained by jsonschema."""
    try:
        _fast_validator(schema_path())(located.data)
    except fastjsonschema.JsonSchemaException as fast:
        explained = walk_errors(located, _validator(schema_path()).iter_errors(located.data))
        return explained or _fast_error(located, fast)
    return None


def _fast_error(located: Located, error: fastjsonschema.JsonSchemaException) -> InputError:
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


def load(seeds: Path) -> r.Corpus:
    """Read, check and cross-check every record file under ``seeds/records``."""
    seeds = Path(seeds)
    record_dir = seeds / RECORDS_DIR
    if not record_dir.is_dir():
        raise InputError(f"no {RECORDS_DIR}/ directory", seeds)
    strays = sorted(record_dir.glob("*.yml"))
    if strays:
        raise InputError("record files end in .yaml; rename this one (a .yml file is not read)", _display(strays[0]), 1)
    files = sorted(record_dir.glob("*.yaml"))
    if not files:
        raise InputError("no record files (*.yaml)", record_dir)
    corpus = r.Corpus()
    budget = RECORD_NODES.value()
    for file in files:
        if _resolve(file, _display(file), 1).parent != _resolve(record_dir, record_dir, None):
            raise InputError(f"{file.name} links to a file outside {record_dir}", _display(file), 1)
        located = read_yaml(file, display=_display(file), max_nodes=min(MAX_YAML_NODES, budget))
        budget -= located.nodes
        error = schema_error(located)
        if error:
            raise error
        _add_file(corpus, located)
    wikidata = load_wikidata(seeds / WIKIDATA_FILE)
    _load_sources(corpus, seeds)
    cross_check(corpus, wikidata)
    return corpus


def add_file(corpus: r.Corpus, seeds: Path, file: Path) -> None:
    """Add one more record file of ``seeds`` to a loaded corpus and check everything again, as ``load``
    would (``peacegraph draft`` proves so that its draft loads, without reading every file twice)."""
    located = read_yaml(file, display=_display(file))
    error = schema_error(located)
    if error:
        raise error
    _add_file(corpus, located)
    _load_sources(corpus, seeds)
    cross_check(corpus, load_wikidata(seeds / WIKIDATA_FILE))


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
            grouped.setdefault(path[:2], {})[".".join(str(p) for p in path[2:])] = line
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
    )


def _event(item: dict[str, Any], **base: Any) -> r.Event:
    return r.Event(
        **base,
        **_entity_fields(item),
        type=item["type"],
        start=item.get("start"),
        end=item.get("end"),
        location=_ref(item.get("location")),
        attendees=_refs(item.get("attendees")),
        organizers=_refs(item.get("organizers")),
        super_event=_ref(item.get("super_event")),
        reported_in=_refs(item.get("reported_in")),
    )


def _document(item: dict[str, Any], **base: Any) -> r.Document:
    title, title_language = _name(item["title"])
    return r.Document(
        **base,
        title=title,
        title_language=title_language,
        type=item["type"],
        **_alternate_names(item),
        description=item.get("description"),
        wikidata=item.get("wikidata"),
        wikidata_candidates=tuple(item.get("wikidata_candidates", ())),
        source=item.get("source"),
        date=item.get("date"),
        identifier=item.get("identifier"),
        url=item.get("url"),
        issuers=_refs(item.get("issuers")),
        signatories=_refs(item.get("signatories")),
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


def _add_file(corpus: r.Corpus, located: Located) -> None:
    fields = _record_lines(located)
    for section, items in located.data.items():
        for index, item in enumerate(items):
            path = (section, index)
            origin = r.Origin(located.file, located.line(path))
            lines = fields.get(path, {})
            _add_reviews(corpus, section, item, origin, lines)
            if section == "deprecated":
                _add_deprecation(corpus, _deprecation(item, origin=origin, lines=lines))
                continue
            if section == "memberships":
                corpus.memberships.append(
                    r.Membership(
                        key=f"{item['group']}",
                        origin=origin,
                        lines=lines,
                        group=r.Ref(*item["group"].split(":", 1)),
                        members=_refs(item["members"]),
                        documents=_refs(item.get("documents")),
                        start=item.get("start"),
                        end=item.get("end"),
                        note=item.get("note"),
                    )
                )
                continue
            prefix, build = _BUILDERS[section]
            record = build(item, key=item["key"], origin=origin, lines=lines)
            table = corpus.table(prefix)
            if record.key in table:
                first = table[record.key].origin
                raise InputError(
                    f"duplicate key {prefix}:{record.key} (first defined at {first})", origin.file, origin.line
                )
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


def _add_deprecation(corpus: r.Corpus, record: r.Deprecation) -> None:
    first = corpus.deprecations.get(record.key)
    if first is not None:
        raise _fail(record, "", f"{record.key} is already deprecated at {first.origin}")
    corpus.deprecations[record.key] = record


# --- reference material -----------------------------------------------------------------------


def load_wikidata(path: Path) -> dict[str, WikidataRow]:
    """The reviewed Wikidata identifiers, by QID."""
    shown = _display(path)
    if not path.exists():
        raise InputError("missing: the reviewed Wikidata identifiers are needed", shown)
    raw = read_bounded(path, MAX_TABLE_BYTES, file=shown, line=1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not valid UTF-8", shown, utf8_line(raw, exc)) from None
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


def _load_sources(corpus: r.Corpus, seeds: Path) -> None:
    root = seeds.resolve()
    for document in corpus.documents.values():
        if document.source is None:
            continue
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
        corpus.sources[document.key] = r.SourceText(
            name=document.source, text=text, sha256=hashlib.sha256(raw).hexdigest(), size=len(raw)
        )


# --- cross-checks -----------------------------------------------------------------------------


def _fail(record: r.Record, field: str, message: str) -> InputError:
    where = record.where(field)
    return InputError(message, where.file, where.line)


def _check_ref(
    corpus: r.Corpus, record: r.Record, field: str, ref: r.Ref | None, allowed: tuple[str, ...], spot: str | None = None
) -> None:
    """``ref`` (the value at ``spot``, by default ``field``) names a defined record of an allowed kind."""
    if ref is None:
        return
    if ref.prefix not in allowed:
        raise _fail(record, spot or field, f"{field} must refer to {' or '.join(p + ':' for p in allowed)}, not {ref}")
    if corpus.resolve(ref) is None:
        raise _fail(record, spot or field, f"{ref} is not defined in any record file")


def _check_refs(
    corpus: r.Corpus, record: r.Record, field: str, refs: Iterable[r.Ref], allowed: tuple[str, ...]
) -> None:
    for index, ref in enumerate(refs):
        _check_ref(corpus, record, field, ref, allowed, spot=f"{field}.{index}")


def _check_date(record: r.Record, field: str, value: str | None) -> None:
    if value is None:
        return
    try:
        dates.latest(value)
    except ValueError:
        raise _fail(record, field, f"{field} {value!r} is not a real date") from None


def _check_url(document: r.Document) -> None:
    """The url becomes an IRI: refuse here what the RDF model would refuse later."""
    if document.url is None:
        return
    try:
        NamedNode(document.url)
    except ValueError as exc:
        raise _fail(document, "url", f"url {document.url!r} is not a valid IRI: {exc}") from None


def _check_role_keys(person: r.Person) -> None:
    seen: set[str] = set()
    for index, role in enumerate(person.roles):
        if role.key in seen:
            raise _fail(
                person,
                f"roles.{index}.key",
                f"role key {role.key!r} is used twice; role keys must be unique within a person",
            )
        seen.add(role.key)


def _check_span(record: r.Record, start: str | None, end: str | None, spot: str = "end") -> None:
    """``end`` is not certainly before ``start`` (each may be a month or a year)."""
    if start and end and dates.latest(end) < dates.earliest(start):
        raise _fail(record, spot, f"end {end} is before start {start}")


def _check_quoted_from(corpus: r.Corpus, position: r.Position) -> None:
    """``quoted_from`` names the original of a quote the position's document repeats, and only that."""
    original = position.quoted_from
    if original is None:
        return
    _check_ref(corpus, position, "quoted_from", original, ("doc",))
    if original == position.document:
        raise _fail(position, "quoted_from", f"{original} is the position's own document, not an original it quotes")
    if corpus.first_hand(position):
        raise _fail(
            position, "quoted_from", f"{position.document} is the holders' own document; quoted_from is for quotes"
        )
    if original in position.targets:
        raise _fail(position, "quoted_from", f"{original} is both the original and a target; keep it under quoted_from")


def _check_wikidata(
    record: r.Record, qid: str | None, candidates: Iterable[str], wikidata: dict[str, WikidataRow]
) -> None:
    if qid is not None:
        row = wikidata.get(qid)
        if row is None or row.status != "verified":
            state = "not in seeds/wikidata.csv" if row is None else "not verified in seeds/wikidata.csv"
            raise _fail(record, "wikidata", f"{qid} is {state}; keep it under wikidata_candidates")
    for index, candidate in enumerate(candidates):
        if candidate == qid:
            raise _fail(record, f"wikidata_candidates.{index}", f"{candidate} is both the link and a candidate")


def check_quote(corpus: r.Corpus, position: r.Position) -> None:
    source = corpus.sources.get(position.document.key)
    if source is None:
        raise _fail(position, "document", f"{position.document} has no source text to quote from")
    quote = position.quote
    if quote.end > len(source.text) or quote.start >= quote.end:
        raise _fail(
            position,
            "quote.start",
            f"quote offsets {quote.start}-{quote.end} are outside {source.name} ({len(source.text)} characters)",
        )
    found = source.text[quote.start : quote.end]
    if found != quote.text:
        at = source.text.find(quote.text)
        hint = f"; the quote is at {at}-{at + len(quote.text)}" if at >= 0 else _missing_quote(source.text, quote.text)
        raise _fail(
            position,
            "quote.text",
            f"quote does not match {source.name}[{quote.start}:{quote.end}] ({found[:40]!r}…){hint}",
        )


def _missing_quote(text: str, quote: str) -> str:
    hint = quotes.normalization_hint(text, quote)
    return f"; {hint}" if hint else "; the quote is not in the source"


def cross_check(corpus: r.Corpus, wikidata: dict[str, WikidataRow]) -> None:
    """Every reference resolves to the right kind, dates are real, QIDs are reviewed, quotes match."""
    any_kind = ("doc", "org", "person", "place", "event", "position", "topic")
    for doc in corpus.documents.values():
        for field in ("issuers", "signatories", "recipients", "copied_to"):
            _check_refs(corpus, doc, field, getattr(doc, field), AGENTS)
        _check_refs(corpus, doc, "mentions", doc.mentions, any_kind)
        _check_refs(corpus, doc, "cites", doc.cites, ("doc",))
        _check_refs(corpus, doc, "about", doc.about, ("topic",))
        _check_date(doc, "date", doc.date)
        _check_url(doc)
        _check_wikidata(doc, doc.wikidata, doc.wikidata_candidates, wikidata)
    for org in corpus.organizations.values():
        _check_ref(corpus, org, "country", org.country, ("place",))
        _check_wikidata(org, org.wikidata, org.wikidata_candidates, wikidata)
    for person in corpus.people.values():
        _check_wikidata(person, person.wikidata, person.wikidata_candidates, wikidata)
        for index, role in enumerate(person.roles):
            _check_ref(corpus, person, f"roles.{index}.organization", role.organization, ("org",))
            _check_date(person, f"roles.{index}.start", role.start)
            _check_date(person, f"roles.{index}.end", role.end)
            _check_span(person, role.start, role.end, f"roles.{index}.end")
        _check_role_keys(person)
    for place in corpus.places.values():
        _check_ref(corpus, place, "country", place.country, ("place",))
        _check_ref(corpus, place, "contained_in", place.contained_in, ("place",))
        _check_wikidata(place, place.wikidata, place.wikidata_candidates, wikidata)
    for event in corpus.events.values():
        _check_ref(corpus, event, "location", event.location, ("place",))
        _check_refs(corpus, event, "attendees", event.attendees, AGENTS)
        _check_refs(corpus, event, "organizers", event.organizers, AGENTS)
        _check_ref(corpus, event, "super_event", event.super_event, ("event",))
        _check_refs(corpus, event, "reported_in", event.reported_in, ("doc",))
        _check_date(event, "start", event.start)
        _check_date(event, "end", event.end)
        _check_span(event, event.start, event.end)
        _check_wikidata(event, event.wikidata, event.wikidata_candidates, wikidata)
        if event.type != "series" and event.start is None:
            raise _fail(event, "type", f"event:{event.key} has no start date (only a series may have none)")
    for topic in corpus.topics.values():
        _check_ref(corpus, topic, "broader", topic.broader, ("topic",))
        _check_wikidata(topic, topic.wikidata, (), wikidata)
    for membership in corpus.memberships:
        _check_ref(corpus, membership, "group", membership.group, ("org",))
        _check_refs(corpus, membership, "members", membership.members, AGENTS)
        _check_refs(corpus, membership, "documents", membership.documents, ("doc",))
        _check_date(membership, "start", membership.start)
        _check_date(membership, "end", membership.end)
        _check_span(membership, membership.start, membership.end)
    for position in corpus.positions.values():
        _check_ref(corpus, position, "document", position.document, ("doc",))
        _check_refs(corpus, position, "holders", position.holders, AGENTS)
        _check_refs(corpus, position, "topics", position.topics, ("topic",))
        _check_refs(corpus, position, "targets", position.targets, any_kind)
        _check_date(position, "date", position.date)
        if not corpus.holders(position):
            raise _fail(position, "holders", "no holders, and the document has no issuers or signatories")
        _check_quoted_from(corpus, position)
        check_quote(corpus, position)
    for deprecation in corpus.deprecations.values():
        _check_deprecation(corpus, deprecation)
    integrity.check(corpus)


def _record_of(identifier: str) -> r.Ref | None:
    """The reference ``prefix:key`` if ``identifier`` is the IRI of a record (not of a node under one)."""
    kind, _, key = identifier.removeprefix(ID).partition("/")
    prefixes = {kind_name: prefix for prefix, kind_name in KINDS.items()}
    if kind not in prefixes or "/" in key:
        return None
    return r.Ref(prefixes[kind], key)


def _check_deprecation(corpus: r.Corpus, deprecation: r.Deprecation) -> None:
    """A deprecated identifier has no live record, and what replaces it is live and of its kind."""
    field = "ref" if deprecation.ref else "iri"
    named = _record_of(deprecation.key)
    if named is not None and corpus.resolve(named) is not None:
        raise _fail(deprecation, field, f"{named} is deprecated but still has a record; remove one of the two")
    survivor = deprecation.replaced_by
    if survivor is None:
        return
    if named is not None and survivor.prefix != named.prefix:
        raise _fail(deprecation, "replaced_by", f"{named} can only be replaced by a {named.prefix}: record")
    if corpus.resolve(survivor) is None:
        raise _fail(deprecation, "replaced_by", f"{survivor} is not defined in any record file")
