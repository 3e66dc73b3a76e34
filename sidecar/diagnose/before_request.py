"""A remote service's error class raised by its client library BEFORE any request: the library refused our call.

A client library raises its service's error classes both for the service's answer and for its own checks:
supabase_auth's `CustomAuthError` subclasses (`AuthSessionMissingError`, `AuthInvalidCredentialsError`; read in
supabase_auth/_sync/gotrue_client.py: raised when the client holds no session or the call's arguments lack what
it needs, before any HTTP call), storage3's and postgrest's argument checks, the openai/zhipuai clients'
pre-request checks. The class names the service, so the class-level answer blames it (storage, provider); the
frames say no request was made. The evidence that none was: the raise is in that library's own frame, no frame of
a transport (httpx, httpcore, aiohttp, requests, urllib3, sockets, the SDKs' request loops) is anywhere in the
traceback, and the record holds no status or service code. Then the cause is how or when our code called it:
code, at low confidence. A timeout or connection class is never read so (something was waited on remotely).
"""

from __future__ import annotations

import re

from .class_bases import ancestors
from .frames import raised_at
from .model import Diagnosis, DiagnosisInput
from .situation import Situation

BEFORE_REQUEST = 0.4
_CLIENTS = frozenset({"supabase_auth", "gotrue", "storage3", "postgrest", "openai", "zhipuai", "zai"})
_TRANSPORT = re.compile(r"(?:site|dist)-packages/(?:httpx|httpcore|aiohttp|requests|urllib3|h11|h2|anyio|websockets|"
                        r"redis|psycopg|realtime)/|/_base_client\.py|/_http_client\.py|/(?:socket|ssl|selectors)\.py|"
                        r"/asyncio/(?:streams|selector_events|base_events|sslproto)\.py")
# the library was reading an ANSWER (openai's parsing of a finish_reason, a response/stream wrapper): a request was made
_ANSWERED = re.compile(r"/_parsing/|/_response\.py|/_streaming\.py|/_legacy_response\.py|in (?:\w*(?:parse|response|"
                       r"stream|decode|json)\w*)$", re.I | re.M)
_WAITED = re.compile(r"Timeout|Connect|Connection|Network|Retryable", re.I)
_REQUEST_LINE = re.compile(r"\bHTTP Request: [A-Z]+ |\bHTTP/[12](?:\.[01])? \d{3}\b")


def before_request(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """`d` as the code's misuse when a service's class was raised by its client before any request, else `d`."""
    cls = inp.exception_type or ""
    if d.category not in ("storage", "provider", "network") or not cls or _WAITED.search(cls):
        return d
    if any(sit.codes.values()) or any(_REQUEST_LINE.search(c[:2048]) for c in inp.context):
        return d
    package = cls.split(".", 1)[0]
    if package not in _CLIENTS and not any(a.split(".", 1)[0] in _CLIENTS for a in ancestors(cls)):
        return d
    at = raised_at(inp.traceback)
    if at is None or at.library not in _CLIENTS or at.app_frame is None or _TRANSPORT.search(inp.traceback[-65536:]) \
            or _ANSWERED.search(at.frame) or _ANSWERED.search(inp.traceback[-65536:]):
        return d
    said = f"{cls}: {inp.exception_message}" if inp.exception_message else cls
    return d.reanswered(
        category="code", confidence=min(d.confidence, BEFORE_REQUEST), rule=f"{d.rule}+before-request",
        summary=f"The {at.library} client refused the call before sending any request ({said[:160]})",
        root_cause=(f"{cls} was raised by the {at.library} library's own check ({at.frame[:160]}), called from "
                       f"{at.app_frame[:160]}, with no transport frame and no status in the record: the service never "
                       f"saw a request. The code called the client in a state or with arguments it refuses "
                       f"({_WHAT.get(at.library, _WHAT_ANY)})."),
        suggested_fix=[f"Fix the call at the last application frame: {_GIVE.get(at.library, _GIVE_ANY)}"])


# what each client checks before it sends (its own raise sites); supabase_auth's checks are about the session
_GIVE_ANY = "pass the argument or set up the state the client checks for before it sends (read its raise site)."
_GIVE = {"supabase_auth": "sign in on this client (or pass the session) before calling it, or pass the argument it "
                          "checks for.",
         "gotrue": "sign in on this client (or pass the session) before calling it, or pass the argument it checks for."}
# what the check refused, per client: only the auth clients check for a signed-in session (review r8: the session text
# was given for storage3/postgrest/openai too)
_WHAT_ANY = "an argument it requires missing or of a kind it does not take, or a state it checks before sending"
_WHAT = {"supabase_auth": "no session signed in on this client, a missing argument",
         "gotrue": "no session signed in on this client, a missing argument"}
