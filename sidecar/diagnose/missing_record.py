"""An honest unknown says what the excerpt LACKS that would decide it, and whose input was refused.

Round 16's blind set (evals/RESULTS.md, round 17, b17): the expected-`unknown` answers passed 0 of 8, 6 of them on
the words of what was missing (the signal's sender, the application's own record of a request a proxy reported,
the user whose input was refused) - the catch-all said "not known from the text alone" and nothing of what would
make it known. The class is "one side of a two-sided event is in the excerpt, the other is not", read from what
each side's own documentation says it records:
- SIGNAL: a process logging a termination signal it received (uvicorn's "Received SIGTERM", a handler's "got signal
  15", a container's exit status 128+N - bash(1) EXIT STATUS: "the value of 128+N" for a fatal signal N) is not told
  who sent it: a handler installed by Python's signal.signal() receives (signum, frame) only, the sender's pid is
  in siginfo_t.si_pid only under SA_SIGINFO (sigaction(2)), which the runtimes do not log. The sender's record is
  the other side: the platform's event (kubelet/kernel/systemd/orchestrator lines), an operator's or a
  supervisor's stop, a change record. When the excerpt holds one, deciding_facts.py quotes it: no clause.
- PROXY: a reverse proxy's report that its upstream failed (nginx's ngx_http_upstream.c log texts: "upstream
  prematurely closed connection", "upstream timed out", "connect() failed ... while connecting to upstream",
  "no live upstreams", "... while reading response header from upstream"; Envoy's local replies "upstream connect
  error or disconnect/reset before headers", "upstream request timeout", docs "Response flags") says what the
  PROXY saw; why the upstream did it is in the application's own record of that request. When no record of the
  application reports a failure in the excerpt, that record is what is missing.
- INPUT: a validation library refusing a request's input VALUE - pydantic's "N validation error(s) for <Model>" with
  `[type=<a value refusal>, input_value=...]` (pydantic_core ValidationError.__str__; `_VALUE_REFUSAL`: a declared
  field's constraint or parse, never `extra_forbidden`/`missing`, the shape two programs disagree on) on a model a
  request is validated with
  (FastAPI documents the body/query/path parameters as such models and raises RequestValidationError, HTTP 422
  "Unprocessable Entity"). The refused value came from the caller: the text says it is the user's input. Twins that
  must NOT be read so: a settings model (pydantic_settings: config), a provider's reply model (strict_reply.py).
Nothing here changes a category, a confidence or a rule: it adds one sentence to an answer that is already an
honest unknown (the catch-all, the situation model's low guess). The sentence names no candidate cause (a listed
cause reads as the answer's claim: the doctrine's must_not).
"""

from __future__ import annotations

import re
import signal

from ..redaction import redact
from .model import Diagnosis, DiagnosisInput
from .strict_reply import VALIDATION_FOR

# a received termination signal, by name or number (Python: signal.Signals), in the records of the excerpt. Not `on
# SIGTERM`: a setup record's words ("graceful shutdown on SIGTERM enabled", "installed handler on SIGINT" - review r17)
_SIGNAL = re.compile(r"\b(?:receiv\w*|got|caught|handl\w*|trapp\w*)\s+(?:signal\s+)?(?P<name>(?-i:SIG[A-Z]{2,6}))\b|"
                     r"\b(?:receiv\w*|got|caught|handl\w*)\s+signal\s+(?P<num>\d{1,2})\b|"
                     r"\b(?:killed|terminated)\s+by\s+signal\s+(?P<num2>\d{1,2})\b|"
                     r"\bexit(?:ed)?(?:\s+with)?\s*(?:code|status)?[\s:=(]+(?P<code>1[2-5]\d)\b", re.I)
# the termination signals whose sender is the question (signal(7): the default action Term/Core of an outside
# request to stop); SIGSEGV/SIGBUS/SIGABRT are the process's own faults, SIGPIPE its write to a closed pipe
_STOP = frozenset({"SIGTERM", "SIGKILL", "SIGINT", "SIGQUIT"})
# SIGHUP, SIGUSR1, SIGUSR2 are what a program HANDLES to reload its configuration, reopen its log files or upgrade
# (gunicorn's and nginx's documented signals): a record of one received or caught is no stop. Only the process that
# DIED of one - "killed by signal N", an exit status 128+N: the default action (signal(7) Term) ended it - was stopped
# by its sender (review r17)
_STOP_WHEN_DIED = frozenset({"SIGHUP", "SIGUSR1", "SIGUSR2"})
# a record of a sender: the platform's or a supervisor's event, an operator's action, a change of the running system
# (a node drained/cordoned - kubectl drain's own words -, never a process draining its own connections)
_SENDER = re.compile(r"\b(?:kill(?:ed|ing)?\b(?!\s+by\s+signal)|oom\w*|evict\w*|preempt\w*|probe|liveness|"
                     r"unhealthy|scal(?:ed|ing)\s+(?:down|in)\b|scaledown|cordon\w*|drain(?:ed|ing)?\s+(?:node|host)|deploy\w*|rollout|roll(?:ed|ing)\s+"
                     r"(?:out|back|restart)|restart(?:ed|ing)\s+by|stop(?:ped|ping)\s+(?:container|service|unit|by)|"
                     r"systemctl|docker\s+(?:stop|kill|restart)|kubectl\s+(?:delete|drain|rollout|scale)|"
                     r"shutdown\s+requested|preStop|terminationGracePeriod|node\s+(?:shutdown|not\s?ready))", re.I)
