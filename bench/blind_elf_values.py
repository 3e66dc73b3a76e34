"""Values for the blind ELF benchmark's conversions: the classes binaries print that catalogs rarely show.

Written by a writer who never read the grouping; its author must not read or run this. As in
bench/blind_c_values.py (imported, its rules are the fallback), the kind of a conversion is read from the words
around it; the kinds added here are bench/GROUPING_CLASSES2.md's S16-S29: MAC addresses, UUIDs and systemd's
32-hex id128, durations as Go/systemd/Java print them, sizes whose unit follows the magnitude, percentages,
signal and errno NAMES (letters only), negative errno returns, key=value lists of varying length, Java class,
object and thread identities, SSH algorithm names and key fingerprints, systemd unit names, network interface
names, D-Bus names, uids. Each system can name the kind of a conversion that opens its message (`%s: ...`),
which in a binary is usually the object the message is about (a unit, a device, a link), not a path.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from random import Random

import blind_c_values as cv
import heldout_values as hv
from blind_c_catalog import Conv

ERRNO_NAMES = ("ENOENT", "EACCES", "EEXIST", "ENOSPC", "EIO", "ETIMEDOUT", "ECONNREFUSED", "ECONNRESET", "EPIPE",
               "EROFS", "EMFILE", "EBUSY", "EAGAIN", "EINVAL", "ENOMEM", "EPERM", "EHOSTUNREACH", "ENODEV",
               "EOPNOTSUPP", "ENXIO", "EBADMSG", "ESRCH", "ENOTCONN", "EPROTO")
ERRNO_NUMBERS = (2, 13, 17, 28, 5, 110, 111, 104, 32, 30, 24, 16, 11, 22, 12, 1, 113, 19, 95, 6, 74, 3, 107, 71)
SIGNAMES = ("TERM", "KILL", "HUP", "INT", "SEGV", "ABRT", "PIPE", "USR1", "USR2", "CHLD", "ALRM", "QUIT", "BUS")
UNIT_STEMS = ("nginx", "postgresql", "cron", "ssh", "docker", "containerd", "kubelet", "NetworkManager",
              "systemd-resolved", "systemd-networkd", "rsyslog", "getty", "user", "snapd", "apt-daily", "fstrim",
              "logrotate", "man-db", "dbus", "polkit", "udisks2", "bluetooth", "avahi-daemon", "chronyd")
UNIT_TYPES = ("service", "service", "service", "socket", "timer", "mount", "scope", "slice", "target", "path",
              "device", "swap")
IFACES = ("eth0", "eth1", "ens3", "ens5", "enp3s0", "enp0s31f6", "wlp2s0", "wlan0", "lo", "docker0", "br0",
          "veth1a2b3c4", "cni0", "flannel.1", "tun0", "wg0", "bond0", "vlan100")
SSH_ALGS = ("curve25519-sha256", "sntrup761x25519-sha512@openssh.com", "ecdh-sha2-nistp256",
            "diffie-hellman-group14-sha256", "ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256",
            "ecdsa-sha2-nistp256", "chacha20-poly1305@openssh.com", "aes128-ctr", "aes256-gcm@openssh.com",
            "umac-64-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "none", "zlib@openssh.com")
JAVA_PKGS = ("java.lang", "java.util", "java.util.concurrent", "java.io", "java.net", "sun.nio.ch",
             "jdk.internal.misc", "com.example.shop", "org.apache.kafka.clients", "io.netty.channel")
JAVA_CLASSES = ("String", "HashMap", "Object", "Thread", "ClassLoader", "OrderService", "Channel", "Buffer",
                "ConcurrentHashMap", "KafkaConsumer", "Record", "Config", "Worker", "Handler")
JVM_THREADS = ("main", "VM Thread", "C2 CompilerThread0", "C1 CompilerThread0", "G1 Conc#0", "G1 Refine#0",
               "Reference Handler", "Finalizer", "Signal Dispatcher", "Common-Cleaner", "VM Periodic Task Thread")
# SQLite primary and extended result codes (sqlite.org/rescode.html): the values of a `(%d)` result code
RESULT_CODES = (1, 1, 5, 6, 10, 11, 11, 13, 14, 19, 21, 26, 266, 283, 284, 516, 522, 539, 1034, 2067, 3338)
KEYS = ("id", "name", "state", "type", "uid", "pid", "flags", "mode", "size", "count", "reason", "result",
        "path", "addr", "port", "ttl", "prio", "seq", "dev", "ino", "len")


def mac(r: Random) -> str:
    """A MAC address: lower-case colon form (`ether_ntoa`), upper dash form (Windows) or Cisco dotted."""
    b = [r.randint(0, 255) for _ in range(6)]
    if r.random() < 0.2:
        b[0] &= 0xFE
        b = [b[0]] + [r.choice((0x00, 0x11, 0x22, 0x50, 0x99)) for _ in range(5)]  # may hold no letter
    style = r.random()
    if style < 0.75:
        return ":".join(f"{x:02x}" for x in b)
    if style < 0.9:
        return "-".join(f"{x:02X}" for x in b)
    return ".".join(f"{b[i]:02x}{b[i + 1]:02x}" for i in (0, 2, 4))


def uuid(r: Random) -> str:
    """A UUID: dashed lower (libuuid), upper in braces (Windows GUID) or systemd's 32-hex id128."""
    h = hv._hex(r, 32)
    dashed = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return r.choice((dashed, dashed, h, "{" + dashed.upper() + "}"))


