"""A time limit of ours SHORTER than the wait another of our settings asks of the same work: the failure fires by design.

Round 16 (evals/RESULTS.md "Round 16", c17 step 1, kind 1: our setting decides, the rule read the remote). A timeout,
a cut connection or a staleness alarm read by its class says "the remote or the path was slow or failed". When the
failure's OWN measure (how long it waited) equals a time limit of ours, and another setting of ours asks the SAME work
to wait or stay silent LONGER, the two settings contradict each other: the limit fires whatever the remote does, every
time the work does what the other setting asks. That contradicts the remote's reading by the documented meaning of the
two settings, not by the failure's words: the thing to change is a setting - config.

The longer wait is one of the documented kinds that ASK the work to wait or be silent (not another limit: a connect
timeout of 10 s beside a read timeout of 5 s asks nothing of the read):
- a blocking command's own timeout, as a setting or as the call's own argument (`blpop(keys, timeout=30)`, XREAD
  `BLOCK 30000`): Redis BLPOP/BRPOP/BLMOVE/BZPOPMIN/XREAD BLOCK wait server-side up to their timeout when nothing is
  queued (redis.io/commands/blpop: "blocks the connection until ... the timeout"); redis-py's
  `socket_timeout` bounds every read of the socket, the blocked one too (redis/connection.py `_read_from_socket` raises
  TimeoutError("Timeout reading from ...")): below the block time it fires on an idle queue while Redis is healthy;
- a keepalive / ping / heartbeat interval (websockets `ping_interval`: a ping every N s keeps an idle connection
  alive; HTTP/TCP keepalive): an idle or read timeout on the path shorter than it cuts every idle connection - nginx
  `proxy_read_timeout` (ingress annotation `proxy-read-timeout`): "If the proxied server does not transmit anything
  within this time, the connection is closed" (ngx_http_proxy_module);
- a periodic writer's or poller's interval (a heartbeat file written every N s): a staleness threshold below it
  calls every write stale for part of each interval.
The failure is tied to the shorter limit by its own measure, read three ways:
- an elapsed time in its text ("after 5.0s", "last write 20.3s ago", "idle 60s");
- a clock time its text quotes before its own stamp ("last frame 16:04:58" in a record stamped 16:05:58: 60 s);
- a period: every failure of the same shape (two at least) comes the limit's duration after the previous record of
  the same logger (a consumer's loop: each blocking call ends in the failure that many seconds after it began).

Twins that must NOT change: no longer setting (a slow remote timing out at our limit: the class reading stands); the
longer setting of another work (KIMI_TIMEOUT_SECS beside a Redis read: it names no part of the failure); the other
setting shorter than the limit; a longer setting that is itself a limit and asks no wait (a connect timeout); the
failure's measure not the limit's (it waited 3 s, the limit is 5 s). An answer already config or code stays.
0.45: two settings and a measure, never confident; it only lowers or redirects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .limit_reached import UNIT, same_duration, seconds_of
from .model import Diagnosis, DiagnosisInput, one_line
from .record_time import REACH, record_time
from .setting_lines import SETTING_PAIR
from .subjects import statements

CONFIDENCE = 0.45
_READS = frozenset({"storage", "network", "provider", "capacity", "unknown"})
_LINE = 2048
_NUMBER = rf"['\"]?(?P<n>\d+(?:\.\d+)?)\s?(?P<unit>{UNIT})?['\"]?(?![\w.:/])"
# the shapes a duration setting is printed in: NAME=value (setting_lines' grammar), key=value (NAME), a lower-case
# key path with '_', '.' or '-' (`ping_interval=90`), and a manifest's or an annotation's `key: "60"` / `timeoutSeconds: 1`
_KEYED = re.compile(rf"(?<![\w.])[a-z][\w.]{{1,40}}\s*=\s*{_NUMBER}\s*\((?:env\s+|from\s+)?(?P<name>[A-Z][A-Z0-9_]{{2,60}})\)")
_LOWER = re.compile(rf"(?<![\w.])(?P<name>[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+)\s*=\s*{_NUMBER}")
_MANIFEST = re.compile(rf"(?<![\w])(?P<name>[\w./-]*?(?:[Tt]imeout|[Ii]nterval|[Pp]eriod)[\w-]*)\s*:\s*{_NUMBER}")
# wider than limit_reached's: a manifest's camelCase key carries its unit too (`timeoutSeconds: 1`, `periodMs`)
_NAME_UNIT = re.compile(r"(?:_|(?<=[a-z]))(?P<unit>MS|S|SECS?|SECONDS|MIN|MINS|MINUTES|Seconds|Ms|Minutes)$")
_PARTS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])")
# the limit's kind: what bounds a wait
_LIMIT = frozenset({"TIMEOUT", "DEADLINE", "STALE"})
# the kinds of a wait another setting ASKS of the work (module docstring)
_BLOCKING = frozenset({"BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BZPOPMIN", "BZPOPMAX", "BLMPOP", "XREAD", "BLOCK"})
_KEEPALIVE = frozenset({"PING", "HEARTBEAT", "KEEPALIVE", "KEEP"})
_PERIODIC = frozenset({"INTERVAL", "PERIOD", "EVERY"})
# words of a name that say its unit or its kind, not the work it bounds
_KIND_WORDS = _LIMIT | _PERIODIC | frozenset({"S", "MS", "SEC", "SECS", "SECONDS", "MIN", "MINS", "MINUTES", "AFTER",
                                              "MAX", "DEFAULT", "THRESHOLD", "TIME", "WAIT", "ALIVE", "INGRESS",
                                              "KUBERNETES", "IO", "NGINX", "ENV", "APP", "SRC", "SETTINGS"})
# a failure that is a connection cut (what an idle timeout below a keepalive interval produces)
_CUT = re.compile(r"close frame|closed|disconnect|reset by peer|\bEOF\b|\b100[16]\b|connection (?:lost|dropped)", re.I)
# the failure's elapsed time in its own text
_ELAPSED = (re.compile(rf"\b(?:after|exceeded|idle(?: for)?|waited|silent(?: for)?)\s+{_NUMBER}", re.I),
            re.compile(rf"(?<![\w.]){_NUMBER}\s+ago\b", re.I))
_CLOCK = re.compile(r"(?<![\d:])(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d):(?P<s>[0-5]\d)(?![\d:])")
_SHAPE = re.compile(r"\d+")
# the wait a blocking command is GIVEN in the call itself (a frame's statement or the logged command): redis-py's
# `blpop(keys, timeout=30)` (seconds; redis.io BLPOP "key [key ...] timeout"), `xread(..., block=30000)` and XREAD's
# `BLOCK 30000` (milliseconds: redis.io XREAD "[BLOCK milliseconds]")
_CALL_WAITS = (
    (re.compile(r"\b(?P<cmd>blpop|brpop|blmove|brpoplpush|bzpopmin|bzpopmax|blmpop)\b[^\n]{0,120}?\btimeout\s*=\s*"
                r"(?P<n>\d+(?:\.\d+)?)\b", re.I), 1.0),
    (re.compile(r"\b(?P<cmd>xread(?:group)?)\b[^\n]{0,160}?\bblock\s*(?:=\s*|\s)(?P<n>\d+)\b", re.I), 0.001),
)


@dataclass(frozen=True, slots=True)
class _Duration:
    name: str
    seconds: float
    line: str

    def parts(self) -> set[str]:
        return {p.upper() for p in _PARTS.findall(self.name)}


def _durations(lines: list[str]) -> list[_Duration]:
    """Every duration setting the records print (module docstring's shapes), in their order."""
    out: list[_Duration] = []
    for raw in lines:
        line = raw[:_LINE]
        found: list[tuple[str, str, str | None]] = [(m.group("name"), m.group("value"), None)
                                                    for m in SETTING_PAIR.finditer(line)]
        found += [(m.group("name"), m.group("n"), m.group("unit")) for rx in (_KEYED, _LOWER, _MANIFEST)
                  for m in rx.finditer(line)]
        for name, value, unit in found:
            v = re.fullmatch(_NUMBER, value.strip()) if unit is None else None
            number = v.group("n") if v else value if unit is not None else None
            if number is None:
                continue
            unit = unit or (v.group("unit") if v else None) or ((u := _NAME_UNIT.search(name)) and u.group("unit"))
            seconds = seconds_of(number, unit.lower() if unit else None)
            name = name.rsplit("/", 1)[-1]  # an annotation's key path: its last part names the setting
            if seconds > 0 and all(d.name != name for d in out):
                out.append(_Duration(name, seconds, line.strip()))
    return out


def _day_seconds(m: re.Match[str]) -> int:
    return int(m.group("h")) * 3600 + int(m.group("m")) * 60 + int(m.group("s"))


def _call_waits(texts: list[str]) -> list[_Duration]:
    """The waits blocking commands are given in the calls the failing record shows (`_CALL_WAITS`)."""
    out: list[_Duration] = []
    for text in texts:
        for rx, unit in _CALL_WAITS:
            for m in rx.finditer(text[:8192]):
                n = float(m.group("n")) * unit  # 0 blocks without end (redis.io BLPOP, XREAD: "0 ... indefinitely")
                out.append(_Duration(f"{m.group('cmd').upper()} timeout", n or float("inf"), one_line(m.group(0), 200)))
    return out


def _measures(inp: DiagnosisInput, error: str) -> list[float]:
    """How long the failure waited, by its own text or its own stamp (module docstring). A clock time the text quotes
    is read against the clock its header PRINTS (the same writer's clock and zone), not the normalised record time."""
    texts = " ".join(m[:_LINE] for m in inp.messages())
    out = [seconds_of(m.group("n"), (m.group("unit") or "s").lower()) for rx in _ELAPSED for m in rx.finditer(texts)]
    printed = _CLOCK.search(error[:REACH])
    if printed is not None:
        for m in _CLOCK.finditer(texts):
            gap = (_day_seconds(printed) - _day_seconds(m)) % 86400
            if 0 < gap <= 6 * 3600:
                out.append(float(gap))
    return out


def _period(inp: DiagnosisInput, error: str) -> float | None:
    """The one gap each failure of the error's shape keeps from the previous record of its logger, or None."""
    if not inp.logger:
        return None
    own = [(ln[:_LINE], record_time(ln)) for ln in (*inp.context, error) if inp.logger in ln[:200] and ln[:1] not in " \t"]
    shape = _SHAPE.sub("#", inp.message[:300])
    gaps: list[float] = []
    for (_, before), (ln, t) in zip(own, own[1:], strict=False):
        if shape and shape in _SHAPE.sub("#", ln) and t is not None and before is not None:
            gaps.append((t - before).total_seconds())
    return gaps[0] if len(gaps) >= 2 and all(same_duration(g, gaps[0]) for g in gaps) and gaps[0] > 0 else None


def _asks_longer(d: _Duration, words: set[str], cut: bool) -> bool:
    """Whether `d` asks the failing work to wait or stay silent (module docstring) and names a part of it."""
    parts = d.parts()
    if parts & _BLOCKING:
        return bool(parts & _BLOCKING & words)
    if parts & _LIMIT:  # a limit asks no wait (a connect timeout, a ping's own timeout)
        return False
    if parts & _KEEPALIVE and cut:
        return True
    if parts & _PERIODIC:
        return any(len(p) >= 3 and p in words for p in parts - _KIND_WORDS)
    return False


def _said(seconds: float) -> str:
    return "no end (0: block until an item comes)" if seconds == float("inf") else f"{seconds:g}s"


def shorter_limit_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or config when the failure fired at a limit of ours shorter than the wait another setting asks of the same
    work (module docstring)."""
    if d.category not in _READS:
        return d
    error = inp.traceback.lstrip().split("\n", 1)[0] if inp.traceback.strip() else inp.message
    measured = _measures(inp, error)
    period = _period(inp, error)
    if period is not None:
        measured.append(period)
    if not measured:
        return d
    # the frames' statements are read at the traceback's TAIL (statements): the call that waited is the last frame's,
    # which a deep traceback puts past any head we would read (re-read r16)
    # ...and its HEAD still, bounded: a Java or Node traceback has no statement lines, its frames' function names and
    # paths name the work (re-read r16 of 58b43ff8)
    stmts = [inp.traceback[:8192], *statements(inp.traceback)]
    durations = _durations([*inp.context[-40:], *inp.after[:20]]) + _call_waits([*(m[:_LINE] for m in inp.messages()),
                                                                                 *stmts])
    texts = " ".join([*(m[:_LINE] for m in inp.messages()), inp.logger or ""])  # bounded: log content is hostile
    # the work's words: the record's message and logger, and its frames' statements (a `blpop(...)` call)
    words = {w.upper() for w in re.findall(r"[A-Za-z0-9]+", f"{texts} {' '.join(stmts)}")}
    cut = bool(_CUT.search(texts))
    for limit in durations:
        if not limit.parts() & _LIMIT or limit.parts() & _BLOCKING or \
                not any(same_duration(m, limit.seconds) for m in measured):
            continue
        longer = next((o for o in durations if o.name != limit.name and o.seconds > limit.seconds * 1.05
                       and _asks_longer(o, words, cut)), None)
        if longer is None:
            continue
        return d.reanswered(
            category="config", confidence=min(CONFIDENCE, d.confidence) if d.category != "unknown" else CONFIDENCE,
            rule=f"{d.rule}+shorter-limit",
            severity=d.severity if d.severity in ("medium", "high", "critical") else "low",
            summary=one_line(f"Our limit {limit.name}={limit.seconds:g}s is shorter than the wait {longer.name}="
                             f"{_said(longer.seconds)} asks of the same work: it fires by design", 300),
            root_cause=(f"The failure ({one_line(inp.message, 160)}) came after {limit.seconds:g} s, the value of "
                        f"{limit.name} (\"{one_line(limit.line, 200)}\"), while {longer.name} asks the same work "
                        f"to wait or stay silent for {_said(longer.seconds)} (\"{one_line(longer.line, 200)}\"). "
                        f"The two settings contradict each other: the limit cuts the work every time it does what "
                        f"the other setting asks, whatever the remote does - the reading \"{one_line(d.summary, 120)}"
                        f"\" blames the remote for our own configuration."),
            suggested_fix=[f"Make {limit.name} longer than {longer.name} (with a margin), or shorten {longer.name} "
                           f"below {limit.name}; keep every limit on a path above the waits the work is asked to do."],
            evidence=[one_line(limit.line, 300), one_line(longer.line, 300)])
    return d
