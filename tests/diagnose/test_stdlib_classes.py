"""The class layer over the standard library and the transport libraries under httpx (asyncio,
concurrent.futures, ssl, errno, sqlite3, subprocess, imports, PyYAML, anyio/h11/h2, openai's finish
reasons and status bodies): generated records in fresh wording, each class under several loggers,
near-miss pairs (same class, other place; same word, other class) and the calibration ceiling."""

from __future__ import annotations

import errno
import os
import random

import pytest

from sidecar.diagnose.classes import family_of
from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.rules import load_rules
from sidecar.diagnose.verdict import MAX_CONFIDENCE

RULES = load_rules("rules/diagnoses.yaml")
SP = "/usr/local/lib/python3.11/site-packages"
LIB = "/usr/local/lib/python3.11"
LOGGERS = ["src.daemon.worker", "tools.smart_file_query", "src.core.loader", "ws_daemon", "utils.media.convert"]
HEADLINES = ["step failed", "could not finish the job", "handler raised", "unexpected failure while processing",
             "task crashed", "aborting request"]


def rec(exc: str, msg: str, frames: list[str], logger: str = "src.daemon.worker", headline: str = "step failed") -> str:
    tb = "".join(f'  File "{f}", line {10 + i}, in {"_execute_child" if "subprocess.py" in f else "run"}\n    x()\n'
                 for i, f in enumerate(frames))
    return (f"2026-04-02 09:15:00 INFO {logger}: starting\n"
            f"2026-04-02 09:15:01 ERROR {logger}: {headline}\n"
            f"Traceback (most recent call last):\n{tb}{exc}: {msg}\n")


def diagnose(log: str):  # type: ignore[no-untyped-def]
    return RULES.diagnose(excerpt_to_input(log))


def text_of(d) -> str:  # type: ignore[no-untyped-def]
    return " ".join([d.summary, d.root_cause, *d.suggested_fix])


APP = "/app/src/daemon/worker.py"
# (exception line, message, frames, expected category, a word the answer must say)
CASES = [
    ("sqlite3.OperationalError", "database is locked", [APP, f"{SP}/aiosqlite/core.py"], "concurrency", "lock"),
    ("sqlite3.OperationalError", "database table is locked", [APP], "concurrency", "writer"),
    ("sqlite3.OperationalError", "disk I/O error", [APP], "storage", "disk"),
    ("sqlite3.OperationalError", "database or disk is full", [APP], "capacity", "space"),
    ("sqlite3.OperationalError", "attempt to write a readonly database", [APP], "config", "read-only"),
    ("sqlite3.OperationalError", "no such table: uploads", [APP], "code", "migration"),
    ("sqlite3.DatabaseError", "database disk image is malformed", [APP], "storage", "corrupt"),
    ("subprocess.CalledProcessError", "Command '['ffmpeg', '-i', 'a.mp4']' returned non-zero exit status 127.",
     [APP, f"{LIB}/subprocess.py"], "config", "PATH"),
    ("subprocess.CalledProcessError", "Command '['convert', 'x.png']' died with <Signals.SIGKILL: 9>.",
     [APP, f"{LIB}/subprocess.py"], "capacity", "OOM"),
    ("FileNotFoundError", "[Errno 2] No such file or directory: 'pdftotext'",
     [APP, f"{LIB}/subprocess.py"], "config", "install"),
    ("FileNotFoundError", "[Errno 2] No such file or directory: '/etc/gateway/settings.yaml'", [APP], "config", "mount"),
    ("PermissionError", "[Errno 13] Permission denied: '/run/secrets/supabase.key'", [APP], "config", "mode"),
    ("PermissionError", "[Errno 13] Permission denied: '/var/spool/out/a.bin'", [APP], "config", "owner"),
    ("OSError", "[Errno 30] Read-only file system: '/app/logs/x.log'", [APP], "config", "read-only"),
    ("OSError", f"[Errno {errno.EDQUOT}] {os.strerror(errno.EDQUOT)}: '/data/a'", [APP], "capacity", "quota"),
    ("OSError", f"[Errno {errno.EMFILE}] {os.strerror(errno.EMFILE)}", [APP], "capacity", "descriptor"),
    ("ModuleNotFoundError", "No module named 'tiktoken'", [APP], "config", "dependenc"),
    ("ModuleNotFoundError", "No module named 'src.providers.legacy_router'", [APP], "code", "import"),
    ("yaml.scanner.ScannerError", 'mapping values are not allowed here\n  in "/etc/gateway/rollouts.yaml", line 4, '
     "column 12", [APP, f"{SP}/yaml/scanner.py"], "config", "line"),
    # set_result on a done/cancelled future: two completers race (round 6, writer 4's 4008); a result read too early: code
    ("asyncio.exceptions.InvalidStateError", "invalid state", [APP, f"{LIB}/asyncio/futures.py"], "concurrency", "done()"),
    ("asyncio.exceptions.InvalidStateError", "Result is not set.", [APP, f"{LIB}/asyncio/futures.py"], "code", "done()"),
    ("asyncio.exceptions.LimitOverrunError", "Separator is not found, and chunk exceed the limit",
     [APP, f"{LIB}/asyncio/streams.py"], "code", "limit"),
    ("concurrent.futures.process.BrokenProcessPool", "A process in the process pool was terminated abruptly while "
     "the future was running or pending.", [APP, f"{LIB}/concurrent/futures/process.py"], "capacity", "OOM"),
    ("NotImplementedError", "", [APP], "code", "implement"),
    ("AssertionError", "", [APP], "code", "assert"),
    # a credential header with its newline: the key setting (round 6, protocol_causes.py; writer 4's 4032)
    ("h11._util.LocalProtocolError", "Illegal header value b'Bearer sk-abc\\n '", [APP, f"{SP}/h11/_connection.py"],
     "config", "header"),
    ("h11._util.LocalProtocolError", "Illegal header value b'report\\nv2.pdf'", [APP, f"{SP}/h11/_connection.py"],
     "code", "header"),
    ("anyio.ClosedResourceError", "", [APP, f"{SP}/anyio/streams/memory.py"], "code", "closed"),
]


