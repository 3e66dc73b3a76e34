"""GA per class of bench/GROUPING_CLASSES.md (S: slot values, T: twins that must stay apart), generated.

Each corpus is built for ONE slot class: `--families` format strings of constant words (the words of the
stdlib's own docstrings, so neither the shared datasets nor any program's catalog), each with slots of that
class at random positions, filled from a pool of one, a few, many or fresh values (GROUPING_CLASSES.md F),
plus for most families a TWIN format string (T1 one constant word differs, T2 another verb form, T3 a
negation inserted, T4 a plural, T5 a constant suffix appended) whose slots hold the same class. The truth
of a line is its format string; line counts are Zipf-like and the lines interleaved (seeded). GA (as
bench/grouping.py) ours vs Drain3 (default config) in the same run, mean over seeds; `twins` is the share
of twin pairs whose lines share no group (ours). The classes' spelling follows GROUPING_CLASSES.md S1-S15;
the values come from the interpreter (pwd, stdlib module and enum names, os.strerror) or are drawn by form.

    PYTHONPATH=TREE .venv/bin/python bench/grouping_classes.py [--seeds 1,2,3,4,5] [--classes S1_lower,...]

Run with PYTHONPATH at two trees for before/after (the script's own bench/ is used for GA and Drain3).
Written in round 9 AFTER the round's first two grouping changes; not used to choose them.
"""

from __future__ import annotations

import argparse
import builtins
import errno
import logging
import os
import pwd
import random
import re
import signal
import socket
import string
import sys
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grouping import drain3, grouping_accuracy, ours  # noqa: E402


def _vocabulary() -> list[str]:
    """Lowercase words of the stdlib's docstrings (builtins and a few modules): the constant words."""
    import json
    import pathlib
    import shutil
    import subprocess
    import tarfile
    texts = [getattr(builtins, n).__doc__ or "" for n in dir(builtins)]
    for mod in (os, shutil, subprocess, socket, json, pathlib, tarfile, logging, argparse):
        texts += [mod.__doc__ or ""] + [getattr(getattr(mod, n), "__doc__", "") or "" for n in dir(mod)[:200]]
    words = {w for t in texts for w in re.findall(r"\b[a-z]{3,11}\b", t)}
    return sorted(words)


WORDS = _vocabulary()
VERB_FORMS = [w for w in WORDS if re.search("(?:ed|ing)$", w)]
NAMES = sorted({p.pw_name for p in pwd.getpwall() if p.pw_name.isalpha()} | {
    m for m in sys.stdlib_module_names if m.isalpha() and m.islower() and len(m) > 2})
ENUMS = sorted({m.name for m in socket.AddressFamily if m.name.replace("_", "").isalpha()}
               | {m.name for m in signal.Signals if m.name.isalpha()})
ERRNO_TEXTS = sorted({os.strerror(n) for n in range(1, 134)} - {f"Unknown error {n}" for n in range(200)})


def _letters(r: random.Random, lo: int, hi: int, alphabet: str = string.ascii_lowercase) -> str:
    return "".join(r.choice(alphabet) for _ in range(r.randint(lo, hi)))


def _quoted(quotes: str) -> Callable[[random.Random], str]:
    """A quoted phrase of 1-4 words in one quoting style (S4: ASCII, GNU `...', GLib's curly quotes)."""
    return lambda r: quotes.format(" ".join(r.choice(WORDS) for _ in range(r.randint(1, 4))))


