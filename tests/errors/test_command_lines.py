"""An announced command line is one value (errors/command_lines.py): the argument vector a library prints after
`command` / `execute` (pip `Running command %s`, `Error %s while executing command %s`; redis-py `{} received
for command {}, on node {}`, `Command {} not found in commands`, `No targets were found to execute {} command on`;
distutils `command {!r} failed with exit code {}`, `Failed to execute: %s`). Commands are generated per seed:
a program, 0-6 arguments of every shell kind (options `-x` / `--name` / `--name=v`, paths, words, shlex-quoted
pieces). Twins: plain words after the anchor stay; an option outside any anchor stays; a first word that is no
program stays; the anchor inside a longer word is none; the statement's words after the command tell two
statements apart.
"""

from __future__ import annotations

import random
import shlex
import string

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.masking import normalize_message

SEEDS = range(1820, 1825)
PROGRAMS = ["git", "pip", "gcc", "python3", "pg_ctl", "make", "/usr/bin/env", "./configure", "hg", "svn"]


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _arg(r: random.Random) -> str:
    return r.choice([f"--{_w(r)}", f"-{r.choice(string.ascii_letters)}", f"--{_w(r)}-{_w(r)}={_w(r)}",
                     f"/{_w(r)}/{_w(r)}.{r.choice(['py', 'so', 'tar.gz'])}", f"./{_w(r)}", f"~/{_w(r)}/{_w(r)}",
                     shlex.quote(f"{_w(r)} {_w(r)}"), f"--{_w(r)} {_w(r)}"])


def _command(r: random.Random) -> str:
    """A program and 1-6 arguments, at least one an option or a path (what makes it a command line)."""
    args = [_arg(r) for _ in range(r.randint(1, 6))]
    if r.random() < 0.5:
        args.insert(r.randint(0, len(args)), _w(r))  # a positional word among them
    return " ".join([r.choice(PROGRAMS), *args])


STATEMENTS = [
    ("MOVED error received for command {cmd}, on node 10.0.{n}.7:6379", "redis.cluster"),
    ("Command {cmd} not found in commands", "redis.commands"),
    ("No targets were found to execute {cmd} command on", "redis.cluster"),
    ("Invalid args in command: {cmd}", "redis.cluster"),
    ("Running command {cmd}", "pip._internal.utils.subprocess"),
    ("Error 128 while executing command {cmd}", "pip._internal.utils.subprocess"),
    ("command {qcmd} failed with exit code 1", "distutils.spawn"),
    ("Failed to execute: {cmd}", "distutils.command.bdist_rpm"),
]


def _fill(r: random.Random, statement: str) -> str:
    return statement.format(cmd=_command(r), qcmd=repr(_command(r)), word=_w(r),
                            err=r.choice(["ConnectionError", "TimeoutError", "MOVED", "ASK"]), n=r.choice([1, 2]))


@pytest.mark.parametrize("seed", SEEDS)
def test_one_statement_whatever_the_command(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    groups = []
    for statement, logger in STATEMENTS:
        fps = {grouper.fingerprint(_fill(r, statement), logger, "ERROR") for _ in range(20)}
        assert len(fps) == 1, statement
        groups.append(fps.pop())
    # twin: the statements' own words (`not found in commands`, `command on`, `failed with exit code`) stay
    assert len(set(groups)) == len(STATEMENTS)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_words_after_the_command_stay(seed):
    r = random.Random(seed)
    cmd = _command(r)
    assert normalize_message(f"Command {cmd} not found in commands") == "Command <*> not found in commands"
    assert normalize_message(f"Subcommand {cmd} not found in command {_command(r)}") == \
        "Subcommand <*> not found in command <*>"


@pytest.mark.parametrize("seed", SEEDS)
def test_plain_words_and_unanchored_options_stay(seed):
    r = random.Random(seed)
    word, other = _w(r), _w(r)
    # A plain-word phrase after the anchor names the failure: no option nor path, nothing masked.
    for text in (f"Unknown command: {word}", f"command {word} {other}", f"command failed with {word} {other}",
                 f"Run the command {word} again"):
        assert normalize_message(text) == text
    # An option named outside any anchor, or the anchor inside a longer word: no command line.
    for text in (f"Use --{word} to force an installation", f"recommend --{word} for {other}",
                 f"commander --{word} {other}"):
        assert normalize_message(text) == text
    # A first word that is the statement's (a function word, `line`, `option`): stays.
    for text in (f"command line option --{word} is deprecated", f"execute on --{word} {other}",
                 f"command option --{word} needs a value"):
        assert normalize_message(text) == text
    # A word ending in `:` after the anchor keys its own value (klog `got error executing request: %v`): the
    # path inside that value is masked as a path, the key stays.
    assert normalize_message(f"got error executing request: open /srv/{word}/{other}.log: too many open files") == \
        "got error executing request: open <*>: too many open files"
