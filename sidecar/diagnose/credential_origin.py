"""A credential our code took from ANOTHER remote's setting: a 401/403 from Kimi after a record showing the Kimi client
built from settings['GLM_API_KEY'] is the code's wiring (held-out 7's 7003), not a wrong KIMI_API_KEY nor Kimi.

The origin doctrine (origin.py) extended to credentials: the value that failed came from a field of another kind
(misplaced_id reads a resource id; this reads a key). Evidence: a record before the failure names the failing
remote's client/provider and, as the credential it uses, a setting whose name belongs to another remote (its
KEY/TOKEN/SECRET/PASSWORD setting), and that record does not also name the failing remote's own credential (a
registry line listing every provider's key says nothing about the wiring). Only for an authentication refusal
(HTTP 401/403, an authentication error class) of a remote the record names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..redaction import redact
from .model import Diagnosis, DiagnosisInput, one_line
from .render import EVIDENCE_CHARS, REMOTE_NAMES
from .situation import Situation

LINE = 2048
CONTEXT = 40
BY_WIRING = 0.5
_SETTING = re.compile(r"\b[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){1,5}\b")
_CREDENTIAL_WORDS = frozenset({"KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIALS", "JWT"})
_OWNER_WORDS = {"kimi": {"KIMI", "MOONSHOT"}, "glm": {"GLM", "ZAI", "ZHIPU", "BIGMODEL"},
                "supabase": {"SUPABASE"}, "redis": {"REDIS"}}
_CLIENT = {"kimi": re.compile(r"\b(?:kimi|moonshot)\b", re.I), "glm": re.compile(r"\b(?:glm|z\.?ai|zhipu)\b", re.I),
           "supabase": re.compile(r"\bsupabase\b", re.I), "redis": re.compile(r"\bredis\b", re.I)}
# the record says which value the client uses: api_key=settings['X'], key from X, token: env X, using X
_USES = re.compile(r"(?:api[_ ]?key|key|token|secret|password|credential)s?\s*(?:=|:|from|<-|->)\s*"
                   r"(?:\w+\s*\[\s*['\"]|\w+\.(?:get|getenv)\(\s*['\"]|env(?:iron)?\s+)?(?P<name>[A-Z][A-Z0-9_]{3,60})|"
                   r"\b(?:built|created|initiali[sz]ed|configured) (?:with|from|using) (?:settings\[['\"])?(?P<name2>[A-Z][A-Z0-9_]{3,60})",
                   re.I)
_AUTH = re.compile(r"AuthenticationError|PermissionDeniedError|invalid_authentication|Invalid Authentication|"
                   r"Incorrect API key|invalid api key|Unauthorized", re.I)


@dataclass(frozen=True, slots=True)
class Wiring:
    remote: str
    name: str
    owner: str
    line: str


def _owner(name: str) -> str | None:
    words = set(name.split("_"))
    return next((r for r, ws in _OWNER_WORDS.items() if words & ws), None)


def misplaced_credential(inp: DiagnosisInput, sit: Situation) -> Wiring | None:
    """The other remote's credential setting the failing remote's client was built from, or None."""
    remote = sit.remote
    if remote is None or remote not in _CLIENT:
        return None
    statuses = set(sit.code("http"))
    record = "\n".join([*(m[:LINE] for m in inp.messages()), *inp.exception_types(), inp.traceback[-4096:]])
    if not (statuses & {"401", "403"} or _AUTH.search(record)):
        return None
    for raw in reversed(inp.context[-CONTEXT:]):
        line = raw[:LINE]
        if not _CLIENT[remote].search(line):
            continue
        used = [m.group("name") or m.group("name2") for m in _USES.finditer(line)]
        own = [n for n in _SETTING.findall(line) if _owner(n) == remote and set(n.split("_")) & _CREDENTIAL_WORDS]
        for name in used:
            owner = _owner(name)
            if owner is not None and owner != remote and set(name.split("_")) & _CREDENTIAL_WORDS and not own:
                return Wiring(remote, name, owner, line.strip())
    return None


def by_credential_origin(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """`d` re-read as code when the refused credential is another remote's (see the module docstring)."""
    if d.category not in ("config", "provider", "storage", "unknown"):
        return d
    wiring = misplaced_credential(inp, sit)
    if wiring is None:
        return d
    who, other = REMOTE_NAMES.get(wiring.remote, wiring.remote), REMOTE_NAMES.get(wiring.owner, wiring.owner)
    return d.reanswered(
        category="code", confidence=BY_WIRING, rule=f"{d.rule}+origin:credential",
        severity=d.severity if d.severity in ("high", "critical") else "high",
        summary=redact(f"{who} refused the key because the gateway's code built its client from {wiring.name} "
                          f"({other}'s key)"),
        root_cause=redact(
            f"{who} answered with an authentication refusal ({one_line(inp.exception_message or inp.message, 160)}), "
            f"and a record before it shows the {who} client built from {wiring.name}, the key setting of {other}: the "
            f"code passes another provider's credential, so the key {who} receives is not its own. The {who} key "
            "setting itself is not shown wrong."),
        suggested_fix=[redact(f"Fix the code that builds the {who} client so it reads {who}'s own key setting, "
                                 f"not {wiring.name}."),
                          "Add a test that builds each provider's client and checks which setting its key came from."],
        evidence=[redact(wiring.line[:EVIDENCE_CHARS])])
