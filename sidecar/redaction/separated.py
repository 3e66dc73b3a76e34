"""Class (c), the value apart from its name: a secret name and its value that are not one assignment.

names.py reads `name<sep>value`, the value right after its name. These shapes put something between
them, or the value first: two fields of one record (Kubernetes env `name`/`value`, CloudFormation
`ParameterKey`/`ParameterValue`), a setter call's two arguments (`define('DB_PASSWORD', '<v>')`), words
that qualify the name (`password for user bob is <v>`) or judge it (`Incorrect API key provided: <v>`),
the value in parentheses (`Fernet(b'<key>')`), a comparison (`"<v>" == password`), and XML elements or
`key=/value=` attributes. Each rule is a regex plus a replacer built on values.py's tests (PROSE,
looks_like_value, references and templates), so a value is judged the same way whatever its shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .keep import keeps_value
from .providers import provider_secret
from .secret_names import is_secret_name, name_words, random_value
from .textstats import password_like, wordlike
from .values import ENV_REF, FIELD, HEX_NUMBER, PASSWORDS, PROSE, is_identifier, looks_like_value

# A name and its value in two fields: Kubernetes env (`{"name": "DB_PASSWORD", "value": "..."}`, the same in
# YAML), ECS/SSM `Name`/`Value`, CloudFormation `ParameterKey`/`ParameterValue`.
_Q = r"\\{0,7}[\"']"
# Between a name and its value: a comma, a newline (raw or escaped), or Spring Boot's bind failure report
# (`Property: spring.mail.password` then `Value: "..."`, on lines, on one line, or joined by ` | `).
_NL = r"(?:,|\||\r?\n|\\{1,7}n)"
NAME_VALUE = re.compile(
    r"(?P<pre>\b(?i:name|key|parameter_?key|property)(?P<q1>(?:" + _Q + r")?)[ \t]*[:=][ \t]*(?P<q2>(?:" + _Q + r")?)"
    r"(?P<name>[A-Za-z_][\w.\-]{0,80})(?P=q2)(?:[ \t]*" + _NL + r"[ \t]*|[ \t]+)-?[ \t]*(?P<q3>(?:" + _Q + r")?)"
    r"(?i:value|parameter_?value)(?P=q3)[ \t]*[:=][ \t]*"
    # OTLP/JSON's AnyValue wrapper (opentelemetry-proto common.proto KeyValue: `"value": {"stringValue": <v>}`)
    r"(?:\{[ \t]*(?P<q5>" + _Q + r")(?:string|bytes)Value(?P=q5)[ \t]*:[ \t]*)?)"
    r"(?:(?P<q4>" + _Q + r")(?P<qval>(?:(?!(?P=q4))[^\n]){1,512})(?P=q4)|(?P<val>[^\s,}\]\\]{1,512}))")


# Spring Boot's bind failure report (BindFailureAnalyzer: `Property:`, `Value:`, `Origin:`, `Reason:`, indented by
# four) printed one console line per record (Docker json-file): the `Value:` line alone, its `Property:` line in
# another record. Without the property's name, a password-shaped value (textstats.password_like, one token without
# `/ : .`: not a URL, a path, a class name, a duration or a size) is judged a secret; with a `Property:` line in the
# same text, NAME_VALUE decides by the name.
SPRING_VALUE = re.compile(r"(?:^|(?<=\n)|(?<=\\n)|(?<=\"log\":\")|(?<=\"log\": \"))[ ]{4}Value: (?P<q>\\{0,3}\")"
                          r"(?P<val>[^\s\"\\/:.]{8,64})(?P=q)")


def spring_value_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        val = m.group("val")  # quoted: a trailing `!` or `?` is the password's, not a sentence's (password_like cuts it)
        if not password_like(val) and not (val[-1] in "!?" and password_like(val[:-1] + "#")):
            return m.group(0)
        return m.group(0)[:m.start("val") - m.start()] + mark + m.group(0)[m.end("val") - m.start():]

    def sub(text: str) -> str:
        return text if "Property:" in text else SPRING_VALUE.sub(repl, text)
    return sub


# A setter call whose first argument names a secret, the second its value: PHP define(name, value) (wp-config.php's
# `define( 'DB_PASSWORD', '<v>' )`) and ini_set(option, value), POSIX setenv(name, value, overwrite), Python
# os.putenv(key, value) / os.environ.setdefault(key, default), Java System.setProperty(key, value), .NET
# Environment.SetEnvironmentVariable(variable, value).
SETTER = re.compile(
    r"\b(?:define|ini_set|setenv|putenv|os\.environ\.setdefault|System\.setProperty|Environment\.SetEnvironmentVariable)"
    r"[ \t]*\([ \t]*(?P<q1>" + _Q + r")(?P<name>[A-Za-z_][\w.\-]{0,80})(?P=q1)[ \t]*,[ \t]*(?P<pre>(?P<q4>" + _Q + r"))"
    r"(?P<qval>(?:(?!(?P=q4))[^\n]){1,512})(?P=q4)")
SETTER_HINTS = ("define", "ini_set", "setenv", "putenv", "setdefault", "setproperty")


def setter_repl(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        val = m.group("qval")
        if not is_secret_name(m.group("name")) or val.strip().lower() in PROSE or ENV_REF.match(val) or keeps_value(
                m.string, m.start("qval"), val):
            return m.group(0)
        return m.string[m.start(0):m.end("pre")] + mark + m.group("q4")
    return repl


def name_value_repl(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        quoted = m.group("q4") is not None
        val = m.group("qval") if quoted else m.group("val")
        if not is_secret_name(m.group("name")) or val.strip().lower() in PROSE or keeps_value(
                m.string, m.start("qval" if quoted else "val"), val):
            return m.group(0)
        return m.group("pre") + (m.group("q4") + mark + m.group("q4") if quoted else mark)
    return repl


# A secret name, then words that qualify it, then the value: `password for user bob is <v>`, `token (expires
# 3600s): <v>`, `API key of tenant acme = <v>`, `Password for 'https://u@host' was <v>` (git's credential
# prompt), and a change of value (`set password for bob to <v>`, `password from old value to <v>`). The
# qualifier is one parenthesis, or `for`/`of`/`from` and up to three words (a quoted one may hold blanks and
# `:`); the value must look like one, so prose ("password for user bob is incorrect") stays.
_QUAL_TAIL = (
    r"(?P<qual>\([^()\n]{1,40}\)|(?:for|of|from)(?:[ \t]+(?!(?:is|was|to)[ \t])(?:'[^'\n]{1,80}'|[^\s:=()]{1,40})){1,3})[ \t]*"
    r"(?P<sep>:|=|is|was|to)[ \t]+(?!\[REDACTED:)(?P<val>[^\s\"'`,;<>()\[\]{}]{4,256})")
QUALIFIED = re.compile(
    r"(?<![A-Za-z0-9_])(?P<name>[A-Za-z_][\w.\-]{0,40}(?:[ \t]+(?i:key|token|secret|password))?)[ \t]*" + _QUAL_TAIL)
# QUALIFIED from its qualifier on, alone: every match of QUALIFIED holds a match of this at its `qual` (the same
# pattern text, so they cannot drift apart), and this one is tried only where `for`/`of`/`from`/`(` starts, where
# QUALIFIED tries its name at every word start (sre backtracks the name's 41 lengths there). On bench/redaction.py's
# 1,713 lines that hold QUALIFIED's hints, 8 hold this: a text without it is returned without the full search.
_QUALIFIED_TAIL = re.compile(_QUAL_TAIL)


def qualified_sub(mark: str) -> Callable[[str], str]:
    """`QUALIFIED.sub(qualified_repl(mark), text)`, skipped when the text holds no qualifier-separator-value tail."""
    repl = qualified_repl(mark)

    def sub(text: str) -> str:
        return text if _QUALIFIED_TAIL.search(text) is None else QUALIFIED.sub(repl, text)
    return sub


# Every text QUALIFIED matches holds one of these (a rule runs only when a hint occurs): `for`/`of` before a space
# or a tab, and `)` before the separator with no blank, one space, or a longer run of blanks.
QUALIFIED_HINTS = ("for ", "for\t", "of ", "of\t", "from ", "from\t", "):", ")=", ")is", ")was", ")to", ") :", ") =", ") is",
                   ") was", ") to", ")\t", ")  ", ") \t")


# A secret name, a verdict on it, `:` and the value, as SDKs word an auth failure: Voyage `Provided API key is
# invalid: <v>`, OpenAI `Incorrect API key provided: <v>`, Stripe `Invalid API Key provided: <v>`, `token has been
# revoked: <v>`. The value must look like one (`token is invalid: signature mismatch` stays).
_VERDICTS = ("invalid", "incorrect", "wrong", "expired", "revoked", "rejected", "unknown", "malformed", "unauthorized",
             "denied", "disabled", "valid", "found", "recognized", "provided", "supplied", "given", "used", "sent",
             "received")
VERDICT = re.compile(
    r"(?<![A-Za-z0-9_])(?P<name>[A-Za-z_][\w.\-]{0,40}(?:[ \t]+(?i:key|token|secret|password))?)[ \t]+"
    r"(?:(?:is|was|has[ \t]+been)[ \t]+)?(?:not[ \t]+)?(?:" + "|".join(_VERDICTS) + r") ?(?P<sep>:)[ \t]+"
    r"(?!\[REDACTED:)(?P<val>[^\s\"'`,;<>()\[\]{}]{4,256})")
VERDICT_HINTS = tuple(w + s for w in _VERDICTS for s in (":", " :"))


_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def qualified_repl(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        name, val = m.group("name"), m.group("val").rstrip(".,:;!?")
        words = name_words(name)
        if val.lower() in PROSE or ENV_REF.match(val):
            return m.group(0)
        if not is_secret_name(name):  # a provider's name (`Incorrect algolia_admin provided: <v>`) needs its value
            return m.group(0) if not provider_secret(name.split()[-1], val) or keeps_value(
                m.string, m.start("val"), val) else m.group(0)[:m.start("val") - m.start()] + mark + m.group(0)[
                    m.start("val") - m.start() + len(val):]
        if _ENV_NAME.match(val) and is_secret_name(val):
            return m.group(0)  # `api_key from secret_env: KIMI_API_KEY`: the variable that holds it, named
        identifier = is_identifier(name.split()[-1], words) or bool(words) and words[-1] in PASSWORDS
        if m.group("sep") == "to":
            identifier = False  # `reset password for bob to default`: a lone word after `to` is prose
        at_end = m.end() == len(m.string) or m.string[m.end()] == "\n"
        if m.group("sep") != "=" and not looks_like_value(val, identifier, at_end):
            return m.group(0)  # `=` assigns; `:`/`is` may be prose, so the value must look like one
        if keeps_value(m.string, m.start("val"), val) or HEX_NUMBER.match(val) or _TIMESTAMP.match(val):
            return m.group(0)  # `token expired: 2026-12-06T04:00:00Z`: when, not what
        return m.group(0)[:m.start("val") - m.start()] + mark + m.group(0)[m.start("val") - m.start() + len(val):]
    return repl


# A secret name, then its value in parentheses: prose (`the old password (<v>) should fail`, `valid Server token
# (<uuid>)`) or a call with one string argument (`pyotp.TOTP("<base32>")`, `Fernet(b'<key>')`). Unquoted, the
# value must look like one (`password (hidden)`, `token (expired)` stay); quoted, it must read as generated
# (`get_token("default")`, `load_key("server.pem")` stay).
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# An RFC 4648 base32 key (TOTP/HOTP secrets, Google Authenticator's Key Uri Format): letters run long, so the
# generated-value test (class switches) misses it.
_BASE32_KEY = re.compile(r"^(?=[A-Z2-7]*[2-7])[A-Z2-7]{16,}=*$")
_PAREN_TAIL = (r"\([ \t]*(?:[bB]?(?P<q>[\"']))?(?!\[REDACTED:)"
               r"(?P<val>[^\s()\"'`,;<>\[\]{}]{6,256})(?(q)(?P=q))[ \t]*\)")
PARENTHESISED = re.compile(r"(?<![A-Za-z0-9_])(?P<name>[A-Za-z_][\w.\-]{0,40})[ \t]*" + _PAREN_TAIL)
# PARENTHESISED from its `(` on, alone (the same pattern text): every match holds one at its `(`, and this one is
# tried only where a `(` is, not at every word start: a text without it is returned without the full search.
_PARENTHESISED_TAIL = re.compile(_PAREN_TAIL)


def parenthesised_repl(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        name, val = m.group("name"), m.group("val")
        if not is_secret_name(name) or val.lower() in PROSE or ENV_REF.match(val) or FIELD.match(val):
            return m.group(0)
        if not (random_value(val) or _BASE32_KEY.match(val) if m.group("q") else looks_like_value(val, False, False)):
            return m.group(0)
        parts = [p for p in re.split(r"[-_./]+", val) if p]
        if len(parts) > 1 and all(wordlike(p) for p in parts) and not _UUID.match(val):
            return m.group(0)  # `verify_token(request_id_2)`, `token (v2.1-beta)`: an identifier or a version
        if keeps_value(m.string, m.start("val"), val) or HEX_NUMBER.match(val) or _ENV_NAME.match(val):
            return m.group(0)
        return m.group(0)[:m.start("val") - m.start()] + mark + m.group(0)[m.end("val") - m.start():]
    return repl


def parenthesised_sub(mark: str) -> Callable[[str], str]:
    """`PARENTHESISED.sub(parenthesised_repl(mark), text)`, skipped when no `(<value>)` is in the text."""
    repl = parenthesised_repl(mark)

    def sub(text: str) -> str:
        return text if _PARENTHESISED_TAIL.search(text) is None else PARENTHESISED.sub(repl, text)
    return sub


# `"hunter2" == password` (detect-secrets' keyword plugin, PRECEDED_BY_EQUAL_COMPARISON_SIGNS).
COMPARED = re.compile(r"(?P<q>[\"'])(?!\[REDACTED:)(?P<val>[^\"'\n]{1,512})(?P=q)[ \t]*(?:===?|!==?)[ \t]*"
                      r"(?P<name>[A-Za-z_][\w.\-]{0,80})")


def compared_repl(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        if not is_secret_name(m.group("name")) or m.group("val").strip().lower() in PROSE:
            return m.group(0)
        q = m.group("q")
        return q + mark + m.group(0)[m.end("val") - m.start(0):]
    return repl


XML_ELEMENT = re.compile(r"<(?P<tag>[A-Za-z_][\w.:-]{0,60})(?:\s[^<>]*)?>(?P<val>[^<\n]{1,512})</(?P=tag)>")
XML_KEY_VALUE = re.compile(
    r"(?P<pre>\b(?:key|name)\s*=\s*(?P<q>\\{0,7}[\"'])(?P<name>[^\"'<>\\]{1,60})(?P=q)\s+value\s*=\s*(?P<q2>\\{0,7}[\"']))"
    r"(?P<val>[^\"'\n\\]{1,512})(?P=q2)", re.IGNORECASE)


def xml_repl(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        if "tag" in m.groupdict():
            if not is_secret_name(m.group("tag")) or m.group("val").strip().lower() in PROSE or keeps_value(
                    m.string, m.start("val"), m.group("val")):
                return m.group(0)
            return m.group(0)[:m.start("val") - m.start(0)] + mark + m.group(0)[m.end("val") - m.start(0):]
        if not is_secret_name(m.group("name")) or keeps_value(m.string, m.start("val"), m.group("val")):
            return m.group(0)
        return m.group("pre") + mark + m.group("q2")
    return repl
