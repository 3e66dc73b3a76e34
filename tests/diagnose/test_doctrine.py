"""The category doctrine (diagnose/doctrine.py) applied to whole code tables, generated from the libraries' own lists.

The expected categories below are the doctrine's reading of each SQLSTATE class (PostgreSQL's errcodes appendix
names) and PostgREST group, written from the class's meaning, not copied from codes.py: what must the on-call
engineer change? Every error class psycopg defines (psycopg/errors.py, ~250 codes) is raised as its own record and
must land in its class's category unless the doctrine names the code as an exception.
"""

from __future__ import annotations

import pytest
from psycopg import errors

from sidecar.diagnose.codes import PGRST_GROUPS, PGRST_MEANINGS, SQLSTATE_CLASSES
from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.rules import load_rules
from tests.diagnose.logged import logged

RULES = load_rules("rules/diagnoses.yaml")

# class -> category by the doctrine: the statement or data the code sent, incl. a write the table's constraints
# refuse and our own database functions/triggers (code); a setting, grant, name or credential (config); the
# database's own runtime state or failure (storage); resources, incl. connection pools (capacity); competing
# transactions (concurrency). Round 5: the database only SURFACES a constraint violation (23), a batch with a key
# twice (21), a function or trigger of our migrations raising (09, 27, 2F, 38, 39, P0), an object the statement
# uses in the wrong order (55), privileges (2B) and its own configuration file (F0): none of those is storage.
# Round 6 (evals/TAXONOMY.md): the table's constraints refusing a row (23) and the database's program limits (54)
# are storage - the category text's "its constraints ... limits at runtime", and every writer who met one.
DOCTRINE_CLASSES = {
    "03": "code", "08": "storage", "09": "code", "0A": "code", "0B": "code", "0F": "code", "0L": "config",
    "0P": "config", "0Z": "code", "10": "code", "20": "code", "21": "code", "22": "code", "23": "storage",
    "24": "code", "25": "code", "26": "config", "27": "code", "28": "config", "2B": "config", "2D": "code",
    "2F": "code", "34": "code", "38": "code", "39": "code", "3B": "code", "3D": "config", "3F": "config",
    "40": "concurrency", "42": "code", "44": "code", "53": "capacity", "54": "storage", "55": "code",
    "57": "storage", "58": "storage", "72": "storage", "F0": "config", "HV": "storage", "P0": "code",
    "XX": "storage",
}
# codes whose cause differs from their class's, by the doctrine (and why)
DOCTRINE_CODES = {
    "22001": "storage", "22003": "storage",  # the column's declared size: both case writers read storage
    "22P05": "storage", "22021": "storage",  # text the database cannot hold (a NUL): its limit, as declared size
    "25006": "storage",  # the server is read-only (replica, read-only mode): its runtime state
    "53400": "config",  # configuration_limit_exceeded: a limit a setting names (temp_file_limit)
    "57P05": "config",  # idle_session_timeout shorter than the pool's idle time: two settings disagree
    "42501": "config",  # a missing GRANT
    "42P05": "config",  # prepared statements through a transaction-mode pooler: a connection setting
    "55006": "concurrency", "55P03": "concurrency",  # another session holds the object or lock
    "2BP01": "code",  # dependency.c: ANY drop with dependents (a column a view uses), not only privileges: the migration
}
PGRST_DOCTRINE = {"0": "storage", "1": "code", "2": "code", "3": "storage", "X": "storage"}
PGRST_CODES = {"PGRST106": "config", "PGRST300": "config", "PGRST116": "code",
               "PGRST003": "capacity",  # PostgREST's pool
               "PGRST302": "code"}  # no JWT sent where anonymous access is off: the client the code built


def _psycopg_codes() -> list[tuple[str, str]]:
    out = []
    for name in dir(errors):
        cls = getattr(errors, name)
        code = getattr(cls, "sqlstate", None)
        if isinstance(cls, type) and isinstance(code, str) and code and code[:2] not in ("00", "01", "02"):
            out.append((code, name))
    return sorted(set(out))


