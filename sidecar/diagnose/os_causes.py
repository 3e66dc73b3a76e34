"""OS errors by errno family (message_texts.py maps the errno): the text of each, filled with what the record names.

Split from library_causes.py (one idea: the kernel's refusals). CPython's OSError.__str__ prints "[Errno N] strerror:
'path'" or "... 'src' -> 'dst'"; asyncio's create_server "error while attempting to bind on address ('host', port):
strerror". Each family's (category, severity, summary, cause, fix) formats `{what}`, the path(s) or address.
"""

from __future__ import annotations

import re

from .codes import Text
from .model import DiagnosisInput, one_line


def said(inp: DiagnosisInput) -> str:
    """The record's messages and the tail of its traceback (bounded: a 10 MB line costs bounded time)."""
    return "\n".join([*(m[:16384] for m in inp.messages()), inp.traceback[-16384:]])


# OS errors (CPython's OSError.__str__: "[Errno N] strerror: 'path'" or "... 'src' -> 'dst'"; asyncio's
# create_server: "error while attempting to bind on address ('host', port): strerror"), by family:
# (category, severity, summary, cause, fix) formats of {what} (the path(s) or address the record names)
_OS: dict[str, Text] = {
    "config.bind_address": ("config", "high", "The server cannot bind to {what}: that address is not on this host (EADDRNOTAVAIL)",
                            "bind() answered 'cannot assign requested address': the configured listen host {what} is "
                            "not an address of any interface of this container/host (a wrong host setting, another "
                            "machine's IP, or an interface that is not up). Not a port held by another process.",
                            ("Set the listen host to an address this container has (0.0.0.0 or its own IP, see ip addr) "
                             "and restart.",)),
    "resource.ephemeral_ports": ("capacity", "high", "No free local port for a new outgoing connection (EADDRNOTAVAIL)",
                                 "connect() answered 'cannot assign requested address': the host's ephemeral port range "
                                 "is used up by connections in TIME_WAIT - too many short-lived outgoing connections.",
                                 ("Reuse connections (one shared client/pool instead of a new client per call); check "
                                  "ss -s for TIME_WAIT and the ip_local_port_range.",)),
    "config.binary_format": ("config", "high", "A program cannot be executed: exec format error ({what})",
                             "The kernel refused to run {what}: it is built for another CPU architecture (an amd64 "
                             "binary in an arm64 image, or the reverse) or is a script without a #! line.",
                             ("Install the binary for this image's architecture (check `file` on it and the image's "
                              "platform), or add the script's #! line.",)),
    "config.symlink_loop": ("config", "medium", "A path loops through symbolic links ({what})",
                            "Resolving {what} met too many levels of symbolic links: a symlink points (directly or "
                            "through others) at itself, usually a mount or deploy step that linked a directory into "
                            "itself.",
                            ("Inspect the links on the path (namei -l <path>) and fix the link or the mount.",)),
    "config.file_size": ("config", "medium", "A file grew past the allowed file size ({what}: EFBIG, 'File too large')",
                         "The kernel refused the write with EFBIG: the process's file-size limit (RLIMIT_FSIZE - "
                         "`ulimit -f`, a container's `ulimits: fsize`, a systemd LimitFSIZE) or the filesystem's "
                         "largest file is below the file's size. The disk is not full (that is ENOSPC).",
                         ("Check `ulimit -f` inside the container and the compose/systemd file-size limit, and the "
                          "filesystem type of the volume; raise the limit or stage large files elsewhere.",)),
    "os.busy": ("config", "medium", "A path that is a mount point was renamed, replaced or removed ({what}: "
                          "EBUSY)",
                          "The kernel answered EBUSY ('Device or resource busy') for {what}: the target is a mount point "
                          "- a single-file bind mount or a volume's root - which rename()/os.replace()/unlink()/rmdir() "
                          "cannot replace or remove. The same code works on a local disk; the deployment's mounts "
                          "decide (rename(2), mount namespaces).",
                          ("Bind-mount the directory that holds the file, not the file itself (so an atomic replace "
                           "inside it works), or write the file in place instead of replacing it.",)),
    "code.cross_device": ("code", "medium", "A rename crossed filesystems ({what})",
                          "os.rename()/os.replace() cannot move {what} between two filesystems (a volume and the "
                          "container's layer, or /tmp on tmpfs): the kernel answers EXDEV.",
                          ("Use shutil.move() (copies then deletes), or create the temporary file in the destination's "
                           "directory so the final rename stays on one filesystem.",)),
    "code.dir_not_empty": ("code", "low", "A directory that still has files was removed as if empty ({what})",
                           "rmdir/os.rmdir (or a rename onto a directory) needs an empty directory; {what} still holds "
                           "entries.",
                           ("Use shutil.rmtree() for a directory tree, or empty it first.",)),
    "code.exists": ("code", "low", "The code creates something that already exists ({what})",
                    "The call that creates {what} (mkdir, open with O_EXCL/'x', symlink) failed because it exists: "
                    "the code does not handle a second run or a concurrent creator.",
                    ("Use exist_ok=True / open without 'x', or handle FileExistsError where a second run is normal.",)),
    "code.bad_fd": ("code", "medium", "A file descriptor was used after it was closed (EBADF)",
                    "A read, write or close used a descriptor that is not open: the file or socket was closed "
                    "already (a double close, or use after close in another task).",
                    ("Find the close in the traceback's object lifecycle; close once, in the owner, after its last use.",)),
    "code.name_too_long": ("code", "low", "A file name is longer than the filesystem allows ({what})",
                           "The path component built by the code is over the filesystem's limit (255 bytes on most): a "
                           "name made from user input or a URL without a bound.",
                           ("Bound or hash long names before using them as file names.",)),
    "code.argument_list": ("code", "medium", "A command's arguments exceed the kernel's limit (E2BIG)",
                           "exec refused the command: its argument list (plus environment) is larger than ARG_MAX: the "
                           "code passes a large input as arguments.",
                           ("Pass large inputs through stdin or a file, or in batches (xargs-style).",)),
    "resource.buffers": ("capacity", "high", "The kernel has no socket buffer space left (ENOBUFS)",
                         "A socket call failed with 'No buffer space available': the host's socket buffers or "
                         "connection tables are exhausted (too many sockets, or a flood of sends).",
                         ("Check the host's socket count and memory (ss -s, /proc/net/sockstat); bound concurrency.",)),
    "resource.threads": ("capacity", "high", "No new thread can be started (the thread/process limit is reached)",
                         "Starting a thread failed ('can't start new thread'): the container's pids limit or ulimit -u "
                         "is reached, or memory for thread stacks is exhausted - usually threads that never end "
                         "(executors created per request).",
                         ("Count the process's threads (ls /proc/<pid>/task | wc -l); reuse one executor; raise the pids "
                          "limit only if the load is legitimate.",)),
}
_OS_PATHS = re.compile(r"\]\s[^:\n]{1,80}: '(?P<a>[^'\n]{1,1024})'(?: -> '(?P<b>[^'\n]{1,1024})')?")
_BIND_ADDRESS = re.compile(r"address \('(?P<h>[^']{1,100})', (?P<p>\d{1,5})\)")


