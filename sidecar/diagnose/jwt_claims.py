"""A token refused by PyJWT's own checks (CLASSES10 F7): which side must change, read from the check that refused.

The class, from PyJWT 2.x `jwt/api_jwt.py` (`_validate_claims` and its helpers) and `jwt/api_jws.py`:
- `_validate_aud` raises InvalidAudienceError("Invalid audience") exactly when OUR decode call passed no audience and
  the token carries one (Supabase's session tokens always carry aud=authenticated): our verification call omits a
  parameter the issuer documents -> code - unless the traceback's source line of the decode call passes audience=
  (earlier PyJWT 2.x used the same words for a mismatch): then a mismatch, config;
- "Audience doesn't match" (and the strict variants), InvalidIssuerError, MissingRequiredClaimError, an algorithm not
  in our allowed list (api_jws.py "The specified alg value is not allowed"), InvalidSignatureError ("Signature
  verification failed": the secret/key we verify with is not the issuer's), ImmatureSignatureError (nbf/iat ahead of
  our clock + leeway: a skewed clock or a missing leeway setting): the verifier's settings or the issuer's profile
  -> config (every token fails the same way until one of them changes);
- ExpiredSignatureError: the token outlived its exp - the runtime lifetime of a session, not a setting: storage when
  the issuer is Supabase's Auth (a session its client did not refresh), otherwise left to the class layer.
Only the check's own class and its fixed text are read (never the logger's words); below 0.6, since the log does not
show whether the issuer or our settings moved.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput

PROFILE = 0.5
EXPIRED = 0.4
_JWT = re.compile(r"(?:^|\.)(?:jwt\.exceptions\.|jwt\.)?(?P<cls>InvalidAudienceError|InvalidIssuerError|"
                  r"MissingRequiredClaimError|InvalidAlgorithmError|InvalidSignatureError|ImmatureSignatureError|"
                  r"ExpiredSignatureError)$")
_FROM_PYJWT = re.compile(r"[/\\]jwt[/\\]api_jw[ts]\.py|\bjwt\.exceptions\.")
# the traceback's source line of our decode call passing an audience: earlier PyJWT 2.x raised the same plain
# "Invalid audience" for a MISMATCH (its _validate_aud ended with it; review r10), so the words alone do not say
# the call omitted it
_PASSES_AUDIENCE = re.compile(r"\bdecode(?:_complete)?\([^\n]{0,200}\baudience\s*=")
_SUPABASE = re.compile(r"supabase\.(?:co|in)\b[^\s]{0,40}/auth|gotrue|supabase_auth", re.I)


def jwt_claims_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or the refused token's side (module docstring); only over an answer that is not confident already."""
    m = _JWT.search(inp.exception_type or "")
    if m is None or d.confidence >= 0.6 or not _FROM_PYJWT.search(f"{inp.exception_type}\n{inp.traceback}"):
        return d
    cls, text = m.group("cls"), (inp.exception_message or "").strip()
    if cls == "ExpiredSignatureError":
        if not _SUPABASE.search("\n".join([inp.traceback, *inp.context[-40:]])):
            return d
        return _answer(d, "storage", "medium", EXPIRED, "A Supabase session token was used after it expired",
                       "PyJWT refused the token for its exp claim: the session outlived its lifetime without a "
                       "refresh (a runtime state of the session, not a setting).",
                       "Refresh the session before use (supabase_auth refreshes when auto_refresh_token is on); "
                       "answer the caller with 401 so it signs in again.")
    if cls == "InvalidAudienceError" and text == "Invalid audience" and not _PASSES_AUDIENCE.search(inp.traceback):
        return _answer(d, "code", "high", PROFILE, "Our JWT verification call passes no audience",
                       "PyJWT raises 'Invalid audience' only when the decode call gives no audience and the token "
                       "carries one (api_jwt.py _validate_aud): our call omits the parameter the issuer documents.",
                       "Pass audience= (for Supabase sessions: 'authenticated') to jwt.decode.")
    return _answer(d, "config", "high", PROFILE, f"Tokens fail the verifier's profile ({cls}: {text[:80]})",
                   "PyJWT refused the token's claims, algorithm or signature against what the verifier is configured "
                   "to accept (audience, issuer, algorithms, secret, clock leeway): every token fails alike until the "
                   "settings or the issuer's profile match.",
                   "Compare the token's claims (aud, iss, alg, nbf) with the verifier's settings and fix the side "
                   "that changed; for nbf/iat, sync the host clock or allow a leeway.")


def _answer(d: Diagnosis, category: str, severity: str, confidence: float, summary: str, root_cause: str,
            fix: str) -> Diagnosis:
    return d.model_copy(update={"category": category, "severity": severity, "confidence": confidence,
                                "rule": "jwt-claims", "summary": summary, "root_cause": root_cause,
                                "suggested_fix": [fix]})