def duration(r: Random) -> str:
    """A duration as Go's `Duration.String`, systemd's `format_timespan` or `%.3fs` print it."""
    s = r.expovariate(1 / 90)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    go = (f"{int(h)}h" if h else "") + (f"{int(m)}m" if h or m else "") + f"{sec:.3f}".rstrip("0").rstrip(".") + "s"
    small = r.choice((f"{r.randint(1, 999)}ms", f"{r.uniform(1, 999):.1f}\u00b5s", f"{r.randint(1, 999)}ms"))
    sd = (f"{int(m)}min " if m else "") + f"{sec:.1f}s" if s < 3600 else f"{int(h)}h {int(m)}min"
    return r.choice((go, small, sd, f"{s:.3f}s", "0s" if r.random() < 0.1 else go))


def size(r: Random) -> str:
    """A size whose unit follows its magnitude (coreutils -h `1.5M`, systemd `1.5M`/`512B`, `12.0 MiB`)."""
    n = r.paretovariate(0.5) * 300
    units = ("B", "K", "M", "G", "T")
    i = 0
    while n >= 1024 and i < len(units) - 1:
        n /= 1024
        i += 1
    iec = ("B", "KiB", "MiB", "GiB", "TiB")[i]
    return r.choice((f"{n:.1f}{units[i]}" if i else f"{int(n)}B", f"{n:.1f} {iec}", f"{int(n)}{units[i]}"))


def kvlist(r: Random) -> str:
    """A key=value list of 1-6 pairs (logfmt; audit; systemd), keys drawn per line so the count varies."""
    keys = r.sample(KEYS, r.randint(1, 6))
    return " ".join(f"{k}={r.choice((str(r.randint(0, 70000)), hv._word(r), hv._hex(r, 8), '', hv._path(r)))}"
                    for k in keys)


def java_class(r: Random) -> str:
    """A Java class or object identity: dotted or internal `/` name, `$Inner`, `@hash` (Object.toString)."""
    name = f"{r.choice(JAVA_PKGS)}.{r.choice(JAVA_CLASSES)}"
    if r.random() < 0.3:
        name += r.choice(("$Node", "$1", "$Builder", "$$Lambda$" + str(r.randint(10, 900))))
    if r.random() < 0.25:
        name = name.replace(".", "/")
    if r.random() < 0.2:
        name += f"@{r.randint(1, 2**31 - 1):x}"
    return name


def java_thread(r: Random) -> str:
    return r.choice((r.choice(JVM_THREADS), f"pool-{r.randint(1, 9)}-thread-{r.randint(1, 64)}",
                     f"Thread-{r.randint(0, 300)}", f"ForkJoinPool.commonPool-worker-{r.randint(1, 15)}",
                     f"http-nio-8080-exec-{r.randint(1, 200)}"))


