"""Generated events of every message/identity form class round 18 changed (stdlib only: it also runs under the
code of 47e85b8a, PYTHONPATH on an extracted `git archive`, to write a store as the old code did).

Each event is a dict: cls, logger, level, message, and optionally exception_type (an exception line without
frames: grouped by its type and message template). Values are drawn per seed: words, numbers, paths, dotted
names, several printers / vendors per class.
"""

from __future__ import annotations

import random
import string

CLASSES = ("jvm_frame", "v8_frame", "py_frame", "sysprop", "command", "announced_list", "bracketed", "key_subject",
           "exc_noframes", "plain")


def _w(r: random.Random, lo: int = 3, hi: int = 8) -> str:
    # letters only, no failure stem (err/fail/denied...: those read as verdicts in command lines by design)
    while True:
        w = "".join(r.choice("abcdhklmnoprstuvwyz") for _ in range(r.randint(lo, hi)))
        if not any(s in w for s in ("err", "fail", "den", "kill", "abort", "crash", "ok", "done")):
            return w


def _cls(r: random.Random) -> str:
    return "".join(_w(r, 3, 6).capitalize() for _ in range(r.randint(1, 2)))


def _java_frame(r: random.Random) -> str:
    pkg = ".".join(_w(r, 2, 6) for _ in range(r.randint(2, 4)))
    c, m = _cls(r), _w(r)
    return r.choice([
        f"\tat {pkg}.{c}.{m}({c}.java:{r.randint(1, 900)})",
        f"\tat {pkg}.{c}.{m}(Native Method)",
        f"\tat {pkg}.{c}.{m}(Unknown Source)",
        f"\tat java.base/{pkg}.{c}.{m}({c}.java:{r.randint(1, 900)})",
        f"        at {pkg}.{c}$$Lambda${r.randint(1, 99)}/0x{r.randint(4096, 65535):x}.{m}(Unknown Source)",
        f"\tat {pkg}.{c}.{m}({c}.java:{r.randint(1, 900)}) ~[{_w(r)}-{r.randint(1, 9)}.{r.randint(0, 9)}.jar:na]",
    ])


def _v8_frame(r: random.Random) -> str:
    fn, f = f"{_cls(r)}.{_w(r)}", f"/app/{_w(r)}/{_w(r)}.js:{r.randint(1, 500)}:{r.randint(1, 80)}"
    return r.choice([f"    at {fn} ({f})", f"    at async {fn} ({f})", f"    at new {_cls(r)} ({f})", f"    at {f}",
                     f"    at Object.<anonymous> ({f})"])


def _py_frame(r: random.Random) -> str:
    return f'  File "/srv/{_w(r)}/{_w(r)}.py", line {r.randint(1, 900)}, in {_w(r)}_{_w(r)}'


def _prop(r: random.Random) -> str:
    return ".".join(_w(r, 2, 7) for _ in range(r.randint(2, 4)))


def _pval(r: random.Random) -> str:
    return r.choice([_w(r), "true", "false", _w(r).upper(), f"{_w(r)}.{_w(r)}", f"/{_w(r)}/{_w(r)}",
                     str(r.randint(1, 9999))])


def _sysprop(r: random.Random, names: list[str]) -> tuple[str, str]:
    name = r.choice(names)
    return r.choice([
        ("io.netty.util.internal.SystemPropertyUtil", f"-D{name}: {_pval(r)}"),
        ("launcher", f"starting worker with -D{name}={_pval(r)} -Xmx{r.randint(1, 8)}g"),
        ("launcher", f"JAVA_OPTS=-D{name}={_pval(r)}"),
    ])


PROGRAMS = ("git", "pip", "gcc", "make", "/usr/bin/env", "./configure", "hg", "svn", "pg_ctl")


def _args(r: random.Random) -> str:
    return " ".join(r.choice([f"-{r.choice(string.ascii_lowercase)}", f"--{_w(r)}", f"/{_w(r)}/{_w(r)}",
                              f"'{_w(r)} {_w(r)}'"]) for _ in range(r.randint(1, 4)))


def _command(r: random.Random) -> str:
    return r.choice([
        f"Running command {r.choice(PROGRAMS)} {_args(r)}",
        f"Error {r.randint(1, 255)} while executing command {r.choice(PROGRAMS)} {_args(r)}",
        f"Command {r.choice(PROGRAMS)} {_args(r)} not found in commands",
        f"failed to exec {r.choice(PROGRAMS)} {_args(r)}: no such file or directory",
    ])


def _announced_list(r: random.Random) -> str:
    items = ", ".join(_w(r) for _ in range(r.randint(2, 5)))
    return r.choice([
        f"argument --{_w(r)}: invalid choice: '{_w(r)}' (choose from {items})",
        f"error in {_w(r)} setup command: must be one of {items}",
        f"WatchFiles detected changes in {items}. Reloading...",
    ])


def _bracketed(r: random.Random) -> str:
    item = r.choice([f"worker-{r.randint(1, 40)}", _w(r), f"{_w(r)}-{_w(r)}", f"pool-{r.randint(1, 9)}-thread-{r.randint(1, 9)}"])
    return r.choice([f"[{item}] started", f"[{item}] stopped", f"({item}) started"])


def _key_subject(r: random.Random) -> str:
    return r.choice([f"UserName: {_w(r)} logged in from the console", f"TaskOwner: {_w(r)} has no quota left today",
                     f"ResourceName: {_w(r)} was not found in the index"])


def events(seed: int, per_class: int) -> list[dict[str, str]]:
    """`per_class` events of every class of CLASSES, in a seeded shuffled order."""
    r = random.Random(seed)
    props = [_prop(r) for _ in range(3)]
    out: list[dict[str, str]] = []
    for _ in range(per_class):
        out.append({"cls": "jvm_frame", "logger": "jvm", "level": "ERROR", "message": _java_frame(r)})
        out.append({"cls": "v8_frame", "logger": "node", "level": "ERROR", "message": _v8_frame(r)})
        out.append({"cls": "py_frame", "logger": "py", "level": "ERROR", "message": _py_frame(r)})
        logger, msg = _sysprop(r, props)
        out.append({"cls": "sysprop", "logger": logger, "level": "WARNING", "message": msg})
        out.append({"cls": "command", "logger": "pip._internal", "level": "ERROR", "message": _command(r)})
        out.append({"cls": "announced_list", "logger": "cli", "level": "ERROR", "message": _announced_list(r)})
        out.append({"cls": "bracketed", "logger": "pool", "level": "ERROR", "message": _bracketed(r)})
        out.append({"cls": "key_subject", "logger": "auth", "level": "ERROR", "message": _key_subject(r)})
        out.append({"cls": "exc_noframes", "logger": "runner", "level": "ERROR", "exception_type": "RuntimeError",
                    "message": f"command {r.choice(PROGRAMS)} {_args(r)} exited with status {r.randint(1, 9)}"})
        out.append({"cls": "plain", "logger": "gw", "level": "ERROR",
                    "message": f"upstream {_w(r)}-{r.randint(1, 99)} timed out after {r.randint(1, 900)} ms"})
    r.shuffle(out)
    return out
