"""The text of a raw document: plain text, Markdown, HTML (main content) or PDF (text layer).

The text is normalized once (line endings to ``\\n``, Unicode NFC, no byte-order mark, no control
characters but tab, newline and form feed), and that exact text becomes the seed file that quote
offsets count in. Whatever cannot be read as a document is refused with an :class:`InputError`.
"""

from __future__ import annotations

import io
import logging
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..errors import InputError
from ..records.limits import MAX_SOURCE_BYTES, MIB, read_bounded, utf8_line

#: The largest raw file drafted (a PDF or an HTML page carries much more than its text).
MAX_DRAFT_BYTES: Final = 32 * MIB
SUFFIXES: Final = (".txt", ".md", ".html", ".htm", ".pdf")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BLANK_RUNS = re.compile(r"\n{4,}")


@dataclass(frozen=True)
class Extracted:
    text: str
    kind: str  # "text", "html" or "pdf"


def normalize(text: str) -> str:
    """Line endings ``\\n``, NFC, no BOM, no control characters except tab, newline and form feed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub("", text)


def read(path: Path) -> Extracted:
    """The normalized text of ``path``, or an InputError naming it."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"cannot draft a {suffix or 'suffix-less'} file; give .txt, .md, .html or .pdf", path)
    raw = read_bounded(path, MAX_DRAFT_BYTES, file=path)
    if not raw.strip():
        raise InputError("the file is empty", path)
    if suffix == ".pdf":
        extracted = Extracted(_pdf_text(raw, path), "pdf")
    elif suffix in (".html", ".htm"):
        extracted = Extracted(_html_text(_decode(raw, path), path), "html")
    else:
        extracted = Extracted(normalize(_decode(raw, path)), "text")
    if not extracted.text.strip():
        raise InputError("no text in the file", path)
    if len(extracted.text.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise InputError(f"the text is larger than the limit of {MAX_SOURCE_BYTES // MIB} MiB for a seed text", path)
    return extracted


def _decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw:
        raise InputError("a binary file (it holds NUL bytes), not text", path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # no fallback to other encodings: a guessed encoding would put wrong characters into quotes
        raise InputError(
            "not valid UTF-8 (a binary file, or text in another encoding)", path, utf8_line(raw, exc)
        ) from None


def _html_text(html: str, path: Path) -> str:
    """The main content of a page (trafilatura) as plain text, one line per heading, paragraph and list
    item (never Markdown, whose escapes such as ``1\\.`` would end up in quotes); the page's title first
    when the content does not start with it."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    body = trafilatura.extract(
        html, output_format="txt", include_comments=False, include_tables=True, favor_recall=True
    )
    if not body or not body.strip():
        raise InputError("no main content found in the HTML page", path)
    body = normalize(body).strip()
    metadata = trafilatura.extract_metadata(html)
    title = (metadata.title or "").strip() if metadata is not None else ""
    if title and title not in body:
        body = f"{title}\n\n{body}"
    return _BLANK_RUNS.sub("\n\n\n", body) + "\n"


def _layout(page: str) -> str:
    """A page's text as laid out (blank lines kept, which plain extraction loses), without the margins."""
    lines = [line.rstrip() for line in normalize(page).split("\n")]
    text = textwrap.dedent("\n".join(lines)).strip("\n")
    return _BLANK_RUNS.sub("\n\n\n", text)


def _pdf_text(raw: bytes, path: Path) -> str:
    """The text layer of every page (pypdf, in layout mode), pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise InputError("the PDF is encrypted", path)
        pages = [_layout(page.extract_text(extraction_mode="layout") or "") for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise InputError(f"not a readable PDF ({type(exc).__name__})", path) from None
    if not any(page.strip() for page in pages):
        raise InputError(
            f"the PDF has no text layer ({len(pages)} page(s) of images?); peacegraph does no OCR: "
            "run OCR first (e.g. ocrmypdf) or give the text",
            path,
        )
    return "\n\n".join(pages).rstrip("\n") + "\n"
