"""A collection: one folder with ``collection.yaml``, its source texts and its records.

Everything that is a fact of one collection rather than of the tool lives in its configuration:
the base IRI of its identifiers, its title and description, who publishes it, its licence and
coverage, and where its texts, records and release are. Commands find the collection the way git
finds a repository (the current folder or a parent), or are given ``--collection DIR``.

What a collection may add to the tool's model: its own topic scheme (SKOS concepts in its
records, titled by ``topic_scheme``), alternate names in its records, and extra SHACL shapes
(``shapes``), which are checked in addition to the tool's own and can never replace or weaken
them. The ontology and the tool's shapes stay the tool's, under the tool's namespace.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pyoxigraph import NamedNode

from . import __version__, collection_file
from .collection_file import CONFIG_FILE as CONFIG_FILE
from .errors import InputError, MultiInputError
from .rdf.namespaces import WD, Space
from .records.verdict import passes

if TYPE_CHECKING:
    from .records.yamlsource import Located

# Reading collection.yaml needs PyYAML and jsonschema, imported where it is read: a release that says its
# own IRIs (``space_of_release``) is queried without them.


#: IRIs of the Creative Commons and Open Data Commons licences a dataset most often carries, by SPDX
#: id: ``dct:license`` names the licence's own deed, as portals expect. Other ids link to SPDX.
LICENCE_DEEDS: Final = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC-BY-ND-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "ODC-By-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
}
SPDX_LICENSE_PAGE: Final = "https://spdx.org/licenses/"
#: The full and the short name of those licences, as their deeds give them.
LICENCE_NAMES: Final = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "CC BY 4.0"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution Share Alike 4.0 International", "CC BY-SA 4.0"),
    "CC-BY-NC-4.0": ("Creative Commons Attribution Non Commercial 4.0 International", "CC BY-NC 4.0"),
    "CC-BY-ND-4.0": ("Creative Commons Attribution No Derivatives 4.0 International", "CC BY-ND 4.0"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "CC0 1.0"),
    "ODbL-1.0": ("Open Data Commons Open Database License v1.0", "ODbL 1.0"),
    "ODC-By-1.0": ("Open Data Commons Attribution License v1.0", "ODC-By 1.0"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication & License 1.0", "PDDL 1.0"),
}

#: The EU's data themes (the Publications Office's authority table that DCAT-AP asks ``dcat:theme``
#: from), by code, with their English labels.
DATA_THEMES: Final = {
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "INTR": "International issues",
    "JUST": "Justice, legal system and public safety",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
    "TRAN": "Transport",
}

_IRI: Final = r"^https?://[^\s<>\"{}|\\^`]+$"
_BASE: Final = r"^https?://[^\s<>\"{}|\\^`#]+[/#]$"
_QID: Final = r"^Q[1-9][0-9]*$"
_DATE: Final = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
_RELATIVE: Final = r"^(?!/)[^\x00]+$"

_TEXT: Final = {"type": "string", "minLength": 1}
_AGENT: Final = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": _TEXT,
        "iri": {"type": "string", "pattern": _IRI},
        "orcid": {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"},
        "ror": {"type": "string", "pattern": r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$"},
        "email": {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+$"},
        "url": {"type": "string", "pattern": _IRI},
    },
}
SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["base", "title"],
    "properties": {
        "base": {"type": "string", "pattern": _BASE},
        "title": _TEXT,
        "description": _TEXT,
        "keywords": {"type": "array", "items": _TEXT, "uniqueItems": True},
        "languages": {"type": "array", "items": {"type": "string", "pattern": r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$"}},
        "publisher": _AGENT,
        "creators": {"type": "array", "items": _AGENT},
        "licence": {"type": "string", "minLength": 1},
        "spatial": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {"name": _TEXT, "wikidata": {"type": "string", "pattern": _QID}},
            },
        },
        "temporal": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"start": {"type": "string", "pattern": _DATE}, "end": {"type": "string", "pattern": _DATE}},
        },
        "contact": _AGENT,
        "themes": {"type": "array", "items": {"enum": list(DATA_THEMES)}, "uniqueItems": True},
        "same_as": {"type": "array", "items": {"type": "string", "pattern": _IRI}, "uniqueItems": True},
        "citations": {"type": "array", "items": _TEXT, "uniqueItems": True},
        "landing_page": {"type": "string", "pattern": _IRI},
        "sparql_endpoint": {"type": "string", "pattern": _IRI},
        "context": {"type": "string", "pattern": _IRI},
        "topic_scheme": _TEXT,
        "texts": {"type": "string", "pattern": _RELATIVE},
        "out": {"type": "string", "pattern": _RELATIVE},
        "shapes": {"type": "array", "items": {"type": "string", "pattern": _RELATIVE}},
        "map": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"regions": {"type": "string", "pattern": _RELATIVE}},
        },
    },
}

#: What each message says a value must look like, by key.
_EXPECTED: Final = {
    "base": "an absolute http(s) IRI ending in / or #, such as https://example.org/letters/",
    "licence": "an SPDX licence id (CC-BY-4.0) or the licence's IRI",
    "languages": "a BCP 47 language tag such as en or fr",
    "orcid": "an ORCID iD such as 0000-0002-1825-0097",
    "ror": "a ROR id such as 05dxps055",
    "wikidata": "a Wikidata item id such as Q858",
    "start": "a date YYYY, YYYY-MM or YYYY-MM-DD",
    "end": "a date YYYY, YYYY-MM or YYYY-MM-DD",
    "themes": "an EU data theme: " + ", ".join(DATA_THEMES),
}


@dataclass(frozen=True)
class Agent:
    name: str
    iri: str | None = None
    orcid: str | None = None
    ror: str | None = None
    email: str | None = None
    url: str | None = None

    @property
    def identifier(self) -> str | None:
        """The agent's most specific IRI: ORCID, ROR or its own."""
        if self.orcid:
            return "https://orcid.org/" + self.orcid
        if self.ror:
            return "https://ror.org/" + self.ror
        return self.iri


