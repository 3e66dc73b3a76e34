"""A parser refusing the USER's data (an upload, an attachment, a file of the user's project): unknown, and said so.

CLASSES11 H1 (a number or date in a locale notation that a locale-neutral parser refuses), H2 (a user's source refused
by the language's own lexer/parser) and the archive-integrity class of CLASSES10 (a user's compressed file failing its
checksum) share one situation: the tool reads an object the user supplied and a strict reader refuses its CONTENT.
The catch-all already answers unknown, but says nothing of whose data it is, and a code/config answer blames us. The
failure kinds come from the readers' own raise sites:
- source: `SyntaxError`/`IndentationError`/`TabError` (CPython's parser, `LIB/ast.py` `parse`), `tokenize.TokenError`,
  `LIB/tokenize.py` `detect_encoding` ("encoding problem", "invalid or missing encoding declaration"), compile()'s
  "source code string cannot contain null bytes";
- archive integrity: `gzip.BadGzipFile` ("CRC check failed", "Not a gzipped file"), `zlib.error`, `zipfile.BadZipFile`,
  `tarfile.ReadError`, `lzma.LZMAError`, `EOFError` "Compressed file ended before the end-of-stream marker";
- notation: `float()`/`int()` ("could not convert string to float", "invalid literal for int()"), `decimal`'s
  `ConversionSyntax`, `LIB/_strptime.py` ("time data ... does not match format");
- text: `UnicodeDecodeError`.
Whose data: a record before the error TIED to it (the same request id; with none, the same logger) that says the
object is the user's - an upload or attachment, "user request/file/input", a path of the user's project
(user_files.USER_PROJECT_ROOT) - or the same request's tool call (tool_args.py). Negative conditions (the twins): the
file the failure names is of the gateway's own tree (/app, site-packages: our module -> code stays), a printed
setting names the object (config stays). 0.35: the record cannot say whether the tool should have accepted it.
"""

from __future__ import annotations

import re

from .following import request_id
from .model import Diagnosis, DiagnosisInput, one_line
from .reparse import reproduces
from .tool_args import tool_call_of
from .user_files import USER_PROJECT_ROOT
from .users_input import the_users

BY_USER_DATA = 0.35
_KINDS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("source", re.compile(r"\b(?:SyntaxError|IndentationError|TabError|TokenError)\b|encoding problem|"
                          r"invalid or missing encoding declaration|source code (?:string )?cannot contain null bytes"),
     "its source does not parse with the language's own parser (a grammar, indentation, encoding or NUL-byte "
     "problem in the user's file)"),
    ("archive", re.compile(r"\b(?:BadGzipFile|BadZipFile|BadZipfile|LZMAError|zlib\.error|tarfile\.ReadError)\b|"
                           r"CRC check failed|Not a gzipped file|Compressed file ended before|Bad CRC-32|"
                           r"Error -3 while decompressing"),
     "the archive is corrupt or truncated (its own integrity check failed)"),
    ("notation", re.compile(r"could not convert string to float|invalid literal for int\(\)|ConversionSyntax|"
                            r"time data .{1,80} does not match format|unconverted data remains"),
     "a value is written in a notation the locale-neutral parser refuses (a decimal comma, thousands separators, a "
     "day-first date or a local zone name)"),
    # a document or image reader refusing the file it was given: pypdf's errors.py (PdfReadError and its subclasses
    # PdfStreamError, FileNotDecryptedError "a PDF file that has been encrypted ... has not been successfully
    # decrypted", WrongPasswordError, EmptyFileError) and Pillow's Image.open ("cannot identify image file":
    # UnidentifiedImageError). Its content is the file's: an encrypted or damaged upload is the user's document
    ("document", re.compile(r"\b(?:PdfReadError|PdfStreamError|FileNotDecryptedError|WrongPasswordError|"
                            r"EmptyFileError|UnidentifiedImageError)\b|cannot identify image file"),
     "the document reader refused it (it is encrypted, damaged, empty or not the format it claims)"),
    ("text", re.compile(r"\bUnicodeDecodeError\b|codec can't decode byte"),
     "its bytes are not in the encoding the tool reads it with"),
    # open(2)'s refusals of a path, by errno(3): ENOENT 2 (a missing entry, a symbolic link to a target outside the
    # tree: "dangling"), ENOTDIR 20, ENAMETOOLONG 36, ELOOP 40 - only for a path under the tree the same request
    # named (_users_tree): a path of ours (/app, a setting's file) keeps its reading
    ("path", re.compile(r"\[Errno (?:2|20|36|40)\]|\b(?:FileNotFoundError|NotADirectoryError)\b|File name too long|"
                        r"Too many levels of symbolic links"),
     "a path in it cannot be opened (a missing entry, a link to a target outside the tree, a name too long)"),
)
_USERS = re.compile(r"\buser(?:'s)?\s+(?:upload|file|input|request|document|archive|source|data|attachment|project)"
                    r"|\buploaded\b|\bupload(?:ed)?\s+by\b|\battachment\b|"
                    # an upload's own record naming its user ("upload received file_id=f-31 ... user=u-8")
                    r"\bupload\w*\b[^\n]{0,160}?\buser(?:_?id)?=|" + re.escape(USER_PROJECT_ROOT), re.I)
