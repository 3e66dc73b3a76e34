"""The one redactor: every text that leaves the machine or is shown passes through `redact`.

Used when a sample is stored (unless `store.keep_raw`), and again at every exit as a second line of
defence: the Kimi prompt, chat/webhook alerts, Alertmanager labels and annotations, hook payloads,
API JSON and pages. Each secret becomes `[REDACTED:kind]`.

Taxonomy (what counts as a secret), in the order the rules run (most specific first):
1. Structures: PEM private key blocks; webhook URLs that are themselves credentials (Slack
   `hooks.slack.com/services|workflows|triggers`, Discord `/api/webhooks/<id>/<token>`, Teams
   `*.webhook.office.com/webhookb2/` and Power Automate `*.logic.azure.com` with `sig=`): the host is
   kept, the path goes; URL userinfo passwords; secret query parameters; JWTs (`eyJ..eyJ..sig`).
2. Provider key formats, from gitleaks' rule corpus (config/gitleaks.toml: aws-access-token,
   github-pat/-oauth/-app-token/-fine-grained-pat, gitlab-pat, slack-bot/user/app-token,
   stripe-access-token `(sk|rk)_(test|live|prod)_`, gcp-api-key `AIza[\\w-]{35}`, sendgrid-api-token,
   twilio-api-key, npm-access-token, pypi-upload-token, huggingface-access-token, openai-api-key,
   anthropic-api-key, digitalocean-pat, shopify-access-token, databricks-api-token, doppler-api-token,
   linear-api-key, grafana tokens, postman-api-token, age-secret-key, ...) and detect-secrets' plugins
   (AWSKeyDetector, StripeDetector, SlackDetector, DiscordBotTokenDetector, TwilioKeyDetector, ...).
3. A value after a secret-like name (detect-secrets' KeywordDetector idea, generalised): the name is
   split into words at `_ - .` and camelCase, and is secret when one word is a secret word (pass,
   pwd, secret, token, key, auth, credential, signature, cookie ...) or an ALLCAPS run ends in one
   (`PGPASSWORD`, `DBPASS`), unless its last word says it is metadata (`token_count`, `KeyError`,
   `auth_type`). Separators: `=`, `:`, JSON `"name": "value"`, and `NAME value` (a space: only when
   the value looks like a secret, so "invalid token provided" stays readable).
4. Bearer/Basic credentials in any case; e-mail addresses (personal data).
5. High-entropy tokens (detect-secrets' Base64HighEntropyString: Shannon entropy over a base64
   charset): 20+ characters with upper, lower and digits. Bare hex and UUIDs are NOT redacted:
   trace ids, commit shas and fingerprints are how an engineer follows an error (a hex secret is
   caught by its name or its provider format instead).

What must survive: error codes, exception names, provider hostnames, model names, paths, UUIDs.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

__all__ = ["redact", "redact_counts", "redact_obj", "is_secret_name", "KINDS", "MARK_PREFIX"]

MARK_PREFIX = "[REDACTED:"


def _mark(kind: str) -> str:
    return f"{MARK_PREFIX}{kind}]"


_NOT_REDACTED = r"(?!\[REDACTED:)"

# -- 1. structures ------------------------------------------------------------------------------
_PEM = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
    r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\n]*)"
)
_SLACK_WEBHOOK = re.compile(r"(?P<pre>hooks\.slack\.com/)(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{8,}",
                            re.IGNORECASE)
_DISCORD_WEBHOOK = re.compile(
    r"(?P<pre>(?:discord|discordapp)\.com/api/(?:v\d+/)?)webhooks/\d{5,}/[A-Za-z0-9_-]{10,}", re.IGNORECASE)
_TEAMS_WEBHOOK = re.compile(
    r"(?P<pre>[a-z0-9-]+\.webhook\.office\.com/)webhook(?:b2)?/[^\s\"'<>]+"
    r"|(?P<pre2>[a-z0-9.-]*\.logic\.azure\.com(?::\d+)?/)workflows/[^\s\"'<>]*sig=[^\s\"'<>&]+",
    re.IGNORECASE)
_URL_USERINFO = re.compile(r"(?P<pre>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s'\"]*:)(?P<pw>[^@/\s'\"]+)(?P<at>@)")
# Query parameters whose value is a credential whatever the name-rule thinks (sig, code, X-Amz-*).
_SECRET_QUERY = re.compile(
    r"(?P<pre>[?&;](?:sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature"
    r"|code|access_token|refresh_token|id_token|client_secret|api[_-]?key|key|token|auth|password|pwd"
    r"|sv_sig|se?ssion(?:id)?)=)" + _NOT_REDACTED + r"(?P<val>[^&\s\"'#<>]+)",
    re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{8,}")

# -- 2. provider formats (gitleaks / detect-secrets rule ids in the comments) ---------------------
_PROVIDERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("anthropic_key", r"\bsk-ant-(?:api|admin)?\d*-?[A-Za-z0-9_-]{16,}", ("sk-ant-",)),      # anthropic-api-key
    ("api_key", r"\bsk-(?:proj-|svcacct-|admin-|live-|test-)?[A-Za-z0-9_-]{16,}", ("sk-",)),  # openai-api-key
    ("stripe_key", r"\b(?:sk|rk|pk)_(?:test|live|prod)_[A-Za-z0-9]{10,99}\b", ("_test_", "_live_", "_prod_")),
    ("google_api_key", r"\bAIza[0-9A-Za-z_-]{35}", ("aiza",)),                               # gcp-api-key
    ("google_oauth", r"\bya29\.[0-9A-Za-z_-]{20,}", ("ya29.",)),
    ("aws_access_key", r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b",
     ("akia", "asia", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "abia", "acca", "a3t")),
    ("github_token", r"\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{22,}",
     ("ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_")),
    ("gitlab_token", r"\bgl(?:pat|dt|rt|ptt|cbt|soat|ft|imt)-[A-Za-z0-9_-]{20,}", ("gl",)),
    ("slack_token", r"\bxox[abeoprs]-(?:\d+-)?[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+", ("xox", "xapp-")),
    ("sendgrid_key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}", ("sg.",)),
    ("twilio_key", r"\bSK[0-9a-fA-F]{32}\b", ("sk",)),
    ("npm_token", r"\bnpm_[A-Za-z0-9]{36}\b", ("npm_",)),
    ("pypi_token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", ("pypi-",)),
    ("huggingface_token", r"\bhf_[A-Za-z0-9]{30,}\b", ("hf_",)),
    ("digitalocean_token", r"\bdo[por]_v1_[a-f0-9]{64}\b", ("_v1_",)),
    ("shopify_token", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b", ("shp",)),
    ("databricks_token", r"\bdapi[a-f0-9]{32}(?:-\d)?\b", ("dapi",)),
    ("doppler_token", r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b", ("dp.",)),
    ("linear_key", r"\blin_api_[A-Za-z0-9]{40}\b", ("lin_api_",)),
    ("grafana_token", r"\bgl(?:c|sa)_[A-Za-z0-9_+/=-]{32,}", ("glc_", "glsa_")),
    ("postman_key", r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b", ("pmak-",)),
    ("age_key", r"\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b", ("age-secret-key-",)),
    ("mailgun_key", r"\bkey-[a-f0-9]{32}\b", ("key-",)),
    ("groq_key", r"\bgsk_[A-Za-z0-9]{40,}\b", ("gsk_",)),
    ("supabase_key", r"\bsb_(?:secret|publishable)_[A-Za-z0-9_-]{16,}", ("sb_",)),
    ("zai_key", r"\b[0-9a-f]{32}\.[A-Za-z0-9]{16}\b", (".",)),
    ("discord_bot_token", r"\b[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}", (".",)),
    ("square_token", r"\b(?:EAAA|sq0atp-|sq0csp-)[A-Za-z0-9_-]{22,60}", ("eaaa", "sq0")),
    ("azure_ad_secret", r"(?<![A-Za-z0-9])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9])", ("q~",)),
    ("atlassian_token", r"\bATATT3[A-Za-z0-9_=-]{50,}", ("atatt3",)),
    ("heroku_key", r"\bHRKU-AA[0-9A-Za-z_-]{58}", ("hrku-",)),
)

# -- 3. names ------------------------------------------------------------------------------------
_SECRET_WORDS = frozenset({
    "pass", "passwd", "password", "passphrase", "pwd", "pw", "secret", "secrets", "token", "key", "apikey",
    "auth", "authorization", "credential", "credentials", "cred", "creds", "sig", "signature", "cookie",
    "privatekey", "accountkey", "accesskey", "secretkey", "sessionid", "passcode", "pin", "contrasena",
    "contraseña", "jwt", "bearer", "sas",
})
# An ALLCAPS/lowercase run like PGPASSWORD or dbpass ends with one of these.
_SECRET_SUFFIXES = ("password", "passwd", "pass", "pwd", "secret", "token", "apikey", "accesskey", "secretkey",
                    "privatekey", "accountkey", "authkey", "passphrase")
_NOT_SECRET_RUNS = frozenset({"bypass", "compass", "surpass", "overpass", "underpass", "trespass", "monkey",
                              "turkey", "hockey", "jockey", "donkey", "whiskey", "passkey"})
# A last word that makes the name metadata about a secret, not the secret itself.
_META_WORDS = frozenset({
    "count", "counts", "length", "len", "size", "type", "types", "name", "names", "file", "path", "paths", "url",
    "uri", "limit", "limits", "max", "min", "expiry", "expires", "expired", "expiration", "ttl", "usage", "used",
    "left", "remaining", "error", "errors", "exception", "header", "headers", "field", "fields", "prefix", "hint",
    "required", "missing", "invalid", "format", "kind", "version", "policy", "scope", "scopes", "endpoint",
    "provider", "source", "store", "manager", "service", "env", "var", "rotation", "id", "ids", "index", "idx",
    "mode", "method", "methods", "enabled", "disabled", "set", "status", "state", "ok", "valid", "check",
    "checks", "fingerprint", "algorithm", "alg", "location", "dir", "budget", "rate", "tokens", "per",
    "estimate", "estimated", "total", "mismatch", "failed", "failure", "refresh", "refreshed", "rotated",
    "validation", "verify", "verified", "ref", "reference", "age", "at", "time", "timeout", "class", "module",
    "handler", "backend", "strategy", "label", "labels", "column", "columns", "hash", "bytes",
    "chars", "counter", "pattern", "regex", "map", "list", "board", "pad", "word", "words", "note", "notes", "event",
})
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """True when a field/variable name says its value is a secret (`DB_PASS`, `clientSecret`, `x-api-key`)."""
    words: list[str] = []
    for part in re.split(r"[_.\-\s]+", name.strip("\"' -_")):
        words.extend(w.lower() for w in _CAMEL.findall(part))
    words = [w for w in words if not w.isdigit()]
    if not words or words[-1] in _META_WORDS:
        return False
    for w in words:
        if w in _SECRET_WORDS:
            return True
        if w not in _NOT_SECRET_RUNS and len(w) > 4 and w.endswith(_SECRET_SUFFIXES):
            return True
    return False


# Words that follow a secret-like name in prose, not a value: "token expired", "password: missing".
_PROSE = frozenset({
    "is", "was", "are", "not", "missing", "invalid", "expired", "required", "must", "for", "the", "a", "an",
    "of", "in", "on", "to", "and", "or", "has", "have", "had", "from", "with", "without", "failed", "error",
    "set", "unset", "provided", "found", "header", "value", "mismatch", "rejected", "denied", "revoked",
    "could", "cannot", "does", "did", "will", "should", "be", "been", "may", "none", "null", "nil", "true",
    "false", "empty", "redacted", "bearer", "basic", "token", "key", "id", "used", "using", "by", "at", "as",
    "if", "it", "this", "that", "expires", "refresh", "refreshed", "rotation", "rotated", "length", "format",
    "type", "verification", "validation", "authentication", "authorization", "undefined", "unknown", "ok",
    "yes", "no", "too", "limit", "exceeded", "already", "incorrect", "wrong", "changed", "updated", "check",
    "***", "<redacted>", "xxx", "****", "********",
})
_NAME_HINTS = ("pass", "pwd", "pw", "secret", "token", "key", "auth", "cred", "sig", "cookie", "session", "pin",
               "jwt", "bearer", "sas", "contrase")
_KV = re.compile(
    r"(?<![A-Za-z0-9_])(?P<name>(?:[A-Za-z_][A-Za-z0-9_.\-]{0,40}?)?(?i:"
    + "|".join(_NAME_HINTS) + r")[A-Za-z0-9_.\-]{0,40})(?P<q1>\\?[\"']?)"
    r"(?P<sep>[ \t]*[:=][ \t]*|[ \t]+)"
    r"(?:(?P<q>\\?[\"'])" + _NOT_REDACTED + r"(?P<qval>[^\"'\n]{1,512}?)(?P=q)"
    r"|" + _NOT_REDACTED + r"(?P<val>[^\s\"'&,;}\])<>\x80-\U0010ffff]{1,512}))"
)
_BEARER = re.compile(r"(?P<pre>\b(?:bearer|basic)\s+)" + _NOT_REDACTED + r"(?P<val>[A-Za-z0-9._~+/=:-]{8,})",
                     re.IGNORECASE)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+/-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_HIGH_ENTROPY = re.compile(r"(?<![A-Za-z0-9+_=-])[A-Za-z0-9+_=-]{20,}(?![A-Za-z0-9+_=-])")


def _looks_like_value(val: str) -> bool:
    """For `NAME value` with only a space: a secret has a digit, a symbol, mixed case, or is long."""
    val = val.rstrip(".,:;!?")
    if not val or val.lower() in _PROSE or val.startswith(MARK_PREFIX) or not val[0].isalnum() or "(" in val:
        return False
    has_digit = any(c.isdigit() for c in val)
    has_symbol = any(not c.isalnum() for c in val)
    mixed = any(c.isupper() for c in val) and any(c.islower() for c in val) and not val[1:].islower()
    return has_digit or has_symbol or mixed or len(val) >= 16


def _kv(m: re.Match[str]) -> str:
    name = m.group("name")
    if not is_secret_name(name):
        return m.group(0)
    quoted = m.group("q") is not None
    val = m.group("qval") if quoted else m.group("val")
    sep = m.group("sep")
    if val is None or MARK_PREFIX in val or val.strip().lower() in _PROSE or val.startswith("${"):
        return m.group(0)
    if val.lower() == name.lower() or (name.lower() == "key" and (len(val) < 16 or ":" in val)):
        return m.group(0)  # `auth=auth` in a code line; a bare `key=` is usually a cache or dict key
    only_space = sep.strip() == "" and not m.group("q1")
    if only_space and quoted:
        return m.group(0)  # `refresh_token "HTTP/2 400 Bad Request"`: a name in prose before a quote
    # Prose and logger names (`utils.token_counter: counting`) need a value that looks like one;
    # an identifier-style name (`DB_PASS: x`, `clientSecret: x`) does not.
    identifier = "." not in name and (name.isupper() or "_" in name or "-" in name or not name.islower())
    loose = only_space or (sep.strip() == ":" and not quoted and not identifier)
    if loose and not _looks_like_value(val):
        return m.group(0)
    start = m.start("qval" if quoted else "val") - m.start(0)
    end = m.end("qval" if quoted else "val") - m.start(0)
    if not quoted and len(val) > 1 and val[-1] in ".:":  # sentence punctuation is not part of the value
        end -= 1
    whole = m.group(0)
    return whole[:start] + _mark("secret") + whole[end:]


def _shannon(s: str) -> float:
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def _entropy(m: re.Match[str]) -> str:
    tok = m.group(0)
    if not (any(c.isupper() for c in tok) and any(c.islower() for c in tok) and any(c.isdigit() for c in tok)):
        return tok
    core = tok.strip("-_=")
    # detect-secrets' base64 limit is 4.5 bits/char; a short string cannot reach that (log2 of its
    # length caps it), so the bar scales with the length.
    bar = min(4.5, math.log2(len(core)) - 0.75) if core else 99.0
    if "-" in core or "_" in core:
        words = re.split(r"[-_]", core)
        if all(w.isalpha() or w.isdigit() or len(w) <= 8 for w in words):
            return tok  # identifiers and model names: "gpt-4o-mini-2024-07-18", "Kimi_K2_Instruct"
    return _mark("high_entropy") if _shannon(core) >= bar else tok


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
    if m.group("val").lower() in _PROSE:
        return m.group(0)
    scheme = m.group("pre").split()[0].lower()
    return m.group("pre") + _mark("basic_auth" if scheme == "basic" else "bearer")


def _webhook(kind: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        pre = m.groupdict().get("pre") or m.groupdict().get("pre2") or ""
        return pre + _mark(kind)
    return repl


def _const(kind: str) -> Callable[[re.Match[str]], str]:
    return lambda m: _mark(kind)


# (kind, pattern, replacement, lowercase hints): a rule runs only when a hint occurs in the text, so a
# line without any secret costs a few C-level searches.
Sub = tuple[str, re.Pattern[str], Callable[[re.Match[str]], str], tuple[str, ...]]

_RULES: tuple[Sub, ...] = (
    ("private_key", _PEM, _const("private_key"), ("private key",)),
    ("slack_webhook", _SLACK_WEBHOOK, _webhook("slack_webhook"), ("hooks.slack",)),
    ("discord_webhook", _DISCORD_WEBHOOK, _webhook("discord_webhook"), ("/webhooks/",)),
    ("teams_webhook", _TEAMS_WEBHOOK, _webhook("teams_webhook"), ("webhook.office", "logic.azure")),
    ("url_password", _URL_USERINFO, lambda m: m.group("pre") + _mark("password") + m.group("at"), ("://",)),
    ("query_secret", _SECRET_QUERY, lambda m: m.group("pre") + _mark("secret"), ("=",)),
    ("jwt", _JWT, lambda m: _mark(_jwt_kind(m.group(0))), ("eyj",)),
    ("bearer", _BEARER, _bearer_value, ("bearer", "basic")),
    *((kind, re.compile(rx), _const(kind), hints) for kind, rx, hints in _PROVIDERS),
    ("secret", _KV, _kv, _NAME_HINTS),
    ("email", _EMAIL, _const("email"), ("@",)),
    ("high_entropy", _HIGH_ENTROPY, _entropy, ("",)),
)
KINDS: tuple[str, ...] = tuple(dict.fromkeys(k for k, _, _, _ in _RULES))
_GUARDED = tuple((kind, pattern, repl, re.compile("|".join(map(re.escape, hints))).search)
                 for kind, pattern, repl, hints in _RULES)
_CACHE_MAX_LEN = 256


def _apply(text: str, counts: Counter[str] | None) -> str:
    lower = text.lower()
    for kind, pattern, repl, hinted in _GUARDED:
        if hinted(lower) is None:
            continue
        new = pattern.sub(repl, text)
        if new != text:
            if counts is not None:
                counts[kind] += new.count(MARK_PREFIX) - text.count(MARK_PREFIX)
            text = new
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
    values repeat across an error storm and across callers.
    """
    return _redact_short(text) if len(text) <= _CACHE_MAX_LEN else _apply(text, None)


def redact_obj(value: Any) -> Any:
    """Redact every string inside nested dicts, lists and tuples (keys too: they can hold secrets)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            secret_key = isinstance(k, str) and is_secret_name(k)
            out[redact(k) if isinstance(k, str) else k] = (
                _mark("secret") if secret_key and isinstance(v, str | int) and not isinstance(v, bool)
                and str(v) and str(v).lower() not in _PROSE else redact_obj(v)
            )
        return out
    if isinstance(value, list | tuple):
        return [redact_obj(v) for v in value]
    return value
