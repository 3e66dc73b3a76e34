"""The message forms of `_MESSAGE_VERSION` v1 (the code of 47e85b8a, round 18's start), so that the groups a
store holds from before round 18's form changes stay reachable after them (issue 15: "re-mapping, not
orphaning"; "a fingerprint, once assigned, never changes").

What changed in round 18 without a version change (re-reader R1, round 19): a stack frame line met alone
is its printer's form (1636a685; CPython's `File "p", line N, in f` became a frame line too), and three
masking rules run after the digits: JVM system properties (d717ada7, 0f512a0f; also keep_spans' property-
name rule), announced command lines (9747cd79, f714c6ff, 7cbf85cd) and announced lists (400577f1). The
learner's changes (bracketed first items 94b50ed8/1a56b705/5f2233dc, key_subjects ce78a4d2) change which
template a new form joins, not a form's id: a form the old code stored resolves through its stored merge.

Here, frozen: v1's `frame_form` (47e85b8a's frame_lines.py, per call site) and the v1 masked text
(`masking.normalize_message(..., legacy=True)`: the three rules off, the v1 keep spans). `legacy_id` is
the id 47e85b8a gave a message's form; `errors/learning.py` looks it up in the store and, when the old
store has that group, the event is counted there.

Why old groups stay reached, across restarts and replicas (issue 15):
* The v1 id space is frozen: since _MESSAGE_VERSION v2 every form the current code computes hashes with
  "v2", so no process writes a new group or merge FROM a v1 form id. Which v1 group an event reaches
  therefore depends only on the event's text and the store's pre-upgrade rows - not on arrival order,
  not on which replica saw it first, not on a restart. Two replicas fed the same events in any order
  make the same choice for every event (tests/errors/test_legacy_forms_store.py).
* Per EVENT, not per new form: round 18 made one form of values that v1 kept apart (`-Dx=prod` and
  `-Dx=dev` were two groups, now one form `-Dx=<*>`). Mapping the new form to one of them would orphan the
  other (and depend on which came first). So an event whose text round 18's rules may have changed
  (`may_differ`: cheap substring gates of those rules, a superset) is looked up by its own v1 id every
  time its process meets it (memoised per message, bounded); the new form's own group takes only the
  events whose v1 id the store never had (values first seen after the upgrade: one group, as the new
  rules say).
* Every other event's v1 masked text IS its current one (the gates prove no changed rule can fire), so its
  v1 id is a function of its form: the recorder stores a merge `new form -> old group` (first writer
  wins, as every merge), and a restart or another replica resolves the form through it directly.
* Cost: a store that holds no group at all when a process first reads it holds no v1 group, and never will
  (only v2 code writes to it from then on): that process skips the look-ups for good (learning.py).
* A rolling upgrade (old replicas still writing v1 ids beside new ones): a v1 group an old replica opens
  after a new replica looked its id up is found once the lookup's bounded memo forgets it or the replica
  restarts; meanwhile the new replica counts those events in the new form's group.
"""

from __future__ import annotations

import re

from ..ingest.record import ErrorEvent
from .announced_lists import ANCHOR_AT_EDGE as LIST_ANCHOR
from .announced_lists import ANCHOR_LITERALS as LIST_LITERALS
from .announced_lists import JOINER_AT_EDGE as JOINER
from .command_lines import ANCHOR_AT_EDGE as COMMAND_ANCHOR
from .fingerprint import (
    MESSAGE_VERSION,
    digest_parts,
    exception_line,
    form_fingerprint,
    has_traceback_identity,
    level_class,
    noframes_id,
)
from .frame_lines import frame_form
from .masking import normalize_message

__all__ = ["LEGACY_MESSAGE_VERSION", "legacy_masked", "may_differ", "legacy_frame_form", "legacy_form_id",
           "legacy_event_id", "may_hold_pair", "r19_event_id"]

LEGACY_MESSAGE_VERSION = "v1"

# --- 47e85b8a's frame_lines.frame_form, frozen (one template per call site) ----------------------------------

_FRAME_HEAD = "\tat"
_SOURCE_HEAD = "\t<*>"
_FRAME = re.compile(r"[ \t]*at (?P<body>[^\s()]+)\((?P<loc>[^()\n]{0,200})\)(?: +~?\[[^\]\s]*\])?[ \t]*")
_LAMBDA = re.compile(r"\$\$Lambda(?:\$\d+)?(?:/(?:0x[0-9a-fA-F]+|\d+))?")
_COUNTED = re.compile(r"(?<=\$Proxy)\d+|(?<=\bjdk\.proxy)\d+|(?<=Accessor)\d+(?=\.|$)")
_JAVASSIST = re.compile(r"(?<=_\$\$_)(?:jvst[0-9a-f]{1,3}_[0-9a-f]+|javassist_\d+)")
_GENERATOR_ID = re.compile(
    r"(?<=\$\$)(?:EnhancerBy\w*?CGLIB|FastClassBy\w*?CGLIB|SpringCGLIB)\$\$[0-9A-Za-z]+"
    r"|(?<=\$)(?:HibernateProxy|ByteBuddy|MockitoMock)\$[0-9A-Za-z]+")
