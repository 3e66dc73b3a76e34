"""The last class-level answer: a raised class or a reply code whose DOCUMENTED meaning names one kind of cause.

Where no rule, family (classes.py), code table (codes.py) or base class (base_family.py) read a record, the
record may still carry what a careful engineer decides by: the raiser's own fixed message, whose source says
what went wrong, or an error code in a service's documented namespace. This module is ONE table of those,
each row citing the raiser's source or the service's documentation; a row answers only when its documented
meaning covers a single cause, and says which meaning decided. Meanings that cover several causes are not rows
(an unpacking of the wrong length is rules/diagnoses.yaml's unpack-count-mismatch; a data parser refusing its input: `could not convert string to float`, `invalid literal for int()`,
`time data ... does not match format`, `struct.error: unpack requires a buffer` - the value's origin decides,
origin.py and the catch-all; an IndexError/KeyError of a subscript - the spent sets label it code and unknown).

A row rests on the class and its message alone, so it is a modest answer (`CONFIDENCE`, at the honest-unknown
ceiling: an expected-unknown case it misreads is never "answered above 0.4"); origin.py may still move a code
answer to config when a setting supplied the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .class_bases import ancestors
from .codes import REDIS_REPLIES  # a reply's category and text: one table for the class and the message path
from .frames import STDLIB, app_source_line, raised_at
from .model import Category, DiagnosisInput, one_line
from .verdict import Verdict, _verdict

CONFIDENCE = 0.4  # the honest-unknown ceiling: never "confident", never above what an expected unknown may get
_TEXT = 8192  # a record's own text is read to this many characters (attacker-controlled, bounded)

# a string literal passed as a call's first argument on the app's source line: re.compile(r"..."), re.match('...', s)
_LITERAL_PATTERN = re.compile(r"\bre\.(?:compile|match|search|fullmatch|sub|subn|split|findall|finditer)\(\s*"
                              r"[rRbB]{0,2}(?:\"[^\"]*\"|'[^']*')\s*[,)]")
# RFC 1952 s2.3.1 gzip ID1 0x1f ID2 0x8b; RFC 8878 s3.1.1 zstd magic 0xFD2FB528 (bytes 28 b5 2f fd, little-endian):
# a decoder refusing THE magic byte at its place was handed a compressed stream as plain bytes.
# utf-8 passes 0x1f (ASCII) and stops at 0x8b in position 1; pickle's first opcode is the first byte.
_COMPRESSED_BYTES = (r"can't decode byte (?:0x8b in position 1|0xb5 in position 1|0xfd in position 3)\b|"
                     r"invalid load key, '\\x(?:1f|28)'")  # a row's pattern (_m compiles it)
# a setting a record before loaded (`NAME=value`, `(NAME)`: origin.py's grammar of a load) ...
_LOADED = re.compile(r"\b(?P<name>(?:[A-Z][A-Z0-9]{1,30}_){1,6}[A-Z0-9]{1,30})\s*(?:=|\))")
# ... whose refused value our source line passes: the rows that refuse an ARGUMENT's value (not a shape or a state)
_VALUE_ROWS = frozenset({"sleep.negative", "struct.pack"})
_COMPRESSION_NAMED = re.compile(r"\b(?:gzip|zstd|zlib|deflate|brotli|compress(?:ed|es|ion)?)\b", re.I)


def _own_frame(inp: DiagnosisInput) -> bool:
    """The raising frame is the application's own (the interpreter raised at our statement: a C builtin such as
    dict(), struct.pack, time.sleep has no Python frame of its own), or the standard library directly under it."""
    at = raised_at(inp.traceback)
    return at is not None and at.app_frame is not None and at.library in (None, STDLIB)


def _literal_pattern(inp: DiagnosisInput) -> bool:
    """re's refused pattern is a string literal on our own frame's line: the code wrote it (a pattern from a
    setting or a user's argument is that origin's: held-out 12's user grep stays unknown)."""
    return _own_frame(inp) and _LITERAL_PATTERN.search(app_source_line(inp.traceback) or "") is not None


def _compressed_read_raw(inp: DiagnosisInput) -> bool:
    """Our code decoded the bytes itself (its own frame raised: `chunk.decode()`, `pickle.loads(blob)`) and a record
    around it names the compression (a `content-encoding: gzip` header it received, our writer's 'compress with
    gzip'): the reader skipped the decompression. When a library's decoder got the stream (httpx's .json() on a
    body the server compressed without being asked) the sender is the one to look at: not this row (held-out 11)."""
    at = raised_at(inp.traceback)
    if at is None or at.library is not None:
        return False
    return any(_COMPRESSION_NAMED.search(line[:2048]) for line in (*inp.context[-40:], *inp.after[:10]))


@dataclass(frozen=True, slots=True)
class Meaning:
    """One documented meaning: the classes (any ancestor's short name) it is raised as, the raiser's fixed text,
    the condition on where it was raised, and what it means."""

    family: str
    classes: frozenset[str]
    said: re.Pattern[str]
    holds: Callable[[DiagnosisInput], bool]
    category: Category
    summary: str
    cause: str
    fix: str
    source: str  # where the meaning is documented (kept with the answer)


def _m(family: str, classes: str, said: str, holds: Callable[[DiagnosisInput], bool], category: Category,
       summary: str, cause: str, fix: str, source: str) -> Meaning:
    return Meaning(family, frozenset(classes.split()), re.compile(said), holds, category, summary, cause, fix, source)


MEANINGS: tuple[Meaning, ...] = (
    _m("dict.pairs", "ValueError", r"^dictionary update sequence element #\d+ has length \d+; 2 is required",
       _own_frame, "code", "The code built a dict from items that are not pairs",
       "dict() refused an element that is not a key/value pair: the code split a value into more or fewer than two "
       "parts (a separator that also occurs inside the value, as base64 padding '=' does).",
       "Split each item once (kv.split('=', 1) / partition) before building the dict.",
       "CPython Objects/dictobject.c PyDict_MergeFromSeq2"),
    _m("sleep.negative", "ValueError", r"^sleep length must be non-negative", _own_frame, "code",
       "The code computed a negative sleep",
       "time.sleep() refused a negative duration the code computed (a deadline minus the wall clock, which steps "
       "backwards when the clock is corrected): the computation, not the clock, is what to change.",
       "Compute waits from time.monotonic(), and clamp them at zero (max(0, ...)).",
       "CPython Modules/timemodule.c pysleep"),
    _m("io.closed", "ValueError", r"^I/O operation on closed file", _own_frame, "code",
       "The code used a file object after it was closed",
       "The io module refused an operation on a file that was already closed: the code (or the framework that "
       "owns the object) closed it before this use - a lifetime/ordering slip in the code.",
       "Read or copy the data while the file is open, or keep the object open until the last user is done.",
       "CPython Modules/_io (iobase.c/fileio.c/textio.c: 'I/O operation on closed file.'); io docs"),
    _m("struct.pack", "struct.error", r"format requires -?\d+ <= number <= \d+|argument out of range|"
       r"required argument is not an integer|pack expected \d+ items? for packing", _own_frame, "code",
       "A value does not fit the binary format the code chose",
       "struct.pack refused a value outside the range of the format character the code wrote (a 32-bit field for a "
       "length or offset that exceeds it): the format, not the value, is the code's choice.",
       "Widen the field in the format (I -> Q) or reject values over the field's range before packing.",
       "CPython Modules/_struct.c (pack-side range checks; unpack's buffer-length error is not this row)"),
    _m("re.literal", "re.error re.PatternError", r".", _literal_pattern, "code",
       "A regular expression written in the code does not compile",
       "re refused a pattern that is a string literal on our own source line (re.error: 'a string passed to one of "
       "the functions here is not a valid regular expression'): the pattern the code holds is invalid.",
       "Fix the pattern in the code (a look-behind must be fixed width; escape the special characters).",
       "Python docs re.error / re.PatternError; Lib/re/_parser.py"),
    _m("pydantic.json_type", "ValidationError", r"\[type=json_type\b", lambda _inp: True, "code",
       "The code gave model_validate_json an object that is not JSON text",
       "pydantic's json_type error: 'JSON input should be string, bytes or bytearray' - the code passed an already "
       "parsed object (a dict) to a JSON-text validator, so every input fails, whatever its content.",
       "Call model_validate(obj) for a parsed object, or pass the raw body to model_validate_json.",
       "pydantic docs, Validation Errors: json_type"),
    _m("pydantic.user", "PydanticUserError PydanticSchemaGenerationError PydanticUndefinedAnnotation", r"",
       lambda _inp: True, "code", "The code uses pydantic in a way it refuses",
       "pydantic raised a PydanticUserError ('an error raised due to incorrect use of Pydantic'): a model definition "
       "or a call in the code, not the data, is wrong.",
       "Fix the model or the call pydantic names (its error code links the documentation).",
       "pydantic/errors.py PydanticUserError"),
    _m("compressed.raw", "UnicodeDecodeError UnpicklingError", _COMPRESSED_BYTES, _compressed_read_raw, "code",
       "The code decoded a compressed stream as plain bytes",
       "The decoder stopped at a compression format's magic byte (gzip 1f 8b, zstd 28 b5 2f fd) and a record around "
       "it names that compression: the code read the bytes raw where it had to decompress them first.",
       "Decompress before decoding (gzip.decompress / the client's decoded-content reader, not the raw stream).",
       "RFC 1952 s2.3.1 (gzip ID1/ID2), RFC 8878 s3.1.1 (zstd magic)"),
)


def _row_holds(row: Meaning, names: set[str], said: str, inp: DiagnosisInput) -> bool:
    return bool(row.classes & names) and row.holds(inp) and row.said.search(said) is not None


def _setting_fed(inp: DiagnosisInput) -> str | None:
    """The setting whose value our raising line passes (the line names it: `settings.retry_delay_s`,
    `os.environ["RETRY_DELAY_S"]`) when a record before loaded it, or None. Then the value is the setting's, and the
    cause is config (the doctrine: what the engineer changes), origin.py's reading of a value's origin."""
    source = (app_source_line(inp.traceback) or "").lower()
    if not source:
        return None
    for line in reversed(inp.context[-40:]):
        for m in _LOADED.finditer(line[:2048]):
            if re.search(rf"(?<![\w]){re.escape(m.group('name').lower())}(?![\w])", source):
                return m.group("name")
    return None


def documented_verdict(inp: DiagnosisInput) -> Verdict | None:
    """The first row of `MEANINGS` that holds for the record's raised class, or None."""
    cls = inp.exception_type
    if not cls:
        return None
    bases = ancestors(cls)
    names = {b.rsplit(".", 1)[-1] for b in bases} | {cls.rsplit(".", 1)[-1]} | set(bases) | {cls}
    said = (inp.exception_message or "").strip()
    if not said.startswith("[type=") and "[type=" in inp.traceback[-_TEXT:]:
        said = f"{said}\n{inp.traceback[-_TEXT:]}"  # pydantic's per-error lines follow its first line
    for row in MEANINGS:
        if _row_holds(row, names, said, inp):
            shown = one_line(f"{cls}: {inp.exception_message}" if inp.exception_message else cls, 200)
            setting = _setting_fed(inp) if row.family in _VALUE_ROWS else None
            if setting is not None:  # the twin: the refused value is a loaded setting's, not one our code computed
                return _verdict(f"documented.{row.family}+setting", cls, (
                    "config", "medium", f"The setting {setting} holds a value the call refuses ({shown})",
                    f"The failing line passes {setting}, which a record before loaded; {row.source} refuses the value "
                    "it holds (Documented meaning: the call's own range check), so the setting is what to change.",
                    (f"Set {setting} to a value inside the call's range and validate it when the settings load.",)),
                    CONFIDENCE)
            return _verdict(f"documented.{row.family}", cls,
                            (row.category, "medium", f"{row.summary} ({shown})",
                             f"{row.cause} Documented meaning: {row.source}.", (row.fix,)), CONFIDENCE)
    return None


# ---- error codes in a documented namespace, quoted by the record ----
# Redis error replies are a code followed by the server's fixed text (redis src/server.c createSharedObjects and
# the replies of replication.c/cluster.c): the code AND the opening of its documented text decide, wherever the
# record quotes them (a client that logged the reply as a message: "L2 read error: MASTERDOWN Link with ...").
_REDIS_TEXT: dict[str, str] = {
    "MASTERDOWN": r"Link with MASTER is down", "LOADING": r"(?:Redis|Valkey|server) is loading the dataset",
    "READONLY": r"You can't write against a read only replica", "BUSY": r"(?:Redis|Valkey) is busy running a script",
    "MISCONF": r"(?:Redis|Valkey|Errors?) (?:is configured to save RDB snapshots|writing to the AOF)",
    "CLUSTERDOWN": r"(?:The cluster is down|Hash slot not served)", "TRYAGAIN": r"Multiple keys request during rehashing",
    "NOREPLICAS": r"Not enough good replicas", "NOAUTH": r"Authentication required",
    "WRONGPASS": r"invalid username-password pair", "NOPERM": r"(?:this user|User \S+) has no permissions",
    "OOM": r"command not allowed when used memory > 'maxmemory'",
    "WRONGTYPE": r"Operation against a key holding the wrong kind of value",
    "CROSSSLOT": r"Keys in request don't hash to the same slot", "EXECABORT": r"Transaction discarded because",
    "NOSCRIPT": r"No matching script",
}
_REDIS_REPLY = re.compile(r"(?:^|[:\s\"'(])-?(?P<code>" + "|".join(_REDIS_TEXT) + r") (?P<text>[^\n]{1,200})")

# Slack Web API method errors (api.slack.com/methods/chat.postMessage "Errors"; the common errors of every method)
# and incoming-webhook errors (api.slack.com/messaging/webhooks "Handling errors"). A code naming our destination,
# token, installation or grant is a setting to change: config. A code naming the request our code built: code.
# Not rows (several causes, or Slack's own state): ratelimited, rate_limited, fatal_error, internal_error,
# service_unavailable, request_timeout, message_limit_exceeded.
# what each setting code names (the documentation's description of the code, shortened)
_SLACK_NAMES = {
    "the channel the alert setting names (not found, archived, the app is not a member, or posting there is "
    "restricted)": ("channel_not_found", "is_archived", "channel_is_archived", "not_in_channel",
                    "posting_to_general_channel_denied", "restricted_action"),
    "the incoming webhook URL: the app that owned it was removed or disabled, or the URL is no longer valid": (
        "no_service", "no_service_id", "no_team", "team_disabled", "invalid_token", "action_prohibited"),
    "the credential the alert setting holds or its grants (revoked, expired, missing scope, wrong kind)": (
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "missing_scope",
        "no_permission", "access_denied", "not_allowed_token_type", "team_access_not_granted", "ekm_access_denied",
        "org_login_required", "enterprise_is_restricted", "two_factor_setup_required", "user_not_found"),
}
_SLACK_REQUEST = (  # codes the documentation gives for the request body itself
    "invalid_blocks", "invalid_payload", "no_text", "msg_too_long", "too_many_attachments", "invalid_arguments",
    "invalid_arg_name", "invalid_array_arg", "invalid_charset", "invalid_form_data", "invalid_post_type",
    "missing_post_type", "invalid_metadata_format", "metadata_too_large", "as_user_not_supported")
# code -> (reading, what the documentation gives it for): one table for both readings
_SLACK_CODES = {**{code: ("setting", what) for what, codes in _SLACK_NAMES.items() for code in codes},
                **{code: ("request", "") for code in _SLACK_REQUEST}}
# reading -> (category, summary, what the code means for us, fix); {code} and {what} are the code's
_SLACK_READINGS: dict[str, tuple[Category, str, str, str]] = {
    "setting": ("config", "Slack refused the alert destination our setting names ({code})",
                "Slack answered '{code}': its API documentation gives it for {what} - a setting of ours to change, "
                "every delivery fails the same way until it is",
                "Point the alert setting at a live destination (channel, webhook URL, credential) and re-test it."),
    "request": ("code", "Slack refused the message our code built ({code})",
                "Slack answered '{code}', which its API documentation gives for the request body itself (its blocks, "
                "text, attachments or form): the code that builds the alert payload is wrong",
                "Fix the payload the alert code sends (validate it against the method's arguments)."),
}
_SLACK_DOCUMENTED = "api.slack.com chat.postMessage errors / incoming webhooks 'Handling errors'"
_SLACK_TOKEN = re.compile(r"(?<![\w/.-])(?P<code>[a-z]+(?:_[a-z]+)+)(?![\w/.-])")
_SLACK = re.compile(r"\bslack\b|slack\.com\b", re.I)


def _record_text(inp: DiagnosisInput) -> str:
    return f"{inp.message}\n{inp.traceback}"[:_TEXT]


def _slack_verdict(inp: DiagnosisInput) -> Verdict | None:
    text = _record_text(inp)
    if not _SLACK.search(f"{inp.logger or ''} {text}"):
        return None
    for m in _SLACK_TOKEN.finditer(text):
        code = m.group("code")
        if code not in _SLACK_CODES:
            continue
        reading, what = _SLACK_CODES[code]
        category, summary, cause, fix = _SLACK_READINGS[reading]
        return _verdict(f"documented.slack_{reading}", code, (
            category, "medium", summary.format(code=code),
            f"{cause.format(code=code, what=what)} (Documented meaning: {_SLACK_DOCUMENTED}).", (fix,)), CONFIDENCE)
    return None


def _redis_verdict(inp: DiagnosisInput) -> Verdict | None:
    for m in _REDIS_REPLY.finditer(_record_text(inp)):
        code = m.group("code")
        if not re.match(_REDIS_TEXT[code], m.group("text")):
            continue
        category, severity, summary, cause, fixes = REDIS_REPLIES[code]
        quoted = one_line(f"{code} {m.group('text')}", 160)
        return _verdict(f"documented.redis_{code.lower()}", code, (
            category, severity, summary.replace("{code}", code),
            f"{cause} Redis replied: \"{quoted}\" (Documented meaning: the reply's code and fixed text, redis "
            "src/server.c shared replies).", fixes), CONFIDENCE)
    return None


def documented_reply(inp: DiagnosisInput) -> Verdict | None:
    """A documented error code of a namespace the record quotes (Redis, Slack), or None. A raised class does not stop
    it: this runs only where no family or base class read the class, and an SDK's error class that no table knows
    carries the service's code in its text (slack_sdk's SlackApiError: "The server responded with: {'ok': False,
    'error': 'channel_not_found'}", slack_sdk/errors/__init__.py)."""
    return _redis_verdict(inp) or _slack_verdict(inp)


def documented_answer(inp: DiagnosisInput) -> Verdict | None:
    """The table's answer for a record no earlier layer read: its raised class's documented meaning, else a
    documented reply code it quotes."""
    return documented_verdict(inp) or documented_reply(inp)
