"""The one redactor: every text that leaves the machine or is shown passes through `redact`.

Used when a sample is stored (unless `store.keep_raw`), and again at every exit as a second line of
defence: the Kimi prompt, chat/webhook alerts, Alertmanager labels and annotations, hook payloads,
API JSON and pages. Each secret becomes `[REDACTED:kind]`.

Taxonomy (what counts as a secret). Four classes, each in its own module with its sources; the rules
run in this order, most specific first, so a secret is named by the most precise class that sees it:
(b) STRUCTURAL carriers (`carriers.py`): PEM/PuTTY private keys, credential webhook URLs (Slack,
    Discord, Teams, Power Automate), URL userinfo of any scheme, secret query parameters, JWTs,
    HTTP `Authorization` of any scheme, cookies, `curl -u` / `mysql -p` / `redis-cli -a`, `.netrc`.
(a) known token FORMATS with a fixed prefix or structure (`formats.py`): every fixed-prefix rule of
    gitleaks' config/gitleaks.toml and detect-secrets' plugins (ghp_/gho_/ghu_/ghs_/ghr_/github_pat_,
    glpat-/gldt-/glrt-..., xox[abeoprs]-/xapp-, sk_/rk_/pk_live_, whsec_, AKIA/ASIA/AGPA/AIDA/AROA...,
    AIza, ya29., GOCSPX-, sk-ant-, sk-proj-/sk-, T3BlbkFJ, hf_, gsk_, xai-, pplx-, r8_, hvs./hvb.,
    dop_/doo_/dor_v1_, shpat_/shpca_/shppa_/shpss_, npm_, pypi-AgE, SG., dapi, lin_api_, PMAK-,
    AGE-SECRET-KEY-1, glc_/glsa_, sntrys_/sntryu_, ATATT3, HRKU-AA, LTAI, EAAA/sq0atp-, ...).
(c) KEY-NAME carriers (`names.py`): any value after a name with a secret word in it, in any casing and
    separator and any assignment shape (`=`, `:`, `=>`, `:=`, JSON, Python repr, kwargs, escaped and
    URL-encoded quotes, XML), including `NAME value` when the value looks like one.
(d) HIGH-ENTROPY fallback (`entropy.py`): detect-secrets' Base64HighEntropyString idea, narrowed so
    ids stay; bare hex (git SHAs, trace ids), UUIDs and lowercase+digit ids are kept on purpose.
Plus e-mail addresses (personal data). Carriers that need their own reading: secret names in other
languages (`languages.py`), a secret wrapped onto the next line by a console or a pretty-printer
(`wrapped.py`), encodings (`encoded.py`), credentials in URL paths and scheme-less authorities (`locations.py`),
documented password/token arguments of commands and SDK calls (`arguments.py`), Redis ACL rules, PgBouncer's
auth_file and libpq's conninfo errors (`datastores.py`), validation and SQL reports that
echo a secret field's value apart from its name (`reports.py`).

What must survive is a taxonomy of its own (`keep.py`, round 4): values ALREADY MASKED by the library that
printed them, values PUBLIC by design, and identifiers/digests/nonces/cursors ANNOUNCED by their name;
the name or scheme before a value decides, never its shape alone. Also error codes, exception names,
provider hostnames, model names, paths, token COUNTS, env var NAMES, `key ending eedd` (must_keep.yaml).
"""
from __future__ import annotations

import functools
from collections import Counter
from typing import Any

from .rules import (
    _RULES as _RULES,  # (re-exported: tests/security/test_rule_hints.py reads the table and its gate)
)
from .rules import KINDS, MARK_PREFIX, _apply, _mark
from .rules import RULESET as RULESET
from .secret_names import is_secret_name
from .values import PROSE

__all__ = ["redact", "redact_counts", "redact_obj", "redacted_cut", "is_secret_name", "KINDS", "MARK_PREFIX"]

_CACHE_MAX_LEN = 256


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


# How far past a cut the text is redacted with it: a name following its value ("if '<v>' == API_KEY", "<v> is the
# password") sits within a few hundred characters, and a bound keeps a 64 KB message off the hot path.
_CUT_CONTEXT = 4096


def redacted_cut(text: str, limit: int) -> str:
    """The first `limit` characters of `text` redacted, with the text after the cut as context: cutting first
    would drop a name that follows its value and leave the value unmarked (review r8)."""
    return redact(text[:limit + _CUT_CONTEXT])[:limit]


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
                and str(v) and str(v).lower() not in PROSE else redact_obj(v)
            )
        return out
    if isinstance(value, list | tuple):
        return [redact_obj(v) for v in value]
    return value