def unit(r: Random) -> str:
    """A systemd unit name (systemd.unit(5)): `stem.type`, templated `stem@inst.type`, session scopes."""
    return r.choice((f"{r.choice(UNIT_STEMS)}.{r.choice(UNIT_TYPES)}",
                     f"{r.choice(('getty', 'user', 'container', 'openvpn'))}@{r.choice(('tty1', '1000', hv._word(r)))}.service",
                     f"session-{r.randint(1, 400)}.scope", f"user-{r.choice((0, 1000, 1001))}.slice",
                     f"dev-{r.choice(('sda', 'nvme0n1p', 'vdb'))}{r.randint(1, 4)}.device",
                     f"run-{hv._hex(r, 32)[:r.choice((8, 32))]}.mount"))


def ssh_fp(r: Random) -> str:
    raw = bytes(r.randrange(256) for _ in range(32))
    return "SHA256:" + base64.b64encode(raw).decode().rstrip("=")


def errno_name(r: Random) -> str:
    return r.choice(ERRNO_NAMES)


def neg_errno(r: Random) -> int:
    return -r.choice(ERRNO_NUMBERS)


def ifname(r: Random) -> str:
    return r.choice(IFACES)


def device(r: Random) -> str:
    return r.choice((f"/dev/{r.choice(('sda', 'sdb', 'vda', 'nvme0n1p'))}{r.randint(1, 9)}", f"hw:{r.randint(0, 3)},0",
                     f"card{r.randint(0, 3)}", f"/dev/input/event{r.randint(0, 30)}", f"tty{r.randint(1, 12)}",
                     ifname(r), f"{r.randint(0, 255):02x}:{r.randint(0, 31):02x}.{r.randint(0, 7)}"))


STR_KINDS: dict[str, Callable[[Random], str]] = {
    "mac": mac, "uuid": uuid, "duration": duration, "size": size, "kvlist": kvlist, "java_class": java_class,
    "java_thread": java_thread, "unit": unit, "ifname": ifname, "device": device, "errno_name": errno_name,
    "signame": lambda r: r.choice(SIGNAMES), "signal": lambda r: r.choice(("SIG" + r.choice(SIGNAMES),) + cv.SIGNALS),
    "ssh_alg": lambda r: r.choice(SSH_ALGS), "ssh_fp": ssh_fp, "dbus": cv.STR_KINDS["dbus"],
}
# (pattern on the last words before a string conversion, kind): tried before bench/blind_c_values.py's rules
STR_RULES: tuple[tuple[str, str], ...] = (
    (r"(?:mac|hwaddr|ether|lladdr|hardware address|bssid|mac address)$", "mac"),
    (r"(?:uuid|guid|boot id|machine id|invocation id|id128|partition uuid|uuid=)$", "uuid"),
    (r"(?:timeout|took|after|elapsed|delay|interval|every|within|waited|timed out after)$", "duration"),
    (r"(?:signal|sig)$", "signal"),
    (r"(?:unit|units|job|scope|slice)$", "unit"),
    (r"(?:interface|link|iface|dev|netdev|ifname)$", "ifname"),
    (r"(?:device|card|pcm|ctl|hwdep|rawmidi|seq)$", "device"),
    (r"(?:options|params|parameters|attributes|properties|fields|environment|labels)$", "kvlist"),
    (r"(?:class|klass|superclass|superinterface|interface class|class loader|loader|holder)$", "java_class"),
    (r"(?:thread|threads)$", "java_thread"),
    (r"(?:algorithm|kex|cipher|mac algorithm|hostkey|key type|host key algorithm|compression|signature)$",
     "ssh_alg"),
    (r"(?:fingerprint|key fp|fp)$", "ssh_fp"),
    (r"(?:service name|sender|destination|bus name|unique name|well-known name)$", "dbus"),
    (r"(?:errno|err|error name)$", "errno_name"),
)
INT_RULES: tuple[tuple[str, str], ...] = (
    (r"(?:uid|gid|user id|group id)=?$", "uid"),
    (r"(?:page|pgno|root|rootpage)=?$", "page"),
)
# words that name a systemd unit only in systemd's own messages (elsewhere a service is a D-Bus or network name)
SYSTEMD_UNIT = re.compile(r"(?:^|\s)(?:service|socket|mount|timer|target|automount|swap|path)$")
# the marker bench/blind_elf_logs.py puts on a number and the `%s` glued to it: `%lu%s` is HotSpot's
# `byte_size_in_proper_unit(n), proper_unit_for_byte_size(n)` (a magnitude 0-1023 and its unit letter)
UNIT_PAIR = "\x00unit"
# a signed return printed as `r=%d` / `ret=%d` / `errno=%d`: kernel and systemd style negative errno (S22)
NEG_ERRNO = re.compile(r"(?:^|[\s(,\[])(?:r|ret|rc|err|errno|error)=$")


