"""A JVM Throwable a statement printed into its text (`log.warn("Call to {} failed: {}", svc, e.toString())`,
Spring's `Resolved [ex]`) is one value, type and message, whatever was thrown (errors/throwable_tails.py).

Class (java.lang.Throwable.toString: the binary class name, then `": " + message` if any; JLS 6.1 package
names): generated per seed - the statement's own words, a JVM package (reverse-DNS or the platform's) and
class name ending in Exception/Error (nested `$Name` sometimes), a message of random words that may hold
numbers, an HTTP status phrase or `status NNN`, at the end of the message or inside the printer's bracket
followed by constant text. Twins that must stay apart: the type OPENING the message (the message is the
exception), a type after `Caused by:`, two statements that differ in a word before the type; a Python
qualified name is not touched.
"""

from __future__ import annotations

import random
import string
import traceback

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.masking import normalize_message

SEEDS = range(1620, 1623)
ROOTS = ("java", "javax", "jakarta", "org", "com", "net", "kotlin", "scala")


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


# Words class names are made of (CapWords, PEP 8 / the JDK's own naming): a name is words, not random letters.
PARTS = ("Connection", "Timeout", "Socket", "Illegal", "State", "Argument", "Parse", "Broker", "Lease", "Handshake",
         "Transaction", "Lock", "Quota", "Schema", "Retryable", "Closed", "Channel", "Upstream", "Serialization",
         "Authentication", "Rejected", "Execution", "Interrupted", "Null", "Pointer", "Unsupported", "Operation")


def _type(r: random.Random, nested: bool = True) -> str:
    pkg = ".".join([r.choice(ROOTS)] + [_w(r) for _ in range(r.randint(1, 3))])
    name = "".join(r.sample(PARTS, r.randint(1, 3))) + r.choice(("Exception", "Error"))
    return pkg + "." + name + (f"${r.choice(PARTS)}" if nested and r.random() < 0.2 else "")


def _message(r: random.Random) -> str:
    parts = [_w(r) for _ in range(r.randint(0, 8))]
    if parts and r.random() < 0.5:
        parts.insert(r.randrange(len(parts)), r.choice([str(r.randint(1, 99999)), "502 Bad Gateway",
                                                        f"status {r.choice((404, 429, 503))}", f"'{_w(r)}'"]))
    return ": " + " ".join(parts) if parts else ""


def _thrown(r: random.Random) -> str:
    return _type(r) + _message(r)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_printed_throwable_is_one_value_of_its_statement(seed):
    r = random.Random(seed)
    head = " ".join(_w(r) for _ in range(r.randint(2, 4)))
    statements = [lambda x: f"{head} {r.randint(1, 999)} failed: {x}",   # `{}` at the end
                  lambda x: f"{head} [{x}]",                            # Spring's `Resolved [ex]`
                  lambda x: f"{head} ({x}) while {_w(r)} {r.randint(1, 9)}"]  # inside brackets, then more
    for k, statement in enumerate(statements):
        grouper = MessageGrouper()
        lines = [statement(_thrown(r)) for _ in range(12)]
        if k == 2:  # constant words after the bracket: one statement, the same words
            tail = lines[0].rsplit(" while ", 1)[1]
            lines = [x.rsplit(" while ", 1)[0] + " while " + tail for x in lines]
        assert len({grouper.fingerprint(x, "com.example.Client", "WARN") for x in lines}) == 1, lines[:4]


@pytest.mark.parametrize("seed", SEEDS)
def test_opening_types_captions_other_statements_and_python_names_stay(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    a, b = _type(r, nested=False), _type(r, nested=False)
    msg = " ".join(_w(r) for _ in range(3))
    # The message IS the exception (it opens it), or follows a stack-trace caption: which exception is the
    # event, so its text stays in the template (what the learner does with two such templates is its own rule).
    for t in (a, b):
        assert normalize_message(f"{t}: {msg}").startswith(t)
        assert normalize_message(f"Caused by: {t}: {msg}").startswith(f"Caused by: {t}")
    # Two statements that differ in a word before the printed exception are two call sites.
    subject = _w(r)
    verbs = ("failed", "stalled")
    assert len({grouper.fingerprint(f"call to {subject} {v}: {_thrown(r)}", "com.example.Client", "WARN")
                for v in verbs}) == 2
    # A Python qualified name is no JVM package: its text stays (the gateway's own errors keep their types).
    py = f"Error in {_w(r)}: requests.exceptions.ConnectionError: {msg}"
    assert "requests.exceptions.ConnectionError" in normalize_message(py)


# Review r16. CPython's traceback prints a non-builtin exception as `module.QualName: message`
# (Lib/traceback.py TracebackException.format_exception_only: `stype = smod + '.' + stype` unless the module is
# `__main__` or `builtins`), so a Python service logging `format_exception_only(e)[-1]` writes a qualified name
# whose first component may be one of _PACKAGE_ROOTS: `app` (the layout FastAPI's own tutorial uses, and this
# gateway's loggers `app.*`), `io`, `dev`. The module docstring promises Python's qualified names stay.
_PY_ROOTS = ("app", "app", "io", "dev")
_PY_TYPES = ("RateLimitError", "AuthenticationError", "UpstreamTimeoutError", "QuotaExceededError", "SchemaError")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_python_qualified_exception_under_a_jvm_root_keeps_its_type(seed):
    r = random.Random(seed)
    module = f"{r.choice(_PY_ROOTS)}.{_w(r)}.errors"
    kinds = r.sample(_PY_TYPES, 2)
    printed = []
    for kind in kinds:
        exc = type(kind, (Exception,), {"__module__": module})(f"{_w(r)} {r.randint(1, 99)}")
        printed.append(traceback.format_exception_only(exc)[-1].strip())
    assert all(p.startswith(f"{module}.") for p in printed), printed  # the class as CPython prints it
    grouper = MessageGrouper()
    head = f"{_w(r)} {r.choice(['failed', 'aborted'])}: "
    assert len({grouper.fingerprint(head + p, "app.worker", "ERROR") for p in printed}) == 2, printed


@pytest.mark.parametrize("seed", SEEDS)
def test_words_after_a_throwable_name_without_its_message_separator_are_the_statements(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    t = _type(r, nested=False)
    head = " ".join(_w(r) for _ in range(r.randint(1, 3)))
    sep = r.choice(["; ", ", ", " - ", " "])
    tails = r.sample(["giving up", "will resubmit", "dropping the batch", "retrying later", "paging on-call"], 2)
    assert len({grouper.fingerprint(f"{head} {t}{sep}{tail}", "com.example.Jobs", "WARN") for tail in tails}) == 2
