"""Redirect rules that register a collection's base with w3id.org (``peacegraph w3id``).

w3id.org is run from a public repository of Apache httpd rules: each base is a folder named after its
path, holding an ``.htaccess``. The rules written here send each identifier, with ``303 See Other``,
to the document in the format its ``Accept`` header names on the host where ``peacegraph site``'s
output is published (the same rules as the site's own ``.htaccess``), and every other path to the same
path there, so that they work with a static host that runs no rules of its own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from ..errors import InputError

__all__ = ["InputError", "folder", "htaccess", "site_url", "write"]
from .site import see_other_rules

W3ID: Final = "https://w3id.org/"
#: Letters that mean nothing to mod_rewrite in a substitution (no ``$``, ``%``, ``\\``, spaces, query or fragment).
_SITE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~!&'()*+,;=:@/-]*)?")


def folder(base: str) -> str:
    """The folder of w3id.org's repository that serves ``base`` (``https://w3id.org/a/b/`` is ``a/b``)."""
    path = base.removeprefix(W3ID)
    if path == base or not path.endswith("/") or not path.strip("/"):
        raise InputError(f"the collection's base {base} is not a folder of {W3ID} (such as {W3ID}NAME/)")
    return path.strip("/")


def site_url(url: str) -> str:
    """``url``, checked to be an http(s) URL without query or fragment, ending with ``/``."""
    if not _SITE_URL.fullmatch(url):
        raise InputError(f"--site-url {url!r} is not an http(s) URL of the folder the site is published in")
    return url if url.endswith("/") else url + "/"


def htaccess(base: str, url: str) -> str:
    """The rules for ``base``'s folder in w3id.org's repository, redirecting to the site at ``url``."""
    rules = [
        f"# {base} -> {url}, the static site written by `peacegraph site`.",
        "# Written by `peacegraph w3id`. Each identifier answers 303 See Other with the document in the",
        "# format its Accept header names, else its HTML page; every other path goes to the same path there.",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "",
        *see_other_rules(url),
        "",
        "# Everything else (the release files, the lists, the pages): the same path on the site.",
        f"RewriteRule ^(.*)$ {url}$1 [R=302,L]",
    ]
    return "\n".join(rules) + "\n"


def write(base: str, url: str, out: Path) -> Path:
    """Write the rules into ``out``/<base's folder>/.htaccess; return the file written."""
    target = out / folder(base) / ".htaccess"
    text = htaccess(base, site_url(url))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
