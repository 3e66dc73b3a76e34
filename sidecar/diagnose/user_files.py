"""A data file of the USER's project that does not parse: the user's input, not the gateway's configuration or code.

The gateway's tools (tools.analyze, tools.codereview...) read the repository the user works on, mounted at
/mnt/project (research upstream-gateway.md section 14: "Path escapes repository root: /mnt/project/..."). A JSON,
YAML, TOML or SQLite file there that its parser refuses (comments in a tsconfig.json, a multi-document manifest, a
file that is no database) is the user's content: nothing for the on-call engineer to change - an honest, low
unknown that names the file (doctrine.py: unknown, "the record does not say" a gateway cause; writer 4's 5048/5049,
writer 3's 4046, and the dev cases 940-951 read it so). The gateway's own files (/app, a relative providers.yaml)
keep their family's reading (config, code).
"""

from __future__ import annotations

import re

from .entry import Text
from .model import DiagnosisInput, one_line

USER_PROJECT_ROOT = "/mnt/project/"
# a path under the user's project named by the log message, the exception's message or a parser's mark
# ('in "<file>", line N, column M'), never a traceback frame ('File "..."' is code that ran, not data read)
_USER_PATH = re.compile(r"(?<![\w/])" + re.escape(USER_PROJECT_ROOT) + r"[^\s'\",;:)\]]{1,300}")
_FRAME_LINE = re.compile(r'^\s*File "', re.M)
# the parse families of data files (classes.py / message_texts.refine)
DATA_FAMILIES = frozenset({"decode.json", "decode.yaml", "config.yaml", "sqlite", "sqlite.open", "decode.toml",
                           "data.input_limit"})
# the path families (message_texts' errno table) whose cause is the shape of the tree the path names: a symlink loop
# (ELOOP, pathlib's "Symlink loop from"), a file where a directory is expected or the reverse, a missing entry. Under
# the user's project that tree is the user's content (held-out 7's 7055: a loop in the user's docs read as our mount
# config). Permission errors are NOT here: the mount's owner and mode are the deployment's.
PATH_FAMILIES = frozenset({"config.symlink_loop", "config.path_kind", "os.missing"})


def user_file(inp: DiagnosisInput) -> str | None:
    """The user's project file the record says failed to parse, or None."""
    said = [*inp.messages()]
    tail = inp.traceback[-16384:]
    said += [ln for ln in tail.splitlines() if not _FRAME_LINE.match(ln)][-12:]
    for text in said:
        m = _USER_PATH.search(text)
        if m is not None:
            return m.group(0).rstrip(".")
    return None


def user_file_text(cls: str, path: str, said: str) -> Text:
    return ("unknown", "low", f"A file of the user's project does not parse ({path}: {cls})",
            f"The tool read {path}, a file of the repository the user works on, and its parser refused it "
            f"('{one_line(said, 140)}'): the user's file content, not a setting or code of the gateway.",
            ("Nothing to fix on the server: tell the user which file and line the parser refused.",))


def user_path_text(cls: str, path: str, said: str) -> Text:
    return ("unknown", "low", f"A path of the user's project cannot be followed ({path}: {cls})",
            f"The tool resolved {path}, a path in the repository the user works on, and the operating system refused "
            f"it ('{one_line(said, 140)}'): the shape of the user's tree (a link, a missing or other-kind entry), "
            "not a setting or code of the gateway.",
            ("Nothing to fix on the server: tell the user which path of their project failed and why.",))


# the innermost frames of a data parser (the standard library's json/csv/configparser/tomllib/compression/archive
# modules, PyYAML) and the parser texts raised with no frame of their own (compile() on source holding NUL bytes,
# json's recursion guard): a user's file refused there is the user's content (CLASSES8 H2), whatever the class
_PARSER_FRAME = re.compile(r'File "[^"]*/(?:json/(?:decoder|scanner|__init__)|configparser|tomllib/_parser|yaml/\w+|'
                           r'csv|zipfile|gzip|_compression|tarfile|lzma|bz2|plistlib|xml/\w+/\w+)\.py"')
_PARSER_TEXT = re.compile(r"cannot contain null bytes|while decoding a JSON (?:array|object)|line contains NUL|"
                          r"source code string cannot contain", re.I)
BY_USER_FILE = 0.35


def user_data_refused(inp: DiagnosisInput) -> str | None:
    """The user's project file a data parser refused (its frames innermost, or its own frameless text), or None."""
    path = user_file(inp)
    if path is None:
        return None
    frames = _FRAME_LINE.findall(inp.traceback[-16384:])
    tail = inp.traceback[-16384:]
    innermost = [ln for ln in tail.splitlines() if _FRAME_LINE.match(ln)][-1:] if frames else []
    said = " ".join([*inp.messages(), tail[-2048:]])
    if any(_PARSER_FRAME.search(ln) for ln in innermost) or _PARSER_TEXT.search(said):
        return path
    return None


_OWN_PATH = re.compile(r"(?<![\w/])/(?:app|var|tmp|etc|srv|data|home)/[^\s'\",;:)\]]{1,300}")


def limit_data_owner(inp: DiagnosisInput) -> str | None:
    """Whose data went over a standard-library input limit (message_texts' data.input_limit): 'user' when the record
    or one of the last context records (the tool's 'reading <path>' line: held-out 2's 761, held-out 8's 8061) names
    a path of the user's project, 'ours' when the record names a path of the gateway's own tree and no user path is
    near, None when nothing says (the catch-all's honest unknown)."""
    said = " ".join([*inp.messages(), *inp.context[-5:]])
    if _USER_PATH.search(said) is not None:
        return "user"
    return "ours" if _OWN_PATH.search(" ".join(inp.messages())) is not None else None
