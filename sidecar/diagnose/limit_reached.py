"""A time limit of OURS that fired at its configured value while the work was still going: the setting, not the remote.

The doctrine's question is what the on-call engineer must change. A timeout read by its class (a provider's or a
database's timeout, a cancelled task, the catch-all) blames the remote or says nothing; when the error's own elapsed
time EQUALS a time limit a record before it configured (`cancelled after 60.00s` after `REQUEST_DEADLINE_S=60`,
`timed out after 180.0s` after `workflow=180s (WORKFLOW_TOOL_TIMEOUT_SECS)`), the limit the gateway set is what ended
the work: asyncio.timeout / wait_for (Lib/asyncio/timeouts.py: the deadline fires at `when`, whatever the awaited call
is doing), httpx's total or per-phase Timeout (_config.py), a tool or stream deadline of our own. The thing to change
is that setting - raised above what the work needs, or an inner timeout brought under the outer deadline that wraps it
(evals/CLASSES10.md A3 and B1, CLASSES11.md F4: "the elapsed time equal to the setting printed at startup").

The LINK decides, not the words: the error states an elapsed time at a cut ("after N s", "exceeded N s"), carries a cut
word (timed out, cancelled, aborted, deadline, killed), and no remote's status (a 4xx/5xx answer is the remote's
reply, a Retry-After is the provider's); a setting printed before it (setting_lines.py's grammar: NAME=value,
key=value (NAME)) whose name is a time limit holds the SAME duration (units converted: ms, s, min; a bare number reads
in the name's unit, seconds by default). Twins that must NOT change:
- the setting holds another duration (the limit did not fire: something else cut it), or no setting is printed;
- the work had STALLED before the cut: the error or a record before it reports no progress for most of the limit (the
  gap since the last chunk or byte: "last_chunk_age=58s", "no data for 55s", "stalled", "idle"): the remote stopped
  sending, so the remote's reading stands (CLASSES10 A3: a frozen chunk counter is the provider's);
- the answer already config or code (a setting or our code was decided by a more specific reading).
0.45: two records tied by one number, never confident.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput, one_line
from .setting_lines import Setting, settings_before

CONFIDENCE = 0.45
_READS = frozenset({"provider", "network", "storage", "unknown", "capacity"})
_UNITS = {"ms": 0.001, "msec": 0.001, "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
          "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0}
UNIT = r"(?:ms|msec|s|secs?|seconds?|m|mins?|minutes?)"  # a duration's unit word (shorter_limit reads the same)
_UNIT = rf"(?P<unit>{UNIT})"
# the elapsed time at the cut, in the error's own words
_ELAPSED = re.compile(rf"\b(?:after|exceeded|exceeding|reached|past|over|at)\s+(?P<n>\d+(?:\.\d+)?)\s?{_UNIT}\b", re.I)
_CUT = re.compile(r"\btim(?:ed|es)?[ _-]?out\b|\btimeout\b|\bcancel+(?:ed|ing)?\b|\babort(?:ed|ing)?\b|\bdeadline\b|"
                  r"\bkill(?:ed|ing)?\b|\bgave up\b|\bcut\b|TimeoutError|CancelledError", re.I)
# a remote's answer: its status is the remote's (Moonshot's 'Error code: 429', an HTTP status line, status=503)
_STATUS = re.compile(r"\b(?:Error code|HTTP/\d(?:\.\d)?|status(?:_code)?)\s*[:=]?\s*[45]\d\d\b|\bRetry-After\b", re.I)
# a time limit's name: what the setting is for (a timeout, a deadline, a grace period...) or its unit suffix
_LIMIT_NAME = re.compile(r"TIMEOUT|DEADLINE|GRACE|WAIT|LIMIT|DURATION|BUDGET|(?:_S|_SECS?|_SECONDS|_MS|_MIN|_MINS|"
                         r"_MINUTES)$", re.I)
# durations that bound no call (review r14): a wait BETWEEN tries (RETRY_DELAY_S, BACKOFF_SECONDS, RECONNECT_DELAY_SECS,
# POLL_INTERVAL_S) and a lifetime of stored data (CACHE_TTL_S, SESSION_TTL, TOKEN_EXPIRY_SECONDS): a cut at the same
# round number is a coincidence, not this setting's doing
_NOT_A_LIMIT = re.compile(r"DELAY|BACKOFF|INTERVAL|RETRY|RETRIES|PERIOD|TTL|LIFETIME|EXPIR|MAX_AGE|CACHE|SESSION", re.I)
# 'retrying after 5s', 'reconnecting in 5 s', 'next attempt after 5s': a wait scheduled after the cut, not its time
_SCHEDULED = re.compile(r"(?:retry|retrying|retries|reconnect\w*|backing off|back off|next attempt|again|sleep\w*|"
                        r"scheduled|wait(?:ing)?)\W+(?:\w+\W+){0,2}$", re.I)
_NAME_UNIT = re.compile(r"_(?P<unit>MS|S|SECS?|SECONDS|MIN|MINS|MINUTES)$")
_VALUE = re.compile(rf"^['\"]?(?P<n>\d+(?:\.\d+)?)\s?(?:{_UNIT})?['\"]?$", re.I)
# no progress for most of the limit: the remote stopped sending (module docstring, the stall twin)
_STALL = re.compile(r"\b(?:last[_ ](?:chunk|byte|data|event|read)[_ ]?(?:age)?|no (?:data|chunks?|bytes|events?|progress)"
                    r"(?: received)?(?: for| in)?|idle(?: for)?|silent(?: for)?|since (?:the )?last (?:chunk|byte|event))"
                    rf"\s*[=:]?\s*(?P<n>\d+(?:\.\d+)?)\s?{_UNIT}?", re.I)
_STALLED = re.compile(r"\bstall(?:ed|ing)?\b|\bhung\b|\bno progress\b", re.I)


def _seconds(number: str, unit: str | None) -> float:
    return float(number) * _UNITS.get((unit or "s").lower(), 1.0)


def _setting_seconds(s: Setting) -> float | None:
    """The duration a time-limit setting holds, in seconds, or None (not a time limit, not a number)."""
    if not _LIMIT_NAME.search(s.name) or _NOT_A_LIMIT.search(s.name):
        return None
    m = _VALUE.match(s.value.strip())
    if m is None:
        return None
    unit = m.group("unit") or (u.group("unit") if (u := _NAME_UNIT.search(s.name)) else None)
    return _seconds(m.group("n"), unit)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.5, 0.01 * b)


# public: shorter_limit.py reads durations with the same units and the same tolerance
seconds_of = _seconds
same_duration = _same


def _stalled(texts: list[str], limit: float) -> bool:
    for text in texts:
        if _STALLED.search(text):
            return True
        for m in _STALL.finditer(text):
            if _seconds(m.group("n"), m.group("unit")) >= limit / 2:
                return True
    return False


def limit_reached_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or config when the error's elapsed time equals a time limit a setting printed before it (module
    docstring)."""
    if d.category not in _READS:
        return d
    error = " ".join(m[:2048] for m in inp.messages())
    elapsed = [m for m in _ELAPSED.finditer(error) if not _SCHEDULED.search(error, max(0, m.start() - 40), m.start())]
    if not elapsed or not _CUT.search(error) or _STATUS.search(error):
        return d
    cut = [_seconds(m.group("n"), m.group("unit")) for m in elapsed]
    for s in settings_before(inp):  # nearest first
        limit = _setting_seconds(s)
        if limit is None or limit <= 0 or not any(_same(c, limit) for c in cut):
            continue
        if _stalled([error, *inp.context[-20:]], limit):
            return d
        # the clock time AS PRINTED beside the quoted line: TextDialect.parse_header would read every header format but
        # normalises the zone (a line stamped 19:06:52 AEDT showed "echoed at 08:06:52" beside it: gen-dev F4-3)
        when = s.line[11:19] if re.match(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d", s.line) else None
        echoed = f" (echoed{' at ' + when if when else ''}: \"{one_line(s.line, 200)}\")"
        return d.reanswered(
            category="config", confidence=CONFIDENCE,
            rule=f"{d.rule}+limit-reached",
            summary=one_line(f"Our own time limit {s.name}={s.value} ended the work: {one_line(error, 140)}", 300),
            root_cause=(f"The failure fired at the configured limit: {s.name}={s.value}{echoed}, and the error's "
                           f"elapsed time is the same {limit:g} s. The limit the gateway set cut the work while it "
                           "was still going - the remote did not fail and did not stall."),
            suggested_fix=[f"Raise {s.name} above what the work needs (the durations of the calls that completed), "
                              "or bound the work (max_tokens, smaller batches) so it fits the limit.",
                              "Keep every inner timeout below the outer deadline that wraps it, so the inner one "
                              "reports the real cause."],
            evidence=[one_line(s.line, 300)])
    return d
