"""The C library's error texts: `strerror(errno)` is one VALUE of a message, not its words.

Class (bench/GROUPING_CLASSES.md S12, S22; GROUPING_CLASSES3.md S32 leaves, S37 `$!`): printf's `%m`
(glibc manual, "Other Output Conversions": `%m` prints `strerror(errno)` and takes no argument), and the
`: %s` filled with `strerror(r)` (systemd's `log_*_errno(r, "...: %m")`, `err(3)`/`error(3)`/`perror(3)`:
`prog: msg: strerror`), print a multi-word phrase from a CLOSED set at the END of the message. One call
site prints any member of it: the format string is the event, the phrase its value. So the learner takes
a trailing errno text as ONE token (`token_forms.tokenize`), which two messages of one call site then hold
as a slot whatever its word count (`slots._slot`: a value written with spaces).

The set is glibc 2.36's table (`string/_strerror.c`, `sysdeps/gnu/errlist.h`, as `os.strerror(1..133)`
returns it on this machine), frozen here so every replica, on any libc, tokenizes alike; compared
case-insensitively, since Go's `syscall.Errno.Error()` prints the same table in lower case (`no such file or
directory`, zerrors_linux_*.go) and Node's `ENOENT: no such file or directory` too. glibc prints an
unknown number as `Unknown error N` (masked: `Unknown error <*>`); Rust's `io::Error` Display appends
` (os error N)` (library/std/src/io/error.rs), which is part of the value. Two carriers put something after
the text: Perl's `die "...: $!"` appends ` at FILE line N.` (perlfunc `die`; GROUPING_CLASSES3 H37), and
nginx's `ngx_log_errno` writes ` (%d: %s)` before the context its HTTP module appends (H18).

What stays the event (twins): an errno text that is NOT the message's last part (`wait returned No child
processes for the reaper`), a trailing phrase not in the set (`failed: disk quota reached`), an errno NAME
(`EACCES`, slots.py keeps two capitals apart), a message that is only the text, and Python's
`[Errno 13] Permission denied` (the kept `[Errno N]` token is not the text).
"""

from __future__ import annotations

import re

from .masking_rules import PLACEHOLDER

__all__ = ["ERRNO_TEXTS", "errno_tail", "bracketed_errno", "is_errno_token"]

