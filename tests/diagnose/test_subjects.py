"""What an error names as its subject (diagnose/subjects.py) ties the record that names it too, and that record is
quoted: the value in the slot of a real library's message format (CPython, httpx, PostgreSQL), the callee of the
statement that raised, the one remote it concerns witnessed by another component. Generated: each seed draws the
word, the loggers, the wording, the position and the shape; the twins (a word in no slot, another word, the error's
own component, another remote) must not be quoted."""

from __future__ import annotations

import importlib
import random
import traceback
import types
from pathlib import Path
from typing import Any

import httpx
import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.model import DiagnosisInput
from sidecar.diagnose.subjects import SCAN, error_subjects, slot_values
from tests.diagnose.logged import RULES
from tests.diagnose.test_deciding_facts import _excerpt

WORDS = ("messages", "tenant", "region", "owner", "channel", "quota", "ledger", "profile", "segment", "locale")
OTHERS = ("src.workers.cleanup", "ops.netcheck", "utils.observability", "app.audit")


def _raised(call: Any) -> BaseException:
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the raised exception is what the test reads
        return e
    raise AssertionError("nothing raised")


def _no_kwargs() -> None:
    return None


def _cpython(word: str, tmp: Path) -> list[tuple[BaseException, str]]:
    """Real exceptions whose message format puts `word` (or a path holding it) in its slot."""
    missing = tmp / word / "state.json"
    return [
        (_raised(lambda: {}[word]), word),
        (_raised(lambda: getattr(types.SimpleNamespace(), word)), word),
        (_raised(lambda: eval(word, {})), word),  # noqa: S307 - a NameError of a generated name
        (_raised(lambda: _no_kwargs(**{word: 1})), word),
        (_raised(lambda: importlib.import_module(f"no_such_{word}")), f"no_such_{word}"),
        (_raised(lambda: open(missing)), str(missing).lower()),  # noqa: SIM115 - the open fails
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_slot_of_a_raised_exceptions_own_format_is_read(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    word = rng.choice(WORDS) + rng.choice(["", "s", "_v2"])
    for exc, value in _cpython(word, tmp_path):
        assert value in slot_values(f"{type(exc).__name__}: {exc}"), (type(exc).__name__, str(exc))
    host = f"{rng.choice(['files', 'billing', 'auth'])}-{rng.randint(1, 99)}.{rng.choice(['internal', 'example.net'])}"
    reply = httpx.Response(rng.choice([404, 409, 503]), request=httpx.Request("GET", f"https://{host}/v1/{word}"))
    assert host in slot_values(str(_raised(reply.raise_for_status)))
    # the twin: a quoted VALUE in no name's slot (int()'s literal, json's document) is data, no subject
    assert slot_values(str(_raised(lambda: int(f"'{word}'")))) == []


def test_postgresqls_quoted_identifier_is_read(pg_dsn: str) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        for seed in (1, 2, 3):
            rng = random.Random(seed)
            col, table = rng.choice(WORDS), f"{rng.choice(WORDS)}_{rng.randint(1, 9)}"
            assert table in slot_values(str(_raised(lambda t=table: conn.execute(f"SELECT 1 FROM {t}"))))
            conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (id int)")
            assert col in slot_values(str(_raised(lambda c=col, t=table: conn.execute(f"SELECT {c} FROM {t}"))))


def _keyed_case(seed: int, twin: bool) -> tuple[list[dict[str, Any]], str, str]:
    """A KeyError of a plain word and, after it, another component's record naming that word (the twin: another
    word); returns (records, the record's words, shape)."""
    rng = random.Random(f"{seed}-key")
    word, other_word = rng.sample(WORDS, 2)
    exc = _raised(lambda: {"id": 1}[word])
    own, other = rng.choice(["src.daemon.resume", "tools.import_rows", "app.sessions"]), rng.choice(OTHERS)
    error = {"level": "ERROR", "logger": own, "message": rng.choice(["resume failed", "import step failed"]),
             "exc": "".join(traceback.format_exception(exc)).rstrip()}
    named = other_word if twin else word  # as a name: quoted or a field's key (a plain word in prose ties nothing)
    said = (f"{rng.choice(['cache evicted', 'schema dropped', 'export left out'])} "
            f"{rng.choice([repr(named), f'field {named}=', f'{named}: (none)'])} "
            f"{rng.choice(['at the last sweep', 'in the nightly export', 'for tenant t-' + str(rng.randint(1, 99))])}")
    fact = {"level": "INFO", "logger": other, "message": said}
    fillers = [{"level": "INFO", "logger": rng.choice(OTHERS), "message": f"scheduler tick {rng.randint(2, 99)} done"}
               for _ in range(rng.randint(1, 3))]
    records = [*fillers, error, fact] if rng.random() < 0.5 else [*fillers, fact, error]
    for t, r in enumerate(records):
        r["t"] = t
    return records, said, rng.choice(["text", "json", "docker"])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("twin", [False, True])
def test_a_record_naming_the_errors_key_is_quoted(seed: int, twin: bool) -> None:
    records, said, shape = _keyed_case(seed, twin)
    d = RULES.diagnose(excerpt_to_input(_excerpt(records, shape)))
    assert (said in d.root_cause) is not twin, (shape, d.root_cause)
    plain = RULES.diagnose(excerpt_to_input(_excerpt(_keyed_case(seed, not twin)[0], shape)))
    assert (plain.category, plain.rule) == (d.category, d.rule)  # the quote never moves the verdict


REMOTES = (("glm", "open.bigmodel.cn", "glm chat failed"), ("kimi", "api.moonshot.ai", "kimi chat failed"),
           ("supabase", "qwertyuiopasdfgh.supabase.co", "select messages failed"))


def _remote_case(seed: int, twin: str) -> tuple[list[dict[str, Any]], str, str]:
    """An error of one remote and another component's record about that remote's host (twins: the record comes
    from the error's own component, or names another remote's host)."""
    rng = random.Random(f"{seed}-remote")
    (name, host, failed), (_, elsewhere, _) = rng.sample(REMOTES, 2)
    own = f"src.providers.{name}"
    other = f"src.providers.{name}_pool" if twin == "own_component" else rng.choice(OTHERS)
    target = elsewhere if twin == "another_remote" else host
    said = rng.choice([f"mtr {target} from node-{rng.randint(1, 9)}: hop {rng.randint(3, 12)} loss {rng.randint(5, 30)}%",
                       f"status mail: {target} degraded since {rng.randint(10, 23)}:{rng.randint(10, 59)}"])
    error = {"level": "ERROR", "logger": own, "message": f"[req:{rng.getrandbits(24):06x}] {failed}: "
                                                        f"{rng.choice(['The read operation timed out', 'Server disconnected'])}"}
    fact = {"level": "INFO", "logger": other, "message": said}
    records = [error, fact] if rng.random() < 0.6 else [fact, error]
    for t, r in enumerate(records):
        r["t"] = t
    return records, said, rng.choice(["text", "json"])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("twin", ["", "own_component", "another_remote"])
def test_another_components_record_of_the_errors_remote_is_quoted(seed: int, twin: str) -> None:
    records, said, shape = _remote_case(seed, twin)
    d = RULES.diagnose(excerpt_to_input(_excerpt(records, shape)))
    assert (said in d.root_cause) is (twin == ""), (shape, d.root_cause)


def test_every_seed_draws_other_words_and_shapes() -> None:
    drawn = {(_keyed_case(s, False)[1], _keyed_case(s, False)[2], _remote_case(s, "")[1]) for s in range(1, 7)}
    assert len({k for k, _, _ in drawn}) >= 5 and len({r for _, _, r in drawn}) >= 5
    assert len({sh for _, sh, _ in drawn}) >= 2


def _violation_excerpt(conn: Any, rng: random.Random) -> tuple[str, str]:
    """A real unique violation of a generated constraint, logged as the gateway logs it; (excerpt, constraint)."""
    import psycopg

    table = f"{rng.choice(WORDS)}_{rng.randint(10, 99)}"
    constraint = f"{table}_{rng.choice(['day', 'org', 'slot'])}_key"
    conn.execute(f"CREATE TABLE {table} (k int, CONSTRAINT {constraint} UNIQUE (k))")
    conn.execute(f"INSERT INTO {table} VALUES (1)")
    exc = _raised(lambda: conn.execute(f"INSERT INTO {table} VALUES (1)"))
    assert isinstance(exc, psycopg.errors.UniqueViolation)
    head = f"2026-12-06 14:00:0{rng.randint(0, 9)} ERROR {rng.choice(['src.jobs.rollup', 'app.billing'])}: " \
           f"{rng.choice(['rollup failed', 'insert failed'])}"
    return "\n".join([head, *"".join(traceback.format_exception(exc)).rstrip().splitlines()]), constraint


def test_the_answer_names_the_constraint_its_violation_names(pg_dsn: str) -> None:
    """The answer names what it rests on: a unique violation's constraint (PostgreSQL's `violates unique constraint
    "%s"`) unless its text names it already, over 3 seeds; an id-like slot value (a uuid key) is never named."""
    import psycopg

    from sidecar.diagnose.subjects import named_clause

    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        for seed in (1, 2, 3):
            excerpt, constraint = _violation_excerpt(conn, random.Random(seed))
            inp = excerpt_to_input(excerpt)
            assert f'the constraint "{constraint}"' in named_clause(inp, "a unique violation"), excerpt
            assert named_clause(inp, f"violates {constraint} (quoted)") == ""  # named once: never repeated
            d = RULES.diagnose(inp)
            assert constraint in d.summary + d.root_cause, d.root_cause
    key = f"{random.Random(4).getrandbits(128):032x}"
    record = f"2026-12-06 14:00:00 ERROR app.sessions: resume failed\nKeyError: '{key[:8]}-{key[8:12]}-{key[12:16]}'"
    assert named_clause(excerpt_to_input(record), "") == ""
    plain = "2026-12-06 14:00:00 ERROR app.sessions: resume failed\nKeyError: 'ledger'"
    assert named_clause(excerpt_to_input(plain), "") == ' It names the key "ledger".'


def _doc_link_messages(rng: random.Random) -> list[str]:
    """Messages whose only URL points to the library's documentation, not at a line's start (the class _FURTHER
    misses): OpenAI's own insufficient_quota text as openai-python raises it, SQLAlchemy's `(Background on this
    error at: https://sqlalche.me/e/<ver>/<code>)` line (sqlalchemy/exc.py), a vendor's `..., see <docs url>`."""
    import httpx
    import openai

    client = openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    quota = ("You exceeded your current quota, please check your plan and billing details. For more information on "
             "this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.")
    reply = httpx.Response(429, json={"error": {"message": quota, "type": "insufficient_quota", "param": None,
                                                "code": "insufficient_quota"}},
                           request=httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions"))
    word = rng.choice(WORDS)
    docs = rng.choice(["docs.anthropic.com/en/api/errors", "stripe.com/docs/error-codes/resource-missing",
                       "docs.pydantic.dev/latest/errors/validation_errors"])
    return [f"openai.RateLimitError: {client._make_status_error_from_response(reply)}",
            f"sqlalchemy.exc.ProgrammingError: (psycopg.errors.UndefinedTable) relation \"{word}\" does not exist\n"
            f"(Background on this error at: https://sqlalche.me/e/20/{rng.choice(['f405', 'e3q8', 'gkpj'])})",
            f"ValueError: invalid {word} payload, see https://{docs} for the accepted shape"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_documentation_link_in_the_message_is_not_named(seed: int) -> None:
    from sidecar.diagnose.subjects import named_clause

    rng = random.Random(f"doc-link-{seed}")
    for said in _doc_link_messages(rng):
        excerpt = f"2026-12-06 14:00:0{rng.randint(0, 9)} ERROR {rng.choice(OTHERS)}: call failed\n{said}"
        clause = named_clause(excerpt_to_input(excerpt), "")
        assert not any(h in clause for h in ("openai.com", "sqlalche.me", "anthropic.com", "stripe.com",
                                             "pydantic.dev")), (said, clause)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_key_that_redaction_removes_is_not_named(seed: int) -> None:
    import string

    from sidecar.diagnose.subjects import named_clause

    rng = random.Random(f"random-key-{seed}")
    alphabet = string.ascii_letters + string.digits
    key = rng.choice(["", "sess_", "tok_", "k-"]) + "".join(rng.choice(alphabet) for _ in range(rng.randint(16, 28)))
    exc = _raised(lambda: {"id": 1}[key])
    excerpt = (f"2026-12-06 14:00:00 ERROR {rng.choice(['app.sessions', 'src.daemon.resume'])}: resume failed\n"
               + "".join(traceback.format_exception(exc)).rstrip())
    clause = named_clause(excerpt_to_input(excerpt), "")
    assert "[REDACTED" not in clause, clause


_GENERIC = ("status", "data", "name", "type", "user", "result", "value", "items")  # field names most records carry
_UNRELATED = ("healthcheck {w} ok for {n} replicas", "nightly backup wrote {w} for {n} tenants",
              "{w} sync finished in {n}s", "queue drained: {n} pending, {w} unchanged")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_generic_field_name_as_the_key_links_no_unrelated_record(seed: int) -> None:
    rng = random.Random(f"generic-key-{seed}")
    word = rng.choice(_GENERIC)
    said = rng.choice(_UNRELATED).format(w=word, n=rng.randint(2, 40))
    exc = _raised(lambda: {"id": 1}[word])
    records = [*({"level": "INFO", "logger": rng.choice(OTHERS), "message": f"scheduler tick {rng.randint(2, 99)} done"}
                 for _ in range(rng.randint(1, 3))),
               {"level": "INFO", "logger": rng.choice(OTHERS), "message": said},
               {"level": "ERROR", "logger": rng.choice(["src.daemon.resume", "app.sessions"]),
                "message": rng.choice(["resume failed", "import step failed"]),
                "exc": "".join(traceback.format_exception(exc)).rstrip()}]
    for t, r in enumerate(records):
        r["t"] = t
    d = RULES.diagnose(excerpt_to_input(_excerpt(records, rng.choice(["text", "json"]))))
    assert said not in d.root_cause, d.root_cause


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_failing_api_call_whose_url_looks_like_documentation_still_names_its_host(seed: int) -> None:
    from sidecar.diagnose.subjects import named_clause

    rng = random.Random(f"api-not-docs-{seed}")
    for host, path in (("docs.googleapis.com", f"/v1/documents/{rng.choice(WORDS)}:batchUpdate"),
                       (f"support.{rng.choice(['acme', 'globex', 'initech'])}.com", "/api/v2/tickets.json"),
                       (f"api.{rng.choice(['acme', 'globex'])}.io", f"/v2/docs/{rng.choice(WORDS)}")):
        reply = httpx.Response(rng.choice([401, 403, 404, 409, 503]),
                               request=httpx.Request(rng.choice(["GET", "POST"]), f"https://{host}{path}"))
        said = f"httpx.HTTPStatusError: {_raised(reply.raise_for_status)}"
        excerpt = f"2026-12-06 14:00:0{rng.randint(0, 9)} ERROR {rng.choice(OTHERS)}: sync failed\n{said}"
        assert f'the host "{host}"' in named_clause(excerpt_to_input(excerpt), ""), said


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_long_message_does_not_push_the_traceback_tail_out(seed: int) -> None:
    # re-read r16: the message, the exception line and the traceback tail were joined and cut to SCAN, so a message of
    # SCAN characters or more lost the key of the tail; each part is read to its own bound (twin: a short message)
    rng = random.Random(f"{seed}-long")
    word = rng.choice(WORDS)
    tb = ("Traceback (most recent call last):\n"
          f'  File "/app/src/{rng.choice(["state", "store", "locks"])}.py", line {rng.randint(10, 300)}, in load\n'
          f"    fcntl.flock(fd, fcntl.LOCK_EX)\n"
          f"KeyError: '{word}'\n")
    typed = rng.random() < 0.5  # the key in the exception line too, or in the traceback's tail only
    for size, twin in ((rng.randint(SCAN, SCAN + 4000), False), (rng.randint(40, 400), True)):
        message = "state load failed: " + "".join(rng.choice("abcdef ") for _ in range(size))
        inp = DiagnosisInput(fingerprint="f", message=message, exception_type="KeyError" if typed else None,
                             exception_message=f"'{word}'" if typed else None, traceback=f"{message}\n{tb}")
        assert {word, "flock"} <= error_subjects(inp, set()), (twin, typed, len(message))
