"""Error fingerprints: one stable hash per kind of error, computed by pure functions.

Two ways to fingerprint, chosen per event:

* With a traceback: the final exception's qualified type, the application's own frames
  (package-relative path + function name) and the error codes named in the exception message
  (see `masking.error_codes`). Line numbers, absolute install prefixes and the message's
  variable parts are left out, so a deploy that adds lines above the failure, or a release
  unpacked at a new path, keeps the group. Standard-library and site-packages frames count only
  when the traceback has no application frame at all (Sentry's "in-app" rule): they are what
  differs between library versions, not what identifies the bug.
* Without a traceback: the logger, the level class and the parameterised message
  (`normalize_message`, the rules live in `masking.py` with an example and a reason each).

Determinism: the hash input is a canonical text built only from the event itself (no Python
`hash()`, no state, no look-ahead), hashed with BLAKE2b. The same event gives the same
fingerprint in every process, whatever came before it. `FINGERPRINT_VERSION` is part of the
hash input so a deliberate change to the rules is an explicit, visible re-grouping.

Memoisation (pure functions, so results are identical with or without it): five LRU caches of
4,096 entries (short input lines, short messages, digit-masked texts, templates): keys of at most 512
characters, templates of at most 2,048, so at most ~25 MB even when every entry is distinct.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from ..config import GroupingConfig
from ..ingest.record import ErrorEvent, ExceptionInfo, Frame
from .keep_spans import error_codes
from .masking import CACHEABLE, normalize_message
from .masking import clear_cache as clear_masking_cache
from .templates import variable_like

__all__ = [
    "FINGERPRINT_VERSION",
    "fingerprint_event",
    "fingerprint_message",
    "normalize_message",
    "level_class",
    "frame_key",
    "is_in_app",
    "event_title",
    "clear_caches",
    "register_cache",
    "message_fingerprint_uncached",
    "form_fingerprint",
    "has_traceback_identity",
    "legacy_fingerprint",
    "failure_names",
    "MESSAGE_VERSION",
    "digest_parts",
    "exception_line",
    "noframes_id",
]

# v2 (issue 15): a traceback's identity adds each in-app frame's source line and the names its
# exception message gives (attribute, key, column). A v1 traceback group stays reachable: the recorder
# stores a merge from its v1 id to the v2 group (`legacy_fingerprint`).
FINGERPRINT_VERSION = "v2"
# Message forms (and exception lines without frames, whose template is a message form):
# v1 until round 18; v2 since round 19: round 18 changed the forms of frame lines, JVM system
# properties, command lines and announced lists without a version change (legacy_forms.py). An event
# whose v1 group the store holds is counted there (errors/learning.py, `legacy_forms`).
# A frames traceback's identity did not change: `error_codes` keeps v2's spans (keep_spans.py).
_MESSAGE_VERSION = "v2"
MESSAGE_VERSION = _MESSAGE_VERSION
# 16 bytes -> 32 hex characters: collisions are out of reach for any realistic number of groups.
_DIGEST_SIZE = 16
# Deep recursion prints the same frame hundreds of times; the group is the same bug however deep
# it went, so keep only the frames closest to the raise.
MAX_FRAMES = 30

_DEFAULT_GROUPING = GroupingConfig()

_LEVEL_CLASSES = {
    "DEBUG": "debug",
    "TRACE": "debug",
    "INFO": "info",
    "NOTICE": "info",
    "WARN": "warning",
    "WARNING": "warning",
    "ERROR": "error",
    "ERR": "error",
    "EXCEPTION": "error",
    "SEVERE": "error",
    "CRITICAL": "critical",
    "CRIT": "critical",
    "FATAL": "critical",
    "ALERT": "critical",
    "EMERG": "critical",
    "EMERGENCY": "critical",
}


def level_class(level: str | None) -> str:
    """Map a level name to its class: ERROR and SEVERE are one class, CRITICAL and FATAL another.

    Why classes: deployments spell levels differently (`WARN`/`WARNING`, `FATAL`/`CRITICAL`);
    the spelling must not split a group, but an error and a warning with the same text are
    different signals (a warning may be expected noise) and stay apart.
    """
    fast = _LEVEL_LOOKUP.get(level)  # type: ignore[arg-type]
    if fast is not None:
        return fast
    if not level:
        return "error"
    return _LEVEL_CLASSES.get(level.strip().upper(), level.strip().lower())


_LEVEL_LOOKUP = {
    spelling: cls
    for name, cls in _LEVEL_CLASSES.items()
    for spelling in (name, name.lower(), name.title())
}


def _digest(parts: Iterable[str]) -> str:
    # Length-prefix every part so ("ab", "c") and ("a", "bc") never hash alike.
    canonical = "".join(f"{len(p)}:{p};" for p in parts)
    return hashlib.blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=_DIGEST_SIZE).hexdigest()


digest_parts = _digest  # the hash of every id (legacy_forms.py rebuilds v1's ids with it)


# `_digest`'s canonical text of the two constant parts of a message fingerprint.
_MESSAGE_HEAD = "".join(f"{len(p)}:{p};" for p in (_MESSAGE_VERSION, "msg"))


@lru_cache(maxsize=4096)
def _message_digest(logger: str, level: str, template: str) -> str:
    # Templates repeat far more than messages: hash each (logger, level, template) once.
    # `_digest((_MESSAGE_VERSION, "msg", logger, level, template))` written out (the same bytes):
    # every new masked form pays for it.
    canonical = f"{_MESSAGE_HEAD}{len(logger)}:{logger};{len(level)}:{level};{len(template)}:{template};"
    return _blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=_DIGEST_SIZE).hexdigest()


_blake2b = hashlib.blake2b


def form_fingerprint(logger: str, level_cls: str, masked: str) -> str:
    """The pure fingerprint of a masked message form (the id of a group it starts)."""
    return _message_digest(logger, level_cls, masked)


# --- frames -------------------------------------------------------------------------------------

_SITE_MARKERS = ("site-packages/", "dist-packages/")
_STDLIB = re.compile(r"/lib/(?:python|pypy)\d+(?:\.\d+)*/")
_FROZEN = re.compile(r"^<frozen ([\w.]+)>$")


def _norm_path(path: str) -> str:
    return path.replace("\\", "/")


def is_in_app(path: str, grouping: GroupingConfig = _DEFAULT_GROUPING) -> bool:
    """True when a frame's file belongs to the application rather than a library or the stdlib.

    Exclusions win over inclusions (`/app/src/.venv/lib/python3.11/site-packages/x.py` is a
    library even though it contains `src/`). A path matching neither list counts as in-app when
    it is not in a known library location: the gateway's own code is the common case.
    """
    p = _norm_path(path)
    if any(pattern in p for pattern in grouping.in_app_exclude):
        return False
    if any(marker in p for marker in _SITE_MARKERS) or _STDLIB.search(p) or p.startswith("<"):
        return False
    return True


def frame_key(frame: Frame, grouping: GroupingConfig = _DEFAULT_GROUPING) -> str:
    """`relative/path.py:function`, the part of a frame that survives a redeploy.

    The path is cut at the first in-app include pattern (`/srv/rel-42/src/daemon/x.py` ->
    `src/daemon/x.py`), after `site-packages/` (`.../site-packages/openai/_client.py` ->
    `openai/_client.py`) or after the stdlib directory (`/usr/lib/python3.11/asyncio/tasks.py`
    -> `asyncio/tasks.py`); otherwise only the file name is kept: the directories above it are
    where this release happens to be installed (`/srv/rel-42/main.py`), which changes on every
    deploy. Line numbers are never part of the key.
    """
    p = _norm_path(frame.file)
    frozen = _FROZEN.match(p)
    rel: str | None
    if frozen:
        rel = frozen.group(1)
    else:
        rel = None
        for marker in _SITE_MARKERS:
            i = p.rfind(marker)
            if i >= 0:
                rel = p[i + len(marker):]
                break
        if rel is None:
            m = _STDLIB.search(p)
            if m:
                rel = p[m.end():]
        if rel is None:
            rel = _cut_at_include(p, grouping.in_app_include)
        if rel is None:
            rel = p.rstrip("/").rsplit("/", 1)[-1]
    assert rel is not None
    if rel.endswith(".pyc"):
        rel = rel[:-1]
    return f"{rel}:{frame.function}"


def _cut_at_include(path: str, includes: Sequence[str]) -> str | None:
    """Cut `path` at the earliest in-app pattern that starts at a segment boundary."""
    anchored = "/" + path.lstrip("/")
    best: int | None = None
    for pattern in includes:
        probe = "/" + pattern.strip("/") + "/"
        if probe == "//":
            continue
        i = anchored.find(probe)
        if i >= 0 and (best is None or i < best):
            best = i
    if best is None:
        return None
    return anchored[best + 1:]


def _dedupe_consecutive(keys: list[str]) -> list[str]:
    out: list[str] = []
    for k in keys:
        if not out or out[-1] != k:
            out.append(k)
    return out


def _frame_keys(frames: Sequence[Frame], grouping: GroupingConfig,
                with_source: bool = True) -> tuple[str, list[str]]:
    """('app'|'all', keys): in-app frames when there are any, else every frame.

    An in-app frame's key carries its source line, whitespace-normalised (Sentry's
    `context_line`): two errors raised in one function on different lines are two groups, while
    a deploy that only shifts line numbers or re-indents keeps the group. Library frames do not
    (their text changes with library versions, not with the bug).
    """
    app = [f for f in frames if is_in_app(f.file, grouping)]
    chosen, scope = (app, "app") if app else (list(frames), "all")
    keys = []
    for f in chosen:
        key = frame_key(f, grouping)
        if with_source and scope == "app" and f.source_line:
            key += "|" + " ".join(f.source_line.split())
        keys.append(key)
    return scope, _dedupe_consecutive(keys)[-MAX_FRAMES:]


# A quoted identifier in an exception message: `'timeout_secs'`, `"upload_method"`, `'os'`.
_QUOTED_NAME = re.compile(r"""(['"])([A-Za-z_][\w.]{0,79})\1""")


def failure_names(message: str) -> tuple[str, ...]:
    """The names an exception message gives (`no attribute 'get'`, `KeyError: 'user_id'`,
    `column "status"`): they say which failure it is, so they stay in a traceback's identity.

    Quoted values that look like ids or data (digits, hex-like, mixed case, long: the token
    classes of `templates.variable_like`) are left out: they vary between occurrences.
    """
    out = []
    for m in _QUOTED_NAME.finditer(message[:MAX_NAME_SCAN]):
        name = m.group(2)
        if any(c.isdigit() for c in name):
            continue
        if variable_like(name.replace(".", "")) and not _CAMEL.fullmatch(name):
            continue
        out.append(name)
    return tuple(out)


MAX_NAME_SCAN = 1000
# Class and attribute names in CamelCase/camelCase (`NoneType`, `timeoutSecs`) are names although
# mixed case; humps of 3+ letters tell them from random base64 (`dGhpcyBpcyBh`).
_CAMEL = re.compile(r"(?:[A-Z][a-z]{2,})+|[a-z]{2,}(?:[A-Z][a-z]{2,})+")


def _final_exception(event: ErrorEvent) -> ExceptionInfo | None:
    """The exception that ended the program flow: the last of a chain, else the event's own."""
    if event.chain:
        return event.chain[-1]
    if event.exception_type or event.frames:
        return ExceptionInfo(
            type=event.exception_type or "", message=event.exception_message or "", frames=event.frames
        )
    return None


# --- public API ---------------------------------------------------------------------------------


def fingerprint_message(message: str, logger: str | None = None, level: str = "ERROR") -> str:
    """Fingerprint of a log record without a traceback: logger + level class + template.

    `sidecar fingerprint` computes this for each stdin line (with the logger and level of the
    line's log header when it has one, else logger None and level ERROR). Message masking has no
    per-deployment settings on purpose (the same text must group the same way everywhere).
    """
    name = logger.strip() if logger else ""
    cls = level_class(level)
    if len(message) <= CACHEABLE:
        return _fingerprint_message_cached(message, name, cls)
    return _message_fingerprint(message, name, cls)


def _message_fingerprint(message: str, logger: str, level_cls: str) -> str:
    return _message_digest(logger, level_cls, normalize_message(message))


# Error storms repeat the same short line thousands of times: memoise the whole computation for
# short messages (bounded in entries and key size: at most a few MB). Same result, less CPU.
_fingerprint_message_cached = lru_cache(maxsize=4096)(_message_fingerprint)


def message_fingerprint_uncached(message: str, logger: str | None, level: str) -> str:
    """`fingerprint_message` without its whole-message memo (the caller has its own)."""
    return _message_fingerprint(message, logger.strip() if logger else "", level_class(level))


_EXTRA_CACHES: list[Any] = []


def register_cache(cached: Any) -> Any:
    """Let `clear_caches` clear another memoised function of this stage (a decorator)."""
    _EXTRA_CACHES.append(cached)
    return cached


def clear_caches() -> None:
    """Drop the memoised results (benchmarks measure cold caches per dataset)."""
    _fingerprint_message_cached.cache_clear()
    _message_digest.cache_clear()
    clear_masking_cache()
    for cached in _EXTRA_CACHES:
        cached.cache_clear()


def fingerprint_event(event: ErrorEvent, grouping: GroupingConfig | None = None) -> str:
    """The fingerprint of an ingest `ErrorEvent` (see the module docstring for the rules)."""
    grouping = grouping or _DEFAULT_GROUPING
    exc = _final_exception(event)
    if exc is not None and exc.frames:
        scope, keys = _frame_keys(exc.frames, grouping)
        codes = error_codes(exc.message or "")
        names = failure_names(exc.message or "")
        return _digest((FINGERPRINT_VERSION, "exc", exc.type.strip(), scope, *keys, "codes", *codes, "names", *names))
    if exc is not None and exc.type:
        # An exception line without frames (a logged `repr(exc)`, a truncated record): the type
        # names the error, the message template tells call sites apart as well as text can.
        text = exc.message or event.message
        # A message form's version: no frames, no source lines (`legacy_forms.legacy_event_id` gives v1's).
        return noframes_id(_MESSAGE_VERSION, exc.type.strip(), (event.logger or "").strip(), level_class(event.level),
                           normalize_message(text))
    return fingerprint_message(event.message, event.logger, event.level)


def noframes_id(version: str, exc_type: str, logger: str, level_cls: str, masked: str) -> str:
    """The id of an exception line without frames: its form version, the type, logger, level class and masked
    message (one recipe: legacy_forms rebuilds v1's and round 19's ids with the older version or text)."""
    return _digest((version, "exc-noframes", exc_type, logger, level_cls, masked))


def exception_line(event: ErrorEvent) -> tuple[str, str] | None:
    """(type, message text) of an event grouped as an exception line without frames, else None."""
    exc = _final_exception(event)
    if exc is None or exc.frames or not exc.type:
        return None
    return exc.type.strip(), exc.message or event.message


def has_traceback_identity(event: ErrorEvent) -> bool:
    """Whether the event is grouped by its exception (type, frames) rather than its message text."""
    exc = _final_exception(event)
    return exc is not None and bool(exc.frames or exc.type)


def legacy_fingerprint(event: ErrorEvent, grouping: GroupingConfig | None = None) -> str | None:
    """The v1 fingerprint of a traceback event (None when v1 and v2 agree: messages), so a group
    made before v2 can be re-mapped to its v2 group instead of orphaned."""
    grouping = grouping or _DEFAULT_GROUPING
    exc = _final_exception(event)
    if exc is not None and exc.frames:
        scope, keys = _frame_keys(exc.frames, grouping, with_source=False)
        codes = error_codes(exc.message or "")
        return _digest(("v1", "exc", exc.type.strip(), scope, *keys, "codes", *codes))
    return None


def event_title(event: ErrorEvent) -> str:
    """A human title for the group: `Type: template` for exceptions, the template otherwise."""
    exc = _final_exception(event)
    if exc is not None and exc.type:
        msg = normalize_message(exc.message or "")
        return f"{exc.type}: {msg}" if msg else exc.type
    return normalize_message(event.message)
