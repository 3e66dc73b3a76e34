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
from sidecar.errors.to_phrases import VERB_FORM
from sidecar.errors.token_forms import names_failure

SEEDS = range(1820, 1825)
PROGRAMS = ["git", "pip", "gcc", "python3", "pg_ctl", "make", "/usr/bin/env", "./configure", "hg", "svn"]


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    """A random plain word that is no event word: a word ending `-ed`/`-ing` or starting a failure stem (`err`,
    `fail`...) reads as the statement's verdict after a command (`cmd: git push -f crashed`), by design."""
    while True:
        w = "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))
        if not (VERB_FORM.search(w) or names_failure(w)):
            return w


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


# The statement's verdict after the command (re-reader r18 D1): a failure word or phrase, a verb form or an
# outcome word is never an argument, and a `:` glued to the last argument (Go's `%s: %v`) ends the command.
VERDICTS = ["crashed", "succeeded", "killed", "passed", "aborted", "done", "ok", "timeout", "denied", "refused"]
REASONS = ["no such file or directory", "permission denied", "exit status 1", "signal killed", "exec format error"]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_verdict_after_the_command_stays(seed):
    r = random.Random(seed)
    for statement, outcomes in (("cmd: {cmd} {v}", VERDICTS), ("Running command {cmd} {v}", VERDICTS),
                                ("failed to exec {cmd}: {v}", REASONS), ("Command {cmd}: {v}", REASONS)):
        forms = {}
        for v in outcomes:
            # twin: the same verdict after three different commands is one form
            seen = {normalize_message(statement.format(cmd=_command(r), v=v)) for _ in range(3)}
            assert len(seen) == 1, (statement, v, seen)
            forms[v] = seen.pop()
            assert forms[v].endswith(v) or forms[v].endswith("<*>"), forms[v]
        assert len(set(forms.values())) == len(outcomes), (statement, forms)
    # a failure phrase BEFORE a path is no program and its arguments (`Exec format error /usr/bin/foo`)
    path = f"/usr/{_w(r)}/{_w(r)}"
    assert normalize_message(f"Exec format error {path}") == "Exec format error <*>"
    assert normalize_message(f"Exec permission denied {path}") == "Exec permission denied <*>"
    assert normalize_message(f"failed to exec runc init {path}: no such file") == "failed to exec <*>: no such file"


# Round 19 (I15B item 2): the argument vector as its printer delimits it. subprocess prints `self.cmd` with
# `'%s'`: a list's repr (`Command '['ls']' returned ...`) is ONE value whatever its length, as is a shell string;
# logfmt / key=value lines glue the value to its `=` (`cmd=/bin/ls -la`, `command="git fetch origin"`).
def _argv(r: random.Random, n: int) -> list[object]:
    import pathlib
    items: list[object] = [r.choice(PROGRAMS)]
    for _ in range(n - 1):
        items.append(r.choice([_w(r), f"--{_w(r)}", f"/{_w(r)}/{_w(r)}", f"{_w(r)} {_w(r)}", f"it's-{_w(r)}",
                               pathlib.PurePosixPath(f"/srv/{_w(r)}")]))
    return items


@pytest.mark.parametrize("seed", SEEDS)
def test_subprocess_errors_one_group_whatever_the_vector(seed):
    import subprocess
    r = random.Random(seed)
    grouper = MessageGrouper()
    kinds = {
        # the exit status names the failure (a keep rule holds it): one status per statement here
        "returned": lambda cmd: str(subprocess.CalledProcessError(128, cmd)),
        "died": lambda cmd: str(subprocess.CalledProcessError(-9, cmd)),
        "timed out": lambda cmd: str(subprocess.TimeoutExpired(cmd, r.randint(1, 99))),
    }
    groups = []
    for name, text in kinds.items():
        lines = [text(_argv(r, n)) for n in (1, 2, 3, 5, 7, 1)]
        # shell=True: the command is a string (of plain arguments: a shell string that holds quotes inside the
        # printer's `'%s'` has no closing quote of its own - command_lines' known cost)
        lines.append(text(" ".join(r.choice(PROGRAMS) if i == 0 else r.choice([_w(r), f"-{_w(r, 1, 1)}", f"/{_w(r)}"])
                                   for i in range(r.randint(2, 5)))))
        fps = {grouper.fingerprint(line, "app.jobs", "ERROR") for line in lines}
        assert len(fps) == 1, (name, lines)
        groups.append(fps.pop())
    assert len(set(groups)) == len(kinds)  # twin: the printer's words after the command tell them apart


@pytest.mark.parametrize("seed", SEEDS)
def test_key_value_commands_one_group(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    statements = [
        'level=error msg="job failed" cmd={cmd} exit={n}',
        'level=error msg="build step aborted" command={qcmd} status=128 dur={n}ms',
        "ts={n} exec={cmd} result=crashed",
        "time={n} job={word} cmd={qcmd}",
    ]
    groups = []
    for statement in statements:
        lines = []
        for _ in range(8):
            cmd = _command(r)
            # logfmt quotes a value with `"` (go-logfmt, logfmter); the shlex pieces inside keep their `'`
            lines.append(statement.format(cmd=cmd, qcmd=f'"{cmd}"', n=r.randint(1, 300), word=_w(r)))
        fps = {grouper.fingerprint(line, "app.runner", "ERROR") for line in lines}
        assert len(fps) == 1, (statement, lines)
        groups.append(fps.pop())
    assert len(set(groups)) == len(statements)
    # twins: a quoted value opening with no program is the statement's words; a plain `key=word` stays
    word = _w(r)
    for text in ('msg="command failed" reason="not found"', f'command="not {word}"', f"cmd={word} status=ok"):
        assert normalize_message(text) == text
