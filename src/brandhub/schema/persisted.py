"""Automatic persisted queries (Apollo's protocol) and HTTP caching of public reads.

A client sends ``extensions.persistedQuery = {version: 1, sha256Hash}`` without the
document; the server answers ``PersistedQueryNotFound`` until the client retries once with
the document, which the server keeps (by hash, once it parsed and validated) so every later
request sends the hash alone. Parsing and validation are cached by document text, so a
persisted operation skips both. With Redis, documents are shared by every process.

Anonymous GETs of persisted queries are public reads: answered with an ``ETag`` and a short
public ``Cache-Control``, and ``304`` on a matching ``If-None-Match``. Anything sent with a
credential is ``private, no-store``.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("brandhub.persisted")

NOT_FOUND = "PersistedQueryNotFound"
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
# Set on the request's scope while it runs: the hash of the persisted document it names.
SCOPE_KEY = "brandhub.persisted"
REDIS_TTL_SECONDS = 7 * 24 * 3600
PRIVATE = "private, no-store"


class HashMismatch(ValueError):
    """The document sent does not have the SHA-256 the request claims."""


def requested_hash(extensions: dict[str, Any] | None) -> str | None:
    """The SHA-256 a request names in ``extensions.persistedQuery`` (None when it names none)."""
    persisted = (extensions or {}).get("persistedQuery")
    if not isinstance(persisted, dict):
        return None
    digest = persisted.get("sha256Hash")
    return digest.lower() if isinstance(digest, str) else None


def digest_of(document: str) -> str:
    """The SHA-256 (hex) of a document's UTF-8 text, as clients compute it."""
    return hashlib.sha256(document.encode()).hexdigest()


def not_found_error() -> GraphQLError:
    """What a client that sent an unknown hash gets: it retries with the document."""
    return GraphQLError(NOT_FOUND, extensions={"code": NOT_FOUND_CODE})


class PersistedDocuments:
    """Documents by SHA-256: a bounded in-process LRU, backed by Redis when configured."""

    def __init__(self, maxsize: int = 2048) -> None:
        self.maxsize = maxsize
        self._documents: OrderedDict[str, str] = OrderedDict()

    @staticmethod
    def _key(namespace: str, digest: str) -> str:
        return f"{namespace}:apq:{digest}"

    async def get(self, digest: str, redis: Any = None, namespace: str = "brandhub") -> str | None:
        """The document with this hash, if this process or (with Redis) any process keeps it."""
        document = self._documents.get(digest)
        if document is not None:
            self._documents.move_to_end(digest)
            return document
        if redis is None:
            return None
        try:
            stored = await redis.get(self._key(namespace, digest))
        except Exception:  # Redis down: the client sends the document again, nothing lost
            log.warning("reading a persisted document from Redis failed", exc_info=True)
            return None
        if stored is None:
            return None
        document = stored.decode() if isinstance(stored, bytes) else str(stored)
        self._remember(digest, document)
        return document

    async def put(
        self, digest: str, document: str, redis: Any = None, namespace: str = "brandhub"
    ) -> None:
        """Keep a document that parsed and validated."""
        if digest_of(document) != digest:
            raise HashMismatch(digest)
        known = digest in self._documents
        self._remember(digest, document)
        if redis is not None and not known:
            try:
                await redis.set(self._key(namespace, digest), document, ex=REDIS_TTL_SECONDS)
            except Exception:  # Redis down: this process keeps it; others ask for it again
                log.warning("keeping a persisted document in Redis failed", exc_info=True)

    def _remember(self, digest: str, document: str) -> None:
        self._documents[digest] = document
        self._documents.move_to_end(digest)
        while len(self._documents) > self.maxsize:
            self._documents.popitem(last=False)


def etag_of(body: bytes) -> str:
    """A strong validator of a response body."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (or ``*``)."""
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


def cache_headers(
    request: Request, response: Response, *, credential: str, public_seconds: int
) -> Response:
    """Give a GraphQL HTTP response its caching headers; 304 for a matching public GET."""
    if credential:
        response.headers["cache-control"] = PRIVATE
        return response
    public = (
        request.method == "GET"
        and request.scope.get(SCOPE_KEY)
        and response.status_code == 200
        and getattr(response, "cacheable", False)
    )
    if not public:
        response.headers["cache-control"] = "no-store"
        return response
    etag = etag_of(bytes(response.body))
    headers = {
        "etag": etag,
        "cache-control": f"public, max-age={public_seconds}",
        "vary": "Authorization, Origin",
    }
    if matches(request.headers.get("if-none-match", ""), etag):
        not_modified = Response(status_code=304, headers=headers)
        return not_modified
    response.headers.update(headers)
    return response