def test_every_sqlstate_class_is_judged_by_the_doctrine() -> None:
    assert set(SQLSTATE_CLASSES) == set(DOCTRINE_CLASSES)
    assert {c[:2] for c, _ in _psycopg_codes()} <= set(DOCTRINE_CLASSES)


@pytest.mark.parametrize(("code", "name"), _psycopg_codes(), ids=[f"{c}-{n}" for c, n in _psycopg_codes()])
def test_every_psycopg_error_class_lands_in_its_doctrine_category(code: str, name: str) -> None:
    log = ("2026-04-02 09:15:01 ERROR src.storage.pg_direct: query failed\nTraceback (most recent call last):\n"
           '  File "/app/src/storage/pg_direct.py", line 19, in run\n    await cur.execute(q)\n'
           '  File "/usr/local/lib/python3.11/site-packages/psycopg/cursor_async.py", line 117, in execute\n'
           "    raise ex.with_traceback(None)\n"
           f"psycopg.errors.{name}: the server's message\n")
    d = RULES.diagnose(excerpt_to_input(log))
    expected = DOCTRINE_CODES.get(code) or ("concurrency" if code.startswith("40") else DOCTRINE_CLASSES[code[:2]])
    # a few codes have their own documented entry with a more precise cause; the category must still be the
    # doctrine's unless listed above
    assert d.category == expected, (code, name, d.rule, d.summary)
    assert "{" not in d.summary and " ?" not in d.summary  # never an unfilled placeholder


@pytest.mark.parametrize("code", sorted(PGRST_MEANINGS))
def test_every_postgrest_code_lands_in_its_doctrine_category(code: str) -> None:
    log = ("2026-04-02 09:15:01 ERROR src.storage.supabase_client: request failed: postgrest.exceptions.APIError: "
           f"{{'message': 'the server message', 'code': '{code}', 'hint': None, 'details': None}}\n")
    d = RULES.diagnose(excerpt_to_input(log))
    assert set(PGRST_GROUPS) == set(PGRST_DOCTRINE)
    assert d.category == PGRST_CODES.get(code, PGRST_DOCTRINE[code[5]]), (code, d.rule, d.summary)
    assert code in d.summary + d.root_cause