# class -> the spellings of its values; a family (one call site) keeps one spelling, except that a
# minority of slots mix them (GROUPING_CLASSES.md F: "a minority of slots mix shapes")
Maker = Callable[[random.Random], str]
VALUES: dict[str, tuple[Maker, ...]] = {
    "S1_lower": (lambda r: r.choice(NAMES),),
    "S1_upper": (lambda r: r.choice(ENUMS),),
    "S1_letters_id": (lambda r: _letters(r, 5, 12, "bcdfghjklmnpqrstvwxz"),),
    "S2_first_id": (lambda r: _letters(r, 5, 10), lambda r: r.choice(NAMES), lambda r: f"{r.randint(0, 99999)}"),
    "S3_units": (lambda r: f"{r.randint(0, 9999)}ms", lambda r: f"{r.randint(0, 999)} ms",
                 lambda r: f"{r.randint(0, 99)}.{r.randint(0, 999):03d} ms", lambda r: f"{r.randint(1, 999)}kB",
                 lambda r: f"{r.randint(1, 99)}.{r.randint(0, 9)}\u00a0GiB", lambda r: f"{r.randint(0, 100)}%",
                 lambda r: f"{r.randint(0, 9)}h{r.randint(0, 59)}min{r.randint(0, 59)}s",
                 lambda r: f"({r.randint(0, 9)}/{r.randint(10, 99)})"),
    "S4_quoted": tuple(_quoted(q) for q in ('"{}"', "'{}'", "`{}'", "\u201c{}\u201d")),
    "S6_keyvalue": (lambda r: " ".join(f"{k}={r.choice(('', _letters(r, 3, 8), str(r.randint(0, 999))))}"
                                       for k in ("ruser", "rhost", "tty")),),
    "S9_hex": (lambda r: f"0x{r.getrandbits(32):08x}", lambda r: _letters(r, 7, 12, "abcdef"),
               lambda r: r.choice(("(nil)", f"0x{r.getrandbits(44):x}")), lambda r: f"{r.getrandbits(40):x}"),
    "S10_negative": (lambda r: f"{r.randint(-10**9, 10**9)}", lambda r: f"blk_{r.randint(-10**12, 10**12)}"),
    "S12_errno": (lambda r: r.choice(ERRNO_TEXTS),),
    "S13_glued": (lambda r: _letters(r, 3, 9),),
    "S15_fragment": (lambda r: r.choice(("", "not ", "(deleted)")),),
    # GROUPING_CLASSES2.md S16-S29 (round 10): binaries' value classes, each spelled by its source
    "S16_mac": (lambda r: ":".join(f"{r.getrandbits(8):02x}" for _ in range(6)),
                lambda r: "-".join(f"{r.getrandbits(8):02X}" for _ in range(6)),
                lambda r: ".".join(f"{r.getrandbits(16):04x}" for _ in range(3)),
                lambda r: ":".join(r.choice(("aa", "bb", "cc", "de", "ef", "fa")) for _ in range(6)),
                lambda r: ":".join(f"{r.randint(10, 99)}" for _ in range(6))),
    "S17_uuid": (lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)),
                 lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)).upper(),
                 lambda r: "{" + str(uuid.UUID(int=r.getrandbits(128), version=4)).upper() + "}",
                 lambda r: uuid.UUID(int=r.getrandbits(128), version=4).hex),
    "S18_fixed_hex": (lambda r: f"0x{r.getrandbits(32):08x}", lambda r: f"0x{r.getrandbits(64):016x}",
                      lambda r: f"{r.getrandbits(5):#x}", lambda r: f"{r.getrandbits(16):04x}:{r.getrandbits(16):04x}",
                      lambda r: _letters(r, 2, 4, "abcdef"), lambda r: f"0x{r.getrandbits(32):08X}",
                      lambda r: r.choice(("(nil)", f"0x7ff{r.getrandbits(36):09x}"))),
    "S19_duration": (lambda r: _go_duration(r), lambda r: f"{r.randint(1, 59)}min {r.randint(0, 59)}.{r.randint(0, 9)}s",
                     lambda r: f"{r.randint(1, 9)}d {r.randint(1, 23)}h", lambda r: f"PT{r.randint(1, 59)}M{r.randint(0, 59)}S",
                     lambda r: f"{r.random() * 10:.3f}s", lambda r: f"{r.randint(0, 9999)}ms",
                     lambda r: f"{r.randint(0, 99)}.{r.randint(0, 999999):06d}s"),
    "S20_size": (lambda r: _human_size(r, ("", "K", "M", "G"), ""), lambda r: _human_size(r, ("B", "KiB", "MiB", "GiB"), " "),
                 lambda r: _human_size(r, ("B", "kB", "MB", "GB"), "\u00a0"), lambda r: f"{r.randint(0, 10**7)}kB",
                 lambda r: f"{r.randint(0, 10**9)} bytes"),
    "S21_percent": (lambda r: f"{r.randint(0, 100)}%", lambda r: f"{r.random() * 100:.1f}%",
                    lambda r: f"{r.randint(0, 100):3d}%", lambda r: f"{r.randint(0, 50)}/{r.randint(50, 99)}",
                    lambda r: f"({r.randint(0, 50)} of {r.randint(50, 99)})"),
    "S22_signal_errno": (lambda r: r.choice(SIGNALS), lambda r: r.choice(SIGNALS)[3:],
                         lambda r: f"signal {r.randint(1, 31)}", lambda r: r.choice(ERRNO_NAMES),
                         lambda r: f"-{r.randint(1, 133)}", lambda r: f"ret=-{r.randint(1, 133)}",
                         lambda r: f"errno={r.randint(1, 133)}"),
    "S23_kv_list": (lambda r: " ".join(f"{k}={_kv_value(r)}" for k in r.sample(KV_KEYS, r.randint(1, 5))),),
    # the two causes of S6/S23 apart: S6's fixed keys with every value set (no `k=`), S23's varying key
    # sets without empty values
    "S6_kv_set": (lambda r: " ".join(f"{k}={r.choice((_letters(r, 3, 8), str(r.randint(0, 999))))}"
                                     for k in ("ruser", "rhost", "tty")),),
    "S23_kv_set": (lambda r: " ".join(f"{k}={_kv_value(r) or _letters(r, 3, 8)}"
                                      for k in r.sample(KV_KEYS, r.randint(1, 5))),),
    "S24_java_ident": (lambda r: f"{r.choice(JAVA_CLASSES)}@{r.getrandbits(r.choice((16, 24, 32))):x}",
                       lambda r: f"{r.choice(JAVA_CLASSES)}$Inner@{r.getrandbits(28):x}",
                       lambda r: f"{r.choice(JAVA_CLASSES)}$$Lambda${r.randint(1, 99)}/0x0000000800{r.getrandbits(24):06x}@{r.getrandbits(28):x}",
                       lambda r: f"pool-{r.randint(1, 9)}-thread-{r.randint(1, 64)}",
                       lambda r: f"Thread[#{r.randint(1, 99)},{r.choice(('main', 'worker', 'reader'))}-{r.randint(0, 9)},5,main]"),
    "S25_collection": (lambda r: "[" + ", ".join(r.choice(WORDS) for _ in range(r.randint(0, 4))) + "]",
                       lambda r: "{" + ", ".join(f"{r.choice(WORDS)}={r.randint(0, 99)}" for _ in range(r.randint(0, 3))) + "}",
                       lambda r: f"Optional[{r.choice(WORDS)}]",
                       lambda r: repr({r.choice(WORDS): r.randint(0, 9) for _ in range(r.randint(1, 3))})),
    "S26_version": (lambda r: f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}",
                    lambda r: f"{r.randint(5, 10)}.{r.randint(0, 3)}.{r.randint(7000, 9999)}.{r.randint(10000, 30000)}",
                    lambda r: f"{r.randint(1, 3)}.{r.randint(0, 9)}.{r.randint(0, 9)}-{r.randint(1, 9)}ubuntu{r.randint(1, 9)}",
                    lambda r: f"v1.{r.randint(20, 30)}.{r.randint(0, 9)}+k3s{r.randint(1, 3)}",
                    lambda r: f"v{r.randint(1, 3)}.{r.randint(0, 9)}-{r.randint(1, 99)}-g{r.getrandbits(28):07x}"),
    "S27_device": (lambda r: f"{r.choice(('eth', 'tty', 'cpu', 'card', 'sda'))}{r.randint(0, 9)}",
                   lambda r: f"enp{r.randint(0, 9)}s{r.randint(0, 9)}", lambda r: f"nvme{r.randint(0, 3)}n1p{r.randint(1, 9)}",
                   lambda r: f"{r.choice(NAMES)}@{r.choice(NAMES)}.service", lambda r: f"session-{r.randint(1, 999)}.scope",
                   lambda r: f"user-{r.randint(1000, 1999)}.slice"),
    "S28_glued_counter": (lambda r: f"#{r.randint(1, 999)}", lambda r: f"{r.randint(4, 99)}th", lambda r: f"{r.randint(2, 99)}x",
                          lambda r: f"[{r.randint(1, 9)}/{r.randint(10, 99)}]", lambda r: f"{r.randint(1, 259)}:{r.randint(0, 99)}",
                          lambda r: f"uid={r.randint(0, 65535)}", lambda r: f"u{r.randint(0, 9)}_a{r.randint(0, 999)}",
                          lambda r: f"{r.choice(('worker', 'conn', 'slot'))}{r.randint(0, 99)}"),
    "S29_epoch": (lambda r: f"{r.randint(1_500_000_000, 1_800_000_000)}", lambda r: f"{r.randint(1_500_000_000_000, 1_800_000_000_000)}",
                  lambda r: f"{r.randint(1_500_000_000, 1_800_000_000)}.{r.randint(0, 999999):06d}",
                  lambda r: f"{r.randint(10**6, 10**12)}"),
}
SIGNALS = sorted(m.name for m in signal.Signals if m.name.startswith("SIG") and "_" not in m.name)
ERRNO_NAMES = sorted(errno.errorcode.values())
KV_KEYS = ["pid", "uid", "comm", "exe", "res", "op", "addr", "terminal", "ses", "subj", "dev", "ino"]
JAVA_CLASSES = ["java.util.HashMap", "org.apache.hadoop.ipc.Server", "com.example.Pool", "io.netty.Channel",
                "org.eclipse.jetty.Handler"]


