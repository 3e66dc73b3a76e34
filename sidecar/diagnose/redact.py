"""Redaction of secrets and personal data before any text leaves the machine (Kimi, chat alerts).

`redact(text)` replaces each secret with `[REDACTED:kind]`. The patterns run in a fixed order,
most specific first, so a JWT inside a Bearer header is reported as `jwt` and a password inside a
URL keeps the URL readable (`postgres://user:[REDACTED:password]@host/db`).

What must survive is as important as what goes: UUID request ids, hex fingerprints and file
paths are how an engineer follows an error, so no pattern matches a bare UUID, a bare hex string
or a path. Key/value secrets are recognised by their *name* (`password=`, `"token": ...`), with
the name ending in the secret word so `max_tokens=1000` is left alone.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

__all__ = ["redact", "redact_counts", "redact_obj", "KINDS"]


def _mark(kind: str) -> str:
    return f"[REDACTED:{kind}]"


# The value of a key/value secret never starts with an earlier redaction marker.
_NOT_REDACTED = r"(?!\[REDACTED:)"

_PEM = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"
    r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|[A-Za-z0-9+/=\s\\n]*)"
)
_URL_PASSWORD = re.compile(r"(?P<pre>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s'\"]*:)(?P<pw>[^@/\s'\"]+)(?P<at>@)")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{8,}")
_BEARER = re.compile(r"(?P<pre>\b(?:Bearer|Basic|Token)\s+)" + _NOT_REDACTED + r"(?P<val>[A-Za-z0-9._~+/=-]{8,})")
_ANTHROPIC = re.compile(r"\bsk-ant-[A-Za-z0-9_-]{16,}")
_SK = re.compile(r"\bsk-(?:proj-|svcacct-|live-|test-)?[A-Za-z0-9_-]{16,}")
_SUPABASE = re.compile(r"\bsb_(?:secret|publishable)_[A-Za-z0-9_-]{16,}")
_ZAI = re.compile(r"\b[0-9a-f]{32}\.[A-Za-z0-9]{16}\b")
_AWS = re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")
_GITHUB = re.compile(r"\b(?:ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}")
_SLACK = re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")
# A name that ends in a secret word (password, api_key, key, client_secret, access_token, ...): the word
# starts a name or follows `_ . -`, and nothing alphanumeric follows it (so `max_tokens` is no secret).
# No prefix is matched: it is kept anyway, and a nested prefix quantifier made every line slow.
_SECRET_NAME = (
    r"(?:(?<=[_.-])|(?<![A-Za-z0-9]))"
    r"(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key"
    r"|credentials?|authorization|auth|key)"
    r"(?![A-Za-z0-9])"
)
_KV_QUOTED = re.compile(
    r"(?P<pre>" + _SECRET_NAME + r"[\"']?\s*[:=]\s*(?P<q>[\"']))" + _NOT_REDACTED + r"(?P<val>[^\"'\n]+?)(?P=q)",
    re.IGNORECASE,
)
_KV_BARE = re.compile(
    r"(?P<pre>" + _SECRET_NAME + r"[\"']?\s*[:=]\s*)" + _NOT_REDACTED + r"(?P<val>[^\s\"'&,;}\])]+)",
    re.IGNORECASE,
)
_SECRET_KEY = re.compile(_SECRET_NAME, re.IGNORECASE)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


def _jwt_kind(token: str) -> str:
    """Supabase service-role keys are JWTs whose payload says so: name them, they are the worst leak."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, IndexError, UnicodeDecodeError):
        return "jwt"
    if isinstance(data, dict) and data.get("role") == "service_role":
        return "supabase_service_key"
    if isinstance(data, dict) and data.get("iss") == "supabase":
        return "supabase_key"
    return "jwt"


def _bearer_value(m: re.Match[str]) -> str:
    scheme = m.group("pre").split()[0].lower()
    return m.group("pre") + _mark("basic_auth" if scheme == "basic" else "bearer")