def _words(text: str, n: int) -> str:
    return " ".join(re.findall(r"[A-Za-z][A-Za-z_-]*=?", text)[-n:]).lower()


def kind_of(c: Conv, lead: str) -> str | None:
    """The ELF-specific kind of conversion `c`, or None to fall back on bench/blind_c_values.py's rules."""
    if c.after.startswith("%"):
        return "percent"
    if c.after == UNIT_PAIR:
        return "magnitude"
    if c.before == UNIT_PAIR:
        return "size_unit"
    if c.conv in "xX" and c.width == "2":
        return "byte"  # `%02x` chained by `:` or nothing: one byte of a MAC, an id128, a hash
    if c.conv in "diu":
        if NEG_ERRNO.search(c.before):
            return "neg_errno"
        if c.before == "(" and c.after.startswith(")"):
            return "rescode"  # `(%d) message`: a result code opening the line (Android's sqlite3_log callback)
        words = _words(c.before, 1)
        return next((kind for pattern, kind in INT_RULES if words and re.search(r"(?:^|\s)" + pattern, words)), None)
    if c.conv != "s":
        return None
    if not c.before.strip() and c.after.startswith(":"):
        return lead
    if c.before.endswith("SIG"):
        return "signame"
    if lead == "unit" and SYSTEMD_UNIT.search(_words(c.before, 1)):
        return "unit"
    for n in (2, 1):
        words = _words(c.before, n)
        for pattern, kind in STR_RULES:
            if words and re.search(r"(?:^|\s)" + pattern, words):
                return kind
    return None


def draw(c: Conv, r: Random, lead: str = "path") -> str:
    """One printed value of conversion `c`; `lead` is the kind of a `%s` that opens the message."""
    kind = kind_of(c, lead)
    width = "" if c.width in (None, "*") else c.width
    flags = c.flags.replace("'", "")
    if kind is None or (kind == "path" and lead == "path"):
        return cv.draw(c, r)
    if kind == "percent":
        value: float = r.choice((r.uniform(0, 100), float(r.randint(0, 100)), r.uniform(90, 100)))
        if c.conv in "diu":
            return f"%{flags}{width}d" % int(value)
        prec = "" if c.prec in (None, "*") else "." + c.prec
        return f"%{flags}{width}{prec}f" % value if c.conv in "fFeEgG" else cv.draw(c, r)
    if kind == "byte":
        return f"%{flags}{width}{c.conv}" % r.randint(0, 255)
    if kind == "size_unit":
        return r.choice(("B", "K", "M", "M", "G"))
    if kind in ("neg_errno", "uid", "page", "rescode", "magnitude"):
        number = {"neg_errno": neg_errno, "rescode": lambda r: r.choice(RESULT_CODES), "uid": lambda r: r.choice((0, 0, 1000, 1001, 65534, r.randint(100, 999),
                                                                     r.randint(100000, 200000))),
                  "page": lambda r: int(r.paretovariate(0.4) * 3),
                  "magnitude": lambda r: r.choice((r.randint(1, 1023), 2 ** r.randint(0, 9), 4, 8, 16, 64, 512))}[kind](r)
        return f"%{flags}{width}d" % number
    text = STR_KINDS[kind](r)
    if c.prec not in (None, "*"):
        text = text[: int(c.prec)]
    return f"%{flags.replace('0', '')}{width}s" % text
