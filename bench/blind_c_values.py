"""Values for the blind C benchmark's conversions, chosen by what the argument IS (bench/grouping_heldout_c.py).

Written by a writer who never read the grouping; its author must not read or run this. A C format string
does not say what `%s` holds, its words do: the kind of a conversion is read from the last words before it
(`user "%s"`, `file %s`, `port %d`), the word after it (`%d bytes`, `%s: ...` at the start), the quoting
around it and the conversion letter (printf(3): `%m` is strerror(errno), `%x` hex, `%o` a mode, `%c` one
character, `%p` a pointer, `%f` a float). Where a value class has a real source, it is used: errno texts are
this machine's `os.strerror`, signal texts `signal.strsignal`. Hosts, IPs, paths, URLs, uuids, letters-only
ids come from the first blind benchmark's generators (bench/heldout_values.py, imported, not copied).
"""

from __future__ import annotations

import errno
import os
import re
import signal
import string
from collections.abc import Callable
from random import Random

import heldout_values as hv
from blind_c_catalog import Conv

ERRNOS = tuple(os.strerror(getattr(errno, n)) for n in (
    "ENOENT", "EACCES", "EEXIST", "ENOSPC", "EIO", "ETIMEDOUT", "ECONNREFUSED", "ECONNRESET", "EPIPE", "EROFS",
    "EMFILE", "ENOTDIR", "EISDIR", "EBUSY", "EAGAIN", "EINVAL", "ENOMEM", "EPERM", "EHOSTUNREACH", "ENETUNREACH",
    "EXDEV", "ELOOP", "ENAMETOOLONG", "ENOTEMPTY", "EDQUOT", "ESTALE") if hasattr(errno, n))
SIGNALS = tuple(s for s in (signal.strsignal(n) for n in signal.valid_signals() if 0 < int(n) < 32) if s)
SIGNAMES = tuple(s.name for s in signal.Signals if s.name.startswith("SIG") and not s.name.startswith("SIGRT"))
SERVICE_USERS = ("postgres", "www-data", "git", "backup", "nobody", "root", "deploy", "replicator", "app",
                 "monitor", "jenkins", "gitlab-runner", "admin", "analytics_ro")
IDENT_WORDS = ("orders users accounts events sessions invoices payments items audit_log line_items ledger "
               "customers shipments metrics jobs tenants api_keys refunds carts tags").split()
SCHEMAS = ("public", "billing", "app", "reporting", "pg_catalog", "staging", "auth")
PKG_STEMS = tuple("openssl libssl3 libc6 python3-yaml nginx-common postgresql-15 libpq5 curl git-man tzdata "
             "ca-certificates libglib2.0-0 systemd-timesyncd openssh-server libkrb5-3 gnupg dirmngr tar "
             "coreutils libgnutls30 zlib1g libzstd1 linux-image-6.1.0-13-amd64 initramfs-tools".split())
ARCHES = ("amd64", "arm64", "all", "i386")
ENCTYPES = ("aes256-cts-hmac-sha1-96", "aes128-cts-hmac-sha1-96", "aes256-cts-hmac-sha384-192",
            "camellia256-cts-cmac", "des3-cbc-sha1", "arcfour-hmac", "rc4-hmac")
REALMS = ("EXAMPLE.COM", "CORP.EXAMPLE.NET", "LAB.INTERNAL", "ATHENA.MIT.EDU")
DBUS = ("org.freedesktop.DBus", "org.freedesktop.systemd1", "org.gnome.Shell", "org.freedesktop.NetworkManager",
        "org.freedesktop.portal.Desktop", "org.gtk.vfs.Daemon", "org.freedesktop.Notifications",
        "org.bluez", "org.freedesktop.login1")
STATES = ("idle", "active", "running", "stopped", "pending", "failed", "ready", "closed", "open", "ONLINE",
          "OFFLINE", "DEGRADED", "in progress", "streaming", "catchup", "startup", "inactive", "unpacked",
          "half-configured", "installed", "config-files")


