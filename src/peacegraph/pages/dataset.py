"""The dataset's own page: version, issue date, licence, statistics, every file with its size and
SHA-256, the SPARQL endpoint, the changelog, and how to cite it (a citation, BibTeX, CSL-JSON).

It is read from the release itself: ``dataset.jsonld`` (the schema.org ``Dataset``, embedded in the
page as it is), ``void.ttl`` (the statistics), ``SHA256SUMS`` (the checksums) and the files' sizes
on disk; nothing is computed twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import markdown
from pyoxigraph import Literal, NamedNode, RdfFormat

from ..rdf import rdfio
from ..rdf.namespaces import VOID, active
from ..release.metadata import CHECKSUMS_FILE, SCHEMA_ORG_FILE, VOID_FILE
from .links import Published

CHANGELOG_LIMIT = 20_000  # characters of the changelog shown on the page


@dataclass(frozen=True)
class Download:
    name: str
    size: int
    sha256: str
    description: str

    @property
    def group(self) -> str:
        """Which of the page's groups the file is in: the dataset itself, its tables, or about it."""
        if self.name.startswith("tables/"):
            return "Tables"
        return "Dumps" if self.name.startswith(DUMP_STEM) else "Model and metadata"

    @property
    def human_size(self) -> str:
        return human_size(self.size)


#: The dumps of the dataset are ``<stem>.<extension>``.
DUMP_STEM = "peacegraph."
GROUPS = ("Dumps", "Tables", "Model and metadata")


def human_size(size: int) -> str:
    """A size as people read it (decimal units, as file managers show them): ``3.6 MB``, ``812 bytes``."""
    if size < 1000:
        return f"{size} bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 999.95:
            return f"{value:.1f} {unit}"
    return f"{value / 1000:.1f} TB"


@dataclass(frozen=True)
class Citation:
    """How to cite the release, in the forms reference managers read."""

    text: str
    bibtex: str
    csl_json: str
    ris: str
    author: str = ""
    title: str = ""
    version: str = ""
    iri: str = ""
    year: str = ""

    def page_bibtex(self, name: str, iri: str) -> str:
        """BibTeX for one page of the release: the entity's name as title, the release as the work it is in."""
        key = re.sub(
            r"[^A-Za-z0-9]+", "_", iri.rstrip("/").rsplit("/", 2)[-2] + "_" + iri.rstrip("/").rsplit("/", 1)[-1]
        )
        fields = [
            f"  author = {{{{{bibtex_text(self.author)}}}}},",
            f"  title = {{{{{bibtex_text(name)}}}}},",
            f"  howpublished = {{In: {bibtex_text(self.title)} (Version {bibtex_text(self.version)}) [Data set]}},",
            f"  year = {{{self.year}}},",
            f"  url = {{{iri}}},",
        ]
        return "\n".join([f"@misc{{{key},", *fields, "}"])


@dataclass
class DatasetView:
    title: str
    description: str
    version: str
    issued: str
    license: str
    landing: str
    version_iri: str
    coverage: str
    endpoint: str = ""
    statistics: list[tuple[str, str]] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    changelog: str = ""  # the changelog as HTML
    citation: Citation | None = None
    schema_org: object = None

    def grouped(self) -> list[tuple[str, list[Download]]]:
        return [(group, [d for d in self.downloads if d.group == group]) for group in GROUPS]


DESCRIPTIONS = {
    "peacegraph.ttl": "the dataset in Turtle",
    "peacegraph.nt": "the dataset in N-Triples",
    "peacegraph.jsonld": "the dataset in JSON-LD",
    "context.jsonld": "the JSON-LD context of the dataset",
    "ontology.ttl": "the ontology (Turtle)",
    "shapes.ttl": "the SHACL shapes the data conforms to (Turtle)",
    "void.ttl": "the VoID and DCAT description of this release (Turtle)",
    "dataset.jsonld": "the schema.org Dataset description of this release",
    "SHA256SUMS": "the SHA-256 of every other file (sha256sum -c SHA256SUMS)",
    "peacegraph.nt.gz": "the dataset in N-Triples, gzipped, for bulk loaders",
    "CITATION.cff": "how to cite this release (Citation File Format)",
    "datacite.json": "the DataCite metadata of this release, for a DOI deposit",
    "ro-crate-metadata.json": "the RO-Crate description of this release",
}


