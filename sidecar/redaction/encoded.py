"""Encoded carriers: a secret hidden by an encoding a log applies on the way (taxonomy class b).

A percent-encoded run (`redirect=postgres%3A%2F%2Fapp%3Ahunter2%40db`), JSON `\\uXXXX` escapes (Go's
encoder writes `&` as `\\u0026`), and base64 of a text with a name/value structure (`Basic` credentials
outside a header, a docker `config.json` auth, a Kubernetes Secret's data, a base64'd JSON record) are
decoded; when the decoded text holds a secret by the other classes, the decoded text is shown redacted
(percent, `\\u`) or the whole run goes (base64: the encoded credential IS the secret).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.parse
from collections.abc import Callable

# A token holding two or more %XX escapes. Found as tokens, then counted: the one regex that said the same
# (`[^\s"'<>]*(?:%XX[^\s"'<>]*){2,}`) was tried at every position of a long token and took quadratic time on
# attacker-controlled text (`%API_KEY%x=` x 8000: 60 s). Same runs: the leftmost match of that regex is always a
# whole token with two escapes.
PERCENT_TOKEN = re.compile(r"[^\s\"'<>]+")
PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
UNICODE_RUN = re.compile(r"(?:[^\s\\]*\\{1,3}u00[0-9A-Fa-f]{2})+[^\s\\\"]*")
# A line holding `\uXXXX` escapes (`json.dumps` of `{"密码": ...}`, `{"contraseña": ...}`): decoded whole,
# since the name and its value are apart (the value is often plain ASCII after a `": "`).
_WIDE = re.compile(r"\\{1,3}u([0-9A-Fa-f]{4})")
_MARK = "[REDACTED:"
_FIRST_OF_QUARTET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")


def _printable(b: bytes) -> str | None:
    try:
        text = b.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or sum(ch.isprintable() or ch in "\n\t" for ch in text) < 0.95 * len(text):
        return None
    return text


# A character outside the BMP as JSON writes it (json.dumps' ensure_ascii, RFC 8259 section 7): a UTF-16 surrogate pair
# `\ud835\udc29`. Combined before the single escapes are read, so a name spelled in mathematical letters or with a
# pictograph (review B15) reaches the NFKC fold as the characters it is.
_PAIR = re.compile(r"\\{1,3}u([dD][89abAB][0-9a-fA-F]{2})\\{1,3}u([dD][c-fC-F][0-9a-fA-F]{2})")


def _pair(e: re.Match[str]) -> str:
    return chr(0x10000 + ((int(e.group(1), 16) - 0xD800) << 10) + int(e.group(2), 16) - 0xDC00)


def _char(e: re.Match[str]) -> str:
    code = int(e.group(1), 16)
    return e.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)  # a lone surrogate half stays escaped


def _json_object(text: str) -> bool:
    if not text.lstrip().startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def b64_text(tok: str) -> str | None:
    """The text a base64/base64url token encodes, when it is printable text."""
    core = tok.rstrip("=")
    # ASCII bytes have a 0 top bit, so the first character of every base64 quartet is one of A-Z a-f:
    # a random token fails this within a few quartets, before any decoding
    if len(core) % 4 == 1 or not _FIRST_OF_QUARTET.issuperset(core[::4]):
        return None
    padded = core + "=" * (-len(core) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded) if ("-" in core or "_" in core) else base64.b64decode(padded)
    except (binascii.Error, ValueError):
        return None
    if len(raw) >= 8 and raw[1::2].count(0) * 10 >= len(raw) * 4:
        # UTF-16LE (every other byte 0 for ASCII text): PowerShell `-EncodedCommand` (about_pwsh), unattend.xml's
        # encoded passwords, `.reg` strings (CLASSES13.md C26)
        try:
            return _printable(raw[:len(raw) // 2 * 2].decode("utf-16-le").encode())
        except UnicodeDecodeError:
            return None
    return _printable(raw)


# Text written as hex digits of its bytes: PostgreSQL's bytea output (`\\x736b2d...`, docs "bytea Hex Format"),
# `bytes.fromhex('...')`, `bytes.hex()`, `0x...` literals. A digest or a random id decodes to bytes that are not text
# (UTF-8 fails, or under 95% printable), so only encoded TEXT is judged; a key inside it goes whole.
_HEX_TEXT = re.compile(r"(?:0x|x)?((?:[0-9a-fA-F]{2}){12,})")
# systemd's journal JSON export (systemd.io/JOURNAL_EXPORT_FORMATS, "Journal JSON Format"): a field holding
# non-printable or non-UTF-8 bytes (an ANSI colour code in MESSAGE is enough) is written as an array of numbers.
DECIMAL_ARRAY = re.compile(r"\[(?:[ \t]*\d{1,3}[ \t]*,){11,}[ \t]*\d{1,3}[ \t]*\]")
# CLASSES11.md C9, the other spellings of bytes as numbers: Node's `<Buffer 73 6b ...>` (util.inspect: hex pairs
# with blanks, elided after 50 bytes), every byte as `\xHH` (C/JS/Python literals, `strace -x`), once or twice escaped.
SPACED_HEX = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9a-fA-F]{2} ){11,}[0-9a-fA-F]{2}(?![0-9A-Za-z])")
ESCAPED_HEX = re.compile(r"(?:\\{1,3}x[0-9a-fA-F]{2}){12,}")
DECIMAL_HINTS = (*(f"[{d}" for d in "123456789"), "<buffer", "\\u003cbuffer", "\\x")
_SGR_BYTES = re.compile(r"\x1b\[[0-9;]*m")


def _text_of(raw: bytes) -> str | None:
    """`raw` as text when it is (colour codes aside)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return _printable(_SGR_BYTES.sub("", text).encode())