# nginx's and Envoy's own texts of an upstream failure (module docstring)
_PROXY = re.compile(r"upstream prematurely closed connection|upstream timed out|while connecting to upstream|"
                    r"no live upstreams|while reading response header from upstream|"
                    r"upstream connect error or disconnect/reset before headers|upstream request timeout", re.I)
# the application's own record of a failure: a WARNING or worse, or a failure's words (a request that timed out, was
# cancelled, gave up: review r17 - a WARNING of the same request is the application's record too)
_APP_FAILURE = re.compile(r"(?-i:\b(?:WARN(?:ING)?|ERROR|CRITICAL|FATAL|Traceback)\b)|\b(?:exception|fail(?:ed|ure|s)?|"
                          r"timed? ?out|gave up|giving up|abort\w*|cancel\w*|worker (?:timeout|exited|died)|killed|"
                          r"restart\w*|shutting down|out of memory)\b", re.I)
# nginx's error log line (ngx_log.c: "YYYY/MM/DD HH:MM:SS [level] pid#tid: "): the proxy's own, never the app's
_NGINX_ERROR_LOG = re.compile(r"^\s*\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+:")
# the value refusals of pydantic's documented error types (docs "Validation Errors"): the field is declared and the
# VALUE breaks its constraint or does not parse. `extra_forbidden` / `missing` are the shape - two programs' versions
# of one schema disagreeing (a client shim newer than the server: config), not a user's content
_VALUE_REFUSAL = re.compile(r"\[type=(?:\w*too_(?:long|short)|greater_than(?:_equal)?|less_than(?:_equal)?|multiple_of|"
                            r"\w*pattern_mismatch|\w+_parsing|value_error|finite_number|\w+_(?:max|min)_\w+|"
                            r"decimal_\w+|url_\w+), input_value=")
_NOT_INPUT_MODEL = re.compile(r"Settings$|Config$|repl(?:y|ies)|response|completion|choice|delta|chunk|usage", re.I)
_LOC_MSG = re.compile(r"\n(?P<loc>[\w.\[\]-]{1,60})\n\s{1,12}(?P<msg>[^\n\[]{1,120}?) \[type=")


def _signal_name(m: re.Match[str]) -> str | None:
    """The signal a match names (by its name, its number, or an exit status 128+N), or None."""
    if m.group("name"):
        return m.group("name").upper()
    num = m.group("num") or m.group("num2")
    if num is None:
        num = str(int(m.group("code")) - 128)
    try:
        return signal.Signals(int(num)).name
    except ValueError:
        return None


def _lines(inp: DiagnosisInput) -> list[str]:
    return [*inp.context, *inp.traceback.splitlines(), *inp.messages(), *inp.after]


def _signal_clause(lines: list[str]) -> str:
    received = None
    for ln in lines:
        for m in _SIGNAL.finditer(ln):
            name = _signal_name(m)
            if name in _STOP or (name in _STOP_WHEN_DIED and (m.group("num2") or m.group("code"))):
                received = received or (name, m.group(0).strip())
    if received is None or any(_SENDER.search(ln) for ln in lines):
        return ""
    name, said = received
    return (f" The excerpt shows the process got {name} ('{said}') but holds no record of the signal's sender:"
            " a process's own handler is not told who sent it, so the record of whoever sent it - the platform's"
            " event for this pod or host, an operator's or a supervisor's stop - is what would decide it.")


def _proxy_clause(lines: list[str]) -> str:
    if not any(_PROXY.search(ln) for ln in lines):
        return ""
    if any(_APP_FAILURE.search(ln) and not _NGINX_ERROR_LOG.match(ln) and not _PROXY.search(ln) for ln in lines):
        return ""  # an application's own failure record is in the excerpt: deciding_facts quotes it
    return (" A proxy reports that its upstream failed this request; the excerpt holds no application record of"
            " that request failing - the upstream's own record of it at that time is what would decide why.")


def _input_clause(inp: DiagnosisInput) -> str:
    said = "\n".join([*inp.messages(), inp.traceback])
    model = VALIDATION_FOR.search(said)
    if model is None or not _VALUE_REFUSAL.search(said) or _NOT_INPUT_MODEL.search(model.group("model")):
        return ""
    where = _LOC_MSG.search(said)
    what = f" ({where.group('loc')}: {where.group('msg').strip()})" if where else ""
    return (f" The refused value{what} is the caller's input - the user's request validated against"
            f" {model.group('model')} -, not a value of ours; the excerpt holds no record of what the user meant"
            " to send.")


def missing_clause(inp: DiagnosisInput) -> str:
    """The sentence saying what the excerpt lacks that would decide `inp`'s failure, or whose input it refused
    (module docstring); '' when no class applies."""
    lines = _lines(inp)
    return _input_clause(inp) or _signal_clause(lines) or _proxy_clause(lines)


def with_missing(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d` with the missing record named when it is an honest unknown or the situation model's low guess."""
    rule = d.rule or ""
    if not ((rule.startswith("catch-all") and d.category == "unknown") or rule == "situation-model"):
        return d
    # the clause quotes the log (the signal's words, a field's name and pydantic's message): redacted like every quote
    clause = redact(missing_clause(inp))
    return d.model_copy(update={"root_cause": d.root_cause + clause}) if clause else d
