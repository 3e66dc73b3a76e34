"""Credentials spelled by an encoder that leaves no visible shape (CLASSES12.md C24; taxonomy class b, carriers).

Each encoding is read by its own documented grammar, decoded, and the decoded text judged by every class of the
redactor (with the name the carrier gives it, when it gives one); only encoded text that holds a secret changes:
- HTML numeric character references (HTML Living Standard, "Character references": `&#115;` decimal, `&#x73;` /
  `&#X73;` hex, the `;` optional in legacy content): a line holding a run of four or more is judged decoded; when
  the decoded line holds a secret, the decoded line redacted is what is kept (as encoded.py does for `\\u`).
- Ascii85 (Adobe PostScript Language Reference, 3rd ed., ASCII85Decode: `<~` ... `~>`, characters `!`-`u`, `z` for
  four zero bytes, whitespace ignored; Python `base64.a85encode(adobe=True)`): decoded, judged with the text before
  it on its line (its name), the whole `<~...~>` goes.
- uuencode (POSIX uuencode(1), "uuencode format": `begin <mode> <name>`, body lines whose first character is
  chr(32 + byte count), `` ` `` or a blank line, then `end`; `begin-base64 <mode> <name>` with RFC 4648 base64
  lines, ended by `====`): decoded, judged as the value of its file name or of a part of it (`begin 644 token`,
  `secret.env` name the content), every body line goes.
- Colon-separated hex over several lines (OpenSSL's key printers, crypto/ec/ec_ameth.c, crypto/rsa/rsa_ameth.c,
  providers/implementations/encode_decode/encode_key2text.c: a member label `priv:` then lines of 15 `xx:` bytes
  indented four spaces; ASN1_buf_print): the private members (`priv`, `private-key`, `privateExponent`, `prime1`,
  `prime2`, `exponent1`, `exponent2`, `coefficient`) and a block under a secret's name (`secret key:`) go whatever
  their bytes; a block under any other label goes when its bytes are text holding a secret judged with the label as
  its name. A signature (X.509 `Signature Value:`, public by design) and an identifier stay. Public members (`pub`, `modulus`,
  `publicExponent`) and X.509 fingerprints / key identifiers stay (their bytes are no text and their label no
  secret's name).

Multi-line carriers are read by logical line: raw lines, lines of a JSON string (`\\n` escapes, the string's
escapes undone), and one Docker json-file record per line (moby writes one per line of output: the `log` field).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable

from .identified import is_identifier_name
from .secret_names import is_secret_name
from .spans import mark_spans

_MARK = "[REDACTED:"
Judge = Callable[[str], str]


def _gains(judge: Judge, text: str, before: str = "") -> bool:
    """True when judging `before + text` marks more than judging `before` alone (the secret is in `text`)."""
    out = judge(before + text)
    return out.count(_MARK) > (judge(before).count(_MARK) if before else 0) + text.count(_MARK)


def _printable(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.strip() or sum(ch.isprintable() or ch in "\n\t" for ch in text) < 0.95 * len(text):
        return None
    return text


# -- HTML numeric character references -------------------------------------------------------------------------------
_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|(\d{1,7}));?")
_REF_RUN = re.compile(r"(?:&#(?:[xX][0-9a-fA-F]{1,6}|\d{1,7});?){4,}")
HTML_HINTS = ("&#",)


def _ref(m: re.Match[str]) -> str:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)


def html_refs_sub(judge: Judge) -> Callable[[str], str]:
    def line(ln: str) -> str:
        if _REF_RUN.search(ln) is None:
            return ln
        decoded = _REF.sub(_ref, ln)
        out = judge(decoded)
        return out if out.count(_MARK) > decoded.count(_MARK) else ln

    def sub(text: str) -> str:
        if "\n" not in text:
            return line(text)
        return "\n".join(line(ln) if "&#" in ln else ln for ln in text.split("\n"))
    return sub


# -- Ascii85 ---------------------------------------------------------------------------------------------------------
# `<` / `>` also as Go's and the shape generators' JSON writes them (`\u003c`, `\u003e`).
_A85 = re.compile(r"(?:<|\\u003[cC])~(?P<body>[!-u z\t\\]{4,4096}?)~(?:>|\\u003[eE])")
A85_HINTS = ("<~", "\\u003c~")
_LINE_HEAD = 200


def _a85_text(body: str) -> str | None:
    for candidate in (body, _unescaped(body)):
        if candidate is None:
            continue
        try:
            text = _printable(base64.a85decode(candidate.encode("ascii"), adobe=False, ignorechars=b" \t\n\r"))
        except (ValueError, UnicodeEncodeError):
            continue
        if text is not None:
            return text
    return None


def _unescaped(piece: str) -> str | None:
    """`piece` as the JSON string it was written in says (None when it is not one)."""
    if "\\" not in piece:
        return piece
    try:
        out = json.loads('"' + piece + '"')
    except ValueError:
        return None
    return out if isinstance(out, str) else None


def ascii85_sub(judge: Judge, mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        decoded = _a85_text(m.group("body"))
        if decoded is None:
            return m.group(0)
        start = m.start()
        head = m.string[max(m.string.rfind("\n", 0, start) + 1, start - _LINE_HEAD):start]
        return mark if _gains(judge, decoded, head) or _gains(judge, decoded) else m.group(0)
    return lambda text: _A85.sub(repl, text)


# -- logical lines ---------------------------------------------------------------------------------------------------
_DOCKER = re.compile(r'\{"log":[ \t]*"((?:[^"\\]|\\.)*?)(?:\\r)?(?:\\n)?"')


_QUOTE = re.compile(r'(?<!\\)(?:\\\\)*"')


def _first_quote(piece: str) -> int:
    m = _QUOTE.search(piece)
    return -1 if m is None else m.end() - 1


def _last_quote(piece: str) -> int:
    ends = [m.end() - 1 for m in _QUOTE.finditer(piece)]
    return ends[-1] if ends else -1


def logical_lines(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, escaped) of each logical line of `text`: a raw line, a Docker record's `log` content, or a piece
    of a JSON string between `\\n` escapes (escaped: its JSON escapes are still in it)."""
    out: list[tuple[int, int, bool]] = []
    pos = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        m = _DOCKER.match(raw)
        if m is not None:
            out.append((pos + m.start(1), pos + m.end(1), True))
        elif "\\n" in raw:
            at = pos
            pieces = raw.split("\\n")
            for k, piece in enumerate(pieces):
                a, b = at, at + len(piece)
                if k == 0 and (q := _last_quote(piece)) >= 0:
                    a = at + q + 1  # the string opens in the first piece: its text starts after the quote
                if k == len(pieces) - 1 and (q := _first_quote(piece)) >= 0:
                    b = at + q  # and ends in the last one
                out.append((a, max(a, b), True))
                at += len(piece) + 2
        else:
            out.append((pos, end, False))
        pos = end + 1
    return out