_NAME = re.compile(r"[A-Za-z_$][\w$<>*-]*(?:\.[A-Za-z_$<][\w$<>*-]*)*")
_METHOD = re.compile(r"[A-Za-z_$<][\w$<>-]*")
_V8_NAMED = re.compile(r"[ \t]*at (?P<site>(?:async )?(?:new )?[^\s()\[\]]+(?: \[as [^\s\]]+\])?) \((?P<loc>.{1,400})\)[ \t]*")
_V8_ANONYMOUS = re.compile(r"[ \t]*at (?:async )?(?P<file>[^\s()]+?):\d+:\d+[ \t]*")
_JUL_SOURCE = re.compile(r"[A-Z][a-z]{2} \d{2}, \d{4} \d{1,2}:\d{2}:\d{2}[ \u202f\u00a0][AP]M "
                         r"(?P<source>[A-Za-z_$][\w$.-]*(?: [A-Za-z_$<][\w$<>-]*)?)[ \t\r]*")
_LINE_COLUMN = re.compile(r"(?::\d+)+$")
_CONTENT_HASH = re.compile(r"(?<=[.-])(?=[0-9A-Za-z_]{0,31}\d)(?:[0-9a-f]{8,32}|[0-9A-Za-z_-]{8})(?=(?:\.chunk|\.bundle)?\.[cm]?js$)")
_DIR_DIGITS = re.compile(r"\d+(?=[^/\\]*[/\\])")


def _generated_id(m: re.Match[str]) -> str:
    return m.group(0).rpartition("$")[0] + "$<*>"


def _file_form(file: str) -> str:
    if not any(c.isdigit() for c in file):
        return file
    return _DIR_DIGITS.sub("<*>", _CONTENT_HASH.sub("<*>", file))


def legacy_frame_form(line: str) -> str | None:
    """v1's form of a frame line (its call site: `\\tat Class.method(<*>)`) or JUL first line, else None."""
    if line.startswith(", ", 6):
        m = _JUL_SOURCE.fullmatch(line)
        if m is not None:
            return f"{_SOURCE_HEAD} {m.group('source')}"
    if line.find("at ", 0, 64) < 0:
        return None
    m = _FRAME.fullmatch(line)
    if m is None:
        return _v8_form(line)
    body = m.group("body")
    if "$$Lambda" in body:
        body = _LAMBDA.sub("$$$$Lambda", body)
    site, _, method = body.rpartition(".")
    site = site.rpartition("/")[2]
    if _NAME.fullmatch(site) is None or _METHOD.fullmatch(method) is None:
        return None
    if "$" in site or "Accessor" in site or "jdk.proxy" in site:
        site = _GENERATOR_ID.sub(_generated_id, _COUNTED.sub("<*>", site))
        if "_$$_" in site:
            site = _JAVASSIST.sub("<*>", site)
    return f"{_FRAME_HEAD} {site}.{method}(<*>)"


def _v8_form(line: str) -> str | None:
    m = _V8_NAMED.fullmatch(line)
    if m is not None:
        site = m.group("site")
        if site.endswith("<anonymous>"):
            file = _file_form(_LINE_COLUMN.sub("", m.group("loc")))
            return f"{_FRAME_HEAD} {site} ({file}:<*>)"
        return f"{_FRAME_HEAD} {site} (<*>)"
    m = _V8_ANONYMOUS.fullmatch(line)
    return None if m is None else f"{_FRAME_HEAD} {_file_form(m.group('file'))}:<*>"


# --- v1's masked form of a message ---------------------------------------------------------------------------


def legacy_masked(message: str) -> str:
    """The masked text 47e85b8a's grouper gave `message` (grouper.MessageGrouper._masked of v1)."""
    masked = normalize_message(message, cached=False, legacy=True)
    first = masked[:1]
    if (first == "a" or first == "<") and (masked[:3] == "at " or (message[6:8] == ", " and masked[:4] == "<*> ")):
        frame = legacy_frame_form(message)
        if frame is not None:
            return frame
    return masked


