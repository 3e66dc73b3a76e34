"""Failures that BEGAN right after a setting or a policy was changed: the change is what the engineer reverts - config
(round 15, evals/RESULTS.md "Round 15", i17, class C3: held-out 14's platform settings read as network blips).

A timeout, a refused or closed connection read by its class says "the path or the remote failed, transiently". When
the excerpt shows a change of a SETTING or of a platform object a moment before the first failure, and no failure
before it, the failures' onset is the change: the engineer must change that setting back (or fix it), not wait for the
network. The change records, by their tools' own grammar:
- GitOps / kubectl: Argo CD's "Sync operation to <rev> succeeded" with the objects it `created`/`configured`, kubectl
  apply's `<kind>/<name> created|configured` (kubectl apply's printer), for kinds that carry settings or policy
  (NetworkPolicy, ConfigMap, Secret, Ingress, Service, PeerAuthentication, AuthorizationPolicy, Sidecar, Gateway,
  VirtualService, DestinationRule, LimitRange, PodSecurityPolicy...);
- our own reload or switch: `NAME A -> B`, `NAME changed from A to B`, `set NAME=...`, `config reloaded`, a feature
  flag turned on/off (the gateway's settings records, setting_lines.py's NAME grammar);
- a deploy that adds/changes an environment setting (`env NAME=... added`).
A deploy of our code alone (an image or a commit, no setting named) is not this class: the code may be the cause.

Twins that must NOT change: the same failure before the change too (it did not begin there); a change more than
ONSET before the first failure (another episode); a change of no setting (an image deploy, a scale event); an answer
that is not a transient reading (a provider's reply, our code, a setting already decided).
The change must bear on the failing path (review r15): a platform kind by its kind, a setting by its NAME - a word of
the network path (PROXY, SSL, TIMEOUT, POOL, ENDPOINT...) or a part of the failing record's logger or host; a reload of
DASHBOARD_THEME or LOG_LEVEL before a connect timeout is no cause of it.
0.4: a change and an onset tied by time and name, never confident.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput, one_line
from .record_time import record_time

CONFIDENCE = 0.4
ONSET = 300.0  # seconds from the change to the first failure after it
_READS = frozenset({"network", "storage", "unknown"})
# the transient readings: a wait or a path that failed (a timeout, a refused/reset/closed connection, a keepalive)
_TRANSIENT = re.compile(r"time(?:d)?[ _-]?out|timeout|refused|reset|closed|close frame|keepalive|unreachable|"
                        r"connect|dropped|\b1006\b|\b1011\b|EOF", re.I)
_KINDS = (r"(?i:NetworkPolicy|ConfigMap|Secret|Ingress|Service|PeerAuthentication|AuthorizationPolicy|Sidecar|Gateway|"
          r"VirtualService|DestinationRule|ServiceEntry|EnvoyFilter|LimitRange|PodDisruptionBudget|"
          r"CiliumNetworkPolicy|HorizontalPodAutoscaler)(?:\.[\w.]+)?")  # kubectl prints kind.group lowercased
_CHANGE = re.compile(
    rf"(?P<k8s>\b(?:[\w.]+/)?(?:{_KINDS})[/ ][\w./-]+ (?:created|configured|updated|patched|applied)\b)|"
    rf"(?P<k8s2>\b(?:created|configured|updated|patched|applied) (?:[\w.]+/)?(?:{_KINDS})[/ ][\w./-]+)|"
    r"(?P<arrow>\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+:? ['\"]?[\w.:/-]{1,64}['\"]? ?(?:->|→|=>) ?['\"]?[\w.:/-]{1,64})|"
    r"(?P<from>\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+ changed from \S+ to \S+)|"
    r"(?P<env>\benv [A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+=\S* (?:added|changed|set)\b)|"
    r"(?P<flag>\bfeature flag [\w.-]+ (?:turned |switched )?(?:on|off|enabled|disabled)\b)")
# the words of a setting's name that govern a network path (a part of a NAME starting with one - SSLMODE, HTTPS_PROXY's
# PROXY - bears on a connect; DASHBOARD_THEME, ALERT_CHANNEL, LOG_LEVEL do not)
_PATH_WORDS = ("PROXY", "SSL", "TLS", "MTLS", "CERT", "CA", "HOST", "URL", "URI", "ENDPOINT", "PORT", "TIMEOUT", "DNS",
               "EGRESS", "INGRESS", "POOL", "KEEPALIVE", "RETRY", "RETRIES", "BACKOFF", "CONNECT", "CONN", "SOCKET",
               "ADDR", "NETWORK", "UPSTREAM", "ROUTE", "MESH", "HTTP", "GRPC", "TCP", "IP")  # 2 letters: the whole part
# the failing path's own names: a host of the record (`host:port`, `scheme://host`)
_HOSTS = re.compile(r"://(?P<u>[\w.-]+)|\b(?P<h>[a-z][\w-]*(?:\.[\w-]+)*):\d{2,5}\b")
_NAME = re.compile(r"\b(?:feature flag )?(?:env )?(?P<n>[\w.-]+)")
_GENERIC = frozenset({"src", "utils", "lib", "app", "main", "daemon", "core", "common", "infrastructure", "service",
                      "services", "middleware", "handlers", "api", "server", "client"})
_FAILURE = re.compile(r"\b(?:WARNING|WARN|ERROR|CRITICAL|FATAL)\b|\"level\":\s*\"(?:warn|warning|error)\"", re.I)


def _bears(m: re.Match[str], inp: DiagnosisInput, error: str) -> bool:
    """Whether the changed setting's NAME bears on the failing path: a network word of it, or a part of the failing
    record's logger / host / component name (a platform kind - NetworkPolicy, Ingress... - bears by kind)."""
    if m.lastgroup in ("k8s", "k8s2"):
        return True
    name = _NAME.match(m.group(0))
    parts = [p for p in re.split(r"[_.\-]+", (name.group("n") if name else "").upper()) if p]
    if any(p == w or (len(w) > 2 and p.startswith(w)) or (len(w) >= 5 and p.endswith(w))
           for p in parts for w in _PATH_WORDS):
        return True
    hosts = " ".join(h.group("u") or h.group("h") for h in _HOSTS.finditer(error[:600]))
    theirs = {w for w in re.split(r"[^a-z0-9]+", f"{inp.logger or ''} {hosts}".lower())
              if len(w) >= 2 and w not in _GENERIC and not w.isdigit()}
    return any(p.lower() in theirs for p in parts)


