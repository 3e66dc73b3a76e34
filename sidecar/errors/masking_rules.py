"""The masking rules: what `normalize_message` keeps and what it replaces with `<*>`, and why.

Each rule carries examples (input, normalize_message(input)) and the reason it exists; the
examples are checked by tests/errors/test_masking.py, so this table is executable documentation.
The engine that applies them (order, guards, memoisation) is `masking.py`.

* "keep" rules find what names the error (HTTP statuses, keyed error codes, errno, WebSocket
  close codes); their spans are protected from every mask rule.
* "protect" rules (URLs) are replaced by their own logic, then protected.
* "mask" rules replace what varies between occurrences of the same error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

PLACEHOLDER = "<*>"
# Only a message's first MAX_CHARS characters are parameterised (a 32 KB payload's start names the error).
MAX_CHARS = 2048

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    kind: str  # "keep" (protect verbatim) | "protect" (replace, then protect) | "mask"
    regex: re.Pattern[str]
    replacement: Replacement | None  # None for keep rules
    triggers: tuple[str, ...]  # keep rules: the substrings that make the engine run the rule
    examples: tuple[tuple[str, str], ...]  # (message, normalize_message(message))
    why: str


_HTTP_REASONS = (
    "Bad Request|Unauthorized|Payment Required|Forbidden|Not Found|Method Not Allowed|Not Acceptable|"
    "Request Timeout|Conflict|Gone|Payload Too Large|Request Entity Too Large|Unsupported Media Type|"
    "Unprocessable Entity|Unprocessable Content|Too Many Requests|Internal Server Error|Not Implemented|"
    "Bad Gateway|Service Unavailable|Gateway Timeout"
)
# Top-level domains that end a bare host name. Left out on purpose: endings that are common words
# in dotted identifiers (`mapred.task.id`, `x.in`, `obj.it`, `my.app`, `config.dev`).
TLDS = (
    "com|net|org|edu|gov|mil|io|ai|co|cn|de|jp|uk|ru|fr|nl|au|ca|br|es|pl|at|ch|se|kr|tw|"
    "info|biz|us|cloud|local|internal|lan|om|ar|mx|za|be|dk|fi|cz|hu|gr|pt|ro|sk|tr|ua|vn"
)
_UNITS_SPACED = (
    r"ms|milliseconds?|microseconds?|nanoseconds?|us|ns|secs?|seconds?|mins?|minutes?|hours?|hrs?|days?|"
    r"B|KB|MB|GB|TB|kB|KiB|MiB|GiB|bytes"
)

# What names a user account, longest first (`username` before `user`); sshd names it after the
# auth method (`Failed password for root`). The value follows `=` or spaces.
USER_KEYS = ("username", "user", "logname", "login", "ruser", "password for", "publickey for",
             "keyboard-interactive/pam for", "none for")
USER_TAIL = r"(=|\s+)(?!<\*>|by\b|from\b|invalid\b|[\w-]+=)[^\s,;:()\[\]=]+"

# An error code is uppercase letters then at least two digits: PGRST204, ORA-00942, HY000.
ERROR_TOKEN = r"[A-Z]{2,}[-_]?\d{2,}[A-Z]?(?![\w.+-])"


def _mask_host(authority: str) -> str:
    userinfo, _, hostport = authority.rpartition("@")
    if hostport.startswith("["):  # [ipv6]:port
        host, _, rest = hostport.partition("]")
        host, sep = PLACEHOLDER, ":" if rest.startswith(":") else ""
    else:
        host, sep, _port = hostport.partition(":")
        labels = host.split(".")
        if all(lbl.isdigit() for lbl in labels if lbl):
            host = PLACEHOLDER
        else:
            host = ".".join(PLACEHOLDER if _DIGIT.search(lbl) else lbl for lbl in labels)
    out = (PLACEHOLDER + "@" if userinfo else "") + host
    return out + (":" + PLACEHOLDER if sep else "")


_DIGIT = re.compile(r"\d")
# The C locale's month and weekday names (`%b`/`%B`, `%a`/`%A`) in their own spellings only: a word that merely begins
# like one (`Decoder`, `Marshaller`, `Monitor`) names a component and stays in the template (review r13).
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_WEEKDAY = r"(?:Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:rs(?:day)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)"
# A time zone abbreviation as java.util.Date.toString (`zzz`) and date(1) (`%Z`) print it: every alphabetic
# abbreviation of the tz database (tzdata 2025b, /usr/share/zoneinfo) and the JRE's own short names of zones the
# tz database writes numerically (`SGT`, `BRT`, `IRST`). A closed list, not a shape: `[A-Z]{2,4}T` also took START,
# ALERT, RESET, EXIT, POST, HOST (review r16), and any `[A-Z]{1,3}[SD]?T` still takes POST, HOST, LAST, TEST.
_TZ_ABBREVIATIONS = (
    "ACDT ACST ADDT ADMT ADT AEDT AEST AHDT AHST AKDT AKST AMT APT AST AWDT AWST AWT BDST BDT BMT BST CAST "
    "CAT CDT CEMT CEST CET CMT CPT CST CWT ChST DMT EAST EAT EDT EEST EET EMT EPT EST EWT FFMT FMT GDT GMT "
    "GST HDT HKST HKT HKWT HMT HPT HST HWT IDDT IDT IMT IST JDT JMT JST KDT KMT KST LMT LST MDST MDT MEST MET "
    "MMT MPT MSD MSK MST MWT NDDT NDT NPT NST NWT NZDT NZMT NZST PDT PKST PKT PLMT PMT PPMT PPT PST PWT QMT "
    "RMT SAST SDMT SJMT SMT SST TBMT TMT UTC WAST WAT WEMT WEST WET WIB WIT WITA WMT YDDT YDT YPT YST YWT ZMT "
    "ART BRST BRT CHADT CHAST CLST CLT COT ICT IRDT IRKT IRST KRAT MAGT MYT NOVT OMST PET PHT SAMT SGT TRT "
    "VET VLAT YAKT YEKT"
).split()
_ZONE = "(?:" + "|".join(sorted(_TZ_ABBREVIATIONS, key=len, reverse=True)) + ")"
_URL_PARTS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$")
_VARIABLE_SEGMENT = re.compile(r"\d|^[A-Za-z0-9_-]{24,}$")


def _url(m: re.Match[str]) -> str:
    url = m.group()
    trailing = ""
    while url and url[-1] in ".;:!":
        trailing = url[-1] + trailing
        url = url[:-1]
    parts = _URL_PARTS.match(url)
    if not parts:
        return PLACEHOLDER + trailing
    scheme, authority, path, query, _fragment = parts.groups()
    segments = [PLACEHOLDER if _VARIABLE_SEGMENT.search(seg) else seg for seg in path.split("/")]
    out = scheme + _mask_host(authority) + "/".join(segments)
    if query:
        pairs = []
        for pair in query[1:].split("&"):
            key, eq, _value = pair.partition("=")
            pairs.append(f"{key}={PLACEHOLDER}" if eq else PLACEHOLDER)
        out += "?" + "&".join(pairs)
    return out + trailing


def _rule(name: str, kind: str, pattern: str, replacement: Replacement | None, triggers: tuple[str, ...],
          examples: tuple[tuple[str, str], ...], why: str, flags: int = 0) -> Rule:
    return Rule(name, kind, re.compile(pattern, flags), replacement, triggers, examples, why)


KEEP_RULES: tuple[Rule, ...] = (
    _rule(
        "http_status", "keep",
        rf"\bHTTP/\d(?:\.\d)?\s+[1-5]\d\d\b(?:\s+(?:{_HTTP_REASONS})\b)?|\bHTTP\s+[1-5]\d\d\b"
        rf"|\b[1-5]\d\d\s+(?:{_HTTP_REASONS})\b",
        None,
        ("HTTP", "Request"),
        (('HTTP Request: POST https://db7x.supabase.co/rest/v1/files "HTTP/2 409 Conflict"',
          'HTTP Request: POST https://<*>.supabase.co/rest/<*>/files "HTTP/2 409 Conflict"'),
         ("upstream said 429 Too Many Requests", "upstream said 429 Too Many Requests")),
        "The status is the failure: 409 (a duplicate) and 500 (a crash) need different fixes.",
    ),
    _rule(
        "keyed_code", "keep",
        r"""['"]?\b(?i:error[ _]?code|status[ _]?code|http[ _]?status|sqlstate|errno|exit[ _](?:code|status)"""
        r"""|return[ _]?code|close[ _]code)['"]?(?:\s*[:=]\s*|\s+is\s+|\s+)['"]?-?[\w.-]*\d[\w.-]*['"]?"""
        r"""|['"]?\b(?i:code|status|type|error_type|err_code|reason)['"]?\s*[:=]\s*['"]?[\w.-]+['"]?"""
        r"|\b(?i:status)\s+[1-5]\d\d\b",
        None,
        ("code", "Code", "CODE", "status", "Status", "STATUS", "type", "Type", "TYPE", "rrno", "ERRNO",
         "reason", "Reason", "REASON", "sqlstate", "SQLSTATE"),
        (('Error code: 429, with error text {"error":{"code":"1302","message":"High concurrency"}}',
          'Error code: 429, with error text {"error":{"code":"1302","message":"High concurrency"}}'),
         ("OSError: [Errno 98] error while attempting to bind on address ('127.0.0.1', 3005)",
          "OSError: [Errno 98] error while attempting to bind on address ('<*>', <*>)"),
         ("worker exited with exit code 137", "worker exited with exit code 137"),
         ("message code 2 is not 3 or 4", "message code <*> is not <*> or <*>"),
         ("upstream returned status 503 after 3 tries", "upstream returned status 503 after <*> tries")),
        "A value introduced by code/status/errno/type names the failure (GLM 1302 = concurrency, Kimi "
        "429 = quota, errno 98 = port in use, exit 137 = OOM kill); masking it would merge errors that "
        "need different fixes. Plain `code`/`status`/`type` need a `:` or `=` after them (so `message "
        "code 2` still masks); `error code`, `errno`, `exit code` do not, nor does `status` before an "
        "HTTP status number.",
    ),
    _rule(
        "ws_close_code", "keep",
        r"\b(?:sent|received)\s+1\d{3}\s+\([\w ]+\)",
        None,
        ("sent 1", "received 1"),
        (("sent 1011 (internal error) keepalive ping timeout; no close frame received",
          "sent 1011 (internal error) keepalive ping timeout; no close frame received"),),
        "A WebSocket close code says why the connection ended (1011 server error vs 1001 going away).",
    ),
    _rule(
        "failure_name", "keep",
        # CPython's own message forms that name what failed (Objects/object.c, Python/ceval.c,
        # Python/import.c, Python/getargs.c): `'T' object has no attribute 'a'`, `module 'm' has no
        # attribute 'a'`, `name 'x' is not defined`, `cannot import name 'x'`, `No module named 'x'`,
        # `unexpected keyword argument 'x'`, `missing 1 required positional argument: 'x'`, and a
        # KeyError's message, which is the key's repr. Only identifiers: `masking._failure_name`
        # drops a match whose name has digits or looks like an id (a key that is data stays masked).
        r"""(['"])[A-Za-z_][\w.]{0,79}\1 object has no attribute (['"])[A-Za-z_]\w{0,79}\2"""
        r"""|\b(?:has no attribute|cannot import name|No module named|unexpected keyword argument"""
        r"""|required (?:positional|keyword-only) argument:|(?:KeyError|NameError|UnboundLocalError):)"""
        r"""\s*(['"])[A-Za-z_][\w.]{0,79}\3"""
        r"""|\bname (['"])[A-Za-z_]\w{0,79}\4 is not defined"""
        # PostgreSQL's undefined column/table (SQLSTATE 42703/42P01, "column \"x\" of relation \"y\"
        # does not exist") and PostgREST's schema-cache misses (PGRST204/PGRST205: "Could not find the
        # 'x' column of 'y'", "Could not find the table 'public.y'"): which column is missing is the fix.
        r"""|\b(?:column|relation|table) (['"])[A-Za-z_][\w.]{0,79}\5(?: column)?(?: of (?:relation )?(['"])[A-Za-z_][\w.]{0,79}\6)?"""
        r"""|\bthe (['"])[A-Za-z_][\w.]{0,79}\7 column of (['"])[A-Za-z_][\w.]{0,79}\8""",
        None,
        ("attribute", "import name", "module named", "argument", "KeyError", "NameError", "UnboundLocalError",
         "not defined", "column", "relation", "table"),
        (("handler failed: AttributeError: 'NoneType' object has no attribute 'get'",
          "handler failed: AttributeError: 'NoneType' object has no attribute 'get'"),
         ("lookup failed: KeyError: 'model'", "lookup failed: KeyError: 'model'"),
         ("lookup failed: KeyError: 'a3f9c2d1'", "lookup failed: KeyError: '<*>'"),
         ("startup: NameError: name 'os' is not defined", "startup: NameError: name 'os' is not defined"),
         ("ModuleNotFoundError: No module named 'zhipuai'", "ModuleNotFoundError: No module named 'zhipuai'"),
         ('column "upload_method" of relation "files" does not exist',
          'column "upload_method" of relation "files" does not exist'),
         ("Could not find the 'status' column of 'files' in the schema cache",
          "Could not find the 'status' column of 'files' in the schema cache"),
         ("Could not find the table 'public.uploads' in the schema cache",
          "Could not find the table 'public.uploads' in the schema cache")),
        "The attribute, key, name or module a Python exception names is the failure (issue 15: `'get'` "
        "on None and a missing `'timeout_secs'` need different fixes); in a traceback `failure_names` "
        "keeps them, and an exception logged inline (`logger.error(f\"...: {exc!r}\")`) must group the same way.",
    ),
    _rule(
        "url", "protect",
        r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>\]\[)(}{,]+",
        _url,
        ("://",),
        (("Retrying https://api.example.com:8443/v1/files/file-83hd?purpose=batch&x=1",
          "Retrying https://api.example.com:<*>/<*>/files/<*>?purpose=<*>&x=<*>"),
         ("POST https://api.z.ai/api/paas/v4/chat/completions failed",
          "POST https://api.z.ai/api/paas/<*>/chat/completions failed")),
        "The scheme, host and the words of the path say which service failed (api.z.ai vs "
        "api.moonshot.ai); ports, ids in the path and query values vary per request. Host labels "
        "with digits (IPs, generated project refs) are masked.",
    ),
)

