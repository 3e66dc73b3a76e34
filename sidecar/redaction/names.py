"""Class (c) of the taxonomy: a value after a name that says it is a secret.

detect-secrets' KeywordDetector (detect_secrets/plugins/keyword.py) and gitleaks' generic-api-key rule
look for a secret word in the name and take what follows an assignment. Here the name is split into
words (at `_ - . space` and camelCase boundaries, ALLCAPS runs kept whole) so that every casing and
separator is one case: `DB_PASS`, `dbPass`, `db-pass`, `db.pass`, `X-Db-Pass`, `PGPASSWORD`,
`PassWord`. A name is secret when a word, two adjacent words joined (`pass`+`word`), or the end of
an ALLCAPS/lowercase run (`PGPASSWORD`, `dbpass`) is a secret word, unless its LAST word says the
value is metadata about a secret (`token_count`, `KeyError`, `auth_type`, `password_file`).

Assignment shapes (the carrier): `name=v`, `name = v`, `name: v`, `name := v`, `name => v`, `name -> v`,
`"name": "v"`, `'name': 'v'` (Python repr), `name='v'` (kwargs), `b'v'`, `\\"name\\": \\"v\\"` (escaped
JSON, up to three levels), `&quot;name&quot;` (HTML), `name%3Dv` / `%22name%22%3A%22v%22` (URL-encoded),
`name v` and `name is v` (prose: only when `v` looks like a value, so "password authentication failed"
and "token expired" stay readable). Shapes that put the value apart from its name (two fields, a setter
call, a qualifier, a comparison, XML) are in separated.py, which reuses the value tests here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .hintscan import HintScan
from .quoting import escaped_close, quote_was_escaped
from .rediscommands import names_user
from .references import KIND_BLANK, KIND_QUOTE, KIND_WORD
from .schemes import scheme_credential
from .secret_names import (
    NAME_HINTS,
    introduced_name,
    is_secret_name,
    name_words,
)
from .values import ENV_REF, PLAIN_NAME, PROSE, kv_repl

# Between two Docker json-file records (after the first one's `\n`): `", "stream": "stderr", "time": "..."}` newline
# `{"log": "`; a value on the line after its name (a YAML block scalar) is in the next record.
# DOCKER_TAIL closes a record after its `\n` (moby writes it compact; a re-serialiser adds blanks, an outer JSON
# escapes the quotes), DOCKER_OPEN opens the next one.
DOCKER_TAIL = (r"\\{0,2}\",[ \t]*\\{0,2}\"stream\\{0,2}\":[ \t]*\\{0,2}\"\w+\\{0,2}\",[ \t]*\\{0,2}\"time\\{0,2}\":"
               r"[ \t]*\\{0,2}\"[^\"\\]*\\{0,2}\"\}")
DOCKER_OPEN = r"\{\\{0,2}\"log\\{0,2}\":[ \t]*\\{0,2}\""
DOCKER_SEAM = DOCKER_TAIL + r"\r?\n" + DOCKER_OPEN
QUOTE = r"(?:\\{0,7}[\"'`]|&quot;|&#0?34;|&#0?39;|&#x2[27];|%22|%27|\\{1,7}u0022|\\{1,7}u0027|\\{1,3}x2[27])"
# Rust's derived Debug of an Option (`password: Some("<v>")`, pretty-printed `{:#?}` over lines) is read as the
# value after `Some(`.
# A YAML tag between a key and its value (YAML 1.2 section 6.8.2 node tags: `!!str`, `!local`, `!<verbatim>`;
# Ansible's `!vault |`): the value follows the tag.
_YAML_TAG = r"(?:![!\w./:<>,-]*[ \t]+)?"
# A secret name written as two words in prose (`pass phrase <v>`, `API key <v>`, `secret key: <v>`): the first
# half, a blank, then the second; name_words joins them (`pass`+`phrase`) as it joins `pass_phrase`.
_TWO_WORDS = (r"(?:(?i:pass|api|access|secret|private|auth|client|signing|master|encryption|app|recovery|seed)[ \t]"
              r"(?=(?i:phrase|word|code|key|token|secret)(?![A-Za-z0-9_])))?")
_SECOND_HALF = re.compile(r"(?i:phrase|word|code|key|token|secret)(?![A-Za-z0-9_])")
# `public key`, `primary key`, `sort key` as two words of prose: the same "key of" words as a joined name (secret_names)
_KEY_OF_WORD = re.compile(r"(?<![A-Za-z0-9_])(?i:public|pub|primary|foreign|partition|sort|idempotency|cache|shard|"
                          r"lookup|row|object|range|composite|unique|index|translation|site)[ \t]+$")
_BARE_KEY = re.compile(r"(?i:key)(?![A-Za-z0-9_-])")
_FIRST_HALF = re.compile(r"(?<![A-Za-z0-9_])(?i:pass|api|access|secret|private|auth|client|signing|master|encryption|app|recovery|seed)"
                         r"[ \t]$")
# (a name after `+` at a line start is a unified diff's added line, `+API_KEY=<v>`; elsewhere `+` before a name is base64)
KV = re.compile(
    r"(?:(?<![A-Za-z0-9_/+])|(?<=\\[nrt])|(?<=%22)|(?<=%27)|(?<=%3[dD])|(?<=^\+)|(?<=\n\+)|(?<=\\n\+)|(?<=\"\+))(?P<name>" + _TWO_WORDS + r"[A-Za-z_][A-Za-z0-9_.\-]{0,80})(?P<q1>\"\"|" + QUOTE + r")?(?(q1)\]?)"
    r"(?P<sep>[ \t]*:[ \t]*" + _YAML_TAG + r"[|>][-+]?[ \t]*(?:\r?\n|(?:\\{1,7}n(?:" + DOCKER_SEAM + r")?))[ \t]+"
    r"|[ \t]*:[ \t]+![!\w./:<>,-]*[ \t]+|[ \t]*:[ \t]*Some\((?:[ \t]|\r?\n|\\{1,7}n)*|[ \t]*(?:=>|:=|->|\?=|==|[:=]|%3[dDaA]|\\{1,3}u003[dD]|(?(q1),|(?!)))[ \t]*|[ \t]+(?P<bridge>is|was|of|set to)[ \t]+|[ \t]+)"
    r"(?:[bBrRuUfF]{0,2}(?P<q>''(?=[^'\s])|(?(q1)\"\"(?=[^\"\s])|(?!))|" + QUOTE + r")(?!\[REDACTED:)(?P<qval>(?:(?!(?P=q))[^\n]){1,512})(?P=q)"
    r"|(?!\[REDACTED:)(?P<val>[^\s\"'`&,;}\])<>\u2000-\u206f\u3000-\u303f\uff00-\uffef]{1,512}))"
)
# `''` opens a value quoted inside a single-quoted string (postgresql.conf: "to embed a single quote in a parameter
# value, write two quotes"; SQL literals alike): `primary_conninfo = 'user=r password=''<v>'' host=db'`.
_SHELL_VAR = re.compile(r"\$\{?[A-Za-z_]")

# Searched in the lowered text (10x faster than IGNORECASE) by one Aho-Corasick pass (hintscan.py: the starts the
# alternation's finditer gives, without trying ~50-190 branches per position); when lowering changes the length (a
# few non-ASCII letters do), the case-insensitive pattern keeps the offsets right.
_HINT = HintScan(NAME_HINTS)
_HINT_I = re.compile("|".join(map(re.escape, NAME_HINTS)), re.IGNORECASE)
# An assignment inside a value: `name=`, `name: `, `'name': ` (a dict, kwargs or a repr written as one string).
_STRUCTURE = re.compile(r"[A-Za-z_]\w*['\"]?[ \t]*(?:=|:[ \t])")
_NAME_RUN = re.compile(r"[A-Za-z0-9_.\-]*")  # the characters a name holds (matched on a reversed text in kv_sub)
_ESCAPED_BREAK = re.compile(r"\\[nr]")


# An auth-param with a quoted value after the scheme (RFC 9110 11.2: `auth-param = token BWS "=" BWS ( token /
# quoted-string )`): `Token token="<v>"` (Rails' token scheme: TaxJar, Onfido), `Digest username="u", ...`. _CREDENTIAL's
# run stops at the quote: taken as the credential, the mark ate `token=` and left the value. Not taken, the name rule
# reads the param itself (`token="<v>"`) and the scheme stays.
# a value cut at an auth-param's escaped quote (`Digest username=\\"u\\", realm=...` in a JSON string): the param list
# goes on past the string's end only when the param is a secret's (`Token token=\\"<v>\\"`); a Digest list is the
# Authorization rule's and its own params' (nonce, realm: public)
_SCHEME_PARAM_CUT = re.compile(r"[A-Za-z][\w-]*[ \t]+([A-Za-z][\w-]*)[ \t]*=[ \t]*\\+$")
_STRING_OPEN_REACH = 4096  # how far back the string holding a value opens (bounded: no quadratic scan)
_TAIL_RUN = re.compile(r"[^\s\"'\\,;}\])]*")  # the rest of a value's run after an escaped quote inside it
_QUOTED_PARAM = re.compile(r"[ \t]+[A-Za-z][\w-]*[ \t]*=[ \t]*\\{0,3}[\"']")


def _nested_secret_name(m: re.Match[str]) -> int:
    """Where the inner name starts when the match's value is itself an assignment (`introduced_name`), else -1."""
    val = m.group("val")
    at = -1 if val is None else introduced_name(val)
    return at if at < 0 else m.start("val") + at