def _kv(m: re.Match[str]) -> str:
    val = m.group("val")
    if "[REDACTED:" in val:  # already redacted inside (e.g. "Bearer [REDACTED:jwt]"): keep it readable
        return m.group(0)
    if val.strip().lower() in ("none", "null", "true", "false", "", "***", "redacted", "bearer", "basic", "token"):
        return m.group(0)
    tail = m.group("q") if "q" in m.groupdict() and m.group("q") else ""
    return m.group("pre") + _mark("secret") + tail


# (kind, pattern, replacement, hints): the pattern runs only when one of the lowercase hints occurs
# in the text, so the common line without any secret costs a few substring searches.
Sub = tuple[str, re.Pattern[str], Callable[[re.Match[str]], str], tuple[str, ...]]

_KV_HINTS = ("pass", "secret", "token", "key", "credential", "auth")
_RULES: tuple[Sub, ...] = (
    ("private_key", _PEM, lambda m: _mark("private_key"), ("private key-----",)),
    ("url_password", _URL_PASSWORD, lambda m: m.group("pre") + _mark("password") + m.group("at"), ("://",)),
    ("jwt", _JWT, lambda m: _mark(_jwt_kind(m.group(0))), ("eyj",)),
    ("bearer", _BEARER, _bearer_value, ("bearer", "basic", "token")),
    ("anthropic_key", _ANTHROPIC, lambda m: _mark("anthropic_key"), ("sk-ant-",)),
    ("api_key", _SK, lambda m: _mark("api_key"), ("sk-",)),
    ("supabase_key", _SUPABASE, lambda m: _mark("supabase_key"), ("sb_",)),
    ("zai_key", _ZAI, lambda m: _mark("zai_key"), (".",)),
    ("aws_access_key", _AWS, lambda m: _mark("aws_access_key"), ("akia", "asia", "agpa", "aida", "aroa")),
    ("github_token", _GITHUB, lambda m: _mark("github_token"), ("ghp_", "gho_", "ghs_", "ghu_", "github_pat_")),
    ("slack_token", _SLACK, lambda m: _mark("slack_token"), ("xox",)),
    ("secret", _KV_QUOTED, _kv, _KV_HINTS),
    ("secret", _KV_BARE, _kv, _KV_HINTS),
    ("email", _EMAIL, lambda m: _mark("email"), ("@",)),
)
KINDS: tuple[str, ...] = tuple(dict.fromkeys(k for k, _, _, _ in _RULES))
# Each rule's hints as one compiled alternation: one C-level search per rule instead of a Python
# generator over substrings (the hint check is most of the cost of a text without secrets).
_GUARDED = tuple((kind, pattern, repl, re.compile("|".join(map(re.escape, hints))).search)
                 for kind, pattern, repl, hints in _RULES)
_CACHE_MAX_LEN = 256


def _apply(text: str, counts: Counter[str] | None) -> str:
    lower = text.lower()
    for kind, pattern, repl, hinted in _GUARDED:
        if hinted(lower) is None:
            continue
        text, n = pattern.subn(repl, text)
        if n:
            if counts is not None:
                counts[kind] += n
            lower = text.lower()
    return text


def redact_counts(text: str) -> tuple[str, Counter[str]]:
    """Redact `text` and count the replacements by rule."""
    counts: Counter[str] = Counter()
    return _apply(text, counts), counts


@functools.lru_cache(maxsize=4096)
def _redact_short(text: str) -> str:
    return _apply(text, None)


def redact(text: str) -> str:
    """Replace every secret in `text` with `[REDACTED:kind]`; everything else is left as it was.

    Pure, so short texts are remembered (bounded): loggers, levels, exception types and label
    values repeat across an error storm and across callers (alerts, prompts, rule evidence).
    """
    return _redact_short(text) if len(text) <= _CACHE_MAX_LEN else _apply(text, None)


def redact_obj(value: Any) -> Any:
    """Redact every string inside nested dicts, lists and tuples (keys too: they can hold secrets)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            secret_key = isinstance(k, str) and _SECRET_KEY.fullmatch(k) is not None
            out[redact(k) if isinstance(k, str) else k] = (
                _mark("secret") if secret_key and isinstance(v, str) and v else redact_obj(v)
            )
        return out
    if isinstance(value, list | tuple):
        return [redact_obj(v) for v in value]
    return value