def _ident(r: Random) -> str:
    """An SQL/config identifier: snake_case, sometimes schema-qualified, sometimes mixed case or with a blank."""
    word = r.choice(IDENT_WORDS)
    return r.choice((word, f"{word}_{r.choice(('idx', 'pkey', 'fkey', 'seq', 'tmp', r'v2'))}",
                     f"{r.choice(SCHEMAS)}.{word}", word.title().replace("_", ""), f"{word} {hv._word(r)}",
                     f"{word}_{r.randint(2019, 2026)}_{r.randint(1, 12):02d}", hv._letters(r)))


def _package(r: Random) -> str:
    stem = r.choice(PKG_STEMS + tuple(f"lib{hv._word(r)}{r.randint(0, 9)}" for _ in range(3)))
    return stem + (f":{r.choice(ARCHES)}" if r.random() < 0.3 else "")


def _debversion(r: Random) -> str:
    base = ".".join(str(r.randint(0, 30)) for _ in range(r.randint(2, 3)))
    return r.choice((f"{base}-{r.randint(1, 9)}", f"1:{base}-{r.randint(1, 5)}ubuntu{r.randint(1, 4)}",
                     f"{base}-{r.randint(1, 3)}+deb12u{r.randint(1, 9)}", base, f"{base}~rc{r.randint(1, 3)}-1"))


def _ref(r: Random) -> str:
    return r.choice(("main", "master", "develop", f"feature/{hv._word(r)}-{r.randint(1, 999)}",
                     f"refs/heads/{hv._word(r)}", f"release-{r.randint(1, 9)}.{r.randint(0, 20)}",
                     f"origin/{hv._word(r)}", f"v{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}",
                     f"refs/tags/v{r.randint(1, 5)}.{r.randint(0, 9)}", hv._letters(r)))


def _principal(r: Random) -> str:
    realm = r.choice(REALMS)
    return r.choice((f"{r.choice(hv.USERS)}@{realm}", f"host/{hv._word(r)}-{r.randint(1, 40)}.{realm.lower()}@{realm}",
                     f"krbtgt/{realm}@{realm}", f"HTTP/{hv._word(r)}.{realm.lower()}@{realm}",
                     f"{r.choice(hv.USERS)}/admin@{realm}"))


def _user(r: Random) -> str:
    return r.choice((r.choice(hv.USERS), r.choice(SERVICE_USERS), hv._letters(r), f"{r.choice(hv.USERS)}{r.randint(1, 99)}"))


def _errmsg(r: Random) -> str:
    """An error text: strerror most often, else another library's whole message (slots of its own)."""
    if r.random() < 0.65:
        return r.choice(ERRNOS)
    return r.choice((f"connection to server at \"{hv._host(r)}\" ({hv._ip(r)}), port {r.randint(1024, 65535)} "
                     f"failed: {r.choice(ERRNOS)}", f"timeout after {r.randint(1, 120)} seconds",
                     f"{hv._path(r)}: {r.choice(ERRNOS)}", f"error {r.randint(1, 255)}",
                     "unexpected end of file", f"{r.choice(('TLS', 'GnuTLS', 'SSL'))} handshake failed: "
                     f"{r.choice(('certificate expired', 'unknown CA', 'The TLS connection was non-properly terminated.'))}",
                     f"exit status {r.randint(1, 255)}"))


def _ctime(r: Random) -> str:
    return (f"{r.choice(('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'))} "
            f"{r.choice(('Jan', 'Mar', 'Jun', 'Sep', 'Nov', 'Dec'))} {r.randint(1, 28):>2} "
            f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d} {r.randint(2019, 2026)}")


def _size(r: Random) -> str:
    n = r.paretovariate(0.6)
    return r.choice((str(int(n * 1000)), f"{n:.1f}\u00a0{r.choice(('kB', 'MB', 'GB'))}", f"{n:.1f} MB",
                     f"{int(n * 10)} kB", f"{int(n * 1000):,}", f"{n:.0f}M"))


def _list(r: Random) -> str:
    pick = r.choice((_package, _user, _ident, lambda r: hv._word(r)))
    return r.choice((", ", " ", ",")).join(pick(r) for _ in range(r.randint(1, 6)))


def _dbus(r: Random) -> str:
    name = r.choice(DBUS)
    return r.choice((name, "/" + name.replace(".", "/"), f":1.{r.randint(1, 4000)}", f"{name}.{hv._word(r).title()}"))


