"""Seeded plantings for the round-17 re-read's findings on `redact()` (main against the round start 6c0c24b8), each
class beside the twin that must not change (the secret the mechanism exists for, or the lookalike it keeps).

    PYTHONPATH=$PWD python -m tests.security.round17_fixes_gen --seeds 1730-1732 [--show MARK_USER_PASSWORD]
"""

from __future__ import annotations

import random
from collections.abc import Callable

from .classes11_gen import shape
from .secret_gen import AN, HEX, class_failed, class_plantings, class_report, password, rnd

Planting = tuple[str, str]


def _mark() -> str:
    return "[REDACTED:basic_auth]"


def _host(r: random.Random) -> str:
    return r.choice(["api.hellosign.com/v3", "acme.chargebee.com/api/v2", "db.internal:5432/app", "git.example.com"])


def mark_user_password(r: random.Random) -> Planting:
    """Text already holding a mark (an earlier pass, a forwarded record) as the Basic user, a real password after
    it: the password still goes, in URL userinfo and after curl's -u/--user."""
    v = rnd(r, AN, r.randrange(10, 20)) + r.choice(["7", "x9", "Q2"])
    if r.random() < 0.5:
        return shape(r, f"POST https://{_mark()}:{v}@{_host(r)}/invoices -> 401"), v
    tool = r.choice(["+ curl -sS -u ", "$ curl --user ", "+ curl -fsS --user="])
    wrap = r.choice(["", "'", '"'])
    return shape(r, f"{tool}{wrap}{_mark()}:{v}{wrap} https://{_host(r)}/account"), v


def keep_marked_pair(r: random.Random) -> Planting:
    """The twin: a mark as the user beside an empty password (what basicuser.py leaves), a mark as the password:
    already redacted text stays as it is (no mark inside a mark)."""
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"POST https://{_mark()}:@{_host(r)}/invoices -> 401"), _mark()
    if k == 1:
        return shape(r, f"GET https://deploy:[REDACTED:password]@{_host(r)}/x -> 200"), "[REDACTED:password]"
    if k == 2:
        return shape(r, f"+ curl -sS -u {_mark()}: https://{_host(r)}/account"), _mark()
    return shape(r, f"+ curl --user admin:[REDACTED:password] https://{_host(r)}/"), "[REDACTED:password]"


def plain_user_password(r: random.Random) -> Planting:
    """The same carriers with a plain user: the password still goes (the rule the mark case joins)."""
    v = password(r)
    while ":" in v or "@" in v or "'" in v or '"' in v:
        v = password(r)
    u = r.choice(["admin", "deploy", "svc-gw"])
    if r.random() < 0.5:
        return shape(r, f"POST https://{u}:{v}@{_host(r)}/invoices -> 401"), v
    return shape(r, f"+ curl -sS -u {u}:{v} https://{_host(r)}/account"), v


# Twilio's documented SID prefixes (sidecar/redaction/entropy.py `_TWILIO_SID`).
_TWILIO_PREFIXES = ("AC", "AD", "AI", "AL", "AP", "BN", "BU", "CA", "CF", "CH", "CL", "CN", "CP", "CR", "DG", "DN",
                    "ES", "EY", "FJ", "FN", "FT", "FW", "GA", "GT", "HH", "HJ", "HS", "HX", "IG", "IM", "IP", "IS",
                    "IT", "KC", "KD", "KP", "KS", "MB", "ME", "MG", "MM", "NO", "PA", "PN", "QE", "QU", "RD", "RE",
                    "RL", "RM", "RN", "RT", "SC", "SD", "SK", "SM", "TR", "UO", "US", "UT", "VA", "VE", "VL", "VT",
                    "WA", "WK", "WQ", "WS", "WT", "WW", "YC")


def _hex32(r: random.Random) -> str:
    """32 hex that read as random to the entropy rule (two copies of the 16 digits, shuffled: 4 bits a character). A
    uniform draw of 32 hex mostly falls below its Shannon bar and is kept with or without a SID keep (left as is)."""
    digits = list(HEX * 2)
    r.shuffle(digits)
    return "".join(digits)


def path_token_two_caps(r: random.Random) -> Planting:
    """A reset/confirm token of two capitals (no Twilio prefix) and 32 hex in a URL path: redacted."""
    while (p := rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2)) in _TWILIO_PREFIXES:
        pass
    v = p + _hex32(r)
    path = r.choice([f"/v1/reset/{v}/confirm", f"/reset_password/{v}/", f"/api/invite/accept/{v}",
                     f"/account/verify/{v}/done"])
    return shape(r, f"{r.choice(['GET', 'POST'])} {path} {r.choice(['200', '302', '410'])} 12ms"), v


def keep_twilio_path_sid(r: random.Random) -> Planting:
    """Twilio resource SIDs with a documented prefix in Twilio's own API paths: ids, kept."""
    acct = "AC" + _hex32(r)
    p = r.choice(["SM", "MM", "CA", "RE", "CF", "PN", "QU"])
    v = p + _hex32(r)
    sub = {"SM": "Messages", "MM": "Messages", "CA": "Calls", "RE": "Recordings", "CF": "Conferences",
           "PN": "IncomingPhoneNumbers", "QU": "Queues"}[p]
    return shape(r, f"GET https://api.twilio.com/2010-04-01/Accounts/{acct}/{sub}/{v}.json -> 200"), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "MARK_USER_PASSWORD": mark_user_password, "PLAIN_USER_PASSWORD": plain_user_password,
    "PATH_TOKEN_TWO_CAPS": path_token_two_caps}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "KEEP_MARKED_PAIR": keep_marked_pair, "KEEP_TWILIO_PATH_SID": keep_twilio_path_sid}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("r17fx", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    """A secret class fails when its value survives; a twin when its text changes at all."""
    return class_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1730-1732")


if __name__ == "__main__":
    main()