@dataclass(frozen=True)
class Area:
    name: str
    wikidata: str | None = None

    @property
    def iri(self) -> str | None:
        return WD + self.wikidata if self.wikidata else None


@dataclass(frozen=True)
class Collection:
    """A collection's configuration, with its folders resolved against the folder it is in."""

    root: Path
    space: Space
    title: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    publisher: Agent | None = None
    creators: tuple[Agent, ...] = ()
    licence_iri: str = LICENCE_DEEDS["CC-BY-4.0"]
    licence_spdx: str | None = "CC-BY-4.0"
    spatial: tuple[Area, ...] = ()
    temporal: tuple[str | None, str | None] = (None, None)
    contact: Agent | None = None
    #: Codes of the EU data themes the dataset is about (``DATA_THEMES``).
    themes: tuple[str, ...] = ()
    #: Other pages that describe the same dataset (a repository's record, a Wikidata item).
    same_as: tuple[str, ...] = ()
    #: Works the publisher asks users to cite beside the dataset: a reference or a DOI or URL.
    citations: tuple[str, ...] = ()
    topic_scheme: str = ""
    texts: Path = field(default_factory=Path)
    out: Path = field(default_factory=Path)
    shapes: tuple[Path, ...] = ()
    #: The shapes of its regions that the map draws over the tool's countries (``pages/boundaries.py``).
    regions: Path | None = None

    @property
    def base(self) -> str:
        return self.space.base

    @property
    def config_file(self) -> Path:
        """The collection's configuration, ``collection.yaml``."""
        return self.root / CONFIG_FILE

    @property
    def queries(self) -> Path:
        """The collection's saved SPARQL queries (``NAME.rq``, each with ``NAME.expected.csv``)."""
        return self.root / "queries"

    @property
    def authors(self) -> tuple[Agent, ...]:
        """Who made the dataset: its creators, or its publisher when none are named."""
        return self.creators or ((self.publisher,) if self.publisher else ())

    @property
    def topic_scheme_title(self) -> str:
        return self.topic_scheme or f"Topics of {self.title}"


def licence_names(col: Collection) -> tuple[str, str]:
    """The licence's full and short name: its deed's, its SPDX id, or its IRI."""
    spdx = col.licence_spdx
    if spdx in LICENCE_NAMES:
        return LICENCE_NAMES[spdx]
    return (spdx, spdx) if spdx else (col.licence_iri, col.licence_iri)


def find(start: Path) -> Path:
    """The collection folder holding ``start``: ``start`` itself or its nearest parent with a config."""
    here = Path(start).absolute()
    folder = collection_file.nearest(str(here))
    if folder is not None:
        return Path(folder)
    raise InputError(
        f"no {CONFIG_FILE} in {here} or any folder above it: run inside a collection, give --collection DIR, "
        "or start one with `peacegraph init DIR`"
    )


def nearest() -> Path:
    """The collection the current folder is in (the default of a library's settings): a plain error if none."""
    return find(Path.cwd())


