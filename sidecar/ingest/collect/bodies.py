"""Reading a collection request's body: a size cap on the wire and after decompression.

A compressed body is inflated incrementally with a hard output limit, so a 10 KB gzip bomb that
would expand to gigabytes stops at `max_decompressed` bytes and answers 413, having allocated no
more than that. Content-Encoding values follow RFC 9110: `gzip`, `deflate` (zlib-wrapped, with
raw deflate accepted too, as browsers and old SDKs send it), `br` when the `brotli` package is
installed, `identity`.
"""

from __future__ import annotations

import zlib

from aiohttp import web

from ...exceptions import SidecarError


class CollectError(SidecarError):
    """A request the collection endpoints refuse: an HTTP status and a reason the client can act on."""

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = headers or {}


CHUNK = 64 * 1024


async def read_body(request: web.Request, max_bytes: int, max_decompressed: int) -> bytes:
    """The request body, decompressed; CollectError 413/415/400 when it is too big or unreadable."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise CollectError(413, f"body of {request.content_length} bytes exceeds the limit of {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise CollectError(413, f"body exceeds the limit of {max_bytes} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    return decompress(raw, encoding, max_decompressed)


def decompress(raw: bytes, encoding: str, limit: int) -> bytes:
    """Inflate `raw` per its Content-Encoding, never producing more than `limit` bytes."""
    if encoding in ("", "identity"):
        if len(raw) > limit:
            raise CollectError(413, f"body exceeds the limit of {limit} bytes")
        return raw
    if encoding in ("gzip", "x-gzip"):
        return _inflate(raw, zlib.MAX_WBITS | 16, limit)
    if encoding == "deflate":
        try:
            return _inflate(raw, zlib.MAX_WBITS, limit)
        except CollectError as exc:
            if exc.status != 400:
                raise
            return _inflate(raw, -zlib.MAX_WBITS, limit)
    if encoding == "br":
        return _brotli(raw, limit)
    raise CollectError(415, f"unsupported Content-Encoding {encoding!r} (use gzip, deflate or identity)")


def _inflate(raw: bytes, wbits: int, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise CollectError(400, f"body is not valid compressed data: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise CollectError(413, f"decompressed body exceeds the limit of {limit} bytes")
    if not inflater.eof:
        raise CollectError(400, "compressed body is truncated")
    return out


def _brotli(raw: bytes, limit: int) -> bytes:
    try:
        import brotli  # type: ignore[import-not-found,unused-ignore]  # optional: installed with aiohttp[speedups]
    except ImportError:
        raise CollectError(415, "Content-Encoding br needs the brotli package; send gzip instead") from None
    inflater = brotli.Decompressor()
    out = bytearray()
    try:
        for i in range(0, len(raw), CHUNK):
            out += inflater.process(raw[i:i + CHUNK])
            if len(out) > limit:
                raise CollectError(413, f"decompressed body exceeds the limit of {limit} bytes")
    except brotli.error as exc:
        raise CollectError(400, f"body is not valid brotli data: {exc}") from None
    return bytes(out)
