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

from .grouped import dashed_app_password
from .hintscan import HintScan
from .keep import keeps_value
from .providers import generated, provider_secret
from .quoting import escaped_close, quote_was_escaped
from .rediscommands import names_user
from .references import KIND_BLANK, KIND_QUOTE, KIND_WORD
from .schemes import scheme_credential
from .secret_names import (
    ESCAPED_END,
    NAME_HINTS,
    env_var_name,
    glued_key_name,
    introduced_name,
    is_secret_name,
    is_weak_secret_name,
    name_words,
    names_where,
    random_value,
)
from .textstats import password_like

# Words that follow a secret-like name in prose, not a value: "token expired", "password: missing".
PROSE = frozenset({
    "is", "was", "are", "not", "missing", "invalid", "expired", "required", "must", "for", "the", "a", "an",
    "of", "in", "on", "to", "and", "or", "has", "have", "had", "from", "with", "without", "failed", "error",
    "set", "unset", "provided", "found", "header", "value", "mismatch", "rejected", "denied", "revoked",
    "could", "cannot", "does", "did", "will", "should", "be", "been", "may", "none", "null", "nil", "true",
    "false", "empty", "redacted", "bearer", "basic", "token", "key", "id", "used", "using", "by", "at", "as",
    "if", "it", "this", "that", "expires", "refresh", "refreshed", "rotation", "rotated", "length", "format",
    "type", "verification", "validation", "authentication", "authorization", "undefined", "unknown", "ok",
    "yes", "no", "too", "limit", "exceeded", "already", "incorrect", "wrong", "changed", "updated", "check",
    "***", "<redacted>", "xxx", "****", "********", "[redacted]", "<hidden>", "[hidden]", "hidden", "masked",
    "via", "env", "environment", "variable", "file", "ending", "starting", "were", "reset", "needed",
    "supplied", "given", "present", "absent", "accepted", "ignored", "loaded", "parsed", "field", "param",
    "parameter", "argument", "expected", "received", "pair", "pairs", "combination",
})
# A last word that makes even a dotted name (`x.db.password: v`) an assignment, never a logger name.
_STRONG = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "apikey", "passcode", "key", "token",
                     "credential", "credentials"})


def _strong(words: list[str]) -> bool:
    return bool(words) and (words[-1] in _STRONG or len(words) > 1 and words[-2] + words[-1] in _STRONG)


PASSWORDS = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "passcode", "credential", "credentials",
                        "apikey"})
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
# A reference or a template, not a value: `${VAR}`, `$VAR`, `{{ x }}`, `%(x)s`, `<x>`, an f-string or str.format
# field (`Bearer {token}`, `{self.key}`), optionally after an auth scheme word.
# `${VAR:?message}` / `${VAR:-default}` (POSIX parameter expansion, also docker compose): cut at its first blank,
# the reference has no closing brace yet.
ENV_REF = re.compile(r"^(?:[A-Za-z]+ )?(?:\$\{[^}]*\}|\$\{[A-Za-z_]\w*:?[-=?+][^}]*|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|%\(?[A-Za-z_]+\)?s?%?|<[^<>]+>"
                      r"|\$\d{1,3}|\?|%s"  # SQL placeholders (`token = $1`, `password=?`, `%s`): the value is bound apart
                      r"|\{[A-Za-z_][\w.\[\]'\"()]*(?:![rsa])?(?::[^{}]*)?\})$")
# Code, not a value: a call or subscript (`self.get_token()`, `os.environ["TOKEN"]`), the value cut at `(`/`[`.
_CODE = re.compile(r"^[A-Za-z_][\w.]*[(\[]$")
# `<Token var=<ContextVar ...>>`: after `NAME ` the next `word=` is another field of a repr, not a value.
FIELD = re.compile(r"^[A-Za-z_]\w*=")


_ENGLISH_ENDINGS = ("ed", "ing", "tion", "sion", "ment", "ments", "ly", "ity", "ness", "able", "ible", "ence", "ance",
                    "ure", "ize", "ise", "ous", "ive", "ful", "less", "ship", "ings", "ions", "ers")


_VALUE_PARTS = re.compile(r"[/.\-_]+")
_DIGIT = re.compile(r"[0-9]")
_SHELL_VAR = re.compile(r"\$\{?[A-Za-z_]")



