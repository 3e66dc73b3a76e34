"""Random values for a template's variable slots, one generator per class of sidecar/errors/TAXONOMY.md.

Used by bench/grouping_slots.py (loghub templates re-filled with values of one class: the values
the rules were tuned on are replaced by values they have never seen) and by the adversarial tests
in tests/errors. Each generator takes a `random.Random` so every corpus is reproducible by seed.
"""

from __future__ import annotations

import csv
import random
import string
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

_LOWER = string.ascii_lowercase
_HEXL = "abcdef"
_NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
          "oscar", "peggy", "trent", "victor", "walter", "postgres", "nobody", "admin", "deploy")
_PROCS = ("sshd", "nginx", "kworker", "systemd", "cron", "dockerd", "containerd", "postgres", "redis",
          "uvicorn", "gunicorn", "celery", "kubelet", "envoy", "haproxy", "java", "node", "python")
_ENUMS = ("RUNNING", "STOPPED", "PENDING", "FAILED", "READY", "DEGRADED", "UNKNOWN", "ACTIVE", "IDLE",
          "TERMINATED", "SUSPENDED", "STARTING")


def _letters(rng: random.Random, lo: int, hi: int, alphabet: str = _LOWER) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def _host_label(rng: random.Random) -> str:
    return _letters(rng, 3, 8) + rng.choice(("", "-" + _letters(rng, 2, 5)))


def letters_id(rng: random.Random) -> str:
    """A random id without digits (`kqzvwxtb`): entropy, not a word."""
    return _letters(rng, 6, 12, "bcdfghjklmnpqrstvwxz")


GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "integer": lambda r: str(r.randint(0, 10**r.randint(1, 9))),
    "number_unit": lambda r: f"{r.randint(1, 9999)}{r.choice(('ms', 's', 'KB', 'MiB', 'GB', 'us'))}",
    "float": lambda r: f"{r.random() * 1000:.{r.randint(1, 6)}f}",
    "hex_digits": lambda r: "".join(r.choice("0123456789abcdef") for _ in range(r.randint(6, 16))) + str(r.randint(0, 9)),
    "hex_letters": lambda r: _letters(r, 4, 8, _HEXL),  # `eedd`: hex that happens to hold no digit
    "uuid": lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)),
    "ipv4": lambda r: ".".join(str(r.randint(1, 254)) for _ in range(4)),
    "ipv6": lambda r: "fe80::" + ":".join(f"{r.getrandbits(16):x}" for _ in range(r.randint(1, 4))),
    "host_port": lambda r: f"{_host_label(r)}.{_host_label(r)}.internal:{r.randint(1, 65535)}",
    "mac": lambda r: ":".join(f"{r.getrandbits(8):02X}" for _ in range(6)),
    "url": lambda r: f"https://{_host_label(r)}.example.com/{_letters(r, 2, 6)}/{r.randint(1, 999)}?q={_letters(r, 1, 5)}",
    "posix_path": lambda r: "/" + "/".join(_letters(r, 2, 8) for _ in range(r.randint(1, 5))),
    "windows_path": lambda r: "C:\\" + "\\".join(_letters(r, 2, 8) for _ in range(r.randint(1, 4))),
    "jvm_ref": lambda r: f"org.{_letters(r, 3, 6)}.{_letters(r, 3, 8).capitalize()}@{r.getrandbits(28):x}",
    "iso_time": lambda r: f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:"
                          f"{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}Z",
    "prefixed_id": lambda r: f"{r.choice(('blk', 'job', 'task', 'container', 'req', 'attempt'))}_{r.randint(1, 10**9)}",
    "letters_id": letters_id,
    "mixed_case_id": lambda r: "".join(r.choice(string.ascii_letters) for _ in range(r.randint(8, 20))),
    "upper_key_id": lambda r: "AKIA" + _letters(r, 12, 16, string.ascii_uppercase),
    "email": lambda r: f"{_letters(r, 3, 8)}.{_letters(r, 3, 8)}@{_letters(r, 4, 8)}.com",
    "dotted_host": lambda r: f"{_host_label(r)}.{_host_label(r)}.{r.choice(('com', 'net', 'internal', 'local'))}",
    "hyphen_host": lambda r: f"{_letters(r, 3, 6)}-{_letters(r, 3, 6)}-{_letters(r, 2, 4)}",
    "user_name": lambda r: r.choice(_NAMES),
    "process_name": lambda r: r.choice(_PROCS),
    "enum_word": lambda r: r.choice(_ENUMS),
    "quoted_token": lambda r: "'" + _letters(r, 3, 10) + "'",
}
# Classes whose values are plain words: only the slot's variability tells them from an event name.
WORD_CLASSES = ("user_name", "process_name", "enum_word")


def templates(data: Path, name: str) -> list[tuple[str, str]]:
    """(EventId, EventTemplate) of a loghub dataset's ground truth."""
    with open(data / name / f"{name}_2k.log_templates.csv", newline="", encoding="utf-8") as fh:
        return [(r["EventId"], r["EventTemplate"]) for r in csv.DictReader(fh)]


def corpus(tpls: Sequence[tuple[str, str]], cls: str, per_template: int,
           rng: random.Random) -> tuple[list[str], list[str]]:
    """Messages (every `<*>` filled with a fresh value of class `cls`) and their true events, shuffled."""
    gen = GENERATORS[cls]
    rows = []
    for event, tpl in tpls:
        parts = tpl.split("<*>")
        for _ in range(per_template):
            rows.append(("".join(p + (gen(rng) if i < len(parts) - 1 else "") for i, p in enumerate(parts)), event))
    rng.shuffle(rows)
    return [m for m, _ in rows], [e for _, e in rows]


def refilled(data: Path, name: str, seed: int = 1, per_template: int = 4) -> list[tuple[str, list[str], list[str]]]:
    """(class, messages, truth) for every class: one dataset's templates re-filled with unseen values."""
    out = []
    for cls in GENERATORS:
        messages, truth = corpus(templates(data, name), cls, per_template, random.Random(f"{seed}:{cls}:{name}"))
        out.append((cls, messages, truth))
    return out
