"""A failure the same operation got past a moment later, with nothing changed in between: transient, not persistent.

The doctrine decides config/code against network/provider/storage by persistence (doctrine.py): a setting or a bug
fails every time until a person changes it. A later record tied to the error (following.py: the same request, the
same logger, the same remote) that reports the operation succeeding - the gateway's "attempt 2/3 ok", httpx's own
`HTTP Request: POST <url> "HTTP/1.1 200 OK"` line (httpx/_client.py logs every response at INFO), a "reconnected",
"downloaded and cached (retry 1)" - shows it did not fail every time. The transient reading then follows from the
exception's family (classes.py, from the libraries' own hierarchies): a connection that dropped, a TLS record broken
mid-stream, a name that did not resolve for a while are the path (network); a remote's 5xx/429 is that remote
(provider for an LLM, storage for Supabase/Redis); a read timeout keeps the remote's transient reading.

Near-miss twins that must NOT change: a change between the error and the success (a reload, a deploy, a restart, a
setting switched: the success came after a fix, so the persistent reading stands); a success of ANOTHER request or
another provider (the fallback answered, not a retry: following.py never ties a different request id, and a success
naming another remote is not this remote recovering); a later record that is itself a failure; a family the retry
says nothing about (a KeyError that later "succeeds" for other input is input- or data-dependent, not transient).
"""

from __future__ import annotations

import re

from .classes import family_of, http_status_of
from .following import Later, _hosts, between, later_records
from .model import SEVERITIES, Category, Diagnosis, DiagnosisInput, one_line
from .situation import situation

CONFIDENCE = 0.5  # an inference from two records, not a documented code: below the 0.6 "confident" line

# success words of the libraries' and the gateway's own INFO records; an HTTP 2xx status line (httpx's response log)
# (words are read with URLs and dotted names taken out: a host "api.example.invalid" or a logger "src.errors" is no
# failure word; the status line is read on the whole message)
_SUCCESS = re.compile(r"\b(?:ok|succeeded|success(?:ful(?:ly)?)?|recovered|reconnected|re-?established|restored|"
                      r"resumed|completed?|downloaded|uploaded|delivered|cached|back (?:up|online))\b", re.I)
# public: unseen_write and overlapping_write read a write record's failure by these same words
FAILURE_WORDS = re.compile(r"\b(?:fail\w*|errors?|exception|refused|timed? ?out|timeout|denied|invalid|unable|"
                           r"cannot|can't|could not|couldn't|not ok|giving up|gave up|exhausted|abort\w*|cancel\w*|"
                           r"unreachable|retrying|will retry|disconnect\w*|lost)\b|\bok\s*[=:]\s*false\b", re.I)
_STATUS = re.compile(r"HTTP/\d(?:\.\d)?\"? (?P<s>[1-5]\d\d)\b|\bstatus(?:_code)?[=: ]+(?P<s2>[1-5]\d\d)\b", re.I)
_NAMES = re.compile(r"\S+://\S+|\b[\w-]+(?:\.[\w-]+)+\b")
# a person's or the platform's change between the failure and the success: the success came after a fix
_CHANGE = re.compile(r"\b(?:reload\w*|deploy\w*|redeploy\w*|restart\w*|roll(?:ed)? ?back|rollback|rotated|switched|"
                     r"changed|updated|set to|now using|overrid\w*|patched|reconfigur\w*|migrat\w*)\b", re.I)
_LEVELS = ("DEBUG", "INFO")
_RETRY = re.compile(r"\b(?:attempt|retr(?:y|ied|ies)|try)\b", re.I)
_PATH = ("connection.dropped", "connect.dns", "connect.tls", "connect", "connect.refused", "timeout.connect")
_SLOW = ("timeout", "timeout.read", "timeout.write")
_PERSISTENT = ("config", "code", "unknown")
_SERVICE: dict[str, Category] = {"kimi": "provider", "glm": "provider", "supabase": "storage", "redis": "storage"}


def _families(inp: DiagnosisInput) -> list[str]:
    return [f for t in inp.exception_types() if (f := family_of(t)) is not None]