def changelog_of(release: Path) -> Path:
    """The changelog of a release: ``CHANGELOG.md`` beside its folder (as ``out/`` is in the repository)."""
    return release.resolve().parent / "CHANGELOG.md"


def dataset_view(release: Path, changelog: Path | None, counts: dict[str, int]) -> DatasetView:
    """The view of the release in ``release``; ``counts`` are the identifiers per kind (from the pages)."""
    schema_org = _json(release / SCHEMA_ORG_FILE)
    version = str(schema_org.get("version", "")) or "0.0.0"
    view = DatasetView(
        title=str(schema_org.get("name", "peacegraph")),
        description=str(schema_org.get("description", "")),
        version=version,
        issued=str(schema_org.get("datePublished", "")),
        license=str(schema_org.get("license", "")),
        landing=str(schema_org.get("url", "")),
        version_iri=str(schema_org.get("@id", active().dataset)),
        coverage=str(schema_org.get("temporalCoverage", "")).replace("/", " to "),
        endpoint=active().sparql_endpoint,
        schema_org=schema_org,
    )
    view.statistics = _statistics(release / VOID_FILE, counts)
    view.downloads = _downloads(release)
    view.changelog = changelog_html(changelog)
    view.citation = citation_of(view, schema_org)
    return view


def published(release: Path) -> Published:
    """What the pages of ``release`` say of its dataset: title, description and licence."""
    schema_org = _json(release / SCHEMA_ORG_FILE)
    licence = str(schema_org.get("license", ""))
    return Published(
        title=str(schema_org.get("name", "")) or Published.title,
        description=str(schema_org.get("description", "")),
        licence=licence,
        licence_name=licence_name(licence),
    )


def licence_name(licence: str) -> str:
    """The short name of a licence given by its IRI (``CC BY 4.0`` for its deed), or the IRI itself."""
    from ..collection import LICENCE_DEEDS, LICENCE_NAMES

    spdx = next((key for key, deed in LICENCE_DEEDS.items() if deed == licence), None)
    return LICENCE_NAMES[spdx][1] if spdx in LICENCE_NAMES else licence


#: What BibTeX (and LaTeX, which typesets its fields) reads as markup, and how each is written as text.
_BIBTEX_SPECIAL: Final = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_PATTERN: Final = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))


def bibtex_text(text: str) -> str:
    """``text`` as a BibTeX field reads it back: LaTeX's special characters escaped (``AT&T`` → ``AT\\&T``)."""
    return _BIBTEX_PATTERN.sub(lambda m: _BIBTEX_SPECIAL[m.group()], text)


def citation_of_release(release: Path) -> Citation:
    """How to cite a release, from its ``dataset.jsonld`` alone (for the "cite this page" of every page)."""
    schema_org = _json(release / SCHEMA_ORG_FILE)
    view = DatasetView(
        title=str(schema_org.get("name", "peacegraph")),
        description="",
        version=str(schema_org.get("version", "")) or "0.0.0",
        issued=str(schema_org.get("datePublished", "")),
        license=str(schema_org.get("license", "")),
        landing="",
        version_iri=str(schema_org.get("@id", active().dataset)),
        coverage="",
    )
    return citation_of(view, schema_org)