_OUR_FILE = re.compile(r'(?:File "|(?<![\w/.]))(?:/app/|/usr/|/opt/venv/)[^\s"]*|site-packages')
_DISPLAY = re.compile(r'^\s*File "(?P<f>[^"]+)", line \d+\s*$', re.M)
# a well-formed id, date or search query argument says nothing about whose content was refused (review r11)
_A_FILE = re.compile(r"/|^[\w .()-]{1,200}\.[A-Za-z0-9]{1,5}$")
_LOCALE_DECIMAL = re.compile(r"'\s*[-+]?\d[\d .\u00a0']*,\d+\s*'")


def _kind(inp: DiagnosisInput) -> tuple[str, str] | None:
    text = " ".join([*inp.exception_types(), *inp.messages(), inp.traceback[-3000:]])
    for name, rx, says in _KINDS:
        if rx.search(text):
            return name, says
    return None


# a path the error names: a quoted one in its message, or a parser's display of the file it read ('File "<f>", line N'
# with no function: CPython prints a SyntaxError's own location so)
_ERROR_PATH = re.compile(r"'(?P<q>/[^'\n]{1,4096})'|^\s*File \"(?P<d>/[^\"\n]{1,400})\", line \d+\s*$", re.M)
# a directory a record names: absolute (/workspace/u-77/shop-api) or relative with two parts at least (u-51/legacy)
_A_DIR = re.compile(r"(?<![\w/.:-])(?P<p>/?[\w.-]{1,80}(?:/[\w.-]{1,80}){0,12})(?![\w/])")
_SYSTEM_DIRS = ("/", "/app", "/usr", "/opt", "/tmp", "/etc", "/var", "/home", "/root", "/proc", "/sys", "/dev")


def _under(path: str, root: str) -> bool:
    """Whether `path` lies in the tree `root` names (absolute: its prefix; relative: a run of its parts)."""
    root = root.rstrip("/")
    if root.startswith("/"):
        return root not in _SYSTEM_DIRS and path.startswith(root + "/")
    return root.count("/") >= 1 and f"/{root}/" in path


