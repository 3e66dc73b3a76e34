"""What reads as a VALUE after a secret name, and the judgement of one `name<sep>value` (names.py's class (c)).

names.py finds the assignment (KV, anchored at the hints by kv_sub); this module says whether its value is a secret
(kv_repl) and holds the tests the other carriers share (separated.py, wrapped.py, continued.py, listed.py,
transcripts.py, carriers.py): the PROSE words that follow a secret name in a sentence, references and templates
(ENV_REF), a repr's next field (FIELD), `looks_like_value` for `NAME value` with only a blank, an identifier-style
name (`is_identifier`). Split from names.py in round 20 (a file past ~400 lines), no behaviour change.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .grouped import dashed_app_password
from .keep import keeps_value
from .providers import generated, provider_secret
from .schemes import scheme_credential
from .secret_names import (
    ESCAPED_END,
    env_var_name,
    glued_key_name,
    is_secret_name,
    is_weak_secret_name,
    name_words,
    names_where,
    random_value,
)
from .textstats import password_like

PLAIN_NAME = re.compile(r"[A-Za-z_][\w.\-]{0,80}")  # a name alone, as kv_sub and kv_repl read a value that is one

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
                PLAIN_NAME.fullmatch(val) and is_secret_name(val))):
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
