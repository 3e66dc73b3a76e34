"""The container's runtime identity incomplete (evals/CLASSES11.md F1): config; our call of a terminal-bound identity
API: code.

The standard library's own raise sites, CPython 3.11 `Lib/`:
- `pwd.getpwuid(uid)` -> KeyError "getpwuid(): uid not found: <uid>" (the numeric user has no account entry);
  `getpass.getuser()` falls back to it when LOGNAME/USER/LNAME/USERNAME are unset (3.13: OSError "No username set
  in the environment").
- `tempfile._get_default_tempdir` -> FileNotFoundError "No usable temporary directory found in [...]" (TMPDIR, /tmp,
  /var/tmp, /usr/tmp and the cwd all unwritable: a read-only root filesystem, a tmpfs missing, a user without rights).
- `pathlib.Path.expanduser`/`home` -> RuntimeError "Could not determine home directory." (no HOME, no entry); a path
  under `/nonexistent` (the home of accounts that have none) refused by the kernel.
The deployment's user, home or temp directory must change: config. The uid case needs the uid to be the PROCESS's
(a start-up record naming the container user with that uid, or the lookup of our own uid in the traceback:
`getpass.getuser`, `os.getuid()`), because the same KeyError for an archive member's or a user's file owner is the
user's data (evals/gen h10-passwd twin): without that record the answer is left as it is.
Twin (CLASSES11 K, F1): `os.getlogin()` -> OSError ENXIO/ENOTTY "No such device or address" / "Inappropriate ioctl
for device": it reads the controlling terminal's login record, which a service never has, on every deployment
whatever the user - our call is wrong: code.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

_UID = re.compile(r"getpwuid\(\): uid not found: (?P<uid>\d+)")
_OWN_LOOKUP = re.compile(r"\bgetpass\.getuser\(\)|\bgetuser\(\)|in getuser\b|getpwuid\(\s*os\.getuid\(\)|"
                         r"\bos\.getuid\(\)|expanduser\(|Path\.home\(\)")
_TEMP = re.compile(r"No usable temporary directory found in (?P<dirs>\[[^\]\n]{0,300}\])")
_HOME = re.compile(r"Could not determine home directory|No username set in the environment|"
                   r"(?:Permission denied|No such file or directory|Read-only file system): '/nonexistent(?:/[^'\n]*)?'")
_GETLOGIN = re.compile(r"\bos\.getlogin\(\)|\bgetlogin\(\)")
# the errno with no file name after it (open() of a path names the path: a user's socket or device file is H3)
_TERMINAL = re.compile(r"\[Errno (?:6|25)\] (?:No such device or address|Inappropriate ioctl for device)(?!: ')")
# a record about who the process is, when the traceback is not logged
_WHO = re.compile(r"\b(?:process owner|user ?name|login name|current user|whoami|run-?as user|resolve the (?:user|owner))",
                  re.I)
# the deployment's records that say who and where the process runs
_DEPLOY = re.compile(r"\b(?:read_only|read-only|readonly|tmpfs|TMPDIR|HOME=|uid[=:]|gid[=:]|user[=:]|"
                     r"container user|compose user|runAsUser|USER \d+)", re.I)


_FULL_DISK = re.compile(r"\[Errno (?:28|122)\]|No space left on device|Disk quota exceeded|"
                        r"\bdisk\b[^\n]{0,40}\b100(?:\.0)?\s*%", re.I)
_FRAGMENT = re.compile(r"\b(?:read_only|read-only|readonly)\b\W{0,3}\w*|\btmpfs\b[^,;)\n]{0,40}|\bTMPDIR=\S+", re.I)


def _deployment_record(inp: DiagnosisInput, uid: str | None = None) -> str | None:
    for raw in reversed(inp.context[-CONTEXT:]):
        line = raw[:LINE]
        if _DEPLOY.search(line) and (uid is None or re.search(rf"(?<![\w.]){uid}(?![\w.])", line)):
            return line
    return None


def _answer(d: Diagnosis, category: str, confidence: float, tag: str, summary: str, root: str, fix: str,
            evidence: list[str]) -> Diagnosis:
    return d.reanswered(
        category=category, severity="high" if category == "config" else "medium", confidence=confidence,
        rule=f"{d.rule}+{tag}", summary=summary, root_cause=root, suggested_fix=[fix],
        evidence=[*evidence])


def runtime_identity_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or config for the container's missing user/home/temp dir, or code for os.getlogin() (module docstring)."""
    said = "\n".join([*inp.messages(), inp.traceback[-16384:]])
    if (t := _TERMINAL.search(said)) is not None and (_GETLOGIN.search(said) or _WHO.search(said)):
        seen = _GETLOGIN.search(said) is not None
        return _answer(d, "code", 0.5 if seen else 0.45, "getlogin",
                       "os.getlogin() failed: it needs a controlling terminal, which a service never has"
                       if seen else "Looking up the process's login name failed the way os.getlogin() does without "
                       "a controlling terminal",
                       "Our code asks for the login name of the process's controlling terminal (os.getlogin() reads "
                       "its login record); a daemon in a container has no terminal, so it fails on every deployment "
                       "whatever user the container runs as.",
                       "Use getpass.getuser() or pwd.getpwuid(os.getuid()).pw_name (with a fallback) instead of "
                       "os.getlogin().", [t.group(0)])
    if (m := _TEMP.search(said)) is not None:
        # tempfile moves to the next candidate on ANY OSError of its probe write: beside a full disk (errno 28/122, a
        # usage figure at 100 %) every candidate fails for that reason, not for the deployment's layout (review r12)
        if any(_FULL_DISK.search(raw[:LINE]) for raw in (*inp.context[-CONTEXT:], *inp.after[:CONTEXT])):
            return d
        record = _deployment_record(inp)
        fragment = _FRAGMENT.search(record) if record else None
        quoted = f" (the deployment: {fragment.group(0)})" if fragment else ""
        return _answer(d, "config", 0.55, "no-temp-dir",
                       f"No writable temporary directory in the container: every candidate {m.group('dirs')} is "
                       f"unusable{quoted}",
                       "tempfile tried TMPDIR and the standard temporary directories and could write in none: "
                       + ("the container's root filesystem is mounted read_only and no writable tmpfs replaces them"
                          if fragment and re.search(r"read.?only", fragment.group(0), re.I) else
                          "the container's root filesystem is read-only or the process may not write there")
                       + ". The deployment, not the code or the disk's space, must change.",
                       "Mount a writable tmpfs at /tmp (compose `tmpfs: [/tmp]`) or point TMPDIR at a writable "
                       "volume.", [m.group(0), *([record] if record else [])])
    if (m := _UID.search(said)) is not None:
        record = _deployment_record(inp, m.group("uid"))
        if record is None and _OWN_LOOKUP.search(said) is None:
            return d  # whose uid? an archive member's or a user's file owner is the user's data
        return _answer(d, "config", 0.55 if record else 0.5, "no-passwd-entry",
                       f"The container runs as uid {m.group('uid')}, which has no account entry: identity "
                       "lookups fail",
                       f"pwd.getpwuid found no /etc/passwd entry for uid {m.group('uid')}, the user the process runs "
                       "as" + (" (the start-up record says so)" if record else "") + ": the deployment's run-as user "
                       "(compose `user:`, Kubernetes runAsUser) is a bare number the image does not know.",
                       "Run the container as a user the image defines (or add it to /etc/passwd in the image), or set "
                       "USER/LOGNAME and HOME for the numeric user.",
                       [m.group(0), *([record] if record else [])])
    if (m := _HOME.search(said)) is not None:
        record = _deployment_record(inp)
        return _answer(d, "config", 0.5, "no-home",
                       f"The container's user has no usable home directory ({m.group(0)[:120]})",
                       "The process's user has no home directory it can use (no HOME, no account entry, or the "
                       "placeholder /nonexistent): a library computing a cache or config path under it fails. The "
                       "deployment's user and HOME must change.",
                       "Set HOME to a writable directory for the container's user (or give the user a real account "
                       "with a home in the image).", [m.group(0), *([record] if record else [])])
    return d