# Windows unattend.xml / sysprep obscure a password as base64(UTF-16LE(<password> + <element name>)) with
# `<PlainText>false</PlainText>` (Microsoft docs, "Hide sensitive data in an answer file": the names are `Password`
# for AutoLogon, LocalAccount and DomainAccount passwords, `AdministratorPassword` for the built-in administrator):
# decoded, the text ends with the element's name, glued to the password. Nothing else names the value, and the
# element may be in another record (a Docker json-file record holds the `<Value>` line alone; set 13).
_UNATTEND_NAMES = ("Password", "AdministratorPassword")


def _unattend_password(tok: str, decoded: str) -> bool:
    """True when `tok` is base64 of UTF-16LE text that is a password followed by its unattend element's name."""
    if not decoded.endswith(_UNATTEND_NAMES) or len(decoded) <= len("Password") or any(c.isspace() for c in decoded):
        return False
    try:
        raw = base64.b64decode(tok + "=" * (-len(tok) % 4))
    except (binascii.Error, ValueError):
        return False
    return len(raw) >= 18 and raw[1::2].count(0) == len(raw) // 2


def make_rules(redact: Callable[[str], str], mark: str) -> tuple[Callable[[str], str], Callable[[str], str],
                                                                   Callable[[str], str | None]]:
    """(percent, unicode) substitutions using `redact` on the decoded text, and the base64 judge for one
    token (run inside the entropy pass, which already visits every long token: `mark` or None)."""
    def percent(text: str) -> str:
        def repl(m: re.Match[str]) -> str:
            run = m.group(0)
            if "%" not in run or len(PERCENT_ESCAPE.findall(run)) < 2:
                return run
            decoded = urllib.parse.unquote(run)
            out = redact(decoded)
            return out if _MARK in out and out != decoded else run
        return PERCENT_TOKEN.sub(repl, text)

    def unicode(text: str) -> str:
        def repl(m: re.Match[str]) -> str:
            run = m.group(0)
            decoded = re.sub(r"\\{1,3}u00([0-9A-Fa-f]{2})", lambda e: chr(int(e.group(1), 16)), run)
            out = redact(decoded)
            return out if _MARK in out and out != decoded else run
        if "\\u" not in text:
            return text
        text = UNICODE_RUN.sub(repl, text)
        out: list[str] = []
        pos = 0
        for e in _WIDE.finditer(text):  # each line holding an escape, once (found from the escapes: linear)
            if e.start() < pos:
                continue
            start = max(text.rfind("\n", 0, e.start()) + 1, pos)
            end = text.find("\n", e.end())
            end = len(text) if end < 0 else end
            out.append(text[pos:start])
            out.append(wide(text[start:end]))
            pos = end
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)

    def wide(line: str) -> str:
        decoded = _WIDE.sub(_char, _PAIR.sub(_pair, line) if "\\ud" in line or "\\uD" in line else line)
        if decoded == line:
            return line  # only lone surrogate halves: nothing to decode
        out = redact(decoded)
        return out if _MARK in out and out.count(_MARK) > decoded.count(_MARK) else line

    def b64(tok: str) -> str | None:
        hexed = _HEX_TEXT.fullmatch(tok)
        decoded = _text_of(bytes.fromhex(hexed.group(1))) if hexed is not None else b64_text(tok)
        if decoded is None:
            return None
        if hexed is None and _unattend_password(tok, decoded):
            return mark
        out = redact(decoded)
        if _MARK in out and out != decoded:
            return mark
        # base64 of a JSON object without a secret is data (a pagination cursor, a state blob), not a key
        return tok if _json_object(decoded) else None

    return percent, unicode, b64


