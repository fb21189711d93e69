"""``peacegraph init``: a new collection, ready to draft into and build.

It writes the configuration (a comment on every key), the folders for texts and records, a README
that says how to add a document and release, ``.gitignore``, ``.gitattributes`` and a CI example.
A folder that already holds files is refused, unless it is already a collection (nothing changes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from . import collection
from .errors import InputError, MultiInputError

CI_FILE: Final = ".github/workflows/peacegraph.yml"


@dataclass(frozen=True)
class Answers:
    base: str
    title: str
    description: str | None = None
    publisher: str | None = None
    licence: str = "CC-BY-4.0"


def _scalar(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def config_text(answers: Answers) -> str:
    """``collection.yaml`` with every key explained; optional keys the user did not give stay comments."""
    description = answers.description or f"Documents of {answers.title}, published as linked data."
    publisher = (
        f"publisher:\n  name: {_scalar(answers.publisher)}\n  # iri: https://example.org/  (or ror: / orcid:)\n"
        if answers.publisher
        else "# publisher:\n#   name: Your organization\n#   ror: 05dxps055\n"
    )
    return f"""# A peacegraph collection: `peacegraph check`, `build`, `serve` and `release` read this file.
# Keys you do not need can stay commented out; `peacegraph check` names any mistake with its line.

# Base IRI of every identifier (an absolute http(s) IRI ending in / or #). Identifiers are
# BASE id/KIND/KEY and never change meaning once released: choose a base you can keep.
base: {_scalar(answers.base)}

# The dataset's title and description, as catalogues and citations show them.
title: {_scalar(answers.title)}
description: {_scalar(description)}

# Words a catalogue search should find it by.
keywords: []
# EU data themes European portals file it under (DCAT-AP's dcat:theme), of:
# {" ".join(collection.DATA_THEMES)}
# themes: [SOCI]

# Languages of the documents (BCP 47 tags).
languages: [en]

# Who publishes the dataset, and who made it (people with an ORCID, organizations with a ROR id).
{publisher}# creators:
#   - name: A. Curator
#     orcid: 0000-0002-1825-0097

# The data's licence: an SPDX id (CC-BY-4.0, CC0-1.0, ODbL-1.0, ...) or the licence's IRI.
licence: {_scalar(answers.licence)}

# Places the collection covers; a Wikidata item id links each (never guess one).
# spatial:
#   - name: A region
#     wikidata: Q123

# Where people land, where the SPARQL endpoint and the JSON-LD context will be on the web
# (default: the base, BASE sparql and BASE context.jsonld).
# landing_page: https://example.org/
# sparql_endpoint: https://example.org/sparql
# Whom data portals tell users to ask about the dataset (DCAT's contact point).
# contact:
#   name: The curators
#   email: curators@example.org

# Other pages describing the same dataset, and works to cite beside it (schema.org sameAs, citation).
# same_as: [https://www.wikidata.org/wiki/Q123]
# citations: ["A. Curator (2024). The collection, explained. https://doi.org/10.1234/abcd"]

# Title of the collection's own topic scheme (SKOS), whose topics are records in records/.
# topic_scheme: Topics of this collection

# Folders, relative to this file: source texts and the built release (records are in records/);
# extra SHACL shapes (Turtle files) checked in addition to peacegraph's own, which they never replace.
texts: texts
out: out
# shapes: [shapes/extra.ttl]

# The map draws countries (Natural Earth, shipped with peacegraph); finer shapes, such as a country's
# regions, are the collection's: a JSON file that `scripts/natural-earth.py --regions-file` writes.
# map:
#   regions: geo/regions.json
"""


def readme_text(answers: Answers) -> str:
    return f"""# {answers.title}

A [peacegraph](https://w3id.org/peacegraph/) collection: source texts in `texts/`, curated records in
`records/`, the release that `peacegraph build` writes in `out/`.

## Add a document

    peacegraph draft path/to/statement.html     # copies its text into texts/, drafts records/KEY.yaml
    peacegraph check                            # lists every review note and mistake, with file:line

Review each drafted value, remove its `review:` note, and run `peacegraph check` again.

## Build, look, release

    peacegraph build                # validates and writes out/ (Turtle, JSON-LD, N-Triples, tables, metadata)
    peacegraph serve                # pages for every identifier and a SPARQL endpoint on 127.0.0.1:8000
    peacegraph release 1.0.0        # stamps out/ as 1.0.0 once no review note is left; commit it
"""


#: The reviewed Wikidata links (``wikidata:`` in a record needs a verified row here, with its evidence).
WIKIDATA_HEADER: Final = "key,label,qid,status,evidence\n"
GITIGNORE: Final = "# peacegraph's caches; out/ is the release and is committed\n.cache/\n"
GITATTRIBUTES: Final = (
    "# Texts and records are compared byte for byte: no line-ending conversion.\n"
    "texts/** -text\nrecords/** text eol=lf\nout/** -text\n"
)
CI_TEXT: Final = """# Checks every change: the records load and conform, and the release builds.
name: peacegraph
on: [push, pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install peacegraph
      - run: peacegraph check
      - run: peacegraph build --quiet
      - run: git diff --exit-code out/  # the committed release is what the records build
"""


def files(answers: Answers) -> dict[str, str]:
    """What a new collection holds, by path below its folder."""
    return {
        collection.CONFIG_FILE: config_text(answers),
        "README.md": readme_text(answers),
        ".gitignore": GITIGNORE,
        ".gitattributes": GITATTRIBUTES,
        CI_FILE: CI_TEXT,
        "wikidata.csv": WIKIDATA_HEADER,
        "texts/.gitkeep": "",
        "records/.gitkeep": "",
    }


def init(folder: Path, answers: Answers) -> list[str]:
    """Write a new collection into ``folder``; the names written, or none if it already is one."""
    folder = Path(folder)
    if (folder / collection.CONFIG_FILE).is_file():
        collection.load(folder)  # a broken configuration is reported, not silently kept
        return []
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError("not an empty folder and not a collection; init writes only into a new or empty one", folder)
    made = files(answers)
    _check(folder, made[collection.CONFIG_FILE])
    for name, text in made.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(name for name in made if not name.endswith(".gitkeep"))


def _check(folder: Path, config: str) -> None:
    """The configuration about to be written must load: a bad --base or --licence is refused first."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / collection.CONFIG_FILE).write_text(config, encoding="utf-8")
        try:
            collection.load(Path(scratch))
        except (InputError, MultiInputError) as error:
            found = error.errors if isinstance(error, MultiInputError) else [error]
            problems = "; ".join(each.message for each in found)
            raise InputError(f"{problems} (check --base, --title and --licence)", folder) from None