def _json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _statistics(void: Path, counts: dict[str, int]) -> list[tuple[str, str]]:
    wanted = {VOID + "triples": "Triples", VOID + "entities": "Entities", VOID + "classes": "Classes"}
    wanted[VOID + "properties"] = "Properties"
    found: dict[str, str] = {}
    if void.is_file():
        for triple in rdfio.read_triples(void, RdfFormat.TURTLE):
            subject, obj = triple.subject, triple.object
            if (
                triple.predicate.value in wanted
                and isinstance(subject, NamedNode)
                and re.fullmatch(re.escape(active().dataset) + r"/[^/]+", subject.value)  # the version, not a partition
                and isinstance(obj, Literal)
                and obj.value.isdigit()
            ):
                found[wanted[triple.predicate.value]] = f"{int(obj.value):,}"
    rows = [(label, found[label]) for label in wanted.values() if label in found]
    return rows + [(title, f"{count:,}") for title, count in counts.items()]


def _downloads(release: Path) -> list[Download]:
    """Every file ``SHA256SUMS`` lists (the tables in their folder too), then ``SHA256SUMS`` itself."""
    sums: dict[str, str] = {}
    sums_path = release / CHECKSUMS_FILE
    if sums_path.is_file():
        for line in sums_path.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            sums[name.strip()] = digest
    names = [name for name in sorted(sums) if (release / name).is_file()]
    if sums_path.is_file():
        names.append(CHECKSUMS_FILE)
    return [Download(name, (release / name).stat().st_size, sums.get(name, ""), _describe(name)) for name in names]


def _describe(name: str) -> str:
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    if name.endswith("-metadata.json"):
        return "its CSV on the Web description: columns, datatypes, and how each row maps to RDF"
    if name.endswith(".csv"):
        return "a table for spreadsheets (CSV, UTF-8), one row per thing"
    return ""


def changelog_html(path: Path | None) -> str:
    """The changelog rendered from its Markdown (Python-Markdown, tables included), without its
    first heading (the page has its own) and with raw HTML shown as text, not run."""
    if path is None or not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")[:CHANGELOG_LIMIT]
    text = re.sub(r"\A# [^\n]*\n", "", text)
    md = markdown.Markdown(extensions=["tables", "toc"], extension_configs={"toc": {"baselevel": 2}})
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return str(md.convert(text))


def citation_of(view: DatasetView, schema_org: dict[str, object]) -> Citation:
    creator = schema_org.get("creator")
    author = (
        str(creator.get("name", "The peacegraph project")) if isinstance(creator, dict) else "The peacegraph project"
    )
    author = author[:1].upper() + author[1:]
    year = view.issued[:4] or "n.d."
    text = f"{author} ({year}). {view.title} (Version {view.version}) [Data set]. {view.version_iri}"
    key = f"peacegraph_{view.version.replace('.', '_')}"
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            f"  author = {{{{{bibtex_text(author)}}}}},",
            f"  title = {{{{{bibtex_text(view.title)}}}}},",
            f"  year = {{{year}}},",
            f"  version = {{{bibtex_text(view.version)}}},",
            f"  url = {{{view.version_iri}}},",
            f"  note = {{Data set, licensed under {bibtex_text(licence_name(view.license))}}}",
            "}",
        ]
    )
    csl: dict[str, object] = {
        "id": key,
        "type": "dataset",
        "title": view.title,
        "author": [{"literal": author}],
        "version": view.version,
        "URL": view.version_iri,
    }
    if view.issued:
        csl["issued"] = {"date-parts": [[int(part) for part in view.issued.split("-")]]}
    ris = ris_record(author=author, title=view.title, year=year, version=view.version, url=view.version_iri)
    csl_json = json.dumps([csl], indent=2, ensure_ascii=False)
    return Citation(text, bibtex, csl_json, ris, author, view.title, view.version, view.version_iri, year)


def ris_record(*, author: str, title: str, year: str, version: str, url: str, kind: str = "DATA") -> str:
    """A RIS record (the tagged format of EndNote, Zotero and Mendeley): ``TY`` first, ``ER`` last."""
    lines = [f"TY  - {kind}", f"AU  - {author}", f"TI  - {title}"]
    lines += [f"PY  - {year}"] if year.isdigit() else []
    lines += [f"ET  - {version}", f"UR  - {url}", "ER  - "]
    return "\r\n".join(lines) + "\r\n"