def space_of_release(release: Path) -> Space:
    """The IRIs a built release was made under, from its own ``void.ttl`` (``void:uriSpace``,
    ``void:sparqlEndpoint``, ``dcat:landingPage``): a release can be queried and served without the
    collection it was built from."""
    from pyoxigraph import Literal, NamedNode, RdfFormat

    from .rdf.namespaces import DCAT, VOID
    from .rdf.rdfio import read_triples

    path = Path(release) / "void.ttl"
    if not path.is_file():
        raise InputError(f"{release} is not a release (no void.ttl), and no collection.yaml was found to read it with")
    found: dict[str, str] = {}
    for triple in read_triples(path, RdfFormat.TURTLE):
        predicate = triple.predicate.value
        wanted = predicate in (VOID + "uriSpace", VOID + "sparqlEndpoint", DCAT + "landingPage")
        if wanted and isinstance(triple.object, (NamedNode, Literal)):
            found.setdefault(predicate, triple.object.value)
    ids = found.get(VOID + "uriSpace", "")
    if not ids.endswith("id/"):
        raise InputError("void:uriSpace is missing or does not end in id/", path)
    return Space(
        base=ids.removesuffix("id/"),
        landing_page=found.get(DCAT + "landingPage", ""),
        sparql_endpoint=found.get(VOID + "sparqlEndpoint", ""),
    )


def load(folder: Path) -> Collection:
    """Read and check ``folder/collection.yaml``; every mistake in it is reported at once."""
    folder = Path(folder)
    path = folder / CONFIG_FILE
    if not path.is_file():
        raise InputError(f"{folder} is not a collection: it has no {CONFIG_FILE} (start one with `peacegraph init`)")
    from .records import known
    from .records.yamlsource import read_yaml

    stamp = known.stamp_of([path])
    located = read_yaml(path, display=shown(path))
    if not isinstance(located.data, dict):
        raise InputError(f"{CONFIG_FILE} must be a mapping of keys to values", path, 1)
    remembered = known.recall(_CHECK, stamp)
    licence = _checked(located, remembered)
    if remembered is None:
        known.remember(_CHECK, stamp, [path], "\n".join(part or "" for part in licence))
    return _collection(folder, located.data, licence)


#: What :func:`load` remembers of a collection.yaml it found right (its licence), so that the same file
#: is not checked again: named for the schema it was checked against (and the tool's version).
_CHECK: Final = f"collection-{__version__}-{zlib.crc32(repr(SCHEMA).encode()):08x}"


def _checked(located: Located, remembered: str | None) -> tuple[str, str | None]:
    """The licence of a collection.yaml, checked against the schema; or, for the very file checked before
    (by its stamp), as found then: checking loads jsonschema and the SPDX licence list, 0.1 s a command."""
    if remembered is not None and remembered.count("\n") == 1:
        iri, spdx = remembered.split("\n")
        return iri, spdx or None
    errors = _schema_errors(located)
    errors.extend(_iri_errors(located))
    licence = _licence(located, errors)
    if errors:
        raise MultiInputError(sorted(errors, key=lambda e: (e.line or 0, e.message)))
    return licence


def _collection(folder: Path, data: dict[str, Any], licence: tuple[str, str | None]) -> Collection:
    space = Space(
        base=data["base"],
        landing_page=data.get("landing_page", ""),
        sparql_endpoint=data.get("sparql_endpoint", ""),
        context=data.get("context", ""),
    )
    temporal = data.get("temporal", {})
    return Collection(
        root=folder,
        space=space,
        title=data["title"],
        description=data.get("description", ""),
        keywords=tuple(data.get("keywords", ())),
        languages=tuple(data.get("languages", ("en",))),
        publisher=Agent(**data["publisher"]) if "publisher" in data else None,
        creators=tuple(Agent(**agent) for agent in data.get("creators", ())),
        licence_iri=licence[0],
        licence_spdx=licence[1],
        spatial=tuple(Area(**area) for area in data.get("spatial", ())),
        temporal=(temporal.get("start"), temporal.get("end")),
        contact=Agent(**data["contact"]) if "contact" in data else None,
        themes=tuple(data.get("themes", ())),
        same_as=tuple(data.get("same_as", ())),
        citations=tuple(data.get("citations", ())),
        topic_scheme=data.get("topic_scheme", ""),
        texts=_below(folder, data.get("texts", "texts")),
        out=_below(folder, data.get("out", "out")),
        shapes=tuple(_below(folder, name) for name in data.get("shapes", ())),
        regions=_below(folder, data["map"]["regions"]) if "regions" in data.get("map", {}) else None,
    )


def shown(path: Path) -> Path:
    """``path`` as a person names it: relative to the working folder when it is inside it."""
    try:
        return path.absolute().relative_to(Path.cwd())
    except ValueError:
        return path


def _below(folder: Path, relative: str) -> Path:
    """``relative`` resolved against the collection's folder, tidied (``seeds/../out`` is ``out``)."""
    return Path(os.path.normpath(folder / relative))


