"""Credentials under names that say nothing, in carriers that hold credentials (CLASSES10.md A9, A14, B8).

The name class (names.py) needs a secret word and the provider class (providers.py, B6) a provider's name; here
the name is any word (`upstream`, `cfg_value`, `X-Honeycomb-Team`, `DPoP`), so what decides is the CARRIER, one
that holds credentials by its nature, and a value that reads as a generated key:

- A9 Prometheus exposition label values (`metric{upstream="<v>",model="kimi-k2"} 1.0`; the text format's label
  value escapes `\\\\`, `\\"`, `\\n`: prometheus_client/utils.py, Prometheus docs "Exposition formats"). A label
  is a routing/telemetry value (model, route, status_code, le, pod, instance) unless it reads as a key.
- A14 Sentry frame `vars` (sentry_sdk/serializer.py: a local's value is its `safe_repr`, so a `str` local is
  `"'<v>'"`, a tuple a list of such; sentry_sdk/scrubber.py's DEFAULT_DENYLIST scrubs only listed key names).
  Every local of the frame is in the event, so a credential is there under whatever name the code gave it.
- B8 HTTP header mappings (httpx `Headers({...})`, requests' CaseInsensitiveDict, aiohttp CIMultiDict reprs, a
  `headers` member): a header named after a product (`X-Honeycomb-Team`, Honeycomb's key header), RFC 9449's
  `DPoP`, Cloudflare Access' `Cf-Access-Jwt-Assertion`, IAP's `X-Goog-Iap-Jwt-Assertion` carry credentials with
  no secret word in the name; the registered fields whose values are random (ETag, Content-MD5, traceparent,
  X-Request-Id, Sec-WebSocket-Key) announce an identifier, digest or nonce and are kept (identified.is_identifier_name).

What reads as a key (`credential_shaped`): a token of 10-256 characters that is generated (providers.generated),
32/40/64 hex digits (a key's 128/160/256 bits; not a UUID, not other lengths: digests and ids), or a password of
both cases with a digit. Not a name built of words with a generated suffix (`gateway-7f8d9c6b5-x2k4q`, a pod; a
word of 4+ letters among separated parts), nor an object id (`req_`, `chatcmpl-`: entropy.ID_PREFIXES), nor what
keep.keeps_value keeps (masked by the printer, public by design: PostHog's `phc_`, Stripe's `pk_live_`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .entropy import ID_PREFIXES
from .identified import is_identifier_name
from .keep import keeps_value
from .providers import generated
from .secret_names import META_WORDS, name_words
from .spans import mark_spans
from .textstats import password_like

_KEY_HEX = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_HEXLIKE = re.compile(r"[0-9a-fA-F]+(?:-[0-9a-fA-F]+)*")
_PARTS = re.compile(r"[-_./+=:%]+")
_PASSWORD_SYMBOLS = frozenset("!#$%*^&@~?")
_VALUE_CHARS = re.compile(r"[A-Za-z0-9_\-+/=.~!#$%*@^&?]+")


# Kubernetes generated names: `<deployment>-<pod-template-hash>-<5>` / `<name>-<5>`, the random parts drawn from
# k8s.io/apimachinery/pkg/util/rand's SafeEncodeString alphabet (no vowels, no 0/1/3: "bcdfghjklmnpqrstvwxz2456789").
_K8S_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?(?:-[bcdfghjklmnpqrstvwxz2456789]{6,10})?"
                       r"-[bcdfghjklmnpqrstvwxz2456789]{5}")


def credential_shaped(val: str) -> bool:
    """True when `val` alone reads as a generated key or a password (see the module docstring)."""
    if not 10 <= len(val) <= 256 or not _VALUE_CHARS.fullmatch(val) or ID_PREFIXES.match(val) or \
            _K8S_NAME.fullmatch(val):
        return False
    if _HEXLIKE.fullmatch(val):
        return _KEY_HEX.fullmatch(val) is not None
    parts = [p for p in _PARTS.split(val) if p]
    if len(parts) > 1 and any(len(p) >= 4 and p.isalpha() and p.islower() for p in parts) and not any(
            c in _PASSWORD_SYMBOLS for c in val):
        return False  # words with a generated suffix: a pod, a host, a release name (which hold no `#`, `!`, ...)
    return generated(val) or (password_like(val) and not any(c in "./:" for c in val) and not val.islower()
                              and not val.isupper())


# META_WORDS less the words that name a party or a place a credential is for (`backend="<v>"`, `service: <v>`): after a
# secret word they say the value is about the secret (`password_backend`), alone they say nothing of the value.
_METADATA = META_WORDS - {"backend", "service", "provider", "source", "store", "manager", "handler", "strategy",
                          "endpoint", "frame", "vault"} | {"release", "build", "sid", "deploy", "image"}  # what a
# provider names a build by (`X-Sentry-Release: <git sha>`, providers._PROVIDER_IDS)


def says_nothing(name: str) -> bool:
    """A name that neither announces an identifier/digest/nonce nor metadata (`trace_id`, `le`, `status_code`)."""
    words = name_words(name)
    return bool(words) and words[-1] not in _METADATA and not is_identifier_name(name)


# -- A9: Prometheus exposition ---------------------------------------------------------------------------------
# A metric name, `{`, then `name="value"` pairs; `\\{0,3}` for the quotes of an exposition logged inside a JSON
# string (a Docker record of a scrape dump writes `\"`).
_METRIC_OPEN = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\{(?=[a-zA-Z_][a-zA-Z0-9_]*=\\{0,3}\")")
_LABEL = re.compile(r"[ \t]*(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)=(?P<q>\\{0,3}\")(?P<val>(?:(?!(?P=q))[^\n])*?)(?P=q)"
                    r"[ \t]*,?")


def labels_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        out: list[str] = []
        pos = 0
        for m in _METRIC_OPEN.finditer(text):
            at = m.end()
            if at < pos:
                continue
            while (lab := _LABEL.match(text, at)) is not None:
                val = lab.group("val").replace("\\\\", "\\")
                if says_nothing(lab.group("name")) and credential_shaped(val) and not keeps_value(
                        text, lab.start("val"), val):
                    out.append(text[pos:lab.start("val")])
                    out.append(mark)
                    pos = lab.end("val")
                at = lab.end()
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
    return sub


# -- A14: Sentry frame vars and B8: header mappings --------------------------------------------------------------
# A member of a JSON object or a Python dict repr: `"name": "value"`, `'name': 'value'`, Sentry's repr'd string local
# `"name": "'value'"`, a list element of a repr'd tuple `"'value'"`; escaped once or twice inside a JSON string.
_MEMBER = re.compile(r"(?:(?P<q1>\\{0,3}[\"'])(?P<name>[A-Za-z_][\w.\-]{0,80})(?P=q1)[ \t]*[:,][ \t]*\[?)?"
                     r"(?P<q2>\\{0,3}[\"'])(?P<r>')?(?P<val>[^\"'\\\s]{10,256})(?(r)')(?P=q2)")
_VARS = re.compile(r"\\{0,3}\"vars\\{0,3}\"[ \t]*:[ \t]*\{")
# A mapping of HTTP header fields: httpx's `Headers({`, multidict's `<CIMultiDict(`/`<CIMultiDictProxy(`, a
# `headers` member or argument (`headers={`, `"headers": {`, `'headers': {`, `request headers: {`).
_HEADERS = re.compile(r"(?i)(?:Headers\(\{|CIMultiDict(?:Proxy)?\(|headers\\{0,3}[\"']?[ \t]*[:=][ \t]*\{)")


_BRACKET = re.compile(r"[{}()]")


def _object_end(text: str, start: int) -> int:
    """Where the `{`/`(` object opened just before `start` closes (brackets counted, quotes not parsed), or 8 KB on."""
    depth = 1
    limit = min(len(text), start + 8192)
    for b in _BRACKET.finditer(text, start, limit):
        depth += 1 if b.group(0) in "{(" else -1
        if depth == 0:
            return b.start()
    return limit


def _members_sub(opener: re.Pattern[str], named_only: bool, mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        out: list[str] = []
        pos = 0
        scanned = 0  # an opener inside an object already read is read with it (a line of unclosed openers: linear)
        for o in opener.finditer(text):
            if o.end() < pos or o.start() < scanned:
                continue
            end = _object_end(text, o.end())
            scanned = end
            for m in _MEMBER.finditer(text, o.end(), end):
                name = m.group("name")
                if (name is None and named_only or name is not None and not says_nothing(name)
                        or not credential_shaped(m.group("val")) or m.start("val") < pos
                        or keeps_value(text, m.start("val"), m.group("val"))):
                    continue
                out.append(text[pos:m.start("val")])
                out.append(mark)
                pos = m.end("val")
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
    return sub


def frame_vars_sub(mark: str) -> Callable[[str], str]:
    """A14: every local of a Sentry frame; a tuple's elements too (a list of repr'd strings under the local's name)."""
    return _members_sub(_VARS, False, mark)


