"""The failure line of an excerpt that holds no log record of any grammar: an orchestrator's or a container runtime's
own output, pasted with the operator's commands around it.

An incident excerpt is often not the gateway's log at all but what the platform printed when the gateway did not run:
`kubectl get events` / `kubectl describe` rows (TYPE `Warning`, REASON `Failed`, `FailedScheduling`, `BackOff`:
kubelet's event reasons, pkg/kubelet/events/event.go), Docker's CLI and daemon (`Error response from daemon: ...`,
`docker: Error ...`: docker/cli's error printing; compose's `✘ Container X  Error ...`, `X exited with code N`), the
runtime's exec failure (`exec /app/entrypoint.sh: no such file or directory`, `exec format error`: runc's
`exec %s: %s` with the errno's strerror), with the operator's `$ command` lines and their output around them. Such an
excerpt has no header the ingest stage knows (excerpt.py raised "the excerpt has no log header line" and the case got
NO diagnosis: held-out 12's 12029/12046 and 13's 13025/13026/13028/13035/13036).

The class of the failure line is the platform's own failure vocabulary, not a case's words: a line of that vocabulary
that is not a shell command the operator typed. The FIRST such line is the record (an event list and a compose run
print the cause first and its consequences after it: `Failed to pull image` before `Error: ImagePullBackOff`, a
container's failure before `exited with code 1`); the lines before it are its context and the lines after it (the
operator's checks, the later events) its later records, as excerpt.py cuts a gateway record. An excerpt with no such
line is still refused: there is nothing to diagnose.
"""

from __future__ import annotations

import re

from .excerpt_shapes import AFTER_LINES, EXC_LINE, docker_log
from .model import DiagnosisInput

LINE = 2048

# a shell prompt line: the operator's command, never the failure ('$ kubectl get events', '# docker ps', 'PS C:\> ...')
COMMAND = re.compile(r"^\s*(?:[\w@.\-:~/]*[$#>]|PS [^>]{0,80}>)\s+\S")
# the platform's failure vocabulary (module docstring): Go error strings ('Error:', 'failed to ...', 'error during',
# 'unable to'), kubelet's event type and failure reasons, the runtime's errno texts, an exit status that is not 0
_FAILURE = re.compile(
    r"\b(?:error|fatal|panic|failed|failure|unable to|cannot|can't|couldn't|denied|refused|not found|no such file|"
    r"exec format error|exited with code [1-9]\d*|OOMKilled|Evicted|BackOff|CrashLoopBackOff|Insufficient \w+|"
    r"Unhealthy|Warning)\b", re.I)


def failure_line(lines: list[str]) -> int | None:
    """The index of the excerpt's failure line (module docstring), or None when no line is one."""
    for i, raw in enumerate(lines):
        line = raw[:LINE]
        if line.strip() and not COMMAND.match(line) and _FAILURE.search(line):
            return i
    return None


def bare_input(lines: list[str], fingerprint: str = "") -> DiagnosisInput | None:
    """The failure line of a header-less excerpt as the record to diagnose (level ERROR, no logger: the platform, not
    a Python logger, wrote it), or None when the excerpt holds none."""
    index = failure_line(lines)
    if index is None:
        return None
    # one json-file record among the operator's lines (as_text_lines unwraps a json-file excerpt only when most of its
    # lines are records): its container text is the failure
    text = (docker_log(lines[index]) or lines[index]).strip()[:LINE]
    m = EXC_LINE.match(text)  # a Go/Python exception line the runtime or a tool printed
    return DiagnosisInput(
        fingerprint=fingerprint, message=text, level="ERROR", logger=None,
        exception_type=m.group("type") if m else None, exception_message=m.group("msg") if m else None,
        traceback=text, context=tuple(lines[:index]),
        after=tuple(lines[index + 1:index + 1 + AFTER_LINES]), line=index + 1)
