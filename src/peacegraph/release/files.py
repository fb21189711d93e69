"""The names of a release's files, and where a built release's dump is.

Kept apart from ``outdir`` (which writes releases) so that what only reads a release, ``query``
and ``serve``, imports nothing but this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from ..errors import InputError
from ..rdf.formats import Format

DUMP_STEM: Final = "peacegraph"
CONTEXT_FILE: Final = "context.jsonld"
ONTOLOGY_FILE: Final = "ontology.ttl"
SHAPES_FILE: Final = "shapes.ttl"
# The metadata files (``metadata.py`` writes them).
VOID_FILE: Final = "void.ttl"
SCHEMA_ORG_FILE: Final = "dataset.jsonld"
CHECKSUMS_FILE: Final = "SHA256SUMS"
# The citation and deposit files (``citation.py`` writes them).
CFF_FILE: Final = "CITATION.cff"
DATACITE_FILE: Final = "datacite.json"
RO_CRATE_FILE: Final = "ro-crate-metadata.json"
#: The shapes of the collection's regions that its map draws, when it has any (``pages/boundaries.py``).
REGIONS_FILE: Final = "regions.json"


def gzip_name(stem: str) -> str:
    """The gzipped N-Triples dump beside the plain one."""
    return Format.NTRIPLES.dump_name(stem) + ".gz"


def dump_path(out: Path, fmt: Format = Format.NTRIPLES) -> Path:
    """The dump of a built release in ``fmt``, or an error telling the user to build first."""
    path = Path(out) / fmt.dump_name(DUMP_STEM)
    if not path.exists():
        raise InputError("no dump here; run `peacegraph build` first", path)
    return path