def header_map_sub(mark: str) -> Callable[[str], str]:
    """B8: every field of a header mapping whose name announces no identifier, digest or nonce."""
    return _members_sub(_HEADERS, True, mark)


LABEL_HINTS = ('="', '=\\"')
VARS_HINTS = ('"vars', "vars\\")
HEADER_HINTS = ("headers", "multidict")


# -- A16/A22: debug renderers and object dumps that print a VALUE apart from any name (CLASSES11.md) ----------------
# loguru/better_exceptions `diagnose=True` draw each value under the call on its own line (`│ └ '<v>'`); pytest
# `--showlocals` prints `name   = '<v>'` with the names padded to one width (_pytest/_code/code.py ReprLocals); kubectl
# describe's `Environment:` block aligns `NAME:  <v>` lines (references `<set to the key ..>`/`(v1:...)` stay). The
# names are whatever the code chose, so the value decides (credential_shaped) - unless the name is in view and announces
# an identifier or digest (`commit = '<40 hex>'`, `IMAGE_DIGEST: <sha256>`; says_nothing, as for A9/A14/B8; reviewer r9).
_ANNOTATION = re.compile(r"└[ \t]+(?P<q>\\{0,3}['\"])(?P<val>[^'\"\\\s]{10,256})(?P=q)")
_SHOWLOCALS = re.compile(r"(?m)^(?P<name>[a-z_][a-z0-9_]{0,40})[ \t]+= (?P<q>['\"])(?P<val>[^'\"\\\s]{10,256})(?P=q)[ \t]*$")
_NL = r"(?:\r?\n|(?:\\r)?\\n)"  # a line break, raw or escaped in a JSON string
_ENV_BLOCK = re.compile(r"Environment:[ \t]*" + _NL + r"((?:[ \t]{4,}(?:(?!\\n)[^\n])*(?:" + _NL + r"|$)){1,200})")
_ENV_LINE = re.compile(r"(?:^|(?<=\n)|(?<=\\n))[ \t]{4,}(?P<name>[A-Za-z_][A-Za-z0-9_.-]{0,80}):[ \t]+(?P<val>[^\s<(\\]{10,256})"
                       r"[ \t]*(?=" + _NL + r"|$)")
DUMP_HINTS = ("└", "  = '", '  = "', "environment:")


def debug_dump_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        if "└" in text:
            spans += [m.span("val") for m in _ANNOTATION.finditer(text) if credential_shaped(m.group("val"))]
        if "  = " in text:
            spans += [m.span("val") for m in _SHOWLOCALS.finditer(text)
                      if says_nothing(m.group("name")) and credential_shaped(m.group("val"))]
        if "Environment:" in text:
            for block in _ENV_BLOCK.finditer(text):
                spans += [m.span("val") for m in _ENV_LINE.finditer(text, block.start(1), block.end(1))
                          if says_nothing(m.group("name")) and credential_shaped(m.group("val"))]
        return mark_spans(text, spans, mark)
    return sub