# The Secret kind word before a quoted value (kubectl's `secrets "<name>"`), as the whole of a secret name's slot:
# unquoted (`api_token: secrets "<v>"`) or inside a quoted value whose inner quotes are escaped (`"secrets \\"<v>\\""`).
# (references.py spells the kind word, its blank and the quote: one grammar for both readers)
_KIND_VALUE = re.compile(KIND_WORD + "$")
_KIND_QUOTE = re.compile(KIND_BLANK + KIND_QUOTE)
_KIND_QVALUE = re.compile(KIND_WORD + KIND_BLANK + r"\\{1,3}$")  # the quote's escaping backslashes end the value


def _kind_phrase(m: re.Match[str]) -> int:
    """Where the kind word starts when the match's value is the Secret kind word before a quoted value, else -1."""
    val = m.group("val")
    if val is not None:
        return m.start("val") if _KIND_VALUE.match(val) and _KIND_QUOTE.match(m.string, m.end()) else -1
    qval = m.group("qval")
    return m.start("qval") if qval is not None and _KIND_QVALUE.match(qval) else -1


def kv_sub(mark: str, hints: tuple[str, ...] = NAME_HINTS) -> Callable[[str], str]:
    """The name rule, anchored at the hints: from each hint back to the start of its name, then `KV.match`.

    Same result as `KV.sub` with the hint required inside the name, at a fraction of the cost (the regex
    runs at a few positions instead of at every word start). `hints`: the secret words, or (providers.py)
    the providers' names."""
    repl = kv_repl(mark, providers_only=hints is not NAME_HINTS)
    scan = _HINT if hints is NAME_HINTS else HintScan(hints)
    hint_rx_i = _HINT_I if hints is NAME_HINTS else re.compile("|".join(map(re.escape, hints)), re.IGNORECASE)

    def sub(text: str) -> str:
        out: list[str] = []
        pos = 0
        lower = text.lower()
        # names_user is True only where the text at the name reads `auth` in any case; str.lower maps character by
        # character (only a capital sigma looks at its neighbours), so the lowered text then holds `auth` (one `in`
        # per text instead of a call per name: 3,327 calls a bench pass, 589 on texts with `auth`)
        maybe_auth = "auth" in lower
        found = scan.starts(lower) if len(lower) == len(text) else [h.start() for h in hint_rx_i.finditer(text)]
        if not found:
            return text
        # The walk from a hint back to its name's start, one C-level match on the reversed text (a run of name
        # characters read backwards) instead of a Python step per character: the same start.
        rev = text[::-1]
        n = len(text)
        seen = 0  # the end of the last name=value looked at: its value is not a name
        for hint in found:
            start = hint
            floor = max(pos, seen)
            if start < floor:
                continue
            # No further back than a name can be long (KV's name: 81 characters, plus room for its first char):
            # a run of hints (a line of folded emoji keys, attacker-controlled) made this walk quadratic
            # (32 KB line 21.7 s; 0.09 s bounded). A name that starts further back could not reach its hint.
            low = max(floor, hint - 82)
            if start > low:
                start -= _NAME_RUN.match(rev, n - start, n - low).end() - (n - start)  # type: ignore[union-attr]
            while start < hint and not (text[start].isalpha() or text[start] == "_"):
                start += 1
            if start > 0 and text[start - 1] == "\\" and text[start] in "nrt" and start < hint:
                start += 1  # `\r\nX-Api-Key:` in a bytes repr: the name starts after the escape
            elif start > floor + 1 and text[start - 1] in " \t" and _SECOND_HALF.match(text, start) and (
                    w := _FIRST_HALF.search(text, max(floor, start - 16), start)) is not None:
                start = w.start()  # `private key <v>`: the two-word name starts at its first half (_TWO_WORDS)
            elif start > floor + 1 and text[start - 1] in " \t" and (
                    k := _KEY_OF_WORD.search(text, max(floor, start - 16), start)) is not None and \
                    _BARE_KEY.match(text, start):
                seen = k.end()  # `public key 0x72a5...`, `primary key 42`: a key OF something (CLASSES12.md D16)
                continue
            m = KV.match(text, start)
            if m is None or m.end("name") <= hint:
                continue
            if maybe_auth and names_user(text, m.start("name")):
                seen = m.end()  # Redis `"AUTH" "<user>" "<pw>"`: the user, not a value (rediscommands.py)
                continue
            inner = _nested_secret_name(m)
            if inner >= 0:
                seen = inner  # `auth: token: <v>`, `authorization=api_key='<v>'`: the inner assignment is the one
                continue
            kind = _kind_phrase(m)
            if kind >= 0:
                seen = kind  # `api_token: secrets "<v>"`: the slot holds the kind word and its quoted value, read as
                continue  # `secrets "<v>"` (the value judged there, a kustomize name kept by references.py)
            tail = ""
            end = m.end()
            val = m.group("val")
            named = val is not None and is_secret_name(m.group("name"))
            # `Auth: Token abc123`: the scheme, then the credential (kv_repl keeps a scheme word with a credential after
            # it: judged here once, not again there)
            cred = scheme_credential(m.group("name"), val, text, end) if named and val is not None else None
            replaced = m.group(0) if cred is not None else repl(m, named)
            if cred is not None and _QUOTED_PARAM.match(text, end) is None and cred.group(2).lower() not in PROSE and \
                    not ENV_REF.match(cred.group(2)) and not _SHELL_VAR.match(cred.group(2)):
                tail = cred.group(1) + mark
                end = cred.end()
            if replaced == m.group(0) and not tail:
                # not a secret; after an exception name the "value" is a message that may hold a name
                # (`AuthenticationError: AUTH <pw>`), and so is a secret name in value position (a logger
                # `src.auth.keys: password = <pw>`); elsewhere it is a value (`auth_type=oauth`)
                # (also quoted: `"msg": "Incorrect sudo password", "ansible_become_pass": "<pw>"` read as a pair)
                v = val if val is not None else m.group("qval")
                if name_words(m.group("name"))[-1:] not in (["error"], ["exception"], ["errors"], ["warning"]) and (
                        v is None or not PLAIN_NAME.fullmatch(v) or not is_secret_name(v)):
                    # a quoted value that is itself a structure (a repr or kwargs logged as a string field:
                    # `"session_kwargs": "{'auth': BasicAuth(login=..., password=...)}"`) holds names of its own
                    seen = m.start("qval") if v is not None and val is None and _STRUCTURE.search(v) else m.end()
                    if val is not None and (esc := _ESCAPED_BREAK.search(val)) is not None:
                        seen = m.start("val") + esc.start()  # `Id: <v>\nCF-Access-Client-Secret: <v>` in a JSON
                        # string: the escaped line break ends the value, the next line's name is read
                    if val is not None and _SECOND_HALF.match(text, m.end() + 1) and _FIRST_HALF.fullmatch(
                            text, m.start("val"), m.end() + 1):
                        seen = m.start("val")  # `src.crypto.keys: api key: <v>`: the value starts a two-word name
                continue
            if not tail and replaced != m.group(0) and (qv := m.group("qval")) is not None and qv.endswith("\\") and \
                    ((cut := _SCHEME_PARAM_CUT.match(qv)) is None or is_secret_name(cut.group(1))) and \
                    (close := escaped_close(text, m.group("q"), qv, m.end())) >= 0:
                # The closing quote it read was ESCAPED (`"Token token=\"<v>\""` as json.dumps writes a header value with
                # an RFC 9110 quoted auth-param; a password holding `"`; the same one JSON level deeper): the string
                # goes on to its real end, and the mark covers it whole - before, the value's tail was left after it.
                replaced, end = replaced[:-len(m.group("q"))], close
            elif not tail and replaced != m.group(0) and (qv := m.group("qval")) is not None and qv.endswith("\\") and \
                    ((cut := _SCHEME_PARAM_CUT.match(qv)) is None or is_secret_name(cut.group(1))) and \
                    quote_was_escaped(m.group("q"), qv):
                # ... and the string has NO closing quote on its line (a value cut by a line limit, a truncated
                # record): the value goes on to the end of its run, not to the escaped quote (review r18: its tail
                # was left after the mark)
                replaced, end = replaced[:-len(m.group("q"))], _TAIL_RUN.match(text, m.end()).end()  # type: ignore[union-attr]
            elif not tail and val is not None and replaced != m.group(0) and val.endswith("\\") and \
                    text[end:end + 1] in ("\"", "'"):
                # an unquoted value before a backslash-quote inside a JSON string (`password=Ab3\"dEf...`): the quote
                # is INSIDE the value (review r18: its tail was left after the mark) or closes the string that holds the
                # value; the string's own opening quote gives the nesting level (quoting.quote_was_escaped). Before,
                # the mark also ate the closing quote's backslashes and the JSON string ended early.
                ch = text[end]
                opening = text.rfind(ch, max(0, m.start() - _STRING_OPEN_REACH), m.start())
                lvl = 0
                while opening - lvl > 0 and text[opening - lvl - 1] == "\\":
                    lvl += 1
                if lvl <= len(val) and quote_was_escaped("\\" * lvl + ch, val[:len(val) - lvl]):
                    end = _TAIL_RUN.match(text, end + 1).end()  # type: ignore[union-attr]
                elif 0 < lvl <= len(val) - len(val.rstrip("\\")):
                    replaced += "\\" * lvl  # the closing quote's escape is the string's, not the value's
            out.append(text[pos:start])
            out.append(replaced + tail)
            pos = end
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
    return sub
