"""Credentials in the documented syntax of datastore auth rules and the errors that echo them (taxonomy class b).

- Redis ACL rules (redis.io/docs/latest/operate/oss_and_stack/management/security/acl, `ACL SETUSER`): `><password>`
  adds a password and `<<password>` removes one; the same rules make a users.acl / redis.conf `user <name> on
  >pw ~keys +@cmds` line. As logged: a shell or log line, a JSON/Python list of arguments (`">pw"`), MONITOR's
  quoted echo (`"\u003epw"` once a JSON encoder escaped `>`). `#<sha256>` / `!<sha256>` are hashes and stay.
- PgBouncer's auth_file (pgbouncer.org/config.html, "Authentication file format"): a line of two or more
  double-quoted fields, `"username" "password"`, the rest ignored; the second field is a plain-text password,
  an `md5<32 hex>` hash or a SCRAM secret. Plain text goes here; the hash forms are formats.py's (round 9: they
  replay against PgBouncer like the password, and they go wherever they are printed). The
  pair names nothing, so the value must read as a password (textstats.password_like): a lowercase word is left.
- libpq's connection-string parser (src/interfaces/libpq/fe-connect.c, conninfo_parse) reports
  `missing "=" after "<word>" in connection info string`: the word is what followed a value that held a blank,
  most often the rest of an unquoted password (`password=abc def`). A libpq keyword stays (`host`, `sslmode`).
- Redis Sentinel (redis.io/docs/latest/operate/oss_and_stack/management/sentinel, sentinel.conf and `SENTINEL
  SET`): `sentinel auth-pass <master-name> <password>` puts the master's NAME between the directive and the
  password, `SENTINEL SET <master-name> auth-pass <password>` puts it before, `sentinel sentinel-pass <password>`
  (and `SENTINEL CONFIG SET sentinel-pass <password>`) has none. The master name and `auth-user`'s user stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .carriers import PGPASS
from .textstats import password_like

# The rule tokens after `ACL SETUSER <user>` or a users.acl `user <name>` line that reads as ACL rules.
_ACL_START = re.compile(
    r"\bSETUSER\b|(?<![\w-])user[ \t]+[^\s\"'>]+[ \t]+(?=(?:[^\n]*?[ \t])?(?:on|off|reset|nopass)(?:[ \t]|$)"
    r"[^\n]*?(?:[ \t][~%&]|\+@|[ \t]allkeys|[ \t]allcommands|[ \t]nopass|[ \t]>))", re.IGNORECASE)
_ACL_PASSWORD = re.compile(
    r"(?:(?<=[\s\"'\[,(])|(?<=\\u003[eEcC]))(?:(?<=\\u003[eEcC])|[<>]|\\u003[eEcC])"
    r"(?!\[REDACTED:)(?P<val>(?:(?!\\{0,3}[\"'])[^\s\"'])+)")
ACL_HINTS = ("setuser", "user ", "user\t")


def acl_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        out: list[str] = []
        pos = 0
        for start in _ACL_START.finditer(text):
            if start.start() < pos:
                continue
            end = text.find("\n", start.end())
            end = len(text) if end < 0 else end
            esc = text.find("\\n", start.end(), end)
            end = end if esc < 0 else esc
            seg = _ACL_PASSWORD.sub(lambda m: m.group(0)[:m.start("val") - m.start()] + mark,
                                    text[start.end():end])
            out.append(text[pos:start.end()])
            out.append(seg)
            pos = end
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
    return sub


# `"user" "password"` as the whole of a line or a quoted string (after a start, a blank, a quote, `[`, `(`, `:`):
# PgBouncer's auth_file (pgbouncer docs "Authentication file format": user and password as quoted pairs). A pair in
# Redis MONITOR's echo of an argument vector (`<unix time> [<db> <addr>] "HELLO" "3" "SETNAME" "gw-worker-7"`,
# redis.io MONITOR) is the tail of that vector, not a row: a command's own password is its grammar's
# (rediscommands.py `"AUTH" "<pw>"`, the name rules for `"requirepass" "<pw>"`). Only the MONITOR prefix tells them
# apart: a pair after another quoted pair elsewhere (`"bob" "pw1" "carol" "pw2"`) is still a row (re-read r15).
_MONITOR = re.compile(r"\d{9,10}\.\d{6} \[\d+ [^\]\s]*\] \\{0,3}\"")
USERLIST = re.compile(
    r"(?P<pre>(?:^|(?<=[\s'\"\[(:]))(?P<q>\\{0,3}\")[A-Za-z_][\w.@$-]{0,62}(?P=q)[ \t](?P=q))"
    r"(?!\[REDACTED:)(?P<val>(?:(?!(?P=q))[^\n\"]|\"\"){1,256})(?P=q)"
    r"(?=[ \t]*(?:$|#|\\{1,3}[nr]|\\{0,3}[\"']|[,\])]|[ \t]+(?P=q)))", re.MULTILINE)
_HASHED = re.compile(r"md5[0-9a-f]{32}|SCRAM-SHA-256\$")


def userlist(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        val = m.group("val")
        if _HASHED.match(val) or not password_like(val):
            return m.group(0)
        if _MONITOR.search(m.string, m.string.rfind("\n", 0, m.start()) + 1, m.end("q")):  # its quote: the first pair too
            return m.group(0)
        return m.group("pre") + mark + m.group("q")
    return repl


USERLIST_HINTS = ('" "', '"\t"', '" \\', '"\t\\')  # the second quote bare or escaped

# libpq's own keywords (fe-connect.c PQconninfoOptions): the echoed word is a misspelt option, not a value.
_LIBPQ_KEYWORDS = frozenset({
    "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "connect_timeout", "client_encoding",
    "options", "application_name", "fallback_application_name", "keepalives", "sslmode", "sslcert", "sslkey",
    "sslrootcert", "sslcrl", "requiressl", "service", "target_session_attrs", "gssencmode", "krbsrvname",
    "channel_binding", "load_balance_hosts", "require_auth", "sslnegotiation",
})
LIBPQ_MISSING = re.compile(r"(?P<pre>missing (?P<q>\\{0,3}\")=(?P=q) after (?P=q))(?!\[REDACTED:)"
                           r"(?P<val>(?:(?!(?P=q))[^\n]){1,256})(?P=q)(?= in connection info string)")
LIBPQ_HINTS = ("connection info string",)


def libpq_missing(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        if m.group("val").lower() in _LIBPQ_KEYWORDS:
            return m.group(0)
        return m.group("pre") + mark + m.group("q")
    return repl


SENTINEL_AUTH = re.compile(
    r"(?P<pre>\bsentinel[ \t]+(?:auth-pass[ \t]+[^\s\"']+|set[ \t]+[^\s\"']+[ \t]+auth-pass"
    r"|(?:config[ \t]+set[ \t]+)?sentinel-pass)[ \t]+(?P<q>\\{0,3}[\"']?))(?!\[REDACTED:)"
    r"(?P<val>(?:(?!\\{0,3}[\"']|\\[nrt])[^\s])+)", re.IGNORECASE)  # a JSON escape (`\n`) ends it
SENTINEL_HINTS = ("auth-pass", "sentinel-pass")


def sentinel_auth(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        if m.group("val").startswith(("$", "{{", "%(", "<", "***")):
            return m.group(0)  # `${REDIS_PASSWORD}`, `{{ .Values.auth }}`, `<password>`: a reference, a placeholder
        return m.group("pre") + mark
    return repl


# libpq's password file (PostgreSQL docs, "The Password File"): `host:port:database:username:password`.
# (with the two fields after it that PGPASS reads: a log line's `09:29:14,594` holds a `:port:` and is no such line)
_PGPASS_PORT = re.compile(r":(?:\d{2,5}|\*):[^:\s\"']+:[^:\s\"']+:")
# colon-separated hex bytes (`de:69:e2:10:5c`, the last line of an OpenSSL key or certificate block) hold a 2-digit
# "port" and read as `host:port:db:user:password`; no pgpass line is made of five hex pairs (spelled.py judges them).
_HEX_PAIRS = re.compile(r"(?:[0-9a-fA-F]{2}:)+[0-9a-fA-F]{2}")


def pgpass_sub(mark: str) -> Callable[[str], str]:
    """`.pgpass` lines only where a `:port:` field occurs (a cheap test first: ':' is in every log line)."""
    def repl(m: re.Match[str]) -> str:
        if _HEX_PAIRS.fullmatch(m.group(0)) or "[REDACTED:" in m.group(0):
            return m.group(0)  # hex bytes, or a line whose field a rule before already marked (smbpasswd's NT hash)
        return m.group("pre") + mark

    def sub(text: str) -> str:
        return PGPASS.sub(repl, text) if _PGPASS_PORT.search(text) else text
    return sub
