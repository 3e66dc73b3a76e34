"""CLASSES11 H1-H3: the record does not say, often the user's own data (evals/CLASSES11.md section H).

Real raise sites: `float()`, `int()`, `datetime.strptime` (Lib/_strptime.py) on locale notations; `ast.parse`
(the tokenizer's TabError, the parser's SyntaxError, NUL bytes in source); `open()` of special
filesystem objects made for real in a scratch tree (a unix socket: ENXIO; a dangling link: ENOENT; a name past
NAME_MAX: ENAMETOOLONG). The scratch prefix is rewritten to the path the tool saw (as frames.py rewrites the
venv's prefixes), the errno and its text are the kernel's.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
import socket
import tempfile
from random import Random
from typing import Any

from evals.gen.c11_common import logger_of, pick_carrier, raise_through
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame
from evals.gen.registry import klass
from evals.gen.render import Record

# --- H1 -------------------------------------------------------------------------------------------------------
# Source: float() docs, Lib/_strptime.py (`_strptime`: "time data %r does not match format %r"), Lib/locale.py.
_H1 = (
    ("decimal-comma", "amount = float(cell)", ("3,5", "12,75", "0,125")),
    ("day-first", "when = datetime.strptime(cell, '%m/%d/%Y')", ("13/11/2026", "25/12/2026", "31/01/2027")),
    ("thousands", "count = int(cell)", ("1.234", "12.500", "3 400")),
)


@klass("11", "c11-H1")
def h1(rng: Random, twin: bool) -> dict[str, Any]:
    """A locale-neutral parser refuses a regional notation: in the user's own file (unknown) vs in the file our own
    exporter wrote under the container's locale setting (config)."""
    alt = Random(rng.getrandbits(64))
    notation, stmt, cells = rng.choice(_H1)
    cell = rng.choice(cells)
    tool = rng.choice(("csv_stats", "deadline_planner", "budget_import", "table_preview"))
    path = f"/app/tools/{tool}.py"
    exc, wrap = raise_through([Frame(path, "run", "rows = [self._row(r) for r in reader]", {"reader": [cell]}),
                               Frame(path, "_row", stmt, {"cell": cell, "datetime": dt.datetime})], rng)
    err_t = rng.uniform(10, 120)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    rid = req_id(rng)
    user_file = rng.choice(("budget.csv", "deadlines.csv", "Q4 figures.csv", "export_from_excel.csv"))
    if twin:
        loc = alt.choice(("de_DE.UTF-8", "fr_FR.UTF-8", "pt_BR.UTF-8"))
        records.append(Record(0.3, "INFO", "src.daemon.ws_server", f"startup: LC_ALL={loc} (from .env.docker)"))
        records.append(Record(err_t - 0.5, "INFO", "ws_daemon", f"[req:{rid}] tool call {tool} "
                                                                f"args={{'path': '/app/data/exports/usage_report.csv'}}"))
        for _ in range(alt.randint(1, 2)):
            records.append(Record(alt.uniform(1, err_t - 2), "ERROR", logger_of(path),
                                  f"[req:{req_id(alt)}] cannot read /app/data/exports/usage_report.csv: ValueError"))
    else:
        records.append(Record(err_t - 0.5, "INFO", "ws_daemon", f"[req:{rid}] tool call {tool} "
                                                                f"args={{'path': '/workspace/{user_file}'}}"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{rid}] cannot read the table", carrier)
    axes = {"notation": notation, "carrier": carrier, "wrap": wrap, "tool": tool}
    if twin:
        return make_case(rng, cls="c11-H1", kind="near-miss", records=records, category="config", severity="medium",
                         description="The file is our own export, written under the container's locale setting "
                                     "(every export fails): config.", must_mention=["LC_ALL"], must_not=[],
                         axes=axes)
    return make_case(rng, cls="c11-H1", kind="unknown", records=records, category="unknown", severity="low",
                     description=f"The user's own file uses a regional notation ({notation}) that the parser "
                                 "refuses: unknown.", must_mention=[], must_not=["locale setting"], axes=axes)


# --- H2 -------------------------------------------------------------------------------------------------------
# Source: Lib/ast.py `parse` (`feature_version`), Lib/tokenize.py, PEP 263; the tokenizer's TabError.
_H2 = (
    ("tabs", "def f():\n\tif x:\n        return 1\n", None),
    ("nul", "x = 1\0\nprint(x)\n", None),
    ("syntax", "def f(:\n    pass\n", None),
)


@klass("11", "c11-H2")
def h2(rng: Random, twin: bool) -> dict[str, Any]:
    """A source file refused by the language's parser in a review tool: the user's file (unknown) vs our own
    module (code)."""
    defect, source, feature = rng.choice(_H2)
    user = rng.choice(("/workspace/scripts/etl.py", "/workspace/src/app/models.py", "/workspace/tools/build.py"))
    ours = rng.choice(("/app/src/daemon/plugins/hooks.py", "/app/tools/review_rules.py"))
    name = ours if twin else user
    tool = rng.choice(("code_review", "analyze", "refactor_suggest"))
    path = f"/app/tools/{tool}.py"
    exc, wrap = raise_through([Frame(path, "review", "tree = self._parse(text, name)"),
                               Frame(path, "_parse", "return ast.parse(text, filename=name, feature_version=fv)",
                                     {"ast": ast, "text": source, "name": name, "fv": feature})], rng)
    err_t = rng.uniform(10, 120)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    rid = req_id(rng)
    records.append(Record(err_t - 0.5, "INFO", "ws_daemon", f"[req:{rid}] tool call {tool} args={{'files': [{name!r}]}}"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{rid}] cannot parse {name}", carrier)
    axes = {"defect": defect, "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-H2", kind="near-miss", records=records, category="code", severity="medium",
                         description="The file the parser refuses is our own module: code.", must_mention=[ours],
                         must_not=["user's file"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-H2", kind="unknown", records=records, category="unknown", severity="low",
                     description="The user's own source file does not parse: unknown.", must_mention=[],
                     must_not=[], axes=axes)


# --- H3 -------------------------------------------------------------------------------------------------------
# Source: Lib/os.py (`scandir`, `stat`), Lib/stat.py (S_ISSOCK, S_ISFIFO), errno (ENXIO, ENOENT, ENAMETOOLONG).
def _special(rng: Random, kind: str, shown: str, path: str) -> BaseException:
    with tempfile.TemporaryDirectory() as scratch:
        target = os.path.join(scratch, "obj")
        holder: socket.socket | None = None
        if kind == "socket":
            holder = socket.socket(socket.AF_UNIX)
            holder.bind(target)
        elif kind == "dangling":
            os.symlink(os.path.join(scratch, "gone"), target)
        else:
            target = os.path.join(scratch, "n" * 300)
        try:
            exc, _ = raise_through([Frame(path, "walk", "text = self._read(p)"),
                                    Frame(path, "_read", "with open(p, 'rb') as fh:", {"p": target})], rng,
                                   ("none",))  # a wrapper's message would print the scratch path
        finally:
            if holder is not None:
                holder.close()
    for e in (exc,):
        if isinstance(e, OSError) and e.filename:  # the tool saw the path in the user's tree, not our scratch dir
            e.filename = shown if kind != "long" else shown + "/" + "n" * 300
    return exc


@klass("11", "c11-H3")
def h3(rng: Random, twin: bool) -> dict[str, Any]:
    """A tool walking a project meets a special filesystem object: in the user's tree (unknown) vs one our mount
    layout put there (config)."""
    kind = rng.choice(("socket", "dangling", "long"))
    user = {"socket": "/workspace/.s.PGSQL.5432", "dangling": "/workspace/node_modules/.bin/tsc",
            "long": "/workspace/assets"}[kind]
    ours = {"socket": "/app/run/postgresql/.s.PGSQL.5432", "dangling": "/app/.cache/current",
            "long": "/app/data/cache"}[kind]
    tool = rng.choice(("code_search", "find_files", "project_summary"))
    path = f"/app/tools/{tool}.py"
    exc = _special(rng, kind, ours if twin else user, path)
    err_t = rng.uniform(10, 120)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    rid = req_id(rng)
    root = "/app" if twin else "/workspace"
    records.append(Record(err_t - 0.5, "INFO", "ws_daemon", f"[req:{rid}] tool call {tool} args={{'root': {root!r}}}"))
    if twin:
        records.append(Record(0.2, "INFO", "src.daemon.ws_server",
                              f"compose volumes: {ours.rsplit('/', 1)[0].replace('/app', '/var/lib/exai')}:"
                              f"{ours.rsplit('/', 1)[0]} (mounted)"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{rid}] {tool} aborted", carrier)
    axes = {"object": kind, "carrier": carrier, "tool": tool}
    if twin:
        return make_case(rng, cls="c11-H3", kind="near-miss", records=records, category="config", severity="medium",
                         description="The special object sits in a path our mount layout created (a mounted volume "
                                     "under /app): config.", must_mention=[ours.rsplit("/", 1)[0]], must_not=[],
                         axes=axes, deciding="error")
    return make_case(rng, cls="c11-H3", kind="unknown", records=records, category="unknown", severity="low",
                     description=f"A special filesystem object ({kind}) in the user's own project tree: unknown.",
                     must_mention=[], must_not=["mount"], axes=axes)
