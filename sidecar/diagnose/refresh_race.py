"""A single-use refresh token refused as already used, after another holder refreshed the same session (CLASSES10 E1).

Supabase Auth rotates the refresh token on every refresh (supabase_auth/_async/gotrue_client.py
`_refresh_access_token`: POST /token?grant_type=refresh_token returns a new pair) and answers a second use of the old
one, past the reuse interval, with the documented code `refresh_token_already_used` ("Invalid Refresh Token: Already
Used"; supabase_auth/errors.py ErrorCode; Supabase Auth sessions docs: refresh token reuse). The rules file reads the
refusal as the Auth service's (storage). When a record before it shows the SAME session (its identifier, as the
refusal's record names it) refreshed successfully by another holder - a replica, a task, a process - two holders
raced on one token: concurrency (0.5; the identifier ties them, not the words). A sign-out, a not-found token or an
expired session is not this class (other codes) and is left as it is.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

RACE = 0.5
_ALREADY_USED = re.compile(r"refresh_token_already_used|Refresh Token: Already Used", re.I)
_IDENT = re.compile(r"\b(?=[0-9a-f-]*\d)[0-9a-f]{6,}(?:-[0-9a-f]{4,}){0,4}\b", re.I)
_REFRESHED = re.compile(r"\brefresh(?:ed|ing)?\b", re.I)
_FAILED = re.compile(r"\b(?:fail\w*|error|refused|invalid|rejected)\b", re.I)


def refresh_race_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or concurrency when another holder refreshed the same session just before (module docstring)."""
    if not _ALREADY_USED.search(f"{inp.exception_message or ''}\n{inp.traceback[-3000:]}"):
        return d
    idents = set(_IDENT.findall(inp.message))
    if not idents:
        return d
    for line in reversed([c[:LINE] for c in inp.context[-CONTEXT:]]):
        if not _REFRESHED.search(line) or _FAILED.search(line) or not any(i in line for i in idents):
            continue
        return d.reanswered(
            category="concurrency", severity="high", confidence=RACE, rule=f"{d.rule}+refresh-race",
            summary="Two holders refreshed the same Supabase session: the single-use refresh token was already "
                       "rotated by the other",
            root_cause="A record just before shows the same session refreshed by another replica/task; Supabase "
                          "Auth rotates the refresh token on each refresh, so the second holder's old token is "
                          "refused as already used.",
            suggested_fix=["Refresh each session in one place (one owner, or a lock/lease across replicas) and "
                              "share the new tokens; retry with the stored new token instead of signing out."],
            evidence=[line.strip()])
    return d