def _transient(inp: DiagnosisInput, d: Diagnosis, remote: str | None) -> tuple[Category, str] | None:
    """(category, what failed) of the transient reading of `inp`'s failure, or None when its family says nothing."""
    families = _families(inp)
    if any(f in _PATH for f in families):
        what = ("name resolution (DNS)" if "connect.dns" in families else
                "the TLS stream" if "connect.tls" in families or any("ssl" in t.lower() for t in inp.exception_types())
                else "the connection")
        return "network", what
    if any(f in _SLOW for f in families):
        if d.category in ("provider", "storage", "network"):
            return d.category, "the call timed out"
        return (_SERVICE.get(remote or "", "network"), "the call timed out")
    statuses = [s for t in inp.exception_types() if (s := http_status_of(t)) is not None]
    statuses += [int(s) for s in situation(inp).code("http") if s.isdigit()]
    if any(s >= 500 or s == 429 for s in statuses) and remote in _SERVICE:
        return _SERVICE[remote], f"the remote answered {next(s for s in statuses if s >= 500 or s == 429)}"
    return None


def _success(rec: Later, remote: str | None, hosts: set[str]) -> bool:
    status = _STATUS.search(rec.message)
    words = _NAMES.sub(" ", _STATUS.sub(" ", rec.message))
    said_ok = (status is not None and (status.group("s") or status.group("s2")).startswith("2")) or \
        _SUCCESS.search(words) is not None
    failed = (status is not None and (status.group("s") or status.group("s2"))[0] in "45") or \
        FAILURE_WORDS.search(words) is not None
    if rec.level not in _LEVELS or not said_ok or failed:
        return False
    theirs = situation(DiagnosisInput(fingerprint="", message=rec.message, logger=rec.logger,
                                      traceback=rec.line)).remote
    # a success naming ANOTHER remote is the fallback answering, not this remote recovering
    if remote is not None and theirs is not None and theirs != remote:
        return False
    if not (remote is not None or hosts):
        return True
    # The error names where it went (a known remote, a host): only a success that names the same place is that call
    # succeeding. Another host's 200, a "health check ok", the whole request "completed status=200" (a fallback or a
    # cache served it) say nothing about this call (review r11: a never-resolving name read as transient); a retry
    # of the same request that says it is one ("attempt 2/3 ok") is the call itself.
    named = _hosts(rec.line)
    if hosts and named:  # both name hosts: the host decides (a logger's remote is where it usually goes, not here)
        return bool(hosts & named)
    if remote is not None and theirs == remote and not hosts:  # (here at most one side names a host)
        return True
    return rec.tie == "request" and _RETRY.search(rec.message) is not None and not named


def recovered_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or its transient reading when a later tied record shows the same operation succeeding unchanged.

    A persistent or unknown first answer is replaced by the transient reading. A transient first answer keeps its
    category and texts (a server's own code - Postgres restarting, a provider's 503 - says more than the family) and
    gains the later record as evidence, one severity step lower; only a connection that broke mid-transfer with no
    server code moves to network (the bytes stopped on the path, not at the service)."""
    remote = situation(inp).remote
    hosts = _hosts("\n".join((*inp.messages(), inp.traceback[-4096:])))
    reading = _transient(inp, d, remote)
    if reading is None:
        return d
    category, what = reading
    dropped = "connection.dropped" in _families(inp)
    replace = d.category in _PERSISTENT or (
        d.category != category and category == "network" and dropped and not situation(inp).code("sqlstate"))
    if not replace and d.severity == "low":
        return d
    for rec in later_records(inp):
        if not _success(rec, remote, hosts):
            continue
        if any(_CHANGE.search(line) for line in between(inp, rec)):
            return d  # a change came first: the success is the fix's, the persistent reading stands
        tie = {"request": "the same request", "logger": "the same component", "remote": "the same remote"}[rec.tie]
        later = (f"a later record of {tie} shows it succeeding with no change in between "
                 f"(\"{one_line(rec.line, 200)}\")")
        evidence = list(dict.fromkeys([*d.evidence[:2], rec.line.strip()[:300]]))
        if not replace:
            return d.model_copy(update={
                "severity": SEVERITIES[max(SEVERITIES.index(d.severity) - 1, 0)], "rule": f"{d.rule}+recovered",
                "root_cause": f"{d.root_cause} The failure was transient: {later}.", "evidence": evidence})
        failed = inp.exception_type or "the call"
        return d.model_copy(update={
            "category": category, "severity": "low", "confidence": CONFIDENCE, "rule": f"{d.rule}+recovered",
            "summary": (f"A transient failure ({failed}): {what} failed"
                        f"{' mid-transfer' if dropped else ''} and {tie} succeeded moments later"),
            "root_cause": (f"{failed} failed once ({what}{', mid-transfer, after the connection was up' if dropped else ''}"
                           f"); {later}. A setting or a bug in our code would fail every time: this failure was "
                           "transient."),
            "suggested_fix": ["Nothing to change while it stays rare: the retry served the request.",
                              "Watch the rate of this group; if it grows, look at the path and the remote's status."],
            "evidence": evidence})
    return d
