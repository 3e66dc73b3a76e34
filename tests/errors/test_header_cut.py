"""Header cutting (GROUPING_CLASSES.md section H): `sidecar fingerprint` is fed whole lines.

Class: every documented header grammar (`tests/errors/header_gen.FAMILIES`, fields drawn afresh
per line) x generated messages x seeds. What a user checks: the message after the cut is the
message that was logged, byte for byte, and the groups of whole lines are the groups of their
messages. Twins that must NOT change: messages that begin with `W:`, `<v>:`, `[..]` keep that text;
a line with no header (or a Python gateway line) is read exactly as before.
"""

from __future__ import annotations

import json
import random
import re
import string

import pytest

from sidecar.errors.cli_fingerprint import split_line
from sidecar.errors.grouper import MessageGrouper
from sidecar.ingest import sysheaders
from sidecar.ingest.formats import TextDialect
from sidecar.ingest.sysheaders import cut_header

from .header_gen import FAMILIES

SEEDS = (1, 2, 3, 4, 5)
WORDS = ("connection", "refused", "timeout", "reading", "block", "session", "opened", "closed", "user",
         "failed", "retrying", "queue", "full", "dropped", "packet", "disk", "quota", "exceeded", "lease")


def _value(rng: random.Random) -> str:
    return rng.choice([str(rng.randint(0, 10**6)), f"0x{rng.randint(0, 2**32):08x}",
                       f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.randint(1, 65535)}",
                       f"blk_{rng.randint(-10**12, 10**12)}", "".join(rng.choice(string.hexdigits[:16]) for _ in range(12))])


def _templates(rng: random.Random, n: int) -> list[str]:
    """Message templates with `{}` slots; some begin with the twins' leading text."""
    out = []
    for i in range(n):
        words = rng.sample(WORDS, rng.randint(3, 6))
        words.insert(rng.randint(1, len(words)), "{}")
        lead = ("W: ", "E: ", "{}: ", "[{}] ", "[worker] ", "Error: ", "")[i % 7]
        out.append(lead + " ".join(words) + f" t{i}")
    return out


def _messages(seed: int, n_templates: int = 12, per: int = 6) -> list[tuple[int, str]]:
    rng = random.Random(seed)
    pairs = [(t, tpl.replace("{}", "%s") % tuple(_value(rng) for _ in range(tpl.count("{}"))))
             for t, tpl in enumerate(_templates(rng, n_templates)) for _ in range(per)]
    rng.shuffle(pairs)
    return pairs


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("seed", SEEDS)
def test_cut_gives_the_logged_message(family: str, seed: int) -> None:
    rng = random.Random(f"{family}/{seed}")
    for _, message in _messages(seed):
        line = FAMILIES[family](rng) + message
        cut = cut_header(line)
        assert cut is not None, line
        assert cut.message == message, line


@pytest.mark.parametrize("seed", SEEDS)
def test_groups_of_whole_lines_are_the_groups_of_their_messages(seed: int) -> None:
    """GA with header == GA without: every line under a header of a random family (so one
    template is seen under many grammars and field values)."""
    rng = random.Random(seed)
    pairs = _messages(seed, n_templates=20, per=8)
    names = sorted(FAMILIES)
    bare, whole = MessageGrouper(), MessageGrouper()
    plain = [bare.fingerprint(*split_line(m)) for _, m in pairs]
    headed = [whole.fingerprint(*split_line(FAMILIES[rng.choice(names)](rng) + m)) for _, m in pairs]
    assert plain == headed  # the same fingerprints, not only the same partition


@pytest.mark.parametrize("seed", SEEDS)
def test_a_message_alone_is_not_cut(seed: int) -> None:
    """Near-miss twins: messages whose first tokens look like header fields, with no header."""
    rng = random.Random(seed)
    leads = ["W: ", "E: ", "N: ", "<v>: ", "[{}] ", "Error: ", "error: ", "make[2]: *** ", "{} ",
             "Dec is ", "INFO ", "sshd[{}]: ", "(x) ", "** ", "ERROR: "]
    for _, message in _messages(seed):
        text = rng.choice(leads).replace("{}", _value(rng)) + message
        assert cut_header(text) is None, text
        assert split_line(text) == (text, None, "ERROR")


@pytest.mark.parametrize("seed", SEEDS)
def test_python_gateway_lines_read_as_before(seed: int) -> None:
    """The gateway's own header formats keep their fields (logger and level come from them)."""
    rng = random.Random(seed)
    dialect = TextDialect()
    for _, message in _messages(seed):
        logger = f"src.{rng.choice(WORDS)}.{rng.choice(WORDS)}"
        level = rng.choice(["ERROR", "WARNING", "CRITICAL", "INFO"])
        stamp = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:00:{rng.randint(0, 59):02d}"
        for line in (f"{stamp},{rng.randint(0, 999):03d} {level} {logger}: {message}",
                     f"{stamp} - {logger} - {level} - {message}"):
            header = dialect.parse_header(line)
            assert header is not None
            assert split_line(line) == (header.message, header.logger, header.level) == (message, logger, level)
        # logging.basicConfig's `LEVEL:name:msg` (GROUPING_CLASSES2 H23): cut at the SECOND colon.
        assert split_line(f"{level}:{logger}:{message}") == (message, logger, level)


