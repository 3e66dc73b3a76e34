"""A secret split across a wrapped line (taxonomy: carriers).

Two ways a log wraps a value, each decided here:
- A fixed-width console or terminal capture (`script`, `kubectl logs` of a TTY, CI logs) breaks a long line
  at its width, mid-token: the continuation starts the next line at column 0 with no prefix of its own.
  Judged by joining: where a long line (>= 60 characters, the narrowest console width we handle) ends in a
  token character and the next line starts with one, the line is redacted with the next line's first run
  appended; when the redaction reaches the joint, the continuation run is removed from the next line too.
  A next line that starts a new record (a timestamp, a level word, `Traceback`, `File`) is never joined.
  Inside a panel (rich tracebacks) the break is the border: `...ghp_ab │`, newline, `│ cd12...`.
- A pretty-printer that wraps a string value inside a box (rich's `show_locals` panel, `│ password = 'abc…`):
  an opening quote after a secret name with no closing quote on its line. The value runs to the box edge;
  its continuation on the next line (after the box characters) up to the closing quote goes too.
- A LABEL alone on its line, the value alone on the next (after blank lines or an indent): CLIs that print a
  credential once (`aws iam create-access-key` tables, `Your new password:` then the password, a setup wizard's
  `API key` heading then the key), botocore's `Signature:` line (carriers.py). The label is a short phrase whose
  words make a secret name (`Secret Access Key`, `Root password for the database:`); the value is one token that
  reads as a value (values.looks_like_value), not prose, a mask or a placeholder.
- pprint's split string (stdlib pprint._pprint_str): a str with blanks longer than the width becomes adjacent
  literals on consecutive lines (`'Authorization': 'Bearer '` / `'sk-...'`), so a scheme and its credential, or a
  sentence and the value after it, are apart (CLASSES10.md A4). The literals are judged joined, with their line's
  start (the key) before them; a literal whose text the judgement removed goes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .keep import encrypted_spans, keeps_value
from .names import DOCKER_SEAM
from .secret_names import is_secret_name
from .textstats import password_like
from .values import ENV_REF, PROSE, looks_like_value

_TOK = r"[A-Za-z0-9+/=_\-.~]"
# A line break, also as JSON writes it inside a string, and the seam between two Docker json-file records
# (`...\n", "stream": "stdout", "time": "..."}` newline `{"log": "...`): a console-wrapped line written by the
# application becomes two records.
_NL = r"(?:(?:\\{1,3}r)?\\{1,3}n(?:" + DOCKER_SEAM + r")|\r?\n|\\{1,3}n)"
# A panel (rich tracebacks, boxed console output) wraps inside its border: `...ghp_ab  │` / `│ cd12...`.
_BOX = r"[│┃║]"
# Only the breaks with a token character on both sides (one regex pass, no Python loop over every line).
_BREAK = re.compile(r"(?<=" + _TOK + r")(?:" + _NL + r"|(?:[ \t]*" + _BOX + r")+(?:" + _NL + r")(?:[ \t]*" + _BOX
                    + r")+[ \t]*)(?=" + _TOK + ")")
_RUN = re.compile(r"[A-Za-z0-9+/=_\-.~]+")
_NEW_RECORD = re.compile(r"^(?:\d{4}-\d\d-\d\d|\d\d:\d\d|\d{4}/\d\d/\d\d|[A-Z]{3,}\b|Traceback\b|File\b|During\b|The\b"
                         r"|at\b|Caused\b|[IWEFD]\d{4}\b|[A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt)\b"
                         r"|[a-z]+$)")
PEM_BLOCK = re.compile(r"-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)")
MIN_WIDTH = 60
_MARK = "[REDACTED:"
MARK = _MARK


# Column output (Go's text/tabwriter as `docker node ls`, `docker ps`, `kubectl get` print tables: cells padded with
# spaces, padding 3; psql's aligned output; `column -t`): a header or row line that ends at its last cell is followed
# by the next row, not by its own continuation. Two lines that each hold column gaps (two or more spaces between
# cells; two such gaps on the line before) are rows of one table, and are never joined (round 10, set 12: `MANAGER
# STATUS` + a swarm node id `w3akb...` read as one mixed-case token).
_GAP = re.compile(r"\S(?: {2,}|\t)(?=\S)")


# A two-column table (`vault token create`/`vault login`'s Key/Value table, tabwriter padding): one gap on each line,
# the second column starting at the same offset on both (`token   hvs.<token>` over `token_accessor   <accessor>`):
# the next row's name is no continuation of the token.
def _table_rows(text: str, line_start: int, a: int, b: int) -> bool:
    gaps = list(_GAP.finditer(text, line_start, a))
    if not gaps:
        return False
    ends = [e for e in (text.find("\n", b), text.find("\\n", b)) if e >= 0]
    nxt = _GAP.search(text, b, min(ends) if ends else len(text))
    return nxt is not None and (len(gaps) >= 2 or gaps[0].end() - line_start == nxt.end() - b)


def joined_sub(redact: Callable[[str], str]) -> Callable[[str], str]:
    """Redact secrets whose token continues on the next line (see the module doc)."""
    def sub(text: str) -> str:
        out: list[str] = []
        pos = 0
        blocks = [m.span() for m in PEM_BLOCK.finditer(text)] if "-----BEGIN" in text else []
        blocks += encrypted_spans(text)  # Ansible Vault's hex lines are wrapped by design too (keep.py)
        for br in _BREAK.finditer(text):
            a, b = br.start(), br.end()
            if a < pos:  # (the regex puts a token character on both sides)
                continue
            if any(x <= a < y for x, y in blocks):
                continue  # PEM bodies are wrapped at 64 by design; the PEM rules judge the block whole
            nl = max(text.rfind("\n", 0, a) + 1, pos)  # the other searches stay inside this line (a 10 MB line)
            esc = text.rfind("\\n", nl, a)
            # a JSON string's opening quote starts what the console printed (`"msg": "artifact check\n<id>`: a short
            # first line is no console wrap; judged from the record's start, the keys before it made it look wide)
            r4, r3 = text.rfind('": "', nl, a), text.rfind('":"', nl, a)  # (neither found: the line's own start)
            rec = max(r4 + 4 if r4 >= 0 else 0, r3 + 3 if r3 >= 0 else 0)
            line_start = max(nl, esc + 2 if esc >= 0 else 0, rec, pos)
            if a - line_start < MIN_WIDTH:
                continue
            if a - line_start > 512:  # judge the line's tail only, cut at a space (a name and its value are near)
                cut = text.rfind(" ", a - 512, a - 256)
                if cut < 0:
                    continue
                line_start = cut + 1
            run = _RUN.match(text, b)
            if run is None or _NEW_RECORD.match(run.group(0)) or _table_rows(text, line_start, a, b):
                continue
            joined = redact(text[line_start:a] + run.group(0))
            if not joined.endswith("]") or _MARK not in joined:
                continue  # the joint is not inside a secret
            out.append(text[pos:line_start])
            out.append(joined)
            out.append(br.group(0))
            pos = run.end()
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
    return sub


OPEN_QUOTE = re.compile(
    r"(?P<pre>(?<![\w])(?P<name>[A-Za-z_][\w.\-]{0,80})[ \t]*(?:=|:)[ \t]*[bBrRuU]?(?P<q>['\"]))"
    r"(?!\[REDACTED:)(?P<val>[^'\"\n│┃║\\]{4,}?)[ \t]*(?P<edge>[│┃║][^\n\\]*)?(?=\r?\n|\\{1,3}n|$)"
    r"(?P<cont>(?:\r?\n|\\{1,3}n)[ \t│┃║]*(?P<rest>[^\s'\"│┃║\\]+)(?P=q))?")


def open_quote_sub(mark: str) -> Callable[[str], str]:
    """`│ password = 'abc…` with no closing quote on the line: a wrapped value, redacted with its continuation."""
    def repl(m: re.Match[str]) -> str:
        if not is_secret_name(m.group("name")) or m.group("q") in m.group("val"):
            return m.group(0)
        tail = m.group("edge") or ""
        cont = m.group("cont")
        if cont is not None:
            cont = cont[:cont.rfind(m.group("rest"))] + mark + m.group("q")
        return m.group("pre") + mark + (" " + tail if tail else "") + (cont or "")
    return lambda text: OPEN_QUOTE.sub(repl, text)


# A line break (raw or JSON-escaped) and blank lines, then a line holding only one token: found first (led by the
# break), then the line before it is read back and must hold only a label of 1-6 words and an optional `:` (from the
# line's start, a JSON/repr string's opening quote, or an escaped break).
_BREAK_THEN_TOKEN = re.compile(
    r"(?:\r?\n|\\r\\n|\\n)(?:[ \t]*(?:\r?\n|\\r\\n|\\n))*[ \t]*(?!\[REDACTED:)"
    r"(?P<val>[^\s\"'\\]{4,512})(?=[ \t]*(?:\r?\n|\\[rn]|$|\"))")
# What the next line holds when it is text, not the labelled secret (review r8: `Password:` / `Temporary`,
# `Token:` / `expired_at=...`, `Secret:` / `prod-db-credentials`, `Auth token:` / a URL): a word or words joined by
# - _ . (letters only, in a word's case shape), a key=value, a URL. A credential in a URL is judged by the URL rules.
# a word's case shapes (lower, Title, UPPER) and length (<= 14 letters): random mixed case or a 20-letter run is a value
_W = r"(?:[A-Z]?[a-z]{1,13}|[A-Z]{1,14})"
# (one lowercase word alone stays a value: a short random lowercase password reads the same)
NOT_A_VALUE = re.compile(rf"[A-Z][a-z]{{1,13}}|[A-Z]{{2,14}}|{_W}(?:[-_.]{_W})+|[\w.\-]+=\S*|[a-z][a-z0-9+.\-]*://\S*")
_LABEL = re.compile(r"(?:^|\n|\\n|[\"'])[ \t]*(?P<label>[A-Za-z][A-Za-z\- ]{0,60}?)[ \t]*:?[ \t]*$")


# The password prompts of the tools an expect/pexpect session or a terminal transcript records, with the typed answer
# echoed on the next line (pexpect's logfile and its TIMEOUT's `buffer (last 100 chars)`): libpq/psql `Password for
# user <name>: ` (fe-connect.c, PQconnectionNeedsPassword -> simple_prompt), sudo `[sudo] password for <user>: `,
# OpenSSH `<user>@<host>'s password: ` and `Enter passphrase for key '<path>': `, mysql `Enter password: `, git
# `Password for 'https://<user>@<host>': `, su/docker login `Password: `.
_PROMPT = re.compile(r"(?i)(?:(?:\[sudo\][ \t]+)?(?:enter[ \t]+)?(?:password|passphrase|pass phrase)"
                     r"(?:[ \t]+for[ \t]+[^\n\\]{1,80}?|[ \t]+\([^)\n]{0,40}\))?|\S{1,64}@\S{1,128}'s password)[ \t]*:[ \t]*$")
_LEADING_PUNCT = "!$%^*#@&~+=?"


def _reference(val: str) -> bool:
    """`$DB_PASSWORD`, `%s`, `${X}` on the line after the label: a reference, unless `$` leads a password-shaped run of
    both cases (`$Xy7kQ2mP9vL3`: generated passwords start with a symbol as often as with a letter)."""
    if not ENV_REF.match(val):
        return False
    rest = val[1:]
    return not (val[0] == "$" and password_like(rest) and not rest.isupper() and not rest.islower())


def _value_alone(val: str) -> bool:
    """A value alone on the line after its label: looks_like_value, also after the symbols a generated password may
    start with (`!x9Q...`, `%Tq4...`; round 9, the strict xfail of test_label_line_text)."""
    core = val.lstrip(_LEADING_PUNCT)
    return looks_like_value(val, True, True) or len(core) >= 4 and core != val and looks_like_value(core, True, True)


def label_line_sub(mark: str) -> Callable[[str], str]:
    """`Password:` alone on its line and the password alone on the next (see the module doc)."""
    def sub(text: str) -> str:
        out: list[str] = []
        pos = 0
        for m in _BREAK_THEN_TOKEN.finditer(text):
            if m.start() < pos:
                continue
            label = _LABEL.search(text, max(pos, m.start() - 72), m.start())
            words = label.group("label").split() if label is not None else []
            if not (1 <= len(words) <= 6 and is_secret_name("_".join(words))) and _PROMPT.search(
                    text, max(pos, m.start() - 120), m.start()) is not None:
                words = ["password"]  # an interactive prompt and the answer echoed on the next line
            val = m.group("val")
            if not 1 <= len(words) <= 6 or not is_secret_name("_".join(words)) or val.lower() in PROSE or \
                    _reference(val) or NOT_A_VALUE.fullmatch(val) or not _value_alone(val) or COLON_HEX.fullmatch(val) or \
                    keeps_value(text, m.start("val"), val):
                continue
            out.append(text[pos:m.start("val")])
            out.append(mark)
            pos = m.end("val")
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
    return sub


# A line of colon-separated hex (OpenSSL's key and certificate printers): spelled.py judges the block under its label.
COLON_HEX = re.compile(r"(?:[0-9a-fA-F]{2}:)+[0-9a-fA-F]{0,2}")
_LIT = r"""(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_ADJACENT = re.compile(_LIT + r"(?:[ \t]*\r?\n[ \t]*" + _LIT + r")+")
_ONE_LIT = re.compile(_LIT)


def adjacent_literals_sub(redact: Callable[[str], str], mark: str) -> Callable[[str], str]:
    """pprint's adjacent string literals, judged joined (see the module doc)."""
    def sub(text: str) -> str:
        out: list[str] = []
        pos = 0
        for m in _ADJACENT.finditer(text):
            parts = list(_ONE_LIT.finditer(text, m.start(), m.end()))
            line_start = text.rfind("\n", 0, m.start()) + 1
            joined = "".join(p.group(0)[1:-1] for p in parts)
            quote = parts[0].group(0)[0]
            judged = redact(text[line_start:m.start()] + quote + joined + quote)
            if MARK not in judged:
                continue
            pieces, at = [], m.start()
            for p in parts:
                body = p.group(0)[1:-1]
                pieces.append(text[at:p.start()])
                gone = body.strip() and body.strip() not in judged
                pieces.append(p.group(0)[0] + mark + p.group(0)[-1] if gone else p.group(0))
                at = p.end()
            out.append(text[pos:m.start()])
            out.append("".join(pieces))
            pos = m.end()
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
    return sub
