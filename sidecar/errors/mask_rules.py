"""The mask rules, in the order `masking._mask_segment` / `_after_numbers` apply them: what varies between
occurrences of one error (numbers, ids, addresses, times, dates, peers, paths, users) becomes `<*>`. Each rule
carries examples and the reason it exists (masking_rules.py is the table).
"""

from __future__ import annotations

import re

from .calendar_words import MONTH as _MONTH
from .calendar_words import WEEKDAY as _WEEKDAY
from .calendar_words import ZONE as _ZONE
from .rule_table import PLACEHOLDER, Rule, rule

__all__ = ["MASK_RULES", "TLDS", "USER_KEYS", "USER_TAIL"]

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

# The mask rules, in the order `masking._mask` applies them (`triggers` is empty: the engine
# guards each rule with hand-written substring checks).
MASK_RULES: tuple[Rule, ...] = (
    rule(
        "dot_leaders", "mask",
        r"\.{3,}",
        " ... ", (),
        (("icache prefetch depth....................1", "icache prefetch depth ... <*>"),),
        "Dot leaders are table formatting; without this rule `depth.....1` is one token and the "
        "digit rule would erase the word `depth` with it.",
    ),
    rule(
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
    rule(
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
    rule(
        "email", "mask",
        r"(?:[\w.+-]|<\*>)+@[A-Za-z0-9<>*-]+(?:\.[A-Za-z0-9<>*-]+)*\.[A-Za-z]{2,}\b",
        PLACEHOLDER, (),
        (("notify failed for ops.team@example.com", "notify failed for <*>"),),
        "Recipients vary; the failure does not.",
    ),
    rule(
        "ipv6", "mask",
        r"(?<![\w:.>])(?:(?:[0-9a-fA-F]{1,4}|<\*>):){0,6}:(?::?(?:[0-9a-fA-F]{1,4}|<\*>)){0,6}(?![\w:.<])",
        PLACEHOLDER, (),
        (("bind failed on fe80::1ff:fe23:4567:890a", "bind failed on <*>"),),
        "Peer addresses differ per connection. Compressed IPv6 (`::`) is matched whole before the "
        "digit rule would cut it into pieces; IPv4 is covered by number_token.",
    ),
    rule(
        "mac_or_hex_pairs", "mask",
        r"(?<![\w:])(?:[0-9A-Fa-f]{2}|<\*>)(?::(?:[0-9A-Fa-f]{2}|<\*>)){3,}(?![\w:])",
        PLACEHOLDER, (),
        (("chip inserted: FF:F2:9F:16:E5:46:00:0D ip=10.0.0.7", "chip inserted: <*> ip=<*>"),),
        "MAC addresses and colon-separated hex (chip ids, fingerprints) identify a device, not a "
        "fault; the pairs without digits (`FF`) must go too.",
    ),
    rule(
        "host_port", "mask",
        r"(?<![\w.-])(?:localhost|[A-Za-z][\w-]*+(?:\.[\w-]++)++):<\*>",
        PLACEHOLDER, (),
        (("cannot connect to redis.internal:6379", "cannot connect to <*>"),),
        "A host:port names an instance, and instances come and go (replicas, failover).",
    ),
    rule(
        "placeholder_chain", "mask",
        r"<\*>(?:[:.]<\*>)+",
        PLACEHOLDER, (),
        (("Connection closed for 172.18.0.1:36952: no close frame", "Connection closed for <*>: no close frame"),
         ("job queued at 2025-11-03T17:00:04.123+11:00 ran at 17:00:09", "job queued at <*> ran at <*>")),
        "Times (`17:00:09`), ip:port and dotted numbers are one value cut by the digit rule into "
        "pieces; one placeholder whatever the number of pieces keeps `17:00` and `17:00:04.123` alike.",
    ),
    rule(
        "unit_after_number", "mask",
        rf"<\*> (?:{_UNITS_SPACED})\b",
        PLACEHOLDER, (),
        (("GLM streaming exceeded timeout of 300s (elapsed: 317.2 seconds)",
          "GLM streaming exceeded timeout of <*> (elapsed: <*>)"),
         ("stored in memory (estimated size 384.0 B, free 3.6 GB)", "stored in memory (estimated size <*>, free <*>)")),
        "Durations and sizes: the unit goes with the number (attached units already are part of the "
        "token), so `2 s` and `900ms` give one template.",
    ),
    rule(
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
    rule(
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
    rule(
        "weekday_date", "mask",
        rf"\b{_WEEKDAY},?\s+{_MONTH}\s+<\*>(?:\s+<\*>\s+{_ZONE}(?=\s+<\*>))?",
        PLACEHOLDER, (),
        (("connection from 10.0.0.5 () at Sun Jul 10 03:04:05 2005", "connection from <*> (<*>) at <*>"),
         ("run 7 started at Mon Dec 10 10:49:14 CET 2026", "run <*> started at <*>")),
        "A date spelled with day and month names changes every day; the digit rule alone would leave "
        "`Sun Jul` in the template. Its zone is part of it (java.util.Date.toString `EEE MMM dd HH:mm:ss zzz "
        "yyyy`, date(1)'s `%a %b %e %H:%M:%S %Z %Y`: the host's zone, CET/CEST across DST; a closed list of "
        "the tz database's abbreviations, `calendar_words.TZ_ABBREVIATIONS`, so `START`/`POST` there stay words).",
    ),
    rule(
        "domain", "mask",
        rf"(?<![\w.-])(?:[A-Za-z0-9-]++\.)++(?:{TLDS})(?![\w-])(?!\.[\w-])",
        PLACEHOLDER, (),
        (("reverse mapping checking getaddrinfo for ns.example.com failed",
          "reverse mapping checking getaddrinfo for <*> failed"),
         ("connection from 61.7.200.1 (host-x.dsl.example.at) at 10:00:01", "connection from <*> (<*>) at <*>")),
        "Bare domain names are peers (clients, resolvers), variable by nature. Hosts inside URLs are "
        "kept by the url rule, where they name the service.",
    ),
    rule(
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
    rule(
        "relative_path", "mask",
        r"(?<![\w./])(?:\.{1,2}|~)/[\w.@%+~,=<>*/-]+",
        PLACEHOLDER, (),
        (("Error loading ./runtime_malloc: invalid program image", "Error loading <*>: invalid program image"),),
        "Explicitly relative paths (`./x`, `../x`, `~/x`) vary like absolute ones.",
    ),
    rule(
        "windows_path", "mask",
        r"(?<![\w])(?:[A-Za-z]:)?\\[\w.@%+~,=<>* -]+(?:\\[\w.@%+~,=<>*-]*)+",
        PLACEHOLDER, (),
        ((r"cannot open C:\Users\ops\sidecar\data.db", "cannot open <*>"),),
        "Same as path, for Windows-style paths (the gateway also runs on Windows hosts).",
    ),
    rule(
        "user", "mask",
        r"\b(" + "|".join(re.escape(k) for k in USER_KEYS) + r")" + USER_TAIL,
        r"\1\2<*>", USER_KEYS,
        (("Invalid user webmaster from 10.0.0.5", "Invalid user <*> from <*>"),
         ("authentication failure; rhost=10.0.0.5 user=root", "authentication failure; rhost=<*> user=<*>"),
         ("Failed password for git from 10.0.0.5 port 22 ssh2", "Failed password for <*> from <*> port <*>")),
        "User names are variable (and personal data); what the user did is in the other words. sshd "
        "names the account after `password for`/`publickey for` (the auth method), not after `user`.",
    ),
    rule(
        "empty_value", "mask",
        r"\((?<=\s\()\)",
        "(<*>)", (),
        (("connection from 10.0.0.5 () at 10:00:01", "connection from <*> (<*>) at <*>"),),
        "A bare `()` after a space is an empty value (a failed reverse lookup), not a call like "
        "`send()`: it must group with the same message when the value is present.",
    ),
)