def _generic(r: Random) -> str:
    return r.choice((hv._word(r), _ident(r), hv._letters(r), f"{hv._word(r)}-{r.randint(1, 99)}",
                     r.choice(STATES), str(r.randint(0, 99999)), hv._path(r)))


def _signed(r: Random) -> int:
    return r.choice((-1, -r.randint(2, 200), r.randint(0, 300), -r.randint(10**6, 2**31)))


# a kind: (how a string conversion spells it, how an integer conversion draws it)
STR_KINDS: dict[str, Callable[[Random], str]] = {
    "errmsg": _errmsg,
    "signal": lambda r: r.choice(SIGNALS + SIGNAMES),
    "user": _user,
    "ident": _ident,
    "package": _package,
    "version": _debversion,
    "ref": _ref,
    "object": lambda r: hv._hex(r, r.choice((7, 10, 12, 40))),
    "principal": _principal,
    "enctype": lambda r: r.choice(ENCTYPES),
    "realm": lambda r: r.choice(REALMS),
    "option": lambda r: r.choice((f"{hv._word(r)}_{hv._word(r)}", f"{hv._word(r)}.{hv._word(r)}",
                                  f"--{hv._word(r)}", f"{hv._word(r)}.{hv._word(r)}.{hv._word(r)}", hv._word(r))),
    "state": lambda r: r.choice(STATES),
    "host": hv.KINDS["host"],
    "addr": lambda r: r.choice((f"{hv._ip(r)}:{r.randint(1, 65535)}", f"[{hv._ip(r)}]:{r.randint(1, 65535)}",
                                hv._ip(r), f"{hv._host(r)}:{r.randint(1, 65535)}")),
    "url": hv.KINDS["url"],
    "path": hv.KINDS["path"],
    "uuid": hv.KINDS["uuid"],
    "date": lambda r: r.choice((_ctime(r), f"{r.randint(2019, 2026)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                                f"{r.randint(2019, 2026)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} "
                                f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}+00")),
    "size": _size,
    "list": _list,
    "command": hv.KINDS["command"],
    "dbus": _dbus,
    "sql": lambda r: r.choice((f"SELECT * FROM {_ident(r)} WHERE id = {r.randint(1, 9999)}",
                               f"UPDATE {_ident(r)} SET {hv._word(r)} = $1", "COMMIT", "BEGIN",
                               f"DELETE FROM {_ident(r)}", f"VACUUM {_ident(r)}")),
    "type": lambda r: r.choice(("integer", "text", "bigint", "jsonb", "timestamp with time zone", "boolean",
                                "numeric(10,2)", "character varying", "uuid", "bytea", "int4[]", hv._letters(r))),
    "generic": _generic,
    "optname": lambda r: r.choice((hv._word(r), f"{hv._word(r)}-{hv._word(r)}", f"no-{hv._word(r)}")),
    "objtype": lambda r: r.choice(("table", "index", "view", "sequence", "function", "type", "column", "relation",
                                   "schema", "role", "database", "materialized view", "foreign table", "operator")),
    "fragment": lambda r: r.choice(("/", ".", "_" + hv._word(r), hv._word(r), f" ({r.choice(STATES)})", "s", ":")),
    "number": lambda r: r.choice((str(int(r.paretovariate(0.5) * 100)), f"{int(r.paretovariate(0.5) * 1000):,}",
                                  f"{r.expovariate(0.1):.1f}")),
    "char": lambda r: r.choice(string.ascii_letters + string.digits + ",;:-/"),
    "pointer": lambda r: r.choice(("(nil)", f"0x{r.randint(0x5500_0000_0000, 0x7fff_ffff_ffff):x}")),
}
INT_KINDS: dict[str, Callable[[Random], int]] = {
    "count": lambda r: int(r.paretovariate(0.7)) if r.random() < 0.7 else r.randint(0, 100000),
    "pid": lambda r: r.randint(2, 4194304),
    "port": lambda r: r.choice((5432, 88, 749, 464, 443, 22, 9418, r.randint(1024, 65535))),
    "line": lambda r: r.randint(1, 2000),
    "oid": lambda r: r.randint(16384, 4_000_000),
    "big": lambda r: r.randint(10**5, 2**32 - 1),
    "mode": lambda r: r.choice((0o644, 0o600, 0o755, 0o700, 0o640, 0o777, 0o2775)),
    "code": _signed,
    "signal": lambda r: r.randint(1, 31),
    "size": lambda r: int(r.paretovariate(0.5) * 512),
    "duration": lambda r: int(r.expovariate(1 / 3000)),
    "hex": lambda r: r.randint(0, 2**32 - 1) if r.random() < 0.7 else r.randint(0, 0xFFFF),
}

# (pattern on the last words before the conversion, kind); first match wins. Words are lowercased.
STR_RULES: tuple[tuple[str, str], ...] = (
    (r"(?:user|role|owner|login|by user|for user|account|member|grantor)$", "user"),
    (r"(?:principal|client|krbtgt|service principal)$", "principal"),
    (r"(?:realm)$", "realm"),
    (r"(?:enctype|encryption type|keysalt|keysalts)$", "enctype"),
    (r"(?:package|packages|of package|source package|diversion|dependency)$", "package"),
    (r"(?:version|versions|release|from version|to version)$", "version"),
    (r"(?:branch|ref|refs|remote|tag|upstream|refspec|head)$", "ref"),
    (r"(?:commit|object|tree|blob|sha|oid)$", "object"),
    (r"(?:uri|url|mirror|proxy)$", "url"),
    (r"(?:host|hostname|server|address|peer|resolving|connect to|connecting to|from host)$", "host"),
    (r"(?:file|directory|dir|path|archive|symlink|link|conffile|script|makefile|keytab|socket file|device"
     r"|folder|target|source|tablespace location|pathname|from file|to file|trash|mount point|destination)$",
     "path"),
    (r"(?:table|relation|column|index|schema|database|view|sequence|trigger|constraint|function|extension|"
     r"publication|subscription|slot|cursor|operator|collation|tablespace|aggregate|statistics|attribute|"
     r"policy|rule|partition|domain|procedure|language|server|wrapper|parameter|variable|field|key|setting"
     r"|configuration parameter|property|element|name|named|alias|savepoint|channel|group|family|class)$",
     "ident"),
    (r"(?:type|types|data type)$", "type"),
    (r"(?:option|flag|switch|config|configuration|entry)$", "option"),
    (r"(?:state|status|mode|method|level|format|encoding|algorithm|policy|phase|action|kind)$", "state"),
    (r"(?:signal)$", "signal"),
    (r"(?:command|program|executable|hook|filter|helper|process|subprocess|tool)$", "command"),
    (r"(?:interface|bus name|object path|well-known name|unique name|proxy for)$", "dbus"),
    (r"(?:query|statement)$", "sql"),
    (r"(?:time|timestamp|date|since|until|expires|expired on|valid until|up at|started at)$", "date"),
    (r"(?:packages|files|paths|refs|names|keys|columns|roles|users|hosts|servers|values|options|items|arguments"
     r"|following|list|one of|among)$", "list"),
    (r"(?:submodule|repository|pack|packfile|worktree|index file)$", "path"),
    (r"(?:addr|client=|client)$", "addr"),
    (r"(?:size|length|bytes|free space|space)$", "size"),
    (r"(?:error|failed|because|reason|message|said|got|returned|failure|problem|details?)$", "errmsg"),
)
INT_RULES: tuple[tuple[str, str], ...] = (
    (r"(?:pid|process|backend|worker|child|pid of process)$", "pid"),
    (r"(?:port)$", "port"),
    (r"(?:line|lines|at line|on line|column)$", "line"),
    (r"(?:oid|oids|relfilenode|relation|database|tablespace|type|with oid)$", "oid"),
    (r"(?:xid|transaction|timeline|lsn|segment|block|offset|epoch|generation|serial|kvno|vno|id)$", "big"),
    (r"(?:mode|permissions|umask)$", "mode"),
    (r"(?:code|status|error|errno|returned|exit|return code|result|rc)$", "code"),
    (r"(?:signal)$", "signal"),
    (r"(?:size|length|bytes|of size|buffer|memory|limit|max|maximum)$", "size"),
    (r"(?:after|timeout|took|ms|seconds|delay|interval)$", "duration"),
)
AFTER_RULES: tuple[tuple[str, str], ...] = (
    (r"^\s*(?:bytes?|kb|mb|gb|kib|mib|blocks?|pages?)\b", "size"),
    (r"^\s*(?:ms|s|sec|secs|seconds?|minutes?|min|hours?|days?|us|usec)\b", "duration"),
    (r"^(?:/|\.|-)", "generic"),
)


def _words(text: str, n: int) -> str:
    return " ".join(re.findall(r"[A-Za-z][A-Za-z_-]*", text)[-n:]).lower()


def kind_of(c: Conv) -> tuple[str, str]:
    """(value class, 'str'|'int'|'float') of a conversion, from its letter and the words around it."""
    if c.conv == "m":
        return "errmsg", "str"
    if c.conv == "c":
        return "char", "str"
    if c.conv == "p":
        return "pointer", "str"
    if c.conv in "eEfFgGaA":
        return "float", "float"
    if c.conv in "xX":
        return "hex", "int"
    if c.conv == "o":
        return "mode", "int"
    numeric = c.conv in "diu"
    after = c.after.lower()
    if not numeric and c.glued_before:
        return "fragment", "str"  # `%s%s`: pieces the program joins (a name and its suffix, an optional part)
    for pattern, kind in AFTER_RULES:
        if numeric and kind != "generic" and re.search(pattern, after):
            return kind, "int"
        if not numeric and kind in ("size", "duration") and re.search(pattern, after):
            return "number", "str"  # a number the program formatted itself (`%s bytes`)
    for n in (2, 1):
        words = _words(c.before, n)
        for pattern, kind in INT_RULES if numeric else STR_RULES:
            if words and re.search(r"(?:^|\s)" + pattern, words):
                if kind == "errmsg" and not re.search(r"(?:[:(]|said)\s*$", c.before):
                    continue  # `error %s` names a thing; `error: %s` / `(%s)` prints the error itself
                return kind, "int" if numeric else "str"
    if numeric:
        return ("code" if c.conv in "di" and re.search(r"=\s*$", c.before) else "count"), "int"
    if c.before.endswith("--"):
        return "optname", "str"  # `--%s`: a long option's name
    if c.before.endswith(".") or (c.after.startswith(".") and c.glued_after):
        return "ident", "str"  # `%s.%s`: schema and object, or a dotted name's parts
    if not c.before.strip() and re.match(r" [\"'“]", c.after):
        return "objtype", "str"  # `%s "%s" ...`: the object's kind, a closed set of plain words
    if not c.before.strip() and after.startswith(":"):
        return "path", "str"  # GNU `%s: message`: the file or program the message is about
    if c.before.rstrip().endswith(":") and not after.strip():
        return "errmsg", "str"  # `...: %s` at the end: a nested error
    return "generic", "str"


def draw(c: Conv, r: Random) -> str:
    """One printed value of conversion `c` (printf semantics for width, precision and flags)."""
    kind, base = kind_of(c)
    flags = c.flags.replace("'", "")
    width = "" if c.width in (None, "*") else c.width
    if base == "int":
        if kind == "size" and c.after.lower().lstrip().startswith(("kb", "mb", "gb")):
            value: int | float | str = int(r.paretovariate(0.8))
        else:
            value = INT_KINDS[kind](r) if kind in INT_KINDS else INT_KINDS["count"](r)
        if c.conv in "xXou" and isinstance(value, int) and value < 0:
            value = value & 0xFFFFFFFF
        conv = c.conv if c.conv in "xXo" else "d"
        prec = "" if c.prec in (None, "*") else "." + c.prec
        return f"%{flags}{width}{prec}{conv}" % value
    if base == "float":
        value = r.choice((r.expovariate(0.5), r.expovariate(0.01), r.uniform(0, 100)))
        prec = "" if c.prec in (None, "*") else "." + c.prec
        return f"%{flags}{width}{prec}{c.conv if c.conv in 'eEfFgG' else 'f'}" % value
    text = STR_KINDS[kind](r)
    if kind in ("generic", "ident") and re.search(r"[\"'`“]$", c.before) and r.random() < 0.1:
        text = f"{text} {hv._word(r)}"  # a quoted value may hold blanks (GROUPING_CLASSES.md S4)
    if c.prec not in (None, "*"):
        text = text[: int(c.prec)]
    return f"%{flags.replace('0', '')}{width}s" % text
