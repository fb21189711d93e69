"""Pages and files that travel well: compressed, with validators and caching headers.

A release never changes under its version, so every page and file ``serve`` answers is the same
until the server is started on another release. :class:`Validators` gives each ``200`` answer to a
``GET`` an ``ETag`` (weak, from the SHA-256 of its body, so that it holds for the compressed and the
plain form alike) and a ``Cache-Control`` that lets a client keep it for an hour and then revalidate
it for a ``304 Not Modified``; :class:`Compressed` gzips text answers for clients that accept it
(Starlette's ``GZipMiddleware``, which leaves images and gzipped files alone).

Both leave the SPARQL protocol and the reconciliation service alone (``SKIP``): their answers
depend on the request, and the transport has its own fast path for them.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Paths whose answers are not pages or files of the release.
SKIP = ("/sparql", "/reconcile")
CACHE_CONTROL = "public, max-age=3600"
#: Answers shorter than this are sent as they are: gzip would save less than its own header costs.
MINIMUM_SIZE = 500


def _ours(scope: Scope) -> bool:
    return scope["type"] == "http" and not str(scope["path"]).startswith(SKIP)


class Compressed:
    """Gzip for text answers of pages and files, when the client accepts it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MINIMUM_SIZE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _ours(scope):
            await self.app(scope, receive, send)
            return

        async def weakened(message: Message) -> None:
            """A strong ETag (a file's) made weak once gzip has changed the bytes (RFC 9110 §8.8.1):
            the compressed and the plain bytes are not the same, and a client or cache that resumes
            or combines ranges (``If-Range``) must not join one to the other."""
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                etag = headers.get("etag")
                if etag and not etag.startswith("W/") and headers.get("content-encoding") == "gzip":
                    headers["etag"] = "W/" + etag
            await send(message)

        await self.gzip(scope, receive, weakened)


class Validators:
    """``ETag`` and ``Cache-Control`` on the ``200`` answers to ``GET``, and ``304`` when the client has it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _ours(scope) or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        await _Answer(scope, send).run(self.app, receive)


class _Answer:
    """One answer, held until its body is complete so that its ETag can be computed."""

    def __init__(self, scope: Scope, send: Send) -> None:
        self.scope, self.send = scope, send
        self.start: Message | None = None
        self.body = bytearray()
        self.passing = False

    async def run(self, app: ASGIApp, receive: Receive) -> None:
        await app(self.scope, receive, self.capture)

    async def capture(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if message["status"] == 200 and "cache-control" not in headers:
                headers["cache-control"] = CACHE_CONTROL
            # a HEAD has no body to hash, and a file already sent with its own ETag keeps it
            self.passing = message["status"] != 200 or "etag" in headers or self.scope["method"] == "HEAD"
            if self.passing:
                await self.send(message)
            else:
                self.start = message
            return
        if self.passing or message["type"] != "http.response.body":
            await self.send(message)
            return
        self.body.extend(message.get("body", b""))
        if not message.get("more_body", False):
            await self._finish()

    async def _finish(self) -> None:
        assert self.start is not None
        etag = 'W/"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'
        headers = MutableHeaders(scope=self.start)
        headers["etag"] = etag
        wanted = Headers(scope=self.scope).get("if-none-match", "")
        if etag in (tag.strip() for tag in wanted.split(",")) or wanted.strip() == "*":
            kept = [(k, v) for k, v in headers.raw if k not in (b"content-length", b"content-type")]
            await self.send({"type": "http.response.start", "status": 304, "headers": kept})
            await self.send({"type": "http.response.body", "body": b""})
            return
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": bytes(self.body)})