def test_a_log4j_message_opening_with_a_parenthesis_keeps_it() -> None:
    # JBoss LogManager's `[%c] (%t)` takes a parenthesis after a dotted category only (header_gen's log4j family
    # draws the JBoss layout); after log4j's `[%t]` it is the message's own text
    assert cut_header("2016-03-18 15:49:32,075 INFO  [main] (spawning) child 3") == ("(spawning) child 3", "INFO")
    assert cut_header("2016-03-18 15:49:32,075 INFO  [org.jboss.as] (main) (spawning) child") == ("(spawning) child", "INFO")
    assert cut_header("15:49:32,075 INFO  [stdout] (default task-1) hello") == ("hello", "INFO")


def test_carried_layers_and_nil_fields() -> None:
    """Documented corner cases of the grammars, each from the writer's specification."""
    # RFC 5424 §6.5 example 2 shape with every NILVALUE and no MSG.
    # The level is the PRI (RFC 5424 §6.2.1: severity = 165 mod 8 = 5, Notice; ingest.sysdialect maps it).
    assert cut_header("<165>1 - - - - - -") == ("", "165")
    # journald short-precise: fraction on the seconds; day space-padded.
    assert cut_header("Dec  6 18:28:31.123456 host app[12]: W: low disk").message == "W: low disk"
    # postgres under syslog (H9): both layers cut; the inner one's level kept.
    cut = cut_header("Dec 16 01:02:03 db postgres[77]: [3-1] user=a,db=b ERROR:  relation \"t\" does not exist")
    assert cut == ('relation "t" does not exist', "ERROR")


def _every_grammar_in_turn(line: str) -> tuple[str, str | None] | None:
    """The cut without the first-characters dispatch: each grammar tried in its order, per layer."""
    out = None
    for _ in range(3):
        for _, grammar in sysheaders._GRAMMARS:
            m = re.match(grammar, line)
            if m is not None:
                level = m.groupdict().get("level")
                line = m.group("msg") or ""
                out = (line, level or (out[1] if out else None))
                break
        else:
            break
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_start_dispatch_equals_trying_every_grammar(seed: int) -> None:
    """The two-character dispatch is a speed-up only: the same cut as every grammar in turn, on
    headed lines of every family and on bare messages (whose starts choose no grammar or a few)."""
    rng = random.Random(seed)
    names = sorted(FAMILIES)
    lines = [m for _, m in _messages(seed)]
    lines += [FAMILIES[rng.choice(names)](rng) + m for m in lines]
    lines += ["".join(rng.choice(string.printable[:95]) for _ in range(rng.randint(0, 40))) for _ in range(300)]
    for line in lines:
        got = cut_header(line)
        assert (tuple(got) if got else None) == _every_grammar_in_turn(line), line


@pytest.mark.parametrize("seed", SEEDS)
def test_docker_json_file_lines_are_their_log_value(seed: int) -> None:
    """H9 carrier: Docker's json-file driver wraps each line (its newline included) in JSON; the
    grouping of wrapped headed lines is the grouping of their messages."""
    rng = random.Random(seed)
    pairs = _messages(seed, n_templates=15, per=6)
    names = sorted(FAMILIES)
    bare, wrapped = MessageGrouper(), MessageGrouper()
    plain = [bare.fingerprint(*split_line(m)) for _, m in pairs]
    docker = []
    for _, m in pairs:
        line = FAMILIES[rng.choice(names)](rng) + m + "\n"
        record = {"log": line, "stream": rng.choice(["stdout", "stderr"]), "time": "2026-12-06T18:00:00.123456789Z"}
        docker.append(wrapped.fingerprint(*split_line(json.dumps(record, ensure_ascii=rng.random() < 0.5))))
    assert docker == plain


def test_a_line_that_only_looks_like_docker_json_stays_whole() -> None:
    for text in ('{"log": broken', '{"log": 5}', '{"log":["a"]}'):
        assert split_line(text) == (text, None, "ERROR")


@pytest.mark.parametrize("run", [24, 40, 5000])
def test_hostile_runs_cut_in_one_pass(run: int) -> None:
    """Log text is attacker-controlled: a run that two nested repeats could split many ways (a
    CamelCase logger `(?:[A-Z][A-Za-z0-9]*)+` took 6.7 s at 24 letters, doubling per letter) is
    matched possessively. At 40 letters the old pattern would not finish; the answers are exact."""
    assert cut_header("2026-01-01 00:00:00 INFO Ab" + "C" * run + "!") == ("Ab" + "C" * run + "!", "INFO")
    assert cut_header("2026-01-01 00:00:00 INFO Ab" + "C" * run + ": x") == ("x", "INFO")
    assert cut_header("2026-01-01 00:00:00 WARN a.B" + "$" * run + "!") == ("a.B" + "$" * run + "!", "WARN")
    # Jetty's thread name runs to the first `: `: a line without one is no Jetty line, found in one scan
    jetty = "2026-01-01 00:00:00.000:INFO:oejs.Server:" + "a:" * run
    assert cut_header(jetty) is None
    assert cut_header(jetty + ": x") == ("x", "INFO")