def onset_change_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or config when the failures began right after a setting or a policy changed (module docstring)."""
    if d.category not in _READS or not _TRANSIENT.search(" ".join([d.summary, inp.message, inp.exception_type or ""])):
        return d
    error = inp.traceback.lstrip().split("\n", 1)[0] if inp.traceback.strip() else inp.message
    error_at = record_time(error)
    if error_at is None:
        return d
    records = [(ln[:2048], record_time(ln)) for ln in (*inp.context, error) if ln.strip() and ln[:1] not in " \t"]
    change = None
    for i, (ln, at) in enumerate(records):
        m = _CHANGE.search(ln)
        if m is None or at is None or at > error_at or not _bears(m, inp, error):
            continue
        failures = [(r, t) for r, t in records[i + 1:] if _FAILURE.search(r) and not _CHANGE.search(r)]
        earlier = [r for r, _ in records[:i] if _FAILURE.search(r)]
        first = next((t for _, t in failures if t is not None), None)
        if earlier or first is None or not 0 <= (first - at).total_seconds() <= ONSET:
            continue
        change = (ln, m.group(0), (first - at).total_seconds())
    if change is None:
        return d
    line, what, gap = change
    return d.reanswered(
        category="config", confidence=CONFIDENCE, rule=f"{d.rule}+onset-change",
        severity=d.severity if d.severity in ("high", "critical") else "medium",  # it persists: no blip
        summary=one_line(f"The failures began {gap:.0f} s after a change ({what}): the change, not a transient "
                            f"fault of the path", 300),
        root_cause=(f"No failure is logged before \"{one_line(line, 300)}\"; the first comes {gap:.0f} s after it. "
                       f"The symptom ({one_line(d.summary, 160)}) reads as a transient failure of the path or the "
                       f"remote, but its onset is this change of a setting or a platform policy, which keeps failing "
                       f"the same way until a person changes it back or corrects it."),
        suggested_fix=[f"Revert or correct the change ({what}) and check that the failures stop; if it must stay, "
                          "adjust what it broke (an egress rule, a timeout, a log level, a proxy setting)."],
        evidence=[one_line(line, 300)])
