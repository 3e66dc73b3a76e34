"""Generated log headers of each documented grammar (GROUPING_CLASSES.md section H), seeded.

Each family draws every field afresh per line (time, host, program, pid present or not, fraction
on the seconds or not, space-padded day, thread names with brackets and colons, logger, level), so
a cutter tuned on one instance does not pass. `header(family, rng)` returns the text printed before
the message; `wrap(family, rng, message)` the whole line (a trailing layer too, where the grammar
has one).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


def _word(rng: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(lo, hi)))


def _host(rng: random.Random) -> str:
    return rng.choice([_word(rng), f"{_word(rng)}-{rng.randint(1, 99)}", f"{_word(rng)}.{_word(rng)}.com",
                       f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"])


def _iso(rng: random.Random, sep: str = "T", frac: str = ".", zone: bool = True) -> str:
    t = (f"{rng.randint(1990, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}{sep}"
         f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}")
    if frac and rng.random() < 0.7:
        t += frac + "".join(rng.choice(string.digits) for _ in range(rng.choice([3, 6, 9] if frac == "." else [3])))
    if zone and rng.random() < 0.6:
        t += rng.choice(["Z", f"+{rng.randint(0, 12):02d}:00", f"-{rng.randint(0, 12):02d}00"])
    return t


def _bsd(rng: random.Random, frac: bool = False) -> str:
    t = f"{rng.choice(MONTHS)} {rng.randint(1, 28):2d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return t + (f".{rng.randint(0, 999999):06d}" if frac else "")


def _tag(rng: random.Random) -> str:
    prog = rng.choice([_word(rng), f"{_word(rng)}-{_word(rng)}", f"{_word(rng)}.{_word(rng)}", f"{_word(rng)}d"])
    return rng.choice([prog, f"{prog}[{rng.randint(1, 99999)}]", f"{prog}(pam_{_word(rng)})[{rng.randint(1, 99999)}]"])


def _thread(rng: random.Random) -> str:
    return rng.choice([f"[{_word(rng)}]", f"[{_word(rng)}-{rng.randint(1, 50)}]",
                       f"[{_word(rng).title()}[myid={rng.randint(1, 9)}]/0:0:0:0:0:0:0:0:{rng.randint(1000, 9999)}"
                       f":{_word(rng).title()}{_word(rng).title()}@{rng.randint(10, 999)}]",
                       f"[pool-{rng.randint(1, 9)}-thread-{rng.randint(1, 99)} {_word(rng)}]"])


def _logger(rng: random.Random) -> str:
    return ".".join([_word(rng, 2, 6) for _ in range(rng.randint(1, 4))] + [_word(rng).title() + _word(rng).title()])


def _jlevel(rng: random.Random) -> str:
    return rng.choice(["INFO", "WARN", "ERROR", "DEBUG", "FATAL", "TRACE"])


def _syslog(rng: random.Random) -> str:  # H1 RFC 3164 (rsyslog file, journalctl -o short[-precise])
    pri = f"<{rng.randint(0, 191)}>" if rng.random() < 0.3 else ""
    return f"{pri}{_bsd(rng, rng.random() < 0.3)} {_host(rng)} {_tag(rng)}: "


def _journald_iso(rng: random.Random) -> str:  # H3 journalctl -o short-iso
    return f"{_iso(rng, 'T', '.', True)} {_host(rng)} {_tag(rng)}: "


def _rfc5424(rng: random.Random) -> str:  # H2
    def nil(v: str) -> str:
        return "-" if rng.random() < 0.3 else v
    sd = rng.choice(["-", f'[exampleSDID@32473 iut="{rng.randint(1, 9)}" eventSource="{_word(rng)}"]',
                     f'[origin ip="10.0.0.{rng.randint(1, 254)}"][meta x="a\\]b\\"c"]'])
    frame = f"{rng.randint(10, 9999)} " if rng.random() < 0.3 else ""  # RFC 6587 octet counting
    return (f"{frame}<{rng.randint(0, 191)}>1 {nil(_iso(rng, 'T', '.', True))} {nil(_host(rng))} {nil(_word(rng))} "
            f"{nil(str(rng.randint(1, 99999)))} {nil('ID' + str(rng.randint(1, 99)))} {sd} "
            + ("\ufeff" if rng.random() < 0.2 else ""))


def _postgres(rng: random.Random) -> str:  # H4 log_line_prefix variants, then `LEVEL:  `
    pid = rng.randint(1, 99999)
    prefix = rng.choice([
        f"{_iso(rng, ' ', '', False)}.{rng.randint(0, 999):03d} {rng.choice(['UTC', 'CET', 'PST'])} [{pid}] ",
        f"{_iso(rng, ' ', '', False)} {rng.choice(['UTC', 'EST'])} [{pid}]: [{rng.randint(1, 99)}-1] "
        f"user={_word(rng)},db={_word(rng)},app={_word(rng)},client=10.0.0.{rng.randint(1, 254)} ",
        f"[{pid}] ",
        ""])
    return prefix + rng.choice(["ERROR", "LOG", "FATAL", "WARNING", "PANIC", "NOTICE"]) + ":  "


def _log4j(rng: random.Random) -> str:  # H5 PatternLayout / logback defaults, level padded %-5p
    lvl = _jlevel(rng)
    pad = lvl + " " * (5 - len(lvl)) if rng.random() < 0.5 else lvl
    return rng.choice([
        f"{_iso(rng, ' ', ',', False)} {pad} {_thread(rng)} {_logger(rng)}: ",          # Hadoop
        f"{_iso(rng, ' ', ',', False)} - {pad} {_thread(rng)} - ",                      # Zookeeper
        f"{rng.randint(10, 30)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d} "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} {pad} {_logger(rng)}: ",  # Spark
        f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d} "
        f"{rng.randint(0, 235959):06d} {rng.randint(1, 9999)} {pad} {_logger(rng)}: ",  # HDFS
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d} "
        f"{_thread(rng)} {pad} {_logger(rng)} - ",                                      # logback default
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d} "
        f"{_thread(rng)} {pad} {_logger(rng)} -- ",                     # logback >= 1.3 `-%kvp- ` with no pairs
        f"{_iso(rng, ' ', ',', False)} {pad} [{_logger(rng)}] ({rng.choice(['main', 'Controller Boot Thread', 'default task-' + str(rng.randint(1, 99)), 'MSC service thread 1-' + str(rng.randint(1, 8)), 'ServerService Thread Pool -- ' + str(rng.randint(1, 99))])}) ",  # JBoss LogManager
    ])


def _klog(rng: random.Random) -> str:
    year = str(rng.randint(2000, 2030)) if rng.random() < 0.3 else ""  # glog >= 0.7
    return (f"{rng.choice('IWEF')}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d} "
            f"{' ' * rng.randint(1, 6)}{rng.randint(1, 99999)} {_word(rng)}.go:{rng.randint(1, 999)}] ")


def _logcat(rng: random.Random) -> str:
    t = f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}"
    tag = rng.choice([_word(rng).title() + _word(rng).title(), _word(rng), f"{_word(rng)}_{_word(rng)}"])
    lvl = rng.choice("VDIWEF")
    return rng.choice([f"{t} {rng.randint(1, 9999):5d} {rng.randint(1, 9999):5d} {lvl} {tag}: ",
                       f"{t} {rng.choice(['root', 'system', 'u0_a' + str(rng.randint(1, 300))]):>5} "
                       f"{rng.randint(1, 9999):5d} {rng.randint(1, 9999):5d} {lvl} {tag:<8}: ",
                       f"{rng.randint(10**9, 2 * 10**9)}.{rng.randint(0, 999):03d} {rng.randint(1, 9999):5d} "
                       f"{rng.randint(1, 9999):5d} {lvl} {tag}: ", f"{lvl}/{tag}: ",
                       f"{lvl}/{tag}({rng.randint(1, 9999):5d}): ", f"{t} {lvl}/{tag}({rng.randint(1, 9999):5d}): "])


def _glib(rng: random.Random) -> str:  # H6
    lvl = rng.choice(["WARNING", "CRITICAL", "ERROR", "Message", "DEBUG"])
    dom = rng.choice(["GLib", "GLib-GIO", "Gtk", _word(rng).title()])
    t = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}: "
    return rng.choice([f"({_word(rng)}:{rng.randint(1, 99999)}): {dom}-{lvl} **: {t}",
                       f"** ({_word(rng)}:{rng.randint(1, 99999)}): {lvl} **: {t}"])


def _apache(rng: random.Random) -> str:  # H8 ErrorLog 2.2 / 2.4
    t = (f"{rng.choice(DAYS)} {rng.choice(MONTHS)} {rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
         f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}")
    lvl = rng.choice(["error", "notice", "warn", "crit"])
    return rng.choice([f"[{t} {rng.randint(2000, 2030)}] [{lvl}] ",
                       f"[{t}.{rng.randint(0, 999999):06d} {rng.randint(2000, 2030)}] [{_word(rng)}:{lvl}] "
                       f"[pid {rng.randint(1, 99999)}:tid {rng.randint(1, 2**40)}] "
                       + (f"[client 10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.randint(1, 65535)}] "
                          if rng.random() < 0.5 else "")])


def _nginx(rng: random.Random) -> str:
    return (f"{rng.randint(2000, 2030)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} [{rng.choice(['error', 'warn', 'crit'])}] "
            f"{rng.randint(1, 99999)}#{rng.randint(0, 99)}: " + (f"*{rng.randint(1, 10**6)} " if rng.random() < 0.5 else ""))


def _bgl(rng: random.Random) -> str:  # H8 Sandia/LANL prefix carrying a BGL RAS record or syslog
    node = f"R{rng.randint(0, 77):02d}-M{rng.randint(0, 1)}-N{rng.randint(0, 15)}-C:J{rng.randint(2, 17):02d}-U{rng.randint(0, 11):02d}"
    head = f"{rng.choice(['-', 'KERNDTLB', 'APPREAD'])} {rng.randint(10**9, 2 * 10**9)} {rng.randint(2004, 2006)}.{rng.randint(1, 12):02d}.{rng.randint(1, 28):02d} "
    ras = (f"{rng.randint(2004, 2006)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}-{rng.randint(0, 23):02d}."
           f"{rng.randint(0, 59):02d}.{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d} {node} RAS "
           f"{rng.choice(['KERNEL', 'APP', 'MMCS', 'DISCOVERY'])} {rng.choice(['INFO', 'FATAL', 'SEVERE', 'WARNING'])} ")
    host = _word(rng) + str(rng.randint(1, 999))
    return rng.choice([head + node + " " + ras, head + f"{host} " + f"{_bsd(rng)} {host}/{host} {_tag(rng)}: "])


def _spring(rng: random.Random) -> str:  # GROUPING_CLASSES2 H13: Spring Boot's default, log4j 1.x TTCC (H12)
    lvl = rng.choice(["INFO", "WARN", "ERROR", "DEBUG"])
    thread = rng.choice(["main", f"nio-8080-exec-{rng.randint(1, 99)}", f"pool-{rng.randint(1, 9)}-thread-{rng.randint(1, 9)}"])
    logger = rng.choice([_logger(rng), "o.s.b." + _word(rng).title() + _word(rng).title()])
    app = f"[{_word(rng)}] " if rng.random() < 0.5 else ""
    return rng.choice([
        f"{_iso(rng, 'T', '.', True)} {lvl:>5} {rng.randint(1, 99999)} --- {app}[{thread:>15.15}] {logger:<40.40} : ",
        f"{rng.randint(0, 10**7)} [{thread}] {lvl:<5} {logger}  - ",
    ])


def _golog(rng: random.Random) -> str:  # H15 Go log / slog default handler
    t = (f"{rng.randint(2000, 2030)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
         f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}" + (f".{rng.randint(0, 999999):06d}" if rng.random() < 0.5 else ""))
    return t + " " + rng.choice(["", f"{_word(rng)}.go:{rng.randint(1, 999)}: ", rng.choice(["INFO ", "ERROR ", "WARN "])])


def _cri(rng: random.Random) -> str:  # H22, carrying klog or nothing
    t = _iso(rng, "T", "", False) + "." + str(rng.randint(0, 10**9 - 1)).rstrip("0") + "Z"
    return f"{t} {rng.choice(['stdout', 'stderr'])} F " + (_klog(rng) if rng.random() < 0.5 else "")


def _cbs(rng: random.Random) -> str:  # H17 Windows servicing log
    lvl = rng.choice(["Info", "Warning", "Error", "Perf"])
    comp = rng.choice(["CBS", "CSI", "DISM", "DPX"])
    return f"{_iso(rng, ' ', '', False)}, {lvl:<22}{comp:<7}"


def _kernel(rng: random.Random) -> str:  # H21 journald short-monotonic / short-unix, dmesg's stamp
    stamp = f"[{rng.randint(0, 99999):>5}.{rng.randint(0, 999999):06d}]"
    return rng.choice([f"{stamp} {_host(rng)} {_tag(rng)}: ", f"{rng.randint(10**9, 2 * 10**9)}.{rng.randint(0, 999999):06d} "
                       f"{_host(rng)} {_tag(rng)}: ", f"{stamp} "])


def _oslo(rng: random.Random) -> str:  # OpenStack oslo.log context / default format strings
    ctx = rng.choice(["-", f"req-{rng.getrandbits(128):032x} {rng.getrandbits(64):016x} {_word(rng)} - - -"])
    return (f"{_iso(rng, ' ', '', False)}.{rng.randint(0, 999):03d} {rng.randint(1, 99999)} "
            f"{rng.choice(['INFO', 'WARNING', 'ERROR', 'DEBUG'])} {_logger(rng).lower()} [{ctx}] ")


def _jvm(rng: random.Random) -> str:  # GROUPING_CLASSES2 H25: HotSpot -Xlog decorators
    deco = [f"[{rng.randint(0, 9999)}.{rng.randint(0, 999):03d}s]"]
    if rng.random() < 0.4:
        deco.insert(0, f"[{_iso(rng, 'T', '.', True)}]")
    lvl = rng.choice(["info", "warning", "debug", "error"])
    deco.append(f"[{lvl:<{rng.choice([len(lvl), 7])}}]")
    deco.append(f"[{','.join(rng.sample(['gc', 'heap', 'exit', 'cpu', 'start', 'safepoint'], rng.randint(1, 3)))}]")
    return "".join(deco) + " "


def _curl(rng: random.Random) -> str:  # H26 curl --trace-time
    return (f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d} "
            + rng.choice(["* ", "== Info: "]))


def _relayed(rng: random.Random) -> str:  # H24: a relay re-stamped the line with its own time and host
    return f"{_bsd(rng)} {_host(rng)} {_bsd(rng)} {_host(rng)} {_tag(rng)}: "


def _carrier(rng: random.Random) -> str:  # H9: postgres under syslog, log4j under journald
    outer = rng.choice([_syslog, _journald_iso])(rng)
    return outer + rng.choice([_postgres, _log4j, _klog])(rng)


def _jetty(rng: random.Random) -> str:
    """Jetty's own loggers (GROUPING_CLASSES3 H32's neighbours): 9.x `StdErrLog` (`yyyy-MM-dd HH:mm:ss.SSS`
    glued to `:LEVEL:` with `DBUG` for debug, the abbreviated logger `oejs.Server`, the thread name, `: `)
    and 10+ `StdErrAppender` (the level padded to 5 before its colon: `:INFO :`); thread names of the
    pool, its acceptors (blanks, `@`, braces and colons inside) and the scheduler."""
    t = _iso(rng, " ", "", False) + f".{rng.randint(0, 999):03d}"
    lvl = rng.choice(["INFO", "WARN", "DBUG"]) if rng.random() < 0.5 else rng.choice(["INFO ", "WARN ", "DEBUG", "ERROR"])
    logger = rng.choice(["oejs.Server", "oejsh.ContextHandler", "oejus.SslContextFactory", "org.eclipse.jetty.server.Server",
                         f"{_word(rng, 1, 2)}.{_word(rng).title()}"])
    thread = rng.choice(["main", f"qtp{rng.randint(10**5, 10**9)}-{rng.randint(1, 99)}", f"Scheduler-{rng.randint(1, 10**9)}",
                         f"qtp{rng.randint(10**5, 10**9)}-{rng.randint(1, 99)}-acceptor-0@{rng.randint(0, 2**31):x}-"
                         f"ServerConnector@{rng.randint(0, 2**31):x}{{HTTP/1.1, (http/1.1)}}{{0.0.0.0:{rng.randint(1, 65535)}}}"])
    return f"{t}:{lvl}:{logger}:{thread}: "


def _tomcat(rng: random.Random) -> str:
    """Tomcat's `OneLineFormatter` (Tomcat docs "Logging in Tomcat"; JULI): `dd-MMM-yyyy HH:mm:ss.SSS LEVEL
    [thread] class.method ` with java.util.logging's level names."""
    t = (f"{rng.randint(1, 28):02d}-{rng.choice(MONTHS)}-{rng.randint(2000, 2030)} {rng.randint(0, 23):02d}:"
         f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}")
    lvl = rng.choice(["SEVERE", "WARNING", "INFO", "CONFIG", "FINE"])
    thread = rng.choice(["main", f"http-nio-{rng.randint(1, 65535)}-exec-{rng.randint(1, 200)}", "localhost-startStop-1",
                         f"Catalina-utility-{rng.randint(1, 9)}"])
    where = f"{_logger(rng)}.{rng.choice(['start', 'init', 'startInternal', '<init>', 'lambda$0'])}"
    return f"{t} {lvl} [{thread}] {where} "


def _level_first(rng: random.Random) -> str:
    """Cassandra's logback.xml `%-5level [%thread] %date{ISO8601} %F:%L - ` (a logger `%c` in place of the file)."""
    lvl = rng.choice(["INFO", "WARN", "ERROR", "DEBUG", "TRACE"])
    thread = rng.choice(["main", f"CompactionExecutor:{rng.randint(1, 99)}", f"Native-Transport-Requests-{rng.randint(1, 99)}",
                         "GossipStage:1", f"ScheduledTasks:{rng.randint(1, 9)}"])
    where = rng.choice([f"{_word(rng).title()}{_word(rng).title()}.java:{rng.randint(1, 2000)}", _logger(rng)])
    return f"{lvl:<5} [{thread}] {_iso(rng, ' ', ',', False)} {where} - "


FAMILIES: dict[str, Callable[[random.Random], str]] = {
    "syslog": _syslog, "journald_iso": _journald_iso, "rfc5424": _rfc5424, "postgres": _postgres,
    "log4j": _log4j, "klog": _klog, "logcat": _logcat, "glib": _glib, "apache": _apache, "nginx": _nginx,
    "bgl": _bgl, "carrier": _carrier, "spring": _spring, "golog": _golog, "cri": _cri, "cbs": _cbs,
    "kernel": _kernel, "oslo": _oslo, "jvm": _jvm, "curl": _curl, "relayed": _relayed, "jetty": _jetty,
    "tomcat": _tomcat, "level_first": _level_first,
}
