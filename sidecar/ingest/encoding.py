"""Which text encoding a log file is in, and turning non-UTF-8 lines into UTF-8 with file positions.

Decision order for a file (`sniff`): a byte-order mark wins (UTF-8 `EF BB BF`, UTF-16 LE `FF FE`,
UTF-16 BE `FE FF`: PowerShell's `>` writes UTF-16 LE with a BOM), then the source's configured
`encoding`; with the default `utf-8`, a head whose odd (even) bytes are mostly NUL is read as
BOM-less UTF-16 LE (BE), since such bytes are never a text log in UTF-8. UTF-8 keeps the fast byte
path of the parser (no decoding until an event is built); any other encoding goes through
`LineTranscoder`, which re-encodes each complete line to UTF-8 and reports its byte range in the
file, so checkpoints and event offsets stay file offsets.

A BOM is also found at a LINE START past offset 0, where it is no text (U+FEFF as a "zero width
no-break space" opening a log line is never meant): CPython's TextIOWrapper writes the encoding's BOM
whenever the stream's position at open is 0 (Lib/_pyio.py `TextIOWrapper.__init__`: `if position != 0:
self._encoder.setstate(0)`, else the encoder emits it), so two processes whose handlers opened one
empty file (gunicorn workers, utf-16 or utf-8-sig) each write one, the second mid-file; so does a
capture appended to another (`cat a.log b.log`). Such a line lost its header (the BOM before the
timestamp): the record was glued to the one before it. It is dropped from the line's text (the
line's bytes, and so every offset, stay the file's); a UTF-8 file that holds one takes the per-line
path from that read on (parser.py).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
UTF8_BOM = codecs.BOM_UTF8
SNIFF_BYTES = 4  # enough for every BOM; fewer only at the end of a tiny file
_NUL_SAMPLE = 256


def strip_bom(head: bytes, codec: str) -> bytes:
    """`head` without the BOM of `codec` it starts with (a handler opening a new UTF-16 stream writes one)."""
    for bom, c in _BOMS:
        if c == codec and head.startswith(bom):
            return head[len(bom):]
    return head


@dataclass(frozen=True, slots=True)
class FileEncoding:
    codec: str  # a Python codec name, normalised ("utf-8", "utf-16-le", "cp1252", ...)
    bom: int  # bytes of BOM at offset 0 to skip

    @property
    def is_utf8(self) -> bool:
        return self.codec == "utf-8"


def normalise(name: str) -> str:
    """A codec name as Python knows it (LookupError for an unknown one); utf-16 without BOM is LE."""
    info = codecs.lookup(name)
    n = info.name
    if n == "utf-16":  # the plain name means "by BOM": without one, Windows' LE
        return "utf-16-le"
    if n == "utf-8-sig":
        return "utf-8"
    return n


def sniff(head: bytes, configured: str = "utf-8") -> FileEncoding:
    """The encoding of a file that starts with `head` (see module docstring for the order)."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return FileEncoding(codec, len(bom))
    codec = normalise(configured)
    if codec == "utf-8":
        sample = head[:_NUL_SAMPLE]
        half = len(sample) // 2
        if half >= 2:
            odd_nul = sample[1::2].count(0)
            even_nul = sample[0::2].count(0)
            if odd_nul >= 0.8 * half and even_nul == 0:
                return FileEncoding("utf-16-le", 0)
            if even_nul >= 0.8 * half and odd_nul == 0:
                return FileEncoding("utf-16-be", 0)
    return FileEncoding(codec, 0)


class LineTranscoder:
    """Raw bytes of one encoding in; complete lines out as (utf-8 bytes, raw start, raw length).

    Lines end at the encoding's newline aligned to its code unit (2 bytes for UTF-16, so `\\n\\x00`
    straddling two characters is not taken for one). Undecodable bytes become U+FFFD, never an error.
    """

    def __init__(self, enc: FileEncoding) -> None:
        self.codec = enc.codec
        self.newline = "\n".encode(enc.codec)
        self.unit = 2 if enc.codec.startswith("utf-16") else 4 if enc.codec.startswith("utf-32") else 1

    def split(self, data: bytes, phase: int = 0) -> tuple[list[tuple[bytes, int, int]], int]:
        """Complete lines of `data` as (utf-8 text, position in data, raw length); and where the rest begins.

        `phase`: bytes of the first line that precede data[0] but are not in it (dropped from an
        over-long line), so the code-unit alignment of its newline is still checked correctly.
        """
        out: list[tuple[bytes, int, int]] = []
        nl, unit = self.newline, self.unit
        pos = 0
        shift = phase
        i = data.find(nl, pos)
        while i >= 0:
            if (i - pos + shift) % unit:
                i = data.find(nl, i + 1)
                continue
            end = i + len(nl)
            text = data[pos:end].decode(self.codec, "replace").encode("utf-8")
            if text[:3] == UTF8_BOM:  # a BOM at a line start past offset 0: see the module docstring
                text = text[3:]
            out.append((text, pos, end - pos))
            pos = end
            shift = 0
            i = data.find(nl, pos)
        return out, pos

    def decode(self, raw: bytes) -> bytes:
        """A partial line (end of input) as UTF-8."""
        return raw.decode(self.codec, "replace").encode("utf-8")
