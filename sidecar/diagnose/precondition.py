"""An optimistic-concurrency precondition failing (evals/CLASSES11.md E3): concurrency when another writer changed
the object between our read and our write; code when our code sends a stale or constant version every time.

The refusals, by their own grammar: HTTP 412 Precondition Failed for a conditional request (RFC 9110 §13.1.1
`If-Match`; httpx's raise_for_status "Client error '412 Precondition Failed' for url ..."), redis-py's WatchError
("Watched variable changed.", `SP/redis/client.py` Pipeline.execute after WATCH), an entity tag mismatch named by
our own code (not a bare "version mismatch": a protocol/schema version skew is worded so too, review r12). What decides is the second record, linked by the OBJECT's id and the request id, not by
adjacency (CLASSES11 J2):
- a record of ANOTHER request (a different request id) writing the same object before our refused write -> the
  writers raced: concurrency (0.55);
- no other writer of that object in the window, and the same entity tag/version sent again and again (or the same
  refusal repeated for the object) -> our code's precondition is stale or constant: code (0.45).
Neither: unchanged.
"""

from __future__ import annotations

import re

from .following import request_id
from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

_REFUSED = re.compile(r"\b412 Precondition Failed\b|\bPrecondition Failed\b|\bWatchError\b|Watched variable changed|"
                      r"\b(?:etag|entity tag) (?:mismatch|conflict)\b|\bIf-Match\b[^\n]{0,60}\b412\b", re.I)
_OBJECT = re.compile(r"(?<![\w:-])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{10,40})"
                     r"(?![\w-])", re.I)
_WROTE = re.compile(r"\b(?:wrote|written|updated|saved|put|stored|replaced|modified|new etag)\b", re.I)
_TAG = re.compile(r"""\b(?:etag|If-Match|version)\s*[=:]?\s*(?P<t>W/"[^"\s]{1,64}"|"[^"\s]{1,64}"|\d{1,12})""", re.I)


def _objects(text: str, rid: str | None) -> set[str]:
    return {o.lower() for o in _OBJECT.findall(text) if o != rid}


def precondition_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or concurrency/code for a refused conditional write (module docstring)."""
    said = "\n".join([*inp.messages(), inp.traceback[-8192:]])
    refused = _REFUSED.search(said)
    if refused is None or d.category == "concurrency":
        return d
    ours = request_id(said)
    objects = _objects("\n".join(inp.messages())[:2048], ours) or _objects(said[-4096:], ours)
    if not objects:
        return d
    lines = [raw[:LINE] for raw in inp.context[-CONTEXT:]]
    other = next((ln for ln in reversed(lines) if _WROTE.search(ln) and objects & _objects(ln, request_id(ln))
                  and (theirs := request_id(ln)) is not None and theirs != ours), None)
    if other is not None:
        return d.reanswered(
            category="concurrency", severity="medium", confidence=0.55, rule=f"{d.rule}+lost-update",
            summary=f"Another request ({request_id(other)}) wrote the object between our read and our conditional "
                       f"write, so the precondition failed ({refused.group(0)})",
            root_cause=("The write was conditional on the version read before (an entity tag, a WATCHed key, a "
                           "version column); another writer changed the object in between, so the server refused ours "
                           "as it should: two writers of one object raced."),
            suggested_fix=["On a precondition failure re-read the object, re-apply the change and retry (bounded), "
                              "or serialise the writers of one object."],
            evidence=[refused.group(0), other])
    tags = [m.group("t") for ln in [*lines, said[:2048]] if objects & _objects(ln, request_id(ln))
            for m in _TAG.finditer(ln)]
    repeated = [ln for ln in lines if objects & _objects(ln, request_id(ln)) and (_REFUSED.search(ln) or "412" in ln)]
    if (len(tags) >= 2 and len(set(tags)) == 1) or len(repeated) >= 2:
        return d.reanswered(
            category="code", severity="medium", confidence=0.45, rule=f"{d.rule}+stale-precondition",
            summary=f"Our conditional write is refused every time with no other writer of the object "
                       f"({refused.group(0)}): the code sends a stale or constant version",
            root_cause=("No other request wrote the object in the window, yet the precondition fails repeatedly "
                           "with the same entity tag/version: the code does not send the version it read (a constant "
                           "or cached tag), so every conditional write is refused."),
            suggested_fix=["Send the entity tag/version returned by the latest read (If-Match: <etag>) and refresh "
                              "it after each write."],
            evidence=[refused.group(0), *(repeated[:1] or [])])
    return d