# The mask rules, in the order `masking._mask` applies them (`triggers` is empty: the engine
# guards each rule with hand-written substring checks).
MASK_RULES: tuple[Rule, ...] = (
    _rule(
        "dot_leaders", "mask",
        r"\.{3,}",
        " ... ", (),
        (("icache prefetch depth....................1", "icache prefetch depth ... <*>"),),
        "Dot leaders are table formatting; without this rule `depth.....1` is one token and the "
        "digit rule would erase the word `depth` with it.",
    ),
    _rule(
        "number_token", "mask",
        # Digit-first (a pattern that starts with \d is scanned for in C, several times faster than
        # one that starts at every token); the letters glued before the digit are erased by
        # `_GLUED_PREFIX` in the memoised second stage. The lookbehinds exempt error codes:
        # two uppercase letters (and an optional - or _) before a run of 2+ digits ending the token.
        # A java.time.Duration (`PT30S`, `PT10M`: JDK API docs `Duration.toString`, ISO 8601) has the
        # error-code shape but is a value: `(?<=PT\d)` before an H/M/S unit lifts the exemption.
        r"\d(?<!\d\d)(?:(?<![A-Z][A-Z]\d)(?<![A-Z][A-Z][-_]\d)|(?<=PT\d)(?=[\d.]*[HMS])|(?!\d+[A-Z]?(?![\w.+-])))"
        r"[\w.+-]*+",
        PLACEHOLDER, (),
        (("Semaphore leak: expected 5, got 4 (req-8f3a1c)", "Semaphore leak: expected <*>, got <*> (<*>)"),
         ("Connection unregistered: 7f3a from 172.18.0.1 (duration: 331.14s)",
          "Connection unregistered: <*> from <*> (duration: <*>)"),
         ("Session 3f1c2a9e-7b6d-4c1e-9a0f-2b3c4d5e6f70 expired", "Session <*> expired"),
         ("<Task pending coro=<run()> at 0x7f3a2c1d9e40>", "<Task pending coro=<run()> at <*>>"),
         ("Using model: kimi-k2-0905-preview via kimi provider", "Using model: <*> via kimi provider"),
         ("PGRST205 Could not find the table 'tmp_jobs_2'", "PGRST205 Could not find the table '<*>'"),
         ("Retrying in PT30S after PT1M30.5S", "Retrying in <*> after <*>")),
        "A token (letters, digits, `_.+-`) with a digit is a counter, size, duration, id, UUID, "
        "version, hash, memory address or IPv4 address: variable. Vendor error codes (PGRST204 "
        "missing column vs PGRST205 missing table, ORA-00942) are exempt: uppercase letters then "
        "two or more digits name the error although they contain digits; a Java Duration `PT30S` is not one.",
    ),
    _rule(
        "quoted", "mask",
        r"""(?<![\w'"])'[^'\n]{0,200}'(?![\w'])|(?<![\w'"])"[^"\n]{0,200}"(?![\w"])""",
        None, (),  # replaced by masking._quoted (a phrase goes through the whole pipeline)
        (("Could not find the 'upload_method' column of \"provider files\"",
          "Could not find the '<*>' column of \"provider files\""),
         ("{'message': 'duplicate key', 'code': 'PGRST204'}", "{'message': 'duplicate key', 'code': 'PGRST204'}"),
         ("Error in chat: 'PGRST205'", "Error in chat: 'PGRST205'")),
        "A quoted single token is a value (a column, a key, a file); a quoted phrase is usually an "
        "error text, so it is parameterised like the rest instead of erased. Dict keys "
        "(`'message':`) and quoted error codes are kept: they are constant.",
    ),
    _rule(
        "email", "mask",
        r"(?:[\w.+-]|<\*>)+@[A-Za-z0-9<>*-]+(?:\.[A-Za-z0-9<>*-]+)*\.[A-Za-z]{2,}\b",
        PLACEHOLDER, (),
        (("notify failed for ops.team@example.com", "notify failed for <*>"),),
        "Recipients vary; the failure does not.",
    ),
    _rule(
        "ipv6", "mask",
        r"(?<![\w:.>])(?:(?:[0-9a-fA-F]{1,4}|<\*>):){0,6}:(?::?(?:[0-9a-fA-F]{1,4}|<\*>)){0,6}(?![\w:.<])",
        PLACEHOLDER, (),
        (("bind failed on fe80::1ff:fe23:4567:890a", "bind failed on <*>"),),
        "Peer addresses differ per connection. Compressed IPv6 (`::`) is matched whole before the "
        "digit rule would cut it into pieces; IPv4 is covered by number_token.",
    ),
    _rule(
        "mac_or_hex_pairs", "mask",
        r"(?<![\w:])(?:[0-9A-Fa-f]{2}|<\*>)(?::(?:[0-9A-Fa-f]{2}|<\*>)){3,}(?![\w:])",
        PLACEHOLDER, (),
        (("chip inserted: FF:F2:9F:16:E5:46:00:0D ip=10.0.0.7", "chip inserted: <*> ip=<*>"),),
        "MAC addresses and colon-separated hex (chip ids, fingerprints) identify a device, not a "
        "fault; the pairs without digits (`FF`) must go too.",
    ),
    _rule(
        "host_port", "mask",
        r"(?<![\w.-])(?:localhost|[A-Za-z][\w-]*+(?:\.[\w-]++)++):<\*>",
        PLACEHOLDER, (),
        (("cannot connect to redis.internal:6379", "cannot connect to <*>"),),
        "A host:port names an instance, and instances come and go (replicas, failover).",
    ),
    _rule(
        "placeholder_chain", "mask",
        r"<\*>(?:[:.]<\*>)+",
        PLACEHOLDER, (),
        (("Connection closed for 172.18.0.1:36952: no close frame", "Connection closed for <*>: no close frame"),
         ("job queued at 2025-11-03T17:00:04.123+11:00 ran at 17:00:09", "job queued at <*> ran at <*>")),
        "Times (`17:00:09`), ip:port and dotted numbers are one value cut by the digit rule into "
        "pieces; one placeholder whatever the number of pieces keeps `17:00` and `17:00:04.123` alike.",
    ),
    _rule(
        "unit_after_number", "mask",
        rf"<\*> (?:{_UNITS_SPACED})\b",
        PLACEHOLDER, (),
        (("GLM streaming exceeded timeout of 300s (elapsed: 317.2 seconds)",
          "GLM streaming exceeded timeout of <*> (elapsed: <*>)"),
         ("stored in memory (estimated size 384.0 B, free 3.6 GB)", "stored in memory (estimated size <*>, free <*>)")),
        "Durations and sizes: the unit goes with the number (attached units already are part of the "
        "token), so `2 s` and `900ms` give one template.",
    ),
    _rule(
        "clock_12h", "mask",
        # The 12-hour clock: java.text.DateFormat SHORT/MEDIUM time and MessageFormat's `{0}` of a Date
        # (`12/7/26, 2:15 AM`; JDK 20+ CLDR 42 puts U+202F NARROW NO-BREAK SPACE before the marker),
        # java.util.logging.SimpleFormatter's `%1$tl:%1$tM:%1$tS %1$Tp` (`2:15:03 AM`), C `%r` / `%p` (upper
        # case in every one of them; glibc's lower-case `%P` is left out: two more scans of every text).
        # The AM/PM marker is part of the time (digit-masked by then: `<*> AM`), and a short numeric
        # date written before it (`M/d/yy, `) too.
        r"<\*>(?:/<\*>/<\*>,? <\*>)?[ \u202f\u00a0]?(?:AM|PM)\b",  # literal-first: a fast scan
        PLACEHOLDER, (),
        (("scheduled at 12/7/26, 2:15 AM by cron", "scheduled at <*> by cron"),
         ("lease ends at 11:15:04 PM today", "lease ends at <*> today")),
        "The same time is printed `2:15 AM` and `11:15 PM`: without this rule the marker splits one "
        "statement into an AM and a PM template (and the short date's slashes into pieces).",
    ),
    _rule(
        "month_date", "mask",
        # A US-style date with the year after a comma (`Mmm d, yyyy`): java.util.logging.SimpleFormatter's
        # default `%1$tb %1$td, %1$tY` (JDK API docs), DateFormat MEDIUM/LONG in en_US (`Dec 7, 2026, 2:15:03
        # AM`, `December 7, 2026 at ...`). Digits and the clock are masked by then; the comma is what a
        # syslog `Mmm dd hh:mm:ss` (whose month the learner reads as a calendar word) never has.
        rf"\b{_MONTH}\.? <\*>, <\*>(?:,? <\*>)?",
        PLACEHOLDER, (),
        (("Dec 07, 2026 11:15:04 PM org.example.Foo start", "<*> org.example.Foo start"),
         ("built on June 3, 2026, 9:05:00 AM from trunk", "built on <*> from trunk")),
        "The month name changes with the date; left in the template it splits one statement per month.",
    ),
    _rule(
        "weekday_date", "mask",
        rf"\b{_WEEKDAY},?\s+{_MONTH}\s+<\*>(?:\s+<\*>\s+{_ZONE}(?=\s+<\*>))?",
        PLACEHOLDER, (),
        (("connection from 10.0.0.5 () at Sun Jul 10 03:04:05 2005", "connection from <*> (<*>) at <*>"),
         ("run 7 started at Mon Dec 10 10:49:14 CET 2026", "run <*> started at <*>")),
        "A date spelled with day and month names changes every day; the digit rule alone would leave "
        "`Sun Jul` in the template. Its zone is part of it (java.util.Date.toString `EEE MMM dd HH:mm:ss zzz "
        "yyyy`, date(1)'s `%a %b %e %H:%M:%S %Z %Y`: the host's zone, CET/CEST across DST; a closed list of "
        "the tz database's abbreviations, `_TZ_ABBREVIATIONS`, so `START`/`POST` there stay words).",
    ),
    _rule(
        "domain", "mask",
        rf"(?<![\w.-])(?:[A-Za-z0-9-]++\.)++(?:{TLDS})(?![\w-])(?!\.[\w-])",
        PLACEHOLDER, (),
        (("reverse mapping checking getaddrinfo for ns.example.com failed",
          "reverse mapping checking getaddrinfo for <*> failed"),
         ("connection from 61.7.200.1 (host-x.dsl.example.at) at 10:00:01", "connection from <*> (<*>) at <*>")),
        "Bare domain names are peers (clients, resolvers), variable by nature. Hosts inside URLs are "
        "kept by the url rule, where they name the service.",
    ),
    _rule(
        "path", "mask",
        # Starts with the literal `/` (a fast scan); the lookbehind then checks the character before it.
        r"/(?<![\w.:/~<>*\\-]/)[\w.@%+~,=<>*-]+(?:/[\w.@%+~,=<>*-]*)+(?:\?[\w.@%+~,=<>*&;-]+)?",
        PLACEHOLDER, (),
        (("Path escapes repository root: /mnt/project/EX-AI-MCP-Server/docs/a.md",
          "Path escapes repository root: <*>"),
         ("GET /api/v1/orders?page=3&sort=id completed in 12 ms", "GET <*> completed in <*>")),
        "Any segment of a path can vary (release dirs, user dirs, file names); the words around the "
        "path name the failure. A request target's query string is part of it (RFC 3986 s.3.4, the "
        "request-target of RFC 9112 s.3.2: origin-form = absolute-path [ \"?\" query ]): masking the path "
        "but keeping `?page=<*>` split one request log statement by whether a query was sent. Paths "
        "inside URLs are handled by the url rule (it keeps the query's keys of an absolute URL).",
    ),
    _rule(
        "relative_path", "mask",
        r"(?<![\w./])(?:\.{1,2}|~)/[\w.@%+~,=<>*/-]+",
        PLACEHOLDER, (),
        (("Error loading ./runtime_malloc: invalid program image", "Error loading <*>: invalid program image"),),
        "Explicitly relative paths (`./x`, `../x`, `~/x`) vary like absolute ones.",
    ),
    _rule(
        "windows_path", "mask",
        r"(?<![\w])(?:[A-Za-z]:)?\\[\w.@%+~,=<>* -]+(?:\\[\w.@%+~,=<>*-]*)+",
        PLACEHOLDER, (),
        ((r"cannot open C:\Users\ops\sidecar\data.db", "cannot open <*>"),),
        "Same as path, for Windows-style paths (the gateway also runs on Windows hosts).",
    ),
    _rule(
        "user", "mask",
        r"\b(" + "|".join(re.escape(k) for k in USER_KEYS) + r")" + USER_TAIL,
        r"\1\2<*>", USER_KEYS,
        (("Invalid user webmaster from 10.0.0.5", "Invalid user <*> from <*>"),
         ("authentication failure; rhost=10.0.0.5 user=root", "authentication failure; rhost=<*> user=<*>"),
         ("Failed password for git from 10.0.0.5 port 22 ssh2", "Failed password for <*> from <*> port <*>")),
        "User names are variable (and personal data); what the user did is in the other words. sshd "
        "names the account after `password for`/`publickey for` (the auth method), not after `user`.",
    ),
    _rule(
        "empty_value", "mask",
        r"\((?<=\s\()\)",
        "(<*>)", (),
        (("connection from 10.0.0.5 () at 10:00:01", "connection from <*> (<*>) at <*>"),),
        "A bare `()` after a space is an empty value (a failed reverse lookup), not a call like "
        "`send()`: it must group with the same message when the value is present.",
    ),
)

RULES: tuple[Rule, ...] = KEEP_RULES + MASK_RULES
BY_NAME = {r.name: r for r in RULES}
