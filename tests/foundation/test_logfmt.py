"""The sidecar's logs are valid logfmt: parsed back by a decoder written from the format's spec
(brandur.org/logfmt, go-logfmt's scanner), every field comes back exactly, whatever its text."""

from __future__ import annotations

import ast
import io
import json
import logging
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sidecar.logsetup import LogfmtFormatter, logfmt_key


def parse_logfmt(line: str) -> list[tuple[str, str]]:
    """go-logfmt's decoder: a key is a run of bytes > ' ' other than '=' and '"'; after '=' a value
    is either a run of such bytes (unquoted; '=' and '"' are errors inside it) or a double-quoted
    Go string literal. Pairs are separated by spaces. Anything else is a syntax error."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(line)
    while i < n:
        if line[i] == " ":
            i += 1
            continue
        start = i
        while i < n and line[i] > " " and line[i] not in '="':
            i += 1
        key = line[start:i]
        assert key, f"expected a key at {i}: {line[i:i + 20]!r}"
        if i == n or line[i] == " ":
            out.append((key, ""))
            continue
        assert line[i] == "=", f"unexpected {line[i]!r} after key {key!r}"
        i += 1
        if i < n and line[i] == '"':
            i += 1
            chars = []
            while True:
                assert i < n, "unterminated quoted value"
                ch = line[i]
                if ch == '"':
                    i += 1
                    break
                if ch == "\\":
                    esc = line[i + 1]
                    if esc in 'nrt"\\':
                        chars.append({"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}[esc])
                        i += 2
                    elif esc == "u":
                        chars.append(chr(int(line[i + 2:i + 6], 16)))
                        i += 6
                    elif esc == "U":
                        chars.append(chr(int(line[i + 2:i + 10], 16)))
                        i += 10
                    else:
                        raise AssertionError(f"bad escape \\{esc}")
                    continue
                assert ch >= " " and ch.isprintable(), f"raw control/non-printable {ch!r} inside quotes"
                chars.append(ch)
                i += 1
            out.append((key, "".join(chars)))
            assert i == n or line[i] == " ", "a quoted value must end the pair"
        else:
            start = i
            while i < n and line[i] != " ":
                assert line[i] > " " and line[i] not in '="', f"{line[i]!r} must be quoted"
                i += 1
            out.append((key, line[start:i]))
    return out


def emit(msg: str, **extra: object) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LogfmtFormatter())
    logger = logging.getLogger("sidecar.test.logfmt")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning(msg, extra=extra)
    return stream.getvalue().rstrip("\n")


def test_the_line_that_was_not_logfmt_parses() -> None:
    line = emit("sidecar started", stages=["groups", "alerts"], port=8081, ready=True, dsn=None, path="/var/log/a b.log")
    fields = dict(parse_logfmt(line))
    assert fields["msg"] == "sidecar started" and fields["level"] == "WARNING"
    assert fields["stages"] == '["groups", "alerts"]'
    assert (fields["port"], fields["ready"], fields["dsn"], fields["path"]) == ("8081", "true", "null", "/var/log/a b.log")
    assert line.count("\n") == 0


def test_an_exception_is_one_line_with_its_traceback_in_exc() -> None:
    logger = logging.getLogger("sidecar.test.logfmt.exc")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LogfmtFormatter())
    logger.handlers[:] = [handler]
    logger.propagate = False
    try:
        raise ValueError('bad "value" = here\n')
    except ValueError:
        logger.exception("boom", extra={"attempt": 2})
    [line] = stream.getvalue().splitlines()
    fields = dict(parse_logfmt(line))
    assert fields["exc"].startswith("Traceback") and 'ValueError: bad "value" = here' in fields["exc"]


TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)
KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True).filter(
    lambda k: k not in set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "ts", "level", "logger", "msg"})


@given(TEXT, st.dictionaries(KEYS, st.one_of(TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(),
                                              st.none(), st.lists(TEXT, max_size=3)), max_size=6))
def test_any_message_and_fields_round_trip(msg: str, extra: dict[str, object]) -> None:
    line = emit(msg, **extra)
    assert "\n" not in line and "\r" not in line
    fields = parse_logfmt(line)
    assert [k for k, _ in fields[:4]] == ["ts", "level", "logger", "msg"]
    assert fields[3][1] == msg
    got = dict(fields[4:])
    for key, value in extra.items():
        if isinstance(value, list):
            assert json.loads(got[key]) == value
        elif isinstance(value, bool) or value is None:
            assert got[key] == {True: "true", False: "false", None: "null"}[value]
        else:
            assert got[key] == str(value)


@given(st.text(max_size=20))
def test_any_key_becomes_a_valid_key(key: str) -> None:
    k = logfmt_key(key)
    assert k and all(ch > " " and ch not in '="' for ch in k)


LEVELS = {"debug", "info", "warning", "error", "exception", "critical"}


def interpolating_calls(path: Path) -> int:
    """Logging calls whose message is built from values (%-args, an f-string, .format)."""
    found = 0
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LEVELS
                and isinstance(node.func.value, ast.Name) and node.func.value.id in ("log", "logger", "logging")):
            continue
        first = node.args[0] if node.args else None
        if len(node.args) > 1 or isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute) and first.func.attr == "format"):
            found += 1
    return found


# Files allowed to put values into the message: none any more (every call was converted this round).
LEGACY: dict[str, int] = {}


def test_log_messages_are_constant_and_values_go_in_extra() -> None:
    root = Path(__file__).resolve().parents[2] / "sidecar"
    counts = {str(p.relative_to(root)): n for p in sorted(root.rglob("*.py")) if (n := interpolating_calls(p))}
    grown = {f: n for f, n in counts.items() if n > LEGACY.get(f, 0)}
    assert grown == {}, "pass values as extra={...}, not in the message"


def test_the_checker_sees_each_way_of_building_a_message(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text('log.info("a %s", x)\nlog.warning(f"b {x}")\nlogger.error("c {}".format(x))\n'
                   'log.info("fine", extra={"x": x})\nlog.exception("fine too")\n')
    assert interpolating_calls(src) == 3


def test_no_extra_key_overwrites_a_log_record_attribute() -> None:
    """logging raises KeyError at the call ("Attempt to overwrite 'name' in LogRecord") for these."""
    reserved = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
    root = Path(__file__).resolve().parents[2] / "sidecar"
    bad = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LEVELS:
                for kw in node.keywords:
                    if kw.arg == "extra" and isinstance(kw.value, ast.Dict):
                        bad += [f"{path.relative_to(root)}:{node.lineno} {k.value}" for k in kw.value.keys
                                if isinstance(k, ast.Constant) and k.value in reserved]
    assert bad == []
