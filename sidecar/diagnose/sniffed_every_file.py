"""A format sniffer giving up on every file, not one user's (CLASSES10 H3's twin): our sample, not their data.

Lib/csv.py `Sniffer.sniff` raises csv.Error("Could not determine delimiter") when neither `_guess_quote_and_delimiter`
nor `_guess_delimiter` finds a character consistent across the sample's rows: a user's one-column or free-text file
(unknown: their data, the catch-all's reading), or an empty / too short sample our tool passes (an exhausted handle,
a literal prefix), which fails for EVERY file. Only the second record separates them: the same refusal already logged
in the window for ANOTHER request (a different request id, the same logger) says the files do not matter -> code,
0.45 (two users' files could still both be odd; the record cannot exclude it).
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE
from .tool_calls import REQUEST_ID

EVERY_FILE = 0.45
_SNIFF = re.compile(r"Could not determine delimiter")


def sniffed_every_file_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code when the same sniffer refusal was logged for another request just before (module docstring)."""
    if d.category != "unknown" or not _SNIFF.search(inp.exception_message or ""):
        return d
    ours = REQUEST_ID.search(inp.message)
    if ours is None or not inp.logger:
        return d
    before = [c[:LINE] for c in inp.context[-CONTEXT:]]
    for n, line in enumerate(before):
        theirs = REQUEST_ID.search(line)
        if theirs is None or theirs.group("id") == ours.group("id") or f" {inp.logger}: " not in line:
            continue
        if not any(_SNIFF.search(later) for later in before[n + 1:n + 40]):
            continue
        return d.reanswered(
            category="code", severity="medium", confidence=EVERY_FILE, rule="sniff-every-file",
            summary="The delimiter sniffer fails for every file the tool reads, not one user's file",
            root_cause="Another request's file failed with the same refusal just before: the sample our tool hands "
                          "csv.Sniffer (an empty or too short read) cannot decide, whatever the file.",
            suggested_fix=["Pass the sniffer a real sample (read from the start, a few KiB; rewind the handle) and "
                              "fall back to a default dialect when it cannot decide."],
            evidence=[line.strip()])
    return d