def looks_like_value(val: str, identifier: bool, at_end: bool) -> bool:
    """For `NAME value` with only a space (or `is`): a secret has a digit, a symbol, mixed case, or is long;
    after an identifier-style name (`DB_PASS hunter`) a lone word at the end of a line counts too."""
    val = val.rstrip(".,:;!?")
    if not val:
        return False
    # standard base64 may start with `+` or `/` (and gitleaks' `[a-z0-9=_-]` bodies with `=`): a long generated token so
    # starting is a value; a path (`/v1/chat/completions`) is words
    starts = val[0].isalnum() or val[0] == "_" or val[0] == "-" and len(val) >= 8 and val[1].isalnum() or (
        val[0] in "+/=" and len(val) >= 16 and generated(val))
    if val.lower() in PROSE or not starts or "(" in val or not val.isascii():
        return False
    has_digit = _DIGIT.search(val) is not None  # (ASCII here: str tests in C, not a generator per character)
    parts = [p for p in _VALUE_PARTS.split(val) if p]
    if not identifier and len(parts) > 1 and all(p.isalpha() and (p.islower() or p.istitle()) for p in parts) and \
            not dashed_app_password(val):
        return False  # "found with key Australia/Melborne": words joined by a path or a dot are a name; but four or
        # more dash-joined groups of exactly four letters that are no English words are the grammar of generated app
        # passwords (Apple's app-specific `xxxx-xxxx-xxxx-xxxx`, Bluesky's), printed to be typed (grouped.py)
    has_symbol = not val.isalnum()
    mixed = val.lower() != val and val.upper() != val and not val[1:].islower()  # an upper and a lower letter
    if has_digit or has_symbol or mixed or len(val) >= 16:
        return True
    # a lone lowercase word: an English one ("password complexity requirements", "SECRET_KEY configured")
    # is prose, a generated passphrase ("correcthorsebatterystaple") is not
    if val.lower().endswith(_ENGLISH_ENDINGS):
        return False
    return identifier and (at_end or len(val) >= 8)


# Searched in the lowered text (10x faster than IGNORECASE) by one Aho-Corasick pass (hintscan.py: the starts the
# alternation's finditer gives, without trying ~50-190 branches per position); when lowering changes the length (a
# few non-ASCII letters do), the case-insensitive pattern keeps the offsets right.
_HINT = HintScan(NAME_HINTS)
_HINT_I = re.compile("|".join(map(re.escape, NAME_HINTS)), re.IGNORECASE)
_PLAIN_NAME = re.compile(r"[A-Za-z_][\w.\-]{0,80}")
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
                        v is None or not _PLAIN_NAME.fullmatch(v) or not is_secret_name(v)):
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


# A value that is a number written in hex (ZooKeeper session ids, handles), or an enum constant.
_VERSION = re.compile(r"^v?\d+(?:\.\d+)+")
HEX_NUMBER = re.compile(r"^0[xX][0-9a-fA-F]{1,16}$")
_ENUM = re.compile(r"^[A-Z][A-Z_]{1,15}$")
# What precedes a config key: the start of a line and its indentation (a YAML list dash too), or a flow mapping.
_CONFIG_KEY = re.compile(r"(?:^|\n)[ \t]*(?:-[ \t]+)?$|[{,][ \t]*$")


def is_identifier(name: str, words: list[str]) -> bool:
    """`DB_PASS`, `clientSecret`, `X-Api-Key`, `PIN`, `x.db.password`: a name written as code, not a prose word."""
    if " " in name or "\t" in name:
        return False  # `API key`, `pass phrase`: two words of prose (_TWO_WORDS), however capitalised
    return ("." not in name and (name.isupper() or "_" in name or "-" in name or not name.islower())
            or "." in name and _strong(words))


def _statement(name: str, val: str) -> bool:
    """HCL/Ruby/nginx `apiToken "<v>"`: a code-style name (not a capitalised word: `Token "NaN" is invalid`)
    before one quoted word that looks generated."""
    return (is_identifier(name, name_words(name)) and not (name.istitle() and name.isalpha()) and " " not in val
            and looks_like_value(val, False, False))


_APOSTROPHES = ("'", "\u2019")


def random_field(val: str) -> bool:
    """`WDMi5Rc181uM2T5n=_T-7EZ...`: what reads as `field=` in `NAME <v>` is a generated value with a `=` inside (the
    charset `[A-Za-z0-9=_-]` of many providers' keys), not the next field of a repr (`<Token var=<ContextVar>>`,
    `name='x'`): token characters go on after the `=`, and the whole reads as generated."""
    after = val[val.index("=") + 1:val.index("=") + 2]
    return len(val) >= 20 and (after.isalnum() or after in "_-=") and generated(val)


def only_space_sep(m: re.Match[str]) -> bool:
    return m.group("sep").strip() == "" and not m.group("q1")