async def test_bind_errors_from_asyncio_tell_a_foreign_address_from_a_held_port() -> None:
    """Real asyncio.create_server errors: EADDRNOTAVAIL (an IP this host does not have: its host setting) vs
    EADDRINUSE (another process holds the port); both config, each with its own cause and never the other's."""
    import asyncio
    import socket

    async def noop(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        w.close()

    try:
        await asyncio.start_server(noop, "192.0.2.77", 0)  # TEST-NET-1: never an address of this host
    except OSError:
        foreign = logged("src.monitoring.health_server", "health server failed to start")
    else:
        raise AssertionError("this host has TEST-NET-1 192.0.2.77 configured: the EADDRNOTAVAIL case cannot be raised")
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen()
    try:
        await asyncio.start_server(noop, "127.0.0.1", held.getsockname()[1])
    except OSError:
        in_use = logged("src.monitoring.health_server", "health server failed to start")
    finally:
        held.close()
    d = RULES.diagnose(excerpt_to_input(foreign))
    assert d.category == "config" and "192.0.2.77" in d.summary, (d.rule, d.summary)
    assert "already in use" not in d.summary + d.root_cause
    d = RULES.diagnose(excerpt_to_input(in_use))
    assert (d.rule, d.category) == ("port-in-use", "config"), (d.rule, d.summary)


def test_a_real_circular_import_is_named_as_one(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """CPython's own ImportError for a partially initialised module: a cycle (code), not a renamed module."""
    import importlib
    import pathlib
    import sys

    root = pathlib.Path(str(tmp_path))
    pkg = root / "cyclepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "registry.py").write_text("from cyclepkg.kimi_chat import KimiChat\nPROVIDERS = {'kimi': KimiChat}\n")
    (pkg / "kimi_chat.py").write_text("from cyclepkg.registry import PROVIDERS\nclass KimiChat: ...\n")
    monkeypatch.syspath_prepend(str(root))
    try:
        importlib.import_module("cyclepkg.registry")
    except ImportError:
        line = logged("src.daemon.ws_server", "provider registry failed to load")
    else:
        pytest.fail("no circular import")
    finally:
        for name in [m for m in sys.modules if m.startswith("cyclepkg")]:
            del sys.modules[name]
    d = RULES.diagnose(excerpt_to_input(line))
    assert (d.rule, d.category) == ("import-circular", "code"), (d.rule, d.summary)
    assert "cyclepkg.registry" in d.summary and "renamed" not in d.summary + d.root_cause


@pytest.mark.parametrize(("window", "daily"), [("TPD", True), ("RPD", True), ("TPM", False), ("RPM", False)])
def test_a_moonshot_rate_limit_names_its_window(window: str, daily: bool) -> None:
    """Moonshot's rate_limit_reached_error message names the organization's window; a daily one is not retried."""
    log = ("2025-11-20 07:45:11 ERROR src.providers.kimi_chat: Kimi chat failed for model kimi-k2-0905-preview: "
           "openai.RateLimitError: Error code: 429 - {'error': {'message': 'Your account org-1 request reached "
           f"organization {window} rate limit, current:10004182, limit:10000000', 'type': 'rate_limit_reached_error'}}}}\n")
    d = RULES.diagnose(excerpt_to_input(log))
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert d.rule == "kimi-rate-limit-window" and d.category == "provider" and window in d.summary, d.summary
    assert "10000000" in d.summary and not any(w in text for w in ("GLM", "balance", "overloaded"))


@pytest.mark.parametrize(("status", "said", "category"), [
    (401, "JWT expired", "storage"), (403, "token is expired", "storage"),
    (401, "invalid signature", "config"), (403, "permission denied for table messages", "config"),
])
def test_a_database_refusal_is_config_unless_the_token_ran_out(status: int, said: str, category: str) -> None:
    """The database's 401/403 by the doctrine: a key, grant or policy fails every time (config); an expired token
    is the auth service's runtime state (storage, as both case writers read it)."""
    reason = {401: "Unauthorized", 403: "Forbidden"}[status]
    log = ("2026-04-02 09:15:00 INFO httpx: HTTP Request: GET https://abcdefgh.supabase.co/rest/v1/messages "
           f'"HTTP/1.1 {status} {reason}"\n'
           "2026-04-02 09:15:01 ERROR src.storage.supabase_client: list failed\nTraceback (most recent call last):\n"
           '  File "/usr/local/lib/python3.11/site-packages/httpx/_models.py", line 829, in raise_for_status\n'
           "    raise HTTPStatusError(message, request=request, response=self)\n"
           f"httpx.HTTPStatusError: Client error '{status} {reason}' for url "
           f"'https://abcdefgh.supabase.co/rest/v1/messages' ({said})\n")
    d = RULES.diagnose(excerpt_to_input(log))
    assert d.category == category, (status, said, d.rule, d.summary)


REMOTES = {  # remote -> logger, the request line before the error, the client library frame, the class it raised
    "kimi": ("src.providers.kimi_chat", "https://api.moonshot.ai/v1/chat/completions", "openai/_base_client.py",
             "openai.APIConnectionError"),
    "glm": ("src.providers.glm_chat", "https://api.z.ai/api/paas/v4/chat/completions", "httpx/_transports/default.py",
            "httpx.ConnectError"),
    "supabase": ("src.storage.supabase_client", "https://abcdefgh.supabase.co/rest/v1/messages",
                 "httpx/_transports/default.py", "httpx.ConnectError"),
}
# a transport failure's own text -> the doctrine's category, the same whoever it concerns
TRANSPORT = [
    ("[Errno -2] Name or service not known", "config"),
    ("[Errno -5] No address associated with hostname", "config"),
    ("[Errno -3] Temporary failure in name resolution", "network"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)",
     "config"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain "
     "(_ssl.c:1006)", "config"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)", "network"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for "
     "'x.example'. (_ssl.c:1006)", "network"),
    ("407 Proxy Authentication Required", "config"),
    ("[Errno 101] Network is unreachable", "config"),
]