def _line_text(text: str, span: tuple[int, int, bool]) -> str | None:
    piece = text[span[0]:span[1]]
    return _unescaped(piece.rstrip("\\r") if piece.endswith("\\r") else piece) if span[2] else piece.rstrip("\r")


# -- uuencode --------------------------------------------------------------------------------------------------------
_BEGIN = re.compile(r"begin(?P<b64>-base64)? [0-7]{3,4} (?P<name>[^\s\"\\]{1,200})\s*$")
UU_HINTS = ("begin 0", "begin 4", "begin 6", "begin 7", "begin-base64 ")


def _uu_body(lines: list[str | None], b64: bool) -> tuple[int, bytes] | None:
    """(body line count, decoded bytes) of the body that opens `lines`, up to its `end` / `====`."""
    data = bytearray()
    for n, ln in enumerate(lines):
        if ln is None:
            return None
        s = ln.strip()
        if s == ("====" if b64 else "end"):
            return n, bytes(data)
        try:
            data += base64.b64decode(s, validate=True) if b64 else binascii.a2b_uu(ln) if s not in ("", "`") else b""
        except (binascii.Error, ValueError):
            return None
    return None


def uuencode_sub(judge: Judge, mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = logical_lines(text)
        lines = [_line_text(text, s) for s in spans]
        edits: list[tuple[int, int]] = []
        for i, ln in enumerate(lines):
            begin = _BEGIN.search(ln) if ln is not None and "begin" in ln else None
            if begin is None:
                continue
            body = _uu_body(lines[i + 1:i + 2002], begin.group("b64") is not None)
            decoded = _printable(body[1]) if body is not None else None
            if body is None or decoded is None:
                continue
            fname = begin.group("name")
            names = [fname, *(p for p in re.split(r"[./\\_-]+", fname) if p and p != fname)]
            if any(_gains(judge, decoded, n + "=") for n in names) or _gains(judge, decoded):
                edits.extend((spans[j][0], spans[j][1]) for j in range(i + 1, i + 1 + body[0])
                             if spans[j][1] > spans[j][0] and (lines[j] or "").strip() not in ("", "`"))
        return mark_spans(text, edits, mark) if edits else text
    return sub


# -- colon-separated hex over lines ----------------------------------------------------------------------------------
_HEX_LINE = re.compile(r"[ \t]*((?:[0-9a-fA-F]{2}:)*[0-9a-fA-F]{2}:?)[ \t]*")
# A label's `:`, the line break (raw, JSON-escaped, or a Docker record's end and the next one's start), then a hex line:
# led by the literal `:`, so the scan is cheap on the tracebacks its hints let through (`...call last):` + newline).
_BLOCK_START = re.compile(r':[ \t]*(?:\\r)?(?:\r?\n|\\n)(?:"[^\n]{0,200}\n\{"log":[ \t]*")?[ \t]*(?:[0-9a-fA-F]{2}:){4}')
_LABEL = re.compile(r"(?P<label>[A-Za-z][\w .\-]{0,60}?)[ \t]*:[ \t]*$")
# OpenSSL's private members (module docstring); `pub`, `modulus`, `publicExponent` are the public half.
_PRIVATE_MEMBERS = frozenset({"priv", "private-key", "privateexponent", "prime1", "prime2", "exponent1", "exponent2",
                              "coefficient"})
# What a certificate or key printer labels that is public by design: X.509 `Subject Key Identifier`, `Signature
# Value`, `Serial Number`, fingerprints, the public half.
_PUBLIC_LABEL = re.compile(r"(?i)identifier|(?<![a-z])id(?![a-z])|fingerprint|thumbprint|signature|public|(?<![a-z])pub"
                           r"(?![a-z])|modulus|serial")
COLON_HEX_HINTS = (":\n", ":\\n")


def colon_hex_sub(judge: Judge, mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        if _BLOCK_START.search(text) is None:
            return text
        spans = logical_lines(text)
        lines = [_line_text(text, s) or "" for s in spans]
        edits: list[tuple[int, int]] = []
        i = 0
        while i < len(lines):
            label = _LABEL.search(lines[i])
            j = i + 1
            while j < len(lines) and _HEX_LINE.fullmatch(lines[j]) is not None:
                j += 1
            if label is None or j == i + 1:
                i = j if j > i + 1 else i + 1
                continue
            name = label.group("label").strip()
            hexed = "".join(_HEX_LINE.fullmatch(lines[k]).group(1).replace(":", "")  # type: ignore[union-attr]
                            for k in range(i + 1, j))
            raw = bytes.fromhex(hexed) if len(hexed) % 2 == 0 else b""
            decoded = _printable(raw)
            private = name.rsplit(" ", 1)[-1].lower() in _PRIVATE_MEMBERS or (
                is_secret_name(name) and not is_identifier_name(name) and _PUBLIC_LABEL.search(name) is None)
            if len(raw) >= 8 and (private or decoded is not None and (
                    _gains(judge, decoded, name + "=") or _gains(judge, decoded))):
                for k in range(i + 1, j):  # the hex only: the indentation (and a Docker record's frame) stays
                    hexed_at = _HEX_LINE.fullmatch(text, spans[k][0], spans[k][1])
                    edits.append(hexed_at.span(1) if hexed_at is not None else spans[k][:2])
            i = j
        return mark_spans(text, edits, mark) if edits else text
    return sub