def kv_repl(mark: str, providers_only: bool = False) -> Callable[[re.Match[str], bool], str]:
    """`providers_only`: judge only a provider's name (providers.py); a secret name was the first pass's.
    `scheme_judged`: the caller (kv_sub) already found no scheme word with a credential after this unquoted value."""
    def repl(m: re.Match[str], scheme_judged: bool = False) -> str:
        name = m.group("name")
        quoted = m.group("q") is not None
        val = m.group("qval") if quoted else m.group("val")
        if providers_only and (is_secret_name(name) or not val or not provider_secret(name, val)):
            return m.group(0)
        if not is_secret_name(name) and not (val and ((is_weak_secret_name(name) or glued_key_name(
                name) and not only_space_sep(m)) and random_value(val) or provider_secret(name, val))):
            return m.group(0)
        sep = m.group("sep")
        if val is None or "[REDACTED:" in val or val.strip().lower().lstrip("[") in PROSE or ENV_REF.match(val.strip()):
            return m.group(0)
        if not quoted and (val[:1] == "\\" and val[1:2] in ("n", "r", "t") or val.strip("\\") == "" or val in ("[", "(", "{")):
            return m.group(0)  # `Token:\n    <v>` in a JSON string (the value is on the next line: wrapped.py), `\\`, a
            # list's opening bracket before a quote (the list's elements are listed.py's)
        if not quoted and (_CODE.match(val) or only_space_sep(m) and FIELD.match(val) and not random_field(val)):
            return m.group(0)
        if not quoted and val.isalpha() and m.string[m.end():m.end() + 1] in _APOSTROPHES and m.string[
                m.end() + 1:m.end() + 2].isalpha():
            return m.group(0)  # a word cut at its apostrophe: `doesn't`, `isn't`, Italian `dell'utente`, French `d'accès`
        if m.string.startswith(" [REDACTED:", m.end()):
            return m.group(0)  # `Authorization: Digest [REDACTED:...]`: the scheme, the credential is gone
        if not quoted and not scheme_judged and scheme_credential(name, val, m.string, m.end()) is not None:
            return m.group(0)  # `X-Auth: Bot <credential>`: the scheme stays, kv_sub takes the credential
        if val.lower() == name.lower() or (name.lower() == "key" and (len(val) < 16 or ":" in val or (
                val.isalpha() and is_secret_name(val)))) or names_where(name, val):
            return m.group(0)  # `auth=auth` in a code line; a bare `key=` is usually a cache or dict key or names one
        bridge = m.group("bridge") is not None
        only_space = (sep.strip() == "" or bridge) and not m.group("q1")
        if only_space and not quoted and m.string.startswith((" ", "\t"), m.end()) and not (
                _DIGIT.search(val) is not None if val.isascii() else any(c.isdigit() for c in val)) and \
                is_secret_name(val):
            return m.group(0)  # `wpa-psk wifi-sec.psk <v>` (nmcli): the next name, whose value comes after it
        if only_space and quoted and not bridge and not m.string.startswith(";", m.end()) and not _statement(name, val) \
                and not ((password_like(val) or random_value(val)) and not any(c.isspace() for c in val)
                         and not _VERSION.match(val)):
            # `refresh_token "HTTP/2 400 Bad Request"`: a name in prose before a quote; but `secret "x";` is
            # a config statement (detect-secrets' keyword plugin, FOLLOWED_BY_QUOTES_AND_SEMICOLON), and
            # `bad password 'Nlivv77+kMrsZ' for bob` / `bad creds 'user:Nlivv77+k'` quote one password-like token
            return m.group(0)
        # Prose and logger names (`utils.token_counter: counting`) need a value that looks like one;
        # an identifier-style name (`DB_PASS: x`, `clientSecret: x`) does not.
        words = name_words(name)
        identifier = is_identifier(name, words)
        # `name: text` is how loggers and prose write; `name:value` (no space) is an assignment
        loose = only_space or (sep.strip() == ":" and sep[-1:] in " \t" and not quoted and not identifier)
        rest = m.string[m.end():m.end() + 1]
        if sep.strip() == "," and (not quoted or not looks_like_value(val, False, False) or (
                _PLAIN_NAME.fullmatch(val) and is_secret_name(val))):
            # ('password', 'hunter2') is a pair; ['password', 'username'] or `"token", "apiKey"` a list of names;
            # `qop="auth", nonce=` two parameters of an RFC 7616 challenge
            return m.group(0)
        if loose and not quoted and not identifier and rest in ("", "\n", "\r", ",", "}") and _CONFIG_KEY.search(
                m.string, max(0, m.start() - 120), m.start()):
            identifier = True  # `  token: abc` alone on its line, `{user: x, token: abc}`: YAML/INI, not prose
        # a bytes repr's escaped line end is not part of the word (`b'535 Authentication credentials invalid\r\n'`)
        bare = ESCAPED_END.sub("", val) if loose and not quoted and val.endswith(("\\n", "\\r")) else val
        if loose and not quoted and not looks_like_value(bare, identifier or words[-1] in PASSWORDS, bare != val or rest in ("", "\n", "\r", ",", ";", ")", "}", "'", '"', "\\")):
            return m.group(0)
        if keeps_value(m.string, m.start("qval" if quoted else "val"), val):
            return m.group(0)  # masked by the library that printed it, public by design, or a resource name
        if not quoted and val.isdigit() and len(val) <= 2:
            return m.group(0)  # a flag, an index or a count (`auth: 1`, a modem's `+CGAUTH: 1,1,"<user>"` read reply, CLASSES15
            # D36): a PIN holds 4+ digits (C35), and nothing shorter than 3 characters grants anything
        if HEX_NUMBER.match(val) or (_ENUM.match(val) or env_var_name(val)) and not any(w in PASSWORDS for w in words):
            return m.group(0)  # `sessionid 0x14ed93111f20005` (a number), `auth:SIMPLE`, `token_type=BEARER` (an enum)
        start = m.start("qval" if quoted else "val") - m.start(0)
        end = m.end("qval" if quoted else "val") - m.start(0)
        if not quoted and len(val) > 1 and val[-1] in ".:":  # sentence punctuation is not part of the value
            end -= 1
        whole = m.group(0)
        return whole[:start] + mark + whole[end:]
    return repl