@pytest.mark.parametrize("remote", sorted(REMOTES))
@pytest.mark.parametrize(("said", "category"), TRANSPORT, ids=[t[0][:40] for t in TRANSPORT])
def test_a_transport_failure_is_categorised_by_its_cause_not_by_who_met_it(remote: str, said: str,
                                                                           category: str) -> None:
    logger, url, frame, exc = REMOTES[remote]
    log = (f'2026-04-02 09:15:00 INFO {logger}: calling {url}\n'
           f"2026-04-02 09:15:01 ERROR {logger}: call failed\nTraceback (most recent call last):\n"
           f'  File "/app/x.py", line 1, in f\n    g()\n'
           f'  File "/usr/local/lib/python3.11/site-packages/{frame}", line 2, in g\n    raise e\n'
           f"{exc}: {said}\n")
    d = RULES.diagnose(excerpt_to_input(log))
    assert d.category == category, (remote, said, d.rule, d.summary)
    others = {"kimi": "Kimi", "glm": "GLM", "supabase": "Supabase"}
    assert not any(w in d.summary + d.root_cause for r, w in others.items() if r != remote), d.summary


@pytest.mark.parametrize(("exc", "said", "logger", "category", "name"), [
    ("redis.exceptions.ConnectionError", "Error -2 connecting to redis:6379. Name or service not known.",
     "src.cache.redis_cache", "storage", "redis"),
    ("psycopg.OperationalError", 'connection is bad: could not translate host name "db" to address: Name or service '
     "not known", "src.storage.pg_direct", "storage", "db"),
    ("aiohttp.client_exceptions.ClientConnectorDNSError", "Cannot connect to host ws-daemon:8079 ssl:default [Name or "
     "service not known]", "scripts.runtime.run_ws_shim", "network", "ws-daemon"),
    ("psycopg.OperationalError", 'connection is bad: could not translate host name "db.abcdefgh.supabase.co" to '
     "address: Name or service not known", "src.storage.pg_direct", "config", "db.abcdefgh.supabase.co"),
])
def test_a_compose_service_name_that_does_not_resolve_is_its_container_down_not_a_typo(
        exc: str, said: str, logger: str, category: str, name: str) -> None:
    """Docker's embedded DNS: a single-label service name resolves only while its container runs on the network;
    a dotted host that does not exist is the URL's setting."""
    log = (f"2026-04-02 09:15:01 ERROR {logger}: connect failed\nTraceback (most recent call last):\n"
           f'  File "/app/x.py", line 1, in f\n    g()\n{exc}: {said}\n')
    d = RULES.diagnose(excerpt_to_input(log))
    assert d.category == category and name in d.summary + d.root_cause, (d.rule, d.summary, d.root_cause)


def test_the_storage_logger_never_decides_storage_against_the_class() -> None:
    """A component fall-back ("the logger is src.storage..., so storage") must not decide the category of an error
    whose class says otherwise: every family's class, raised under the Supabase layer's logger and under a neutral
    one, answers storage under the first only where the neutral reading has no cause of its own (unknown)."""
    from sidecar.diagnose.category_model import RULE as GUESS_RULE
    from sidecar.diagnose.classes import FAMILIES

    record = ("2026-12-06 02:00:00 ERROR {logger}: call failed\nTraceback (most recent call last):\n"
              '  File "/app/src/worker.py", line 12, in run\n    await call()\n{cls}: the call failed')
    wrong = []
    for cls in sorted(FAMILIES):
        storage = RULES.diagnose(excerpt_to_input(record.format(logger="src.storage.supabase_client", cls=cls)))
        neutral = RULES.diagnose(excerpt_to_input(record.format(logger="src.tools.worker", cls=cls)))
        # the situation model's low guess (category_model.py) is no cause of the neutral reading's own: a statistic
        if storage.category == "storage" and neutral.category not in ("storage", "unknown") \
                and neutral.rule != GUESS_RULE:
            wrong.append((cls, neutral.category, storage.rule))
    assert not wrong, wrong