def _users_tree(inp: DiagnosisInput, ours: str | None) -> str | None:
    """The same request's earlier record (a tool call's argument, "search ... in /workspace/u-77/shop-api", "review
    project=u-51/legacy-billing") naming the tree a path of the error lies in - the tree the user's call handed the
    tool - or None. Only with a request id: the tie must be this call's."""
    if ours is None:
        return None
    paths = [m.group("q") or m.group("d") for m in _ERROR_PATH.finditer("\n".join([*inp.messages(),
                                                                                    inp.traceback[-3000:]]))]
    paths = [p for p in paths if not _OUR_FILE.search(p)]
    if not paths:
        return None
    for line in reversed(inp.context[-40:]):
        if request_id(line[:2048]) != ours:
            continue
        roots = [m.group("p") for m in _A_DIR.finditer(line[:2048].split(": ", 1)[-1])]
        if any(_under(p, r) for p in paths for r in roots):
            return line.strip()[:2048]
    return None


def _users_record(inp: DiagnosisInput, ours: str | None, tree: str | None) -> str | None:
    """The tied record before the error that names the user's object, or None (`tree`: _users_tree's record)."""
    if tree is not None:
        return tree
    for line in reversed(inp.context[-40:]):
        if not _USERS.search(line[:2048]):
            continue
        theirs = request_id(line[:2048])
        same_logger = inp.logger is not None and f" {inp.logger}" in line[:200]
        if (ours is not None and theirs == ours) or (ours is None and theirs is None and same_logger):
            return line.strip()[:2048]
    call = tool_call_of(inp)  # a call whose argument NAMES a file (a path or a name with an extension): the tool reads it
    files = [v for v in call.values() if _A_FILE.search(v) and "://" not in v] if call is not None else []
    return call.line if call is not None and files else None


def _ours(inp: DiagnosisInput, kind: str) -> bool:
    """Does the failure name a file of the gateway's own tree (a SyntaxError's display of our module)?"""
    if kind == "source":
        shown = _DISPLAY.findall(inp.traceback[-3000:])
        return bool(shown) and _OUR_FILE.search(shown[-1]) is not None
    return any(_OUR_FILE.search(m) for m in inp.messages())


def user_data_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or unknown naming the user's object when a reader refused its content (module docstring)."""
    if not (d.category in ("code", "config") or d.rule == "catch-all"):
        return d
    found = _kind(inp)
    if found is None:
        return d
    kind, says = found
    ours = request_id("\n".join(inp.messages()) + "\n" + inp.traceback[:4096])
    tree = _users_tree(inp, ours)
    record = _users_record(inp, ours, tree)
    if kind == "path" and tree is None:
        return d  # an unopenable path is the user's only inside the tree their call handed the tool
    if record is None or _ours(inp, kind) or _OUR_FILE.search(record.split(": ", 1)[-1]):
        return d
    call = tool_call_of(inp) if kind != "path" else None  # a path refused lies UNDER the argument, never equals it
    verdicts = [reproduces(inp, v) for v in (call.values() if call is not None else [])]
    if any(v is False for v in verdicts) and not any(verdicts):
        return d  # a strict parser's refusal (an int() inside httpx's port check) no argument of the call reproduces
    quoted = set(re.findall(r"'([^'\n]{4,200})'$", " ".join(inp.messages()).strip()))
    if call is not None and quoted and not any(q in v for q in quoted for v in call.values()):
        return d  # the refused value the message quotes is none of the call's arguments (test_reparse's twin)
    if kind == "notation" and _LOCALE_DECIMAL.search(" ".join(inp.messages()) + inp.traceback[-600:]):
        says = "a number is written with a decimal comma (a locale notation) that the locale-neutral parser refuses"
    return the_users(d, BY_USER_DATA, f"user-data:{kind}", {
        "summary": f"The user's data could not be read: {says.split(' (')[0]}",
        "root_cause": (f"The object read is the user's (\"{one_line(record, 200)}\") and {says}. Nothing in the "
                       "settings or the gateway is shown to be at fault; the record cannot say whether the tool "
                       "should have accepted or reported it more clearly."),
        "suggested_fix": ["Tell the user which file and what the reader refused; nothing to change on the server.",
                          "If such input is common, make the tool report it as an input error."],
        "evidence": list(dict.fromkeys([record[:300], *d.evidence[:2]]))})
