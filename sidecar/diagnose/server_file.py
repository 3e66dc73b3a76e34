"""A server-side COPY given a path on OUR side (Postgres's own HINT says so): code, not storage.

`COPY table FROM 'path'` / `COPY ... TO 'path'` make the database SERVER process open the file (PostgreSQL
src/backend/commands/copyfrom.c `BeginCopyFrom` / copyto.c `BeginCopyTo`): when it cannot (ENOENT, EACCES) the
error is SQLSTATE 58P01 / 42501 "could not open file ... for reading|writing" with the documented hint "COPY FROM
instructs the PostgreSQL server process to read a file. You may want a client-side facility such as psql's \\copy."
(COPY TO: "... to write a file"). Read alone, class 58 is "system error" (storage). With that hint the statement is
ours and names a path the server does not have: the gateway runs beside a hosted database whose file system it does
not own, so the fix is a client-side COPY FROM STDIN / TO STDOUT (psycopg `cursor.copy()`), i.e. code. The near-miss
without the hint (a relation file of the server's own missing: "could not open file "base/..."") is unchanged.
0.45 when a record before names the same path as ours (read, present, seeded from); 0.4 on the hint alone.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

# (and a role without pg_read_server_files/pg_write_server_files: 42501 "permission denied to COPY from|to a file",
# hint "Anyone can COPY to stdout or from stdin. psql's \copy command also works for anyone." - copy.c DoCopy)
_HINT = re.compile(r"COPY (?P<dir>FROM|TO) instructs the PostgreSQL server process to (?:read|write) a file|"
                   r"permission denied to COPY (?P<dir2>from|to) a file[^\n]{0,300}?\n?[^\n]{0,300}?Anyone can COPY "
                   r"to stdout or from stdin|Anyone can COPY to stdout or from stdin")
_PATH = re.compile(r"could not open file \"(?P<path>[^\"\n]{1,300})\" for (?:reading|writing)")


def server_file_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code when Postgres says a server-side COPY was given a file its server process cannot open."""
    said = "\n".join([*inp.messages(), inp.traceback[-16384:]])
    hint = _HINT.search(said)
    if hint is None or d.category == "code":
        return d
    direction = (hint.group("dir") or hint.group("dir2") or ("FROM" if re.search(r"\bCOPY\b[^\n]{0,200}\bFROM\b",
                                                                                     said) else "TO")).upper()
    path = _PATH.search(said)
    ours = path is not None and any(path.group("path") in c[:LINE] for c in inp.context[-CONTEXT:])
    stdio = "FROM STDIN" if direction == "FROM" else "TO STDOUT"
    where = f" ({path.group('path')})" if path is not None else ""
    return d.reanswered(
        category="code", severity="medium", confidence=0.45 if ours else 0.4, rule=f"{d.rule}+server-copy",
        summary=f"A server-side COPY {direction} was given a file path the database server cannot "
                   f"open{where}",
        root_cause=(f"The statement is COPY ... {direction} '<file>', which makes the PostgreSQL server "
                       "process open the file on the database host (Postgres says so in its hint); the path is one "
                       "on the gateway's side" + (", printed by a record before" if ours else "") + ". The database "
                       "server does not have it: the code must stream the data over the connection instead."),
        suggested_fix=[f"Use a client-side COPY ... {stdio} (psycopg: `with cur.copy(\"COPY t FROM STDIN ...\") "
                          "as copy: copy.write(...)`) or batched INSERTs."],
        evidence=[hint.group(0).splitlines()[0]])