def decimal_sub(redact: Callable[[str], str], mark: str) -> Callable[[str], str]:
    """Bytes written as numbers (a journal field's array of byte values `"MESSAGE":[27,91,...]`, Node's Buffer hex,
    `\\xHH` runs): decoded, judged as text, the whole run goes when it holds a secret."""
    def judged(raw: bytes, run: str) -> str:
        decoded = _text_of(raw)
        if decoded is None:
            return run
        out = redact(decoded)
        return mark if _MARK in out and out.count(_MARK) > decoded.count(_MARK) else run

    def decimal(m: re.Match[str]) -> str:
        values = [int(v) for v in m.group(0)[1:-1].split(",")]
        return m.group(0) if max(values) > 255 else judged(bytes(values), m.group(0))

    def spaced(m: re.Match[str]) -> str:
        return judged(bytes.fromhex(m.group(0)), m.group(0))

    def escaped(m: re.Match[str]) -> str:
        return judged(bytes(int(h, 16) for h in re.findall(r"x([0-9a-fA-F]{2})", m.group(0))), m.group(0))

    def sub(text: str) -> str:
        if "[" in text:
            text = DECIMAL_ARRAY.sub(decimal, text)
        if "x" in text:
            text = ESCAPED_HEX.sub(escaped, text)
        return SPACED_HEX.sub(spaced, text) if "uffer" in text else text
    return sub


# RFC 2047 encoded-words in mail headers (`=?utf-8?q?api=5Fkey=3D<v>?=`, `=?utf-8?b?<base64>?=`; stdlib email.header
# decodes both): decoded, judged, the whole word goes when it holds a secret (CLASSES11.md A23).
ENCODED_WORD = re.compile(r"=\?[\w-]{1,40}\?[qQbB]\?[^?\s]{1,1000}\?=")
ENCODED_WORD_HINTS = ("=?",)


def encoded_word_sub(redact: Callable[[str], str], mark: str) -> Callable[[str], str]:
    from email.header import decode_header

    def repl(m: re.Match[str]) -> str:
        try:
            parts = decode_header(m.group(0))
            decoded = "".join(p.decode(c or "utf-8", "replace") if isinstance(p, bytes) else p for p, c in parts)
        except (ValueError, LookupError):
            return m.group(0)
        out = redact(decoded)
        return mark if _MARK in out and out.count(_MARK) > decoded.count(_MARK) else m.group(0)
    return lambda text: ENCODED_WORD.sub(repl, text)


# A binary key printed as a Python bytes literal (CLASSES10.md C8: Flask's SECRET_KEY from os.urandom, `hmac.new(key=
# b'...')`, itsdangerous signer keys): 16-128 bytes, a third or more of them escaped (random bytes are 63% outside
# printable ASCII), few repeats and no NUL runs (protocol framing, struct packing), after a word that names a key
# within the line; a nonce, IV or salt (public by design) is not one.
BYTES_LITERAL = re.compile(r"(?P<pre>(?<![A-Za-z0-9_])b(?P<q>\\{0,3}['\"]))(?P<body>(?:(?!(?P=q))(?:\\{1,3}"
                           r"(?:x[0-9a-fA-F]{2}|[nrt\\'\"])|[^\\\n])){16,600}?)(?P=q)")
_KEY_WORD = re.compile(r"(?i)(?:key|secret|signer|signing|hmac|seed|token|passphrase)(?![a-z])[^\n]{0,40}$")
_NOT_KEY_WORD = re.compile(r"(?i)(?:nonce|iv|salt|digest|hash|checksum|magic|header|payload|frame|packet)[^\n]{0,40}$")
BYTES_HINTS = ("b'", 'b"', 'b\\"')


def _bytes_of(body: str) -> bytes | None:
    import codecs
    body = re.sub(r"\\{2,3}(?=[xnrt\\'\"])", "\\\\", body)  # one level of escaping as the repr wrote it
    try:
        return codecs.escape_decode(body.encode("latin-1", "backslashreplace"))[0]
    except (ValueError, UnicodeEncodeError):
        return None


def bytes_key_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        start = m.start()
        head = m.string[max(0, start - 60):start]
        if _KEY_WORD.search(head) is None or _NOT_KEY_WORD.search(head) is not None:
            return m.group(0)
        raw = _bytes_of(m.group("body"))
        if raw is None or not 16 <= len(raw) <= 128 or b"\x00\x00" in raw:
            return m.group(0)
        unprintable = sum(1 for b in raw if b < 0x20 or b > 0x7E)
        if unprintable * 3 < len(raw) or len(set(raw)) * 10 < len(raw) * 7:
            return m.group(0)
        return m.group("pre") + mark + m.group("q")
    return lambda text: BYTES_LITERAL.sub(repl, text)