# EBUSY is a MOUNT POINT only for a rename/replace/rmdir of a path that can be one; an NFS silly-renamed file
# (".nfsXXXX", nfs(5): removed while still open) and a device opened while another holds it are busy for another
# reason (review r10): the record does not say whose use, so the answer is the honest unknown
_MOUNT_CALL = re.compile(r"\bos\.(?:rename|replace|rmdir|removedirs)\(|\bshutil\.move\(|'[^'\n]{1,300}' -> '")
_NOT_A_MOUNT = re.compile(r"/\.nfs[0-9a-fA-F]{6,}|'\.nfs[0-9a-fA-F]{6,}'")
_BUSY_IN_USE: Text = ("unknown", "medium", "A file or device is busy (EBUSY: {what})",
                      "The kernel answered EBUSY for {what}: something else holds it (an NFS file removed while still "
                      "open, a device opened exclusively by another process). The record does not say who holds it.",
                      ("Find the holder (lsof / fuser on the path) before retrying; close the file before removing "
                       "it.",))


def os_text(family: str, cls: str, inp: DiagnosisInput) -> Text | None:
    entry = _OS.get(family)
    if entry is None:
        return None
    text = said(inp)
    if family == "os.busy" and (_NOT_A_MOUNT.search(text) or not _MOUNT_CALL.search(
            f"{text}\n{inp.traceback[-8192:]}")):
        entry = _BUSY_IN_USE
    if (m := _BIND_ADDRESS.search(text)) is not None:
        what = f"{m.group('h')}:{m.group('p')}"
    elif (m := _OS_PATHS.search(text)) is not None:
        what = f"'{one_line(m.group('a'), 120)}'" + (f" -> '{one_line(m.group('b'), 120)}'" if m.group("b") else "")
    else:
        what = cls
    category, severity, summary, cause, fixes = entry
    return (category, severity, summary.format(what=what), cause.format(what=what), tuple(f.format(what=what) for f in fixes))