def _schema_errors(located: Located) -> list[InputError]:
    if passes(SCHEMA, located.data):
        return []
    from .records.schemacheck import Validator

    errors = []
    for error in Validator(SCHEMA).iter_errors(located.data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            schema = error.schema
            allowed = list(schema.get("properties", {})) if isinstance(schema, Mapping) else []
            for key in sorted(set(error.instance) - set(allowed)):
                line = located.line((*path, key))
                errors.append(InputError(_unknown_key(key, allowed), located.file, line))
            continue
        errors.append(InputError(_message(path, error), located.file, located.line(path)))
    return errors


def _iri_errors(located: Located) -> list[InputError]:
    """The IRIs of the file that have the form the schema asks for but that RDF does not read as IRIs (a bad
    percent escape, a ``[`` in the host): each would otherwise stop a build halfway, where it is written."""
    errors = []

    def walk(schema: Mapping[str, Any], value: object, path: tuple[str | int, ...]) -> None:
        pattern = schema.get("pattern")
        if isinstance(value, str) and pattern in (_IRI, _BASE) and re.fullmatch(pattern, value):
            error = _iri_error(value)
            if error is not None:
                errors.append(_not_an_iri(located, path, value, error))
        elif isinstance(value, dict):
            properties = schema.get("properties", {})
            for key, inner in value.items():
                if key in properties:
                    walk(properties[key], inner, (*path, key))
        elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
            for index, inner in enumerate(value):
                walk(schema["items"], inner, (*path, index))

    walk(SCHEMA, located.data, ())
    return errors


def _not_an_iri(located: Located, path: tuple[str | int, ...], value: str, error: str) -> InputError:
    where = "/".join(map(str, path))
    expected = _EXPECTED.get(str(path[-1]), "an IRI such as https://example.org/page")
    return InputError(
        f"{where}: {value!r} is not a valid IRI ({error}); it must be {expected}", located.file, located.line(path)
    )


def _iri_error(text: str) -> str | None:
    """Why RDF does not read ``text`` as an IRI (Oxigraph's parser says), or None if it does."""
    try:
        NamedNode(text)
    except ValueError as error:
        return str(error)
    return None


def _unknown_key(key: object, allowed: list[str]) -> str:
    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f" — did you mean `{close[0]}`?" if close else f"; the keys are {', '.join(allowed)}"
    return f"unknown key `{key}`{hint}"


def _message(path: tuple[str | int, ...], error: Any) -> str:
    where = "/".join(str(p) for p in path) or "top level"
    key = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
    if error.validator == "required":
        return f"{where}: {error.message}"
    if error.validator in {"pattern", "type", "minLength", "enum"} and key in _EXPECTED:
        return f"{where}: {error.instance!r} is not {_EXPECTED[key]}"
    if error.validator == "pattern" and key in {"iri", "url", "landing_page", "sparql_endpoint", "context", "same_as"}:
        return f"{where}: {error.instance!r} is not an absolute http(s) IRI"
    if error.validator == "pattern" and key in {"texts", "out", "regions"}:
        return f"{where}: {error.instance!r} must be a path relative to the collection folder"
    return f"{where}: {error.message}"


def _licence(located: Located, errors: list[InputError]) -> tuple[str, str | None]:
    """The licence's IRI and SPDX id (when it has one) from an SPDX id or an IRI."""
    value = located.data.get("licence", "CC-BY-4.0") if isinstance(located.data, dict) else "CC-BY-4.0"
    if not isinstance(value, str):
        return LICENCE_DEEDS["CC-BY-4.0"], "CC-BY-4.0"
    if re.fullmatch(_IRI, value):
        error = _iri_error(value)
        if error is not None:
            errors.append(_not_an_iri(located, ("licence",), value, error))
            return LICENCE_DEEDS["CC-BY-4.0"], "CC-BY-4.0"
        spdx = next((spdx for spdx, deed in LICENCE_DEEDS.items() if deed == value), None)
        if spdx is None and value.startswith(SPDX_LICENSE_PAGE):
            spdx = _spdx_id(value.removeprefix(SPDX_LICENSE_PAGE).removesuffix(".html"))
        return value, spdx
    spdx = _spdx_id(value)
    if spdx is None:
        errors.append(
            InputError(f"licence: {value!r} is not {_EXPECTED['licence']}", located.file, located.line(("licence",)))
        )
        return LICENCE_DEEDS["CC-BY-4.0"], "CC-BY-4.0"
    return LICENCE_DEEDS.get(spdx, SPDX_LICENSE_PAGE + spdx), spdx


def _spdx_id(text: str) -> str | None:
    """``text`` as the SPDX licence id it names (case as SPDX writes it), or None if it names none."""
    return _spdx_ids().get(text.lower())


@functools.cache
def _spdx_ids() -> dict[str, str]:
    from license_expression import get_spdx_licensing

    symbols = get_spdx_licensing().known_symbols
    return {
        key.lower(): symbol.key
        for key, symbol in symbols.items()
        if not symbol.is_exception and not key.startswith("LicenseRef-")
    }