ERRNO_TEXTS: frozenset[str] = frozenset(t.lower() for t in (
    '.lib section in a.out corrupted', 'Accessing a corrupted shared library', 'Address already in use',
    'Address family not supported by protocol', 'Advertise error', 'Argument list too long',
    'Attempting to link in too many shared libraries', 'Bad address', 'Bad file descriptor', 'Bad font file format',
    'Bad message', 'Block device required', 'Broken pipe', 'Can not access a needed shared library',
    'Cannot allocate memory', 'Cannot assign requested address', 'Cannot exec a shared library directly',
    'Cannot send after transport endpoint shutdown', 'Channel number out of range', 'Communication error on send',
    'Connection refused', 'Connection reset by peer', 'Connection timed out', 'Destination address required',
    'Device not a stream', 'Device or resource busy', 'Directory not empty', 'Disk quota exceeded', 'Exchange full',
    'Exec format error', 'File descriptor in bad state', 'File exists', 'File name too long', 'File too large',
    'Function not implemented', 'Host is down', 'Identifier removed', 'Illegal seek',
    'Inappropriate ioctl for device', 'Input/output error', 'Interrupted system call',
    'Interrupted system call should be restarted', 'Invalid argument', 'Invalid cross-device link',
    'Invalid exchange', 'Invalid or incomplete multibyte or wide character', 'Invalid request code',
    'Invalid request descriptor', 'Invalid slot', 'Is a directory', 'Is a named type file', 'Key has been revoked',
    'Key has expired', 'Key was rejected by service', 'Level 2 halted', 'Level 2 not synchronized',
    'Level 3 halted', 'Level 3 reset', 'Link has been severed', 'Link number out of range',
    'Machine is not on the network', 'Memory page has hardware error', 'Message too long', 'Multihop attempted',
    'Name not unique on network', 'Network dropped connection on reset', 'Network is down',
    'Network is unreachable', 'No CSI structure available', 'No XENIX semaphores available', 'No anode',
    'No buffer space available', 'No child processes', 'No data available', 'No locks available', 'No medium found',
    'No message of desired type', 'No route to host', 'No space left on device', 'No such device',
    'No such device or address', 'No such file or directory', 'No such process', 'Not a XENIX named type file',
    'Not a directory', 'Numerical argument out of domain', 'Numerical result out of range', 'Object is remote',
    'Operation already in progress', 'Operation canceled', 'Operation not permitted',
    'Operation not possible due to RF-kill', 'Operation not supported', 'Operation now in progress',
    'Out of streams resources', 'Owner died', 'Package not installed', 'Permission denied',
    'Protocol driver not attached', 'Protocol error', 'Protocol family not supported', 'Protocol not available',
    'Protocol not supported', 'Protocol wrong type for socket', 'RFS specific error', 'Read-only file system',
    'Remote I/O error', 'Remote address changed', 'Required key not available', 'Resource deadlock avoided',
    'Resource temporarily unavailable', 'Socket operation on non-socket', 'Socket type not supported',
    'Software caused connection abort', 'Srmount error', 'Stale file handle', 'State not recoverable',
    'Streams pipe error', 'Structure needs cleaning', 'Text file busy', 'Timer expired',
    'Too many levels of symbolic links', 'Too many links', 'Too many open files', 'Too many open files in system',
    'Too many references: cannot splice', 'Too many users', 'Transport endpoint is already connected',
    'Transport endpoint is not connected', 'Value too large for defined data type', 'Wrong medium type',
    "Unknown error <*>",
))
# masking writes a number as `<*>` (`Level 2 halted` -> `Level <*> halted`): the masked spellings too
ERRNO_TEXTS |= frozenset(re.sub(r"\d+", PLACEHOLDER, t) for t in ERRNO_TEXTS)
_OS_ERROR = " (os error <*>)"
# Perl's `die`/`warn` without a final newline append the location (perlfunc `die`: ` at FILE line N.`, and
# `, <FH> line M.` after a read): `die "Cannot open $f: $!"` puts the errno text BEFORE it.
_PERL_AT = re.compile(r" at \S+ line <\*>(?:, <[^>\s]*> (?:line|chunk) <\*>)?\.?$")


def errno_tail(text: str) -> tuple[int, int]:
    """(tokens of the errno text, tokens after it) when `text` (a masked message) ends with one errno text
    after `: ` (then only a Perl location may follow); (0, 0) when it does not, or the text is one word
    (nothing to join). The text itself may hold `: ` (`Too many references: cannot splice`): the last two
    colons are tried."""
    after = 0
    perl = _PERL_AT.search(text) if " line <" in text else None
    if perl is not None:
        after = text.count(" ", perl.start())
        text = text[: perl.start()]
    end = len(text)
    for _ in range(2):
        cut = text.rfind(": ", 0, end)
        if cut <= 0:
            return 0, 0
        tail = text[cut + 2:]
        if tail.endswith(_OS_ERROR):
            tail = tail[: -len(_OS_ERROR)]
        core = tail.rstrip(".")
        if " " in core and core.lower() in ERRNO_TEXTS and text[:cut].strip():
            return text.count(" ", cut + 2) + 1, after
        end = cut
    return 0, 0


# nginx's `ngx_log_errno` writes ` (%d: %s)` (src/core/ngx_log.c) and its HTTP module appends `, client: ...`
# after it (GROUPING_CLASSES2 H18): the text is inside the message, between the masked number and `)`.
_NGINX = re.compile(r"\(<\*>: ([^()]*)\)")


def bracketed_errno(text: str) -> tuple[int, int]:
    """(index of the first token, tokens) of an nginx `(<errno>: <text>)` whose text is an errno text of
    several words, or (0, 0)."""
    found = _NGINX.search(text)
    if found is None:
        return 0, 0
    inner = found.group(1)
    if " " not in inner or inner.rstrip(".").lower() not in ERRNO_TEXTS:
        return 0, 0
    first = text.count(" ", 0, found.start())
    return first, text.count(" ", found.start(), found.end()) + 1


def is_errno_token(token: str) -> bool:
    """Whether one learner token is an errno text (as `errno_tail` joins it: Rust's suffix, a period)."""
    if token.endswith(_OS_ERROR):
        token = token[: -len(_OS_ERROR)]
    return token.rstrip(".").lower() in ERRNO_TEXTS