# `-D` and a property name's first character at an option's start, as sysprops' `_ASSIGN` / `_ECHO` and
# keep_spans' `_PROPERTY_HEAD` read it (after the text's start, a blank, `[` `,` `(` `"` `'` `=`), on the raw text:
# the character before `-D` is the raw one (a digit token swallows `-D...` glued after it), or a dot leader's `.`
# that masking makes a blank (`x...-Dy=z`).
_PROPERTY_OPTION = re.compile(r"""(?:^|[\s\[,("'=.])-D[A-Za-z_]""")


def may_differ(message: str) -> bool:
    """Whether round 18's form changes may give `message` another masked text than v1 (False proves they
    do not). Each changed rule's own anchor read on the raw text AT ITS WORD EDGES (round 20: the literals alone
    - `or` in `error` / `for`, `xpected` in `Unexpected`, `md`, `xec` - sent most error lines to the per-event
    look-up), where it holds at least as often as on the digit-masked text the rules see (masking only
    replaces with `<*>` or ` ... `, which create no anchor and no word edge: see each `*_AT_EDGE`): a `-D`
    option (sysprops and keep_spans' property names), command_lines' anchor with a dash, slash or quote,
    announced_lists' anchor with a joiner, and a line that v1 or now may read as a frame (`at ...`, CPython's
    `File "`). A JUL first line (`Mmm dd, yyyy ...`) is no gate: both versions give it the same form (one regex,
    one `\t<*> source` template)."""
    if "-D" in message and _PROPERTY_OPTION.search(message) is not None:
        return True
    # the literals first (a cheap superset), the anchor's edges only when they are there
    if ("ommand" in message or "xec" in message or "md" in message) and (
            "-" in message or "/" in message or "'" in message or '"' in message) and \
            COMMAND_ANCHOR.search(message) is not None:
        return True
    if may_hold_pair(message):  # announced_lists' anchor with a joiner (the gate round 20's choice pairs share)
        return True
    first = message[:1]
    if first == "a" or first == "F" or first.isspace():
        head = message.lstrip()[:6]
        return head[:3] == "at " or head == 'File "'
    return False


# --- v1's ids ------------------------------------------------------------------------------------------------


def legacy_form_id(logger: str, level_cls: str, masked: str) -> str:
    """v1's id of a masked form (the same bytes 47e85b8a's `_message_digest` hashed)."""
    return digest_parts((LEGACY_MESSAGE_VERSION, "msg", logger, level_cls, masked))


def legacy_event_id(event: ErrorEvent) -> str | None:
    """v1's id of an event grouped by its text: a message's form, or an exception line without frames
    (None for a traceback with frames: its identity did not change)."""
    line = exception_line(event)
    name = (event.logger or "").strip()
    if line is not None:
        return noframes_id(LEGACY_MESSAGE_VERSION, line[0], name, level_class(event.level),
                           normalize_message(line[1], cached=False, legacy=True))
    if has_traceback_identity(event):
        return None
    return legacy_form_id(name, level_class(event.level), legacy_masked(event.message))


# --- v2 before round 20's choice pairs ------------------------------------------------------------------------
# Round 20 made a pair of choices whose second item reads as a participle one value (`must be one of int, string`,
# announced_lists `_choices`); round 19's v2 code kept it as text. Those v2 ids are frozen the same way as v1's: no
# code from round 20 on computes such a text as a form, so a store holds them only from before (re-mapping, not
# orphaning). The event is looked up by its round-19 id, per event, after its v1 id (learning.py).


def may_hold_pair(message: str) -> bool:
    """Whether round 20's choice pairs may give `message` another masked text than round 19 (False proves not):
    an announced list's anchor at its word edge with a joiner (the same gate as `may_differ`'s list part)."""
    return ("," in message or "or" in message or "and" in message) and any(lit in message for lit in LIST_LITERALS) \
        and LIST_ANCHOR.search(message) is not None and ("," in message or JOINER.search(message) is not None)


def r19_event_id(event: ErrorEvent) -> str | None:
    """The v2 id round 19's code gave an event grouped by its text, when round 20's choice pairs changed its masked
    text (None otherwise: then its id did not change)."""
    line = exception_line(event)
    text = event.message if line is None else line[1]
    if line is None and has_traceback_identity(event):
        return None
    old = normalize_message(text, cached=False, r19_lists=True)
    if old == normalize_message(text, cached=False):
        return None
    name, cls = (event.logger or "").strip(), level_class(event.level)
    if line is not None:
        return noframes_id(MESSAGE_VERSION, line[0], name, cls, old)
    return None if frame_form(text) is not None else form_fingerprint(name, cls, old)