def _kv_value(r: random.Random) -> str:
    """A logfmt value: a number, a bare word, a quoted phrase or empty (logfmt: `k=`)."""
    return r.choice((str(r.randint(0, 99999)), _letters(r, 3, 8), f'"{r.choice(WORDS)} {r.choice(WORDS)}"', ""))


def _go_duration(r: random.Random) -> str:
    """time.Duration.String(): units h, m, s (or ms/µs under a second), leading zero units dropped."""
    total = r.choice((r.randint(0, 999), r.randint(1000, 10**7)))  # ms
    if total < 1000:
        return r.choice((f"{total}ms", f"{r.randint(1, 999)}.{r.randint(1, 9)}\u00b5s", "0s"))
    h, rest = divmod(total // 1000, 3600)
    m, s = divmod(rest, 60)
    sec = f"{s}.{total % 1000:03d}".rstrip("0").rstrip(".") + "s"
    return (f"{h}h{m}m" if h else f"{m}m" if m else "") + sec


def _human_size(r: random.Random, units: tuple[str, ...], sep: str) -> str:
    """A size whose unit changes with its magnitude (coreutils human.c, systemd format_bytes)."""
    k = r.randrange(len(units))
    value = f"{r.randint(1, 1023)}" if k == 0 else f"{r.randint(1, 999)}.{r.randint(0, 9)}"
    return f"{value}{sep}{units[k]}"


TWINS = ("T1_word", "T2_verb", "T3_negation", "T4_plural", "T5_suffix")


def _family(r: random.Random, cls: str) -> list[str]:
    """A format string: constant words with `{}` slots placed as the class spells them."""
    n = r.randint(4, 10)
    words = [r.choice(WORDS) for _ in range(n)]
    if cls == "S2_first_id":
        words.insert(0, "{}:" if r.random() < 0.4 else "{}")
        return words
    if cls == "S13_glued":
        i = r.randint(1, n - 1)
        words[i] = r.choice(("{}" + words[i], words[i] + "_{}", words[i] + "={}", "{}:" + str(r.randint(1, 900)) + ":"))
        return words
    if cls == "S12_errno":
        words[-1] += ":"
        words.append("{}")
        return words
    for _ in range(r.choice((1, 1, 2))):
        words.insert(r.randint(2, len(words)), "{}")
    return words


def _twin(r: random.Random, words: list[str], kind: str) -> list[str] | None:
    fixed = [i for i, w in enumerate(words) if "{}" not in w]
    if not fixed:
        return None
    out = list(words)
    i = r.choice(fixed)
    if kind == "T1_word":
        out[i] = r.choice(WORDS)
    elif kind == "T2_verb":
        out[i] = r.choice(VERB_FORMS)
        words[i] = r.choice(VERB_FORMS)  # both are verbs in that frame
    elif kind == "T3_negation":
        out.insert(i, r.choice(("not", "cannot", "without", "no")))
    elif kind == "T4_plural":
        out[i] = out[i] + "s"
    elif kind == "T9_number":
        # GROUPING_CLASSES2 T9: a %s-free family member that differs in one literal number (`phase 1` /
        # `phase 2`): the number is part of each format string, so the twin's number is constant.
        n = r.randint(1, 9)
        words.insert(i, str(n))
        out.insert(i, str(n % 9 + 1))
    elif kind == "T12_longer":
        # T12: the same text with an added clause (the `, retrying in %s` variant of an error)
        out[-1] += ","
        out += [r.choice(WORDS), r.choice(WORDS), "{}"]
    else:
        out.append(r.choice(("[preauth]", "(usable)", "(reserved)", "again")))
    return None if out == words else out


def corpus(cls: str, seed: int, families: int = 25, twins: tuple[str, ...] = TWINS) -> tuple[list[str], list[str]]:
    """(lines, truth) for one class: families, twins, pools, Zipf counts, interleaved."""
    r = random.Random(f"{cls}:{seed}")
    spellings = VALUES[cls]
    formats: list[tuple[str, list[str]]] = []
    for k in range(families):
        base = _family(r, cls)
        formats.append((f"F{k}", base))
        if r.random() < 0.7:
            twin = _twin(r, base, r.choice(twins))
            if twin is not None and all(twin != f for _, f in formats):
                formats.append((f"F{k}t", twin))
    lines: list[str] = []
    truth: list[str] = []
    for label, fmt in formats:
        chosen = spellings if r.random() < 0.2 else (r.choice(spellings),)

        def make(rr: random.Random, chosen: tuple[Maker, ...] = chosen) -> str:
            return rr.choice(chosen)(rr)

        pool_kind = r.choice(("one", "few", "many", "fresh"))
        pool = [make(r) for _ in range({"one": 1, "few": 3, "many": 20, "fresh": 0}[pool_kind])]
        count = max(1, int(120 / (1 + r.randrange(40))))  # Zipf-like: many rare, a few common
        for _ in range(count):
            vals = [r.choice(pool) if pool else make(r) for _ in range(sum(w.count("{}") for w in fmt))]
            it = iter(vals)
            text = " ".join(w.replace("{}", next(it)) if "{}" in w else w for w in fmt)
            lines.append(re.sub(" +", " ", text).strip())
            truth.append(label)
    order = list(range(len(lines)))
    r.shuffle(order)
    return [lines[i] for i in order], [truth[i] for i in order]


def twins_apart(truth: list[str], pred: list[str]) -> tuple[int, int]:
    """(apart, pairs): family `F<k>` and its twin `F<k>t` whose lines share no group (ours)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for t, p in zip(truth, pred, strict=True):
        groups[t].add(p)
    pairs = [(t[:-1], t) for t in groups if t.endswith("t") and t[:-1] in groups]
    return sum(not (groups[a] & groups[b]) for a, b in pairs), len(pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--classes", default=",".join(VALUES))
    parser.add_argument("--no-drain", action="store_true")
    parser.add_argument("--twins", default=",".join(TWINS),
                        help="twin kinds drawn (default T1-T5; GROUPING_CLASSES2 adds T9_number, T12_longer)")
    args = parser.parse_args(argv)
    logging.getLogger("drain3").setLevel(logging.ERROR)
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"{'class':<15} {'GA ours':>8} {'GA drain3':>10} {'pairs apart (ours)':>19}")
    all_o, all_d = [], []
    for cls in args.classes.split(","):
        ga_o, ga_d, apart, pairs = [], [], 0, 0
        for seed in seeds:
            lines, truth = corpus(cls, seed, twins=tuple(args.twins.split(",")))
            pred = ours(lines)
            ga_o.append(grouping_accuracy(truth, pred))
            a, p = twins_apart(truth, pred)
            apart, pairs = apart + a, pairs + p
            if not args.no_drain:
                ga_d.append(grouping_accuracy(truth, drain3(lines)))
        mo = sum(ga_o) / len(ga_o)
        md = sum(ga_d) / len(ga_d) if ga_d else float("nan")
        all_o.append(mo)
        all_d.append(md)
        print(f"{cls:<15} {mo:8.3f} {md:10.3f} {apart:>10}/{pairs:<8}")
    print(f"{'mean':<15} {sum(all_o) / len(all_o):8.3f} {sum(all_d) / len(all_d):10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