@pytest.mark.parametrize(("exc", "msg", "frames", "category", "word"), CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_each_class_gets_its_category_in_any_wording(exc: str, msg: str, frames: list[str], category: str,
                                                     word: str) -> None:
    rnd = random.Random(f"{exc}{msg}")
    for logger, headline in rnd.sample([(lg, h) for lg in LOGGERS for h in HEADLINES], 5):
        d = diagnose(rec(exc, msg, frames, logger, headline))
        assert d.category == category, (exc, msg, logger, d.rule, d.category)
        assert word.lower() in text_of(d).lower(), (exc, word, d.summary)
        # a class alone never makes a confident answer, and never names a remote the record does not
        assert d.confidence <= MAX_CONFIDENCE
        assert not any(r in text_of(d) for r in ("Kimi", "Moonshot", "GLM", "Z.ai", "Supabase", "Redis")), d.summary


PAIRS = [
    # same class, other place
    ("FileNotFoundError at exec vs a data file",
     rec("FileNotFoundError", "[Errno 2] No such file or directory: 'ffmpeg'", [APP, f"{LIB}/subprocess.py"]), "config",
     rec("FileNotFoundError", "[Errno 2] No such file or directory: '/tmp/upload-3/a.part'", [APP]), "unknown"),
    ("a missing credentials .json vs a missing cache .json",
     rec("FileNotFoundError", "[Errno 2] No such file or directory: '/secrets/service-account.json'", [APP]), "config",
     rec("FileNotFoundError", "[Errno 2] No such file or directory: '/data/cache/embeddings-42.json'", [APP]), "unknown"),
    ("ModuleNotFoundError: package missing vs module missing inside a package",
     rec("ModuleNotFoundError", "No module named 'pypdf'", [APP]), "config",
     rec("ModuleNotFoundError", "No module named 'utils.cache.semantic_v1'", [APP]), "code"),
    ("a YAML file vs a YAML string the app parses (a model's reply)",
     rec("yaml.parser.ParserError", 'while parsing a block mapping\n  in "config/limits.yml", line 2, column 1',
         [APP, f"{SP}/yaml/parser.py"]), "config",
     rec("yaml.parser.ParserError", 'while parsing a block mapping\n  in "<unicode string>", line 2, column 1',
         [APP, f"{SP}/yaml/parser.py"]), "unknown"),
    ("sqlite: locked vs failing disk",
     rec("sqlite3.OperationalError", "database is locked", [APP]), "concurrency",
     rec("sqlite3.OperationalError", "disk I/O error", [APP]), "storage"),
    ("exit status 127 vs any other exit status",
     rec("subprocess.CalledProcessError", "Command 'x' returned non-zero exit status 127.", [APP]), "config",
     rec("subprocess.CalledProcessError", "Command 'x' returned non-zero exit status 1.", [APP]), "unknown"),
    # same word, other class
    ("'locked' from sqlite vs 'locked' in an unknown library",
     rec("sqlite3.OperationalError", "database is locked", [APP]), "concurrency",
     rec("vaultlib.errors.LockedError", "the database is locked by policy", [APP, f"{SP}/vaultlib/core.py"]), "unknown"),
    ("'permission' from the OS vs from an unknown library",
     rec("PermissionError", "[Errno 1] Operation not permitted: '/sys/fs/cgroup/x'", [APP]), "config",
     rec("grantly.PermissionFault", "permission denied for role reviewer", [APP, f"{SP}/grantly/core.py"]), "unknown"),
]


@pytest.mark.parametrize(("name", "log_a", "cat_a", "log_b", "cat_b"), PAIRS, ids=[p[0] for p in PAIRS])
def test_near_miss_pairs_are_told_apart(name: str, log_a: str, cat_a: str, log_b: str, cat_b: str) -> None:
    a, b = diagnose(log_a), diagnose(log_b)
    assert (a.category, b.category) == (cat_a, cat_b), (name, a.rule, b.rule)
    if cat_b == "unknown":
        assert b.confidence <= 0.3, (name, b.rule, b.confidence)


PROVIDER = ("2026-04-02 09:15:00 INFO httpx: HTTP Request: POST https://api.moonshot.ai/v1/chat/completions "
            '"HTTP/1.1 {status}"\n2026-04-02 09:15:01 ERROR src.providers.kimi_chat: chat failed\n'
            "Traceback (most recent call last):\n"
            f'  File "/app/src/providers/kimi_chat.py", line 88, in chat\n    r = await c.create()\n'
            f'  File "{SP}/openai/_base_client.py", line 1594, in request\n    raise self._make_status_error()\n'
            "{exc}: Error code: {status} - {body}\n")


@pytest.mark.parametrize(("exc", "status", "body", "category", "severity", "word"), [
    ("openai.RateLimitError", 429, "{'error': {'message': 'You exceeded your current quota', 'type': "
     "'insufficient_quota'}}", "provider", "critical", "quota"),
    ("openai.RateLimitError", 429, "{'error': {'message': 'Too many requests in this minute'}}", "provider", "medium",
     "rate limit"),
    ("openai.BadRequestError", 400, "{'error': {'message': \"This model's maximum context length is 131072 tokens\"}}",
     "code", "medium", "context"),
    ("openai.NotFoundError", 404, "{'error': {'message': 'The model `kimi-k3-preview` does not exist'}}", "config",
     "high", "model"),
    ("openai.BadRequestError", 400, "{'error': {'message': 'Invalid request: Your request exceeded model token limit: "
     "262144', 'type': 'invalid_request_error'}}", "code", "medium", "context"),
    ("openai.NotFoundError", 404, "{'error': {'message': 'Not found the model kimi-k9 or Permission denied', 'type': "
     "'resource_not_found_error'}}", "config", "high", "model"),
    ("openai.UnprocessableEntityError", 422, "{'error': {'message': 'temperature: must be <= 1'}}", "code", "medium",
     "field"),
    ("openai.InternalServerError", 503, "{'error': {'message': 'upstream overloaded'}}", "provider", "high", "5xx"),
])
def test_openai_status_classes_by_status_and_body(exc: str, status: int, body: str, category: str, severity: str,
                                                  word: str) -> None:
    d = diagnose(PROVIDER.format(exc=exc, status=status, body=body))
    assert (d.category, d.severity) == (category, severity), (exc, body, d.rule, d.summary)
    assert word in text_of(d).lower() or word in text_of(d)
    if d.rule.startswith("class:"):  # (the model-not-available rule's text names both providers' model lists)
        assert "GLM" not in text_of(d) and "Z.ai" not in text_of(d)


def test_finish_reason_errors_of_the_openai_sdk() -> None:
    frames = ["/app/src/providers/kimi_chat.py", f"{SP}/openai/lib/_parsing/_completions.py"]
    length = diagnose(rec("openai.LengthFinishReasonError", "Could not parse response content as the length limit "
                          "was reached", frames, "src.providers.kimi_chat"))
    assert length.category == "config" and "max_tokens" in text_of(length)
    blocked = diagnose(rec("openai.ContentFilterFinishReasonError", "Could not parse response content as the request "
                           "was rejected by the content filter", frames, "src.providers.kimi_chat"))
    assert (blocked.category, blocked.severity) == ("provider", "low")


def test_a_missing_supabase_bucket_is_configuration_a_missing_object_is_not() -> None:
    head = ('2026-04-02 09:15:00 INFO httpx: HTTP Request: POST https://abcdefgh.supabase.co/storage/v1/object/{b}/a '
            '"HTTP/2 400 Bad Request"\n2026-04-02 09:15:01 ERROR src.storage.supabase_client: upload failed: ')
    bucket = diagnose(head.format(b="attachments") + "{'statusCode': '404', 'error': 'Bucket not found', "
                                                    "'message': 'Bucket not found'}")
    obj = diagnose(head.format(b="attachments") + "{'statusCode': '404', 'error': 'not_found', "
                                                 "'message': 'Object not found'}")
    assert bucket.category == "config" and "bucket" in bucket.summary.lower()
    assert obj.category == "storage"


@pytest.mark.parametrize("name", ["anyio.BrokenResourceError", "anyio.EndOfStream", "h11.RemoteProtocolError",
                                  "h2.exceptions.StreamClosedError", "h2.exceptions.FlowControlError",
                                  "asyncio.IncompleteReadError", "ssl.SSLZeroReturnError"])
def test_transport_classes_under_httpx_are_dropped_connections_for_the_remote(name: str) -> None:
    assert family_of(name) == "connection.dropped"
    log = ("2026-04-02 09:15:00 INFO httpx: HTTP Request: POST https://api.z.ai/api/paas/v4/chat/completions\n"
           + rec(name, "peer went away", ["/app/src/providers/glm_chat.py", f"{SP}/httpcore/_async/http2.py"],
                 "src.providers.glm_chat"))
    d = diagnose(log)
    assert d.category == "network" and "GLM" in text_of(d) and "Kimi" not in text_of(d), (name, d.rule, d.summary)


@pytest.mark.parametrize("exc", ["UnicodeDecodeError", "KeyError", "ValueError", "IndexError"])
def test_builtin_data_errors_in_app_code_stay_honest_unknowns(exc: str) -> None:
    """A plain data error says what broke, not why: the case writers call these unknown as often as code.
    (TypeError is not a data error: a type mismatch is code by the doctrine; test_base_family.py.)"""
    d = diagnose(rec(exc, "'utf-8' codec can't decode byte 0xff in position 0" if exc.startswith("Unicode") else
                     "'thinking_budget'", [APP]))
    assert d.category == "unknown" and d.confidence <= 0.3


CALLERS = {  # remote -> logger, URL of the request line, frame of the library that called it, the class it raised
    "kimi": ("src.providers.kimi_chat", "https://api.moonshot.ai/v1/chat/completions", "openai/_base_client.py",
             "openai.APIConnectionError"),
    "glm": ("src.providers.glm_chat", "https://api.z.ai/api/paas/v4/chat/completions", "zai/_base_client.py",
            "httpx.ConnectError"),
    "supabase": ("src.storage.supabase_client", "https://abcdefgh.supabase.co/rest/v1/messages",
                 "postgrest/_async/request_builder.py", "httpx.ConnectError"),
    "redis": ("src.cache.redis_cache", "redis://redis:6379/0", "redis/asyncio/connection.py",
              "redis.exceptions.ConnectionError"),
}
ERRNO_FAMILY = {"ECONNRESET": "connection.dropped", "EPIPE": "connection.dropped", "ETIMEDOUT": "timeout.connect",
                "EHOSTUNREACH": "connect", "ENETUNREACH": "connect", "ECONNREFUSED": "connect.refused"}


@pytest.mark.parametrize("remote", sorted(CALLERS))
@pytest.mark.parametrize("name", sorted(ERRNO_FAMILY))
def test_socket_errnos_are_judged_by_the_remote_that_met_them(name: str, remote: str) -> None:
    """The errno number, its E-name or the platform's own text, under each remote's client: the family comes
    from the errno, the category from who met it, and no other remote is ever named."""
    logger, url, frame, exc = CALLERS[remote]
    n = getattr(errno, name)
    for said in (f"[Errno {n}] {os.strerror(n)}", f"{name}: {os.strerror(n)}", os.strerror(n)):
        log = (f"2026-04-02 09:15:00 INFO httpx: HTTP Request: POST {url}\n"
               f"2026-04-02 09:15:01 ERROR {logger}: call failed\nTraceback (most recent call last):\n"
               f'  File "/app/x.py", line 1, in f\n    g()\n  File "{SP}/{frame}", line 2, in g\n    raise e\n'
               f"{exc}: {said}\n")
        d = diagnose(log)
        if name == "ENETUNREACH":
            # doctrine.py: no route to that network at all is the host's/address's setting, whoever called
            assert (d.rule, d.category) == ("class:connect.route.none", "config"), (name, remote, said, d.rule)
            continue
        assert d.rule == f"class:{ERRNO_FAMILY[name]}", (name, remote, said, d.rule)
        # a reset on the HTTP path to the database's REST API is the path's (CLASSES8 B2, remote_causes.path_reset_text);
        # a direct cache socket's reset and a broken pipe stay the service's
        path = remote == "supabase" and name == "ECONNRESET"
        assert d.category == ("network" if remote in ("kimi", "glm") or path else "storage"), (name, remote, d.category)
        others = [w for r, ws in {"kimi": ("Kimi",), "glm": ("GLM",), "supabase": ("Supabase",),
                                  "redis": ("Redis",)}.items() if r != remote for w in ws]
        assert not any(w in text_of(d) for w in others) and d.confidence <= MAX_CONFIDENCE


@pytest.mark.parametrize(("code", "text"), [(-2, "Name or service not known"), (-3, "Temporary failure in name "
                                                                                     "resolution"),
                                            (-5, "No address associated with hostname"), (11001, "getaddrinfo failed")])
def test_getaddrinfo_errors_are_dns_for_whoever_called(code: int, text: str) -> None:
    for remote, (logger, url, frame, _) in CALLERS.items():
        log = (f"2026-04-02 09:15:00 INFO httpx: HTTP Request: POST {url}\n"
               + rec("socket.gaierror", f"[Errno {code}] {text}", ["/app/x.py", f"{SP}/{frame}"], logger))
        d = diagnose(log)
        # doctrine.py: the resolver's definite "no such name" (EAI_NONAME -2, EAI_NODATA -5) fails every time until
        # the URL's host is fixed (config); a temporary failure (EAI_AGAIN -3) is the path (network); Windows'
        # "getaddrinfo failed" does not say which (the class-level answer by the remote stays)
        expected = {-2: ("class:connect.dns.nonexistent", "config"), -5: ("class:connect.dns.nonexistent", "config"),
                    -3: ("class:connect.dns.temporary", "network")}.get(code)
        if expected is None:
            assert d.rule == "class:connect.dns" and d.category in ("network", "storage"), (remote, d.rule)
        else:
            assert (d.rule, d.category) == expected, (remote, code, d.rule, d.category)


@pytest.mark.parametrize("code", [4000, 4001, 4401, 4500, 4999])
def test_application_defined_close_codes_are_honest_unknowns(code: int) -> None:
    """RFC 6455 7.4.2: 4000-4999 are private to the application - no library knows what they mean."""
    d = diagnose(f"2026-04-02 09:15:01 ERROR ws_daemon: connection closed: received {code} (private use) bye\n")
    # the reason ("bye") names no kind an application close states (ws_causes._private_close): an honest unknown at
    # the class layer's unknown ceiling, naming the code
    assert d.category == "unknown" and d.confidence <= 0.4 and str(code) in d.summary, (code, d.rule)


def test_a_json_error_in_the_apps_own_parsing_is_never_a_remotes_body() -> None:
    """json.loads of a model's reply or of the app's data (no client library's frame): not a provider's or the
    database's answer, and not a confident one."""
    d = diagnose(rec("json.decoder.JSONDecodeError", "Expecting value: line 1 column 1 (char 0)",
                     [APP, f"{LIB}/json/__init__.py", f"{LIB}/json/decoder.py"]))
    assert d.category not in ("provider", "storage", "network") and d.confidence < 0.4, (d.rule, d.category)
    assert not d.rule.startswith("class:")


WS = f"{SP}/websockets/asyncio/client.py"


@pytest.mark.parametrize(("exc", "msg", "category", "word"), [
    ("websockets.exceptions.InvalidStatus", "server rejected WebSocket connection: HTTP 403", "config", "token"),
    ("websockets.exceptions.InvalidStatus", "server rejected WebSocket connection: HTTP 401", "config", "credentials"),
    ("websockets.exceptions.InvalidStatus", "server rejected WebSocket connection: HTTP 404", "config", "path"),
    ("websockets.exceptions.PayloadTooBig", "frame with 2097152 bytes exceeds limit of 1048576 bytes", "config",
     "max_size"),
    ("websockets.exceptions.ConnectionClosedError", "no close frame received or sent", "network", "1006"),
    ("websockets.exceptions.ConnectionClosedOK", "received 1001 (going away); then sent 1001 (going away)", "network",
     "1001"),
    ("websockets.exceptions.InvalidMessage", "did not receive a valid HTTP request", "network", "probe"),
    ("websockets.exceptions.ProtocolError", "invalid opcode: 7", "network", "RFC 6455"),
    ("websockets.exceptions.InvalidURI", "http://gw:3005/ws isn't a valid URI: scheme isn't ws or wss", "config",
     "URL"),
])
def test_websockets_classes_by_their_own_meaning(exc: str, msg: str, category: str, word: str) -> None:
    for logger, headline in random.Random(exc + msg).sample([(lg, h) for lg in LOGGERS for h in HEADLINES], 4):
        d = diagnose(rec(exc, msg, [APP, WS], logger, headline))
        assert d.category == category, (exc, msg, d.rule, d.summary)
        if d.rule.startswith("class:"):  # (a websocket rule of the same category may answer first, in its words)
            assert word.lower() in text_of(d).lower() and d.confidence <= MAX_CONFIDENCE, (exc, word, d.summary)


def test_websockets_classes_without_the_websocket_rules() -> None:
    """The class layer alone (the websocket rules removed, as leave-kind-out does) still answers them."""
    from sidecar.diagnose.rules import RuleSet
    bare = RuleSet([r for r in RULES.rules if not r.id.startswith("ws-")], "no ws rules")
    for exc, msg, category in [("websockets.exceptions.InvalidStatus", "server rejected WebSocket connection: HTTP 404",
                                "config"),
                               ("websockets.exceptions.ConnectionClosedError", "no close frame received or sent",
                                "network"),
                               ("websockets.exceptions.PayloadTooBig", "frame exceeds limit of 1048576 bytes", "config")]:
        d = bare.diagnose(excerpt_to_input(rec(exc, msg, [APP, WS])))
        assert (d.category, d.rule.startswith("class:ws")) == (category, True), (exc, d.rule)
        assert d.confidence <= MAX_CONFIDENCE


def test_a_rejected_upgrade_with_an_unexplained_status_is_not_guessed() -> None:
    d = diagnose(rec("websockets.exceptions.InvalidStatus", "server rejected WebSocket connection: HTTP 418",
                     [APP, WS]))
    assert not d.rule.startswith("class:ws") and d.confidence < 0.6


@pytest.mark.parametrize(("logger", "url", "body"), [
    ("src.providers.kimi_chat", "https://api.moonshot.ai/v1/chat/completions",
     "{'error': {'message': 'The request was rejected because it was considered high risk', 'type': 'content_filter'}}"),
    ("src.providers.glm_chat", "https://api.z.ai/api/paas/v4/chat/completions",
     '{"error":{"code":"1301","message":"The system detected that the input may contain unsafe or sensitive content"}}'),
])
def test_a_providers_content_filter_400_is_the_providers_low_answer(logger: str, url: str, body: str) -> None:
    log = (f"2026-04-02 09:15:00 INFO httpx: HTTP Request: POST {url} \"HTTP/1.1 400 Bad Request\"\n"
           f"2026-04-02 09:15:01 ERROR {logger}: chat failed: Error code: 400 - {body}\n")
    bare = RULES.__class__([r for r in RULES.rules if "filter" not in r.id and not r.id.startswith(("kimi-", "glm-"))])
    for rules in (RULES, bare):  # with the provider's own rules and with the class layer alone
        d = rules.diagnose(excerpt_to_input(log))
        assert (d.category, d.severity) == ("provider", "low"), (d.rule, d.summary)


def test_a_path_guards_high_risk_words_are_not_a_content_filter() -> None:
    d = diagnose("2026-04-02 09:15:01 ERROR src.security.path_guard: Blocked high risk path access: /etc/shadow "
                 "(considered high risk)\n")
    assert "content filter" not in text_of(d).lower(), d.rule


def test_an_exhausted_quota_says_not_to_retry_and_a_rate_limit_says_to() -> None:
    quota = diagnose(PROVIDER.format(exc="openai.RateLimitError", status=429,
                                     body="{'error': {'message': 'insufficient balance', 'type': "
                                          "'exceeded_current_quota_error'}}"))
    rate = diagnose(PROVIDER.format(exc="openai.RateLimitError", status=429,
                                    body="{'error': {'message': 'max RPM reached', 'type': 'rate_limit_reached_error'}}"))
    assert quota.severity == "critical" and "not retry" in text_of(quota).lower()
    assert rate.severity == "medium" and "retry" in text_of(rate).lower()
