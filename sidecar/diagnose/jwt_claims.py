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
Which side (CLASSES10 F7, "code when our verification call omits a parameter ... the parameter is absent from our
call, not a setting", and CLASSES9's origin reading): when the decode call's own source line (the traceback's app
frame) passes the refusing check's parameter as a LITERAL (algorithms=["HS256"], issuer="https://...") no setting
controls it -> code; otherwise config, naming the printed setting that feeds the check (SUPABASE_JWT_ISSUER=... for
the issuer check) when a record before prints one. The answer names only the check that refused (an issuer refusal
says nothing about clocks). Only the check's own class and its fixed text are read (never the logger's words);
below 0.6, since the log does not show whether the issuer or our settings moved.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import settings_before

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
# the refusing check -> (its name, the decode() parameter it compares with, the words of a setting that feeds it);
# api_jwt.py _validate_iss/_validate_aud/_validate_nbf (leeway), api_jws.py _verify_signature (algorithms, key)
_CHECKS: dict[str, tuple[str, str | None, str | None]] = {
    "InvalidIssuerError": ("issuer", "issuer", r"ISS(?:UER)?\b|_ISS_"),
    "InvalidAudienceError": ("audience", "audience", r"AUD(?:IENCE)?\b"),
    "InvalidAlgorithmError": ("algorithm", "algorithms", r"ALG(?:S|ORITHMS?)?\b"),
    "InvalidSignatureError": ("signature (the verifying key or secret)", None, r"SECRET|KEY\b|JWKS"),
    "ImmatureSignatureError": ("not-before (nbf/iat against the host clock and leeway)", None, r"LEEWAY|SKEW"),
    "MissingRequiredClaimError": ("required-claims", None, r"REQUIRE"),
}
_STRING = r"(?:'[^'\n]{1,80}'|\"[^\"\n]{1,80}\")"
_LITERAL = rf"(?:{_STRING}|[\[(]\s*{_STRING}(?:\s*,\s*{_STRING}){{0,5}}\s*,?\s*[\])])"


def _literal_argument(traceback: str, kwarg: str) -> str | None:
    """The literal our decode call's source line passes for `kwarg` (a string or a list of strings), or None."""
    found, frame = None, ""
    for line in traceback.splitlines()[-60:]:
        if line.lstrip().startswith("File "):
            frame = line
        elif _DECODE_CALL.search(line) and not _LIBRARY.search(frame):  # our frame's call, not PyJWT's own
            m = re.search(rf"\b{kwarg}\s*=\s*(?P<v>{_LITERAL})", line)
            found = m.group("v") if m else None
    return found


_DECODE_CALL = re.compile(r"\bdecode(?:_complete)?\(")
_LIBRARY = re.compile(r"[/\\](?:site|dist)-packages[/\\]|[/\\]jwt[/\\]")
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
    check, kwarg, setting_words = _CHECKS.get(cls, ("claims", None, None))
    literal = _literal_argument(inp.traceback, kwarg) if kwarg else None
    if literal is not None:  # the refusing parameter is written into our call: no setting controls it
        return _answer(d, "code", "high", PROFILE, f"Our JWT verification call hard-codes {kwarg}={literal[:60]}, "
                       f"which the tokens no longer match ({cls}: {text[:80]})",
                       f"PyJWT's {check} check refused the token against {kwarg}={literal[:80]}, a literal in our "
                       "decode call (the traceback's source line), not a setting: every token the issuer now signs "
                       "differently fails until our verification code follows the issuer's documented profile.",
                       f"Change the decode call's {kwarg} to what the issuer documents (for a key rotation, verify "
                       "with the issuer's JWKS), or read it from a setting.")
    printed = next((st for st in settings_before(inp) if setting_words and re.search(setting_words, st.name)), None)
    named = f" (the setting {printed.name}={printed.value[:120]})" if printed else ""
    return _answer(d, "config", "high", PROFILE, f"Tokens fail the verifier's {check} check ({cls}: {text[:80]})"
                   + named,
                   f"PyJWT's {check} check refused the token against what the verifier is configured to accept"
                   + named + ": every token fails alike until the verifier's setting or the issuer's profile match.",
                   f"Compare the token's {check} with the verifier's setting{named} and fix the side that changed.")

def _answer(d: Diagnosis, category: str, severity: str, confidence: float, summary: str, root_cause: str,
            fix: str) -> Diagnosis:
    return d.reanswered(category=category, severity=severity, confidence=confidence,
                                rule="jwt-claims", summary=summary, root_cause=root_cause,
                                suggested_fix=[fix])
