"""Round-10 review: near-miss twins of round-10 mechanisms that decided on weak evidence (each fixed by the #17
implementer: the tie is the same request / the refused host, the failing client's own pool figure, a mount-shaped
call for EBUSY, a record about THIS connection for the idle reuse).

H2 (user_target.py): the module's docstring and commit e214983 say the URL-level refusal is the user's when the SAME
request's tools/call record carries THE URL the client refused. The code takes any tools/call line with any URL in
the context (a request id is compared only when both lines carry one). Near-miss: our own endpoint (printed by a
setting) loops on redirects while an unrelated user's tool call - another URL, no request id shared - was logged
just before. Nothing ties the two; the answer must stay the twin's config.
"""

from __future__ import annotations

import csv
import random

import pytest

from tests.diagnose.classes8_base import _record
from tests.diagnose.classes9_second import (
    ALERTS,
    DEATHS,
    REMOTES,
    _closed_before_status,
    _connector_wait,
    _pool_figure,
    _thread_death,
    _wait_symptom,
    at,
    without_deaths,
)
from tests.diagnose.classes10_efh import SECRETS, _app_function, _req, _send_header, _user_text
from tests.diagnose.classes10_gen import _excerpt, _redirect_loop
from tests.diagnose.logged import diagnose

SEEDS = range(6)


def _our_endpoint_after_an_unrelated_tool_call(rng: random.Random) -> str:
    url, run = _redirect_loop(rng)
    name = rng.choice(["ALERTS_WEBHOOK_URL", "KIMI_BASE_URL", "SUPABASE_URL"])
    logger = rng.choice(["src.monitoring.alerts", "src.providers.kimi_chat", "src.storage.supabase_http"])
    error = _record(run, logger, rng.choice(["request failed", "health probe failed"]))
    printed = at(error, 30, "src.core.env_config", f"environment: {name}={url}")
    other = f"https://{rng.choice(['docs.example.org', 'blog.example.net', 'wiki.example.com'])}/{rng.randrange(10**6)}"
    tool = rng.choice(["web_fetch", "url_preview", "smart_file_download"])
    req = f"{rng.randrange(16**8):08x}"
    call = at(error, rng.choice([0.2, 1.5, 4.0]), "src.daemon.ws_server", f"[req:{req}] tools/call {tool} (url={other})")
    return _excerpt(rng, [printed, call], error)


def test_our_endpoint_loop_stays_config_beside_an_unrelated_tool_call() -> None:
    wrong = [(seed, d.category, d.rule) for seed in SEEDS
             for d in [diagnose(_our_endpoint_after_an_unrelated_tool_call(random.Random(seed)))] if d.category != "config"]
    assert not wrong, wrong


def _another_pool_full_before_a_connect_timeout(rng: random.Random) -> str:
    """R3/R4 near-miss (pool_limit.py): the alerts client's connect timeout (the R3 twin's error, read as network),
    after a figure of ANOTHER pool at its bound - the database pool, logged by the storage logger. pool_limit.py takes
    any pool-ish record at its bound in the last 20 records, whatever its logger or pool; nothing ties the database
    pool to an HTTP connect."""
    limit, logger = rng.choice([2, 3, 4]), rng.choice(ALERTS)
    error = _connector_wait(rng, limit, logger, rng.choice(["alert delivery failed (attempt 1/3)", "post to relay failed"]))
    size = rng.choice([5, 10, 20])
    figure = at(error, rng.uniform(0.5, 3), rng.choice(["src.storage.db", "psycopg.pool", "src.storage.pg_pool"]),
                _pool_figure(rng, size, size, rng.randrange(1, 40), rng.choice(["db pool", "psycopg pool 'gateway'"])),
                "DEBUG")
    ours = at(error, rng.uniform(3.5, 6), logger, _pool_figure(rng, rng.randrange(0, 2), 100, 0, "connector"), "DEBUG")
    return _excerpt(rng, [ours, figure], error)


def test_another_pool_at_its_bound_leaves_a_connect_timeout_as_the_twin_reads_it() -> None:
    wrong = [(seed, d.category, d.rule) for seed in SEEDS
             for d in [diagnose(_another_pool_full_before_a_connect_timeout(random.Random(seed)))] if d.category != "network"]
    assert not wrong, wrong


def _ebusy_not_a_mount_point(rng: random.Random) -> str:
    """F6 near-miss (6a83ed4, message_texts._ERRNO_FAMILY "EBUSY"): EBUSY that is NOT a mount point moved or removed.
    - NFS "silly rename" (nfs(5), the Linux NFS client's sillyrename): a file still open when unlinked becomes
      `.nfsXXXX`; removing it (rmtree of the directory) answers EBUSY while any process holds it open;
    - a device opened exclusively while another process holds it (open(2) O_EXCL on a device, TIOCEXCL ttys).
    Text excerpts (these errors need an NFS mount or a device to be raised for real); the log format is the
    gateway's. The answer may be anything but the claim that a mount point was replaced."""
    logger = rng.choice(["src.tools.workspace", "src.sandbox.cleanup", "src.devices.modem", "src.jobs.exporter"])
    stamp = f"2026-12-06 {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    if rng.random() < 0.5:
        target = f".nfs{rng.randrange(16**24):024x}"
        frames = ('  File "/usr/local/lib/python3.11/shutil.py", line 736, in _rmtree_safe_fd\n'
                  "    os.unlink(entry.name, dir_fd=topfd)\n")
        call = f"    shutil.rmtree({rng.choice(['path', 'workdir', 'self.root'])})\n"
        message = rng.choice(["cleanup of session workspace failed", "could not remove the export directory"])
    else:
        target = rng.choice(["/dev/ttyUSB0", "/dev/ttyACM1", "/dev/video0", "/dev/snd/pcmC0D0p", "/dev/nvidia0"])
        frames = ""
        call = f"    fd = os.open({target!r}, os.O_RDWR | os.O_EXCL)\n"
        message = rng.choice(["could not open the device", "capture failed to start"])
    return (f"{stamp} ERROR {logger}: {message}\nTraceback (most recent call last):\n"
            f'  File "/app/{logger.replace(".", "/")}.py", line {rng.randrange(20, 400)}, in run\n{call}{frames}'
            f"OSError: [Errno 16] Device or resource busy: '{target}'")


def test_ebusy_that_is_no_mount_point_is_not_called_one() -> None:
    wrong = [(seed, d.category, d.rule) for seed in SEEDS
             for d in [diagnose(_ebusy_not_a_mount_point(random.Random(seed)))] if "mount_busy" in (d.rule or "")]
    assert not wrong, wrong


def _busy_close_after_an_unrelated_idle_record(rng: random.Random) -> tuple[str, str]:
    """N1 near-miss (idle_reuse.py `_REUSED`): the N1 twin (a close before any status a second after the last request:
    the remote's side) with one more record - another component's words about ITS idle session ("idle 120 s"). Any of
    the last 12 records matching `idle <n> s` counts as "a record says the connection was reused after idling"."""
    logger, what, host, remote_side = rng.choice(REMOTES)
    host = host.format(h=f"{rng.randrange(16**4):04x}")
    error = _closed_before_status(rng, logger, rng.choice([f"{what} failed (attempt 1/3)", f"{what} failed; retrying"]))
    idle = at(error, rng.uniform(3, 20), rng.choice(["src.daemon.ws_server", "src.daemon.session_reaper"]),
              rng.choice([f"websocket session {rng.randrange(16**6):06x} idle {rng.randrange(60, 900)} s, closing",
                          f"worker {rng.randrange(1, 9)} idle for {rng.randrange(2, 15)} min, parked"]))
    request = at(error, rng.uniform(0.2, 2.5), "httpx",
                 f'HTTP Request: {rng.choice(["GET", "POST"])} https://{host} "HTTP/1.1 200 OK"')
    return _excerpt(rng, [idle, request], error), remote_side


def test_an_unrelated_idle_record_leaves_a_busy_close_to_the_remote() -> None:
    wrong = []
    for seed in SEEDS:
        excerpt, expected = _busy_close_after_an_unrelated_idle_record(random.Random(seed))
        d = diagnose(excerpt)
        if d.category != expected or "idle-reuse" in (d.rule or ""):  # the alerts relay's side reads network anyway
            wrong.append((seed, expected, d.category, d.rule))
    assert not wrong, wrong


def _busy_close_after_another_clients_idle_connection(rng: random.Random) -> tuple[str, str]:
    """N1 near-miss, second form (after 375d475): the same twin with ANOTHER client's record about ITS OWN connection
    ("connection idle 300 s, recycled" from the database pool or the Redis client). `_REUSED` now wants the word
    connection, from any logger: the database pool's connection is not the HTTP connection that was closed."""
    logger, what, host, remote_side = rng.choice(REMOTES)
    host = host.format(h=f"{rng.randrange(16**4):04x}")
    error = _closed_before_status(rng, logger, rng.choice([f"{what} failed (attempt 1/3)", f"{what} failed; retrying"]))
    idle = at(error, rng.uniform(3, 20), rng.choice(["src.storage.pg_pool", "psycopg.pool", "src.cache.redis_client"]),
              rng.choice([f"connection idle {rng.randrange(60, 900)} s, recycled",
                          f"connection was idle for {rng.randrange(60, 900)} s; closing it (max_idle)"]))
    request = at(error, rng.uniform(0.2, 2.5), "httpx",
                 f'HTTP Request: {rng.choice(["GET", "POST"])} https://{host} "HTTP/1.1 200 OK"')
    return _excerpt(rng, [idle, request], error), remote_side


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="idle_reuse.py takes any logger's 'connection idle N' "
                   "record as the failing client's (6 of seeds 0-5 on 92dc719)")
def test_another_clients_idle_connection_leaves_a_busy_close_to_the_remote() -> None:
    wrong = []
    for seed in SEEDS:
        excerpt, expected = _busy_close_after_another_clients_idle_connection(random.Random(seed))
        d = diagnose(excerpt)
        if d.category != expected or "idle-reuse" in (d.rule or ""):
            wrong.append((seed, expected, d.category, d.rule))
    assert not wrong, wrong


def _secret_newline_beside_an_unrelated_tool_header(rng: random.Random) -> str:
    """F8 near-miss (header_value.py, 655021d): the F8 case (a key loaded from a secret file keeps its newline; our
    provider client refuses the header) with, logged between, ANOTHER request's tools/call carrying a headers argument.
    Like user_target.py, header_value.py takes any tools/call line in the context when the error names no request."""
    var, header, form = rng.choice(SECRETS)
    key = "sk-" + "".join(rng.choice("abcdef0123456789") for _ in range(rng.choice([24, 32])))
    logger = rng.choice(["src.providers.kimi_chat", "src.storage.supabase_http", "src.monitoring.alerts"])
    error = _record(_send_header(rng, header, form.format(v=key + rng.choice(["\n", "\r\n"]))), logger,
                    rng.choice(["request failed", "health probe failed", "could not reach the API"]))
    src = at(error, 60, "src.core.env_config", f"{var} loaded from /run/secrets/{var.lower()}")
    other = at(error, rng.uniform(0.5, 5), "src.daemon.ws_server",
               f"[req:{rng.randrange(16**8):08x}] tools/call {rng.choice(['web_fetch', 'http_request'])} "
               f'(arguments: {{"headers": {{"{rng.choice(["X-Trace", "Accept"])}": "{rng.choice(["a1", "text/html"])}"}}}})')
    return _excerpt(rng, [src, other], error)


def test_a_secret_file_newline_stays_config_beside_another_requests_tool_call() -> None:
    wrong = [(seed, d.category, d.rule) for seed in SEEDS
             for d in [diagnose(_secret_newline_beside_an_unrelated_tool_header(random.Random(seed)))]
             if d.category != "config"]
    assert not wrong, wrong


# (dead thread, waiting component): two components sharing only a ROLE word (writer, request, client, poller, loader)
ROLE_PAIRS = (("health-writer", "src.daemon.broadcast_writer"), ("broadcast-writer", "src.daemon.ws.health_writer"),
              ("request-logger", "src.providers.request_router"), ("metrics-client", "src.storage.client_pool"),
              ("config-poller", "src.monitoring.poller_alerts"), ("model-loader", "src.tools.loader_cache"))


def _other_component_sharing_a_role_word_died(rng: random.Random) -> str:
    """K2 near-miss (dead_worker.py, `_words` ties): the K2 twin "another component's thread died" where the two
    names share a role word only ('writer' in health-writer and broadcast_writer). dead_worker.py ties a death to the
    symptom by ANY shared word of 3+ letters outside a short noise list."""
    name, logger = rng.choice(ROLE_PAIRS)
    death = _thread_death(name, rng.choice(DEATHS)[0])
    return _excerpt(rng, [death], _wait_symptom(rng, logger))


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="dead_worker.py ties any shared word (writer, request, "
                   "client): 5 of seeds 0-5 took the unrelated death's answer on 7ad738e")
def test_a_death_sharing_only_a_role_word_leaves_the_wait_unchanged() -> None:
    wrong = []
    for seed in SEEDS:
        excerpt = _other_component_sharing_a_role_word_died(random.Random(seed))
        d, alone = diagnose(excerpt), diagnose(without_deaths(excerpt))
        if d.category != alone.category or "dead-worker" in (d.rule or ""):
            wrong.append((seed, alone.category, d.category, d.rule))
    assert not wrong, wrong


def _invalid_audience_with_an_audience_passed(rng: random.Random) -> str:
    """F7 near-miss (jwt_claims.py, 0e1a8dc): plain "Invalid audience" read as "our decode passed no audience" (true of
    the installed PyJWT's api_jwt.py `_validate_aud`). Earlier PyJWT 2.x (jpadilla/pyjwt jwt/api_jwt.py at 0001ac6,
    the RemovedInPyjwt3Warning era: `_validate_aud` ends `if all(aud not in audience_claims for aud in audience): raise
    InvalidAudienceError("Invalid audience")`) raised the same words for a MISMATCH, and the traceback's own source
    line shows the audience our call passed.
    Text excerpt: the installed PyJWT cannot raise the older wording."""
    logger = rng.choice(["src.auth.supabase_jwt", "src.daemon.ws_auth", "src.middleware.auth"])
    aud = rng.choice(["authenticated", "gateway", "https://api.example.net", "service_role"])
    call = rng.choice([f'jwt.decode(token, secret, algorithms=["HS256"], audience="{aud}")',
                       f'jwt.decode(token, key=self.key, audience=settings.JWT_AUDIENCE, algorithms=["{rng.choice(["HS256", "RS256"])}"])',
                       f'self._jwt.decode(raw, self._secret, algorithms=self._algs, audience=["{aud}"])'])
    site = "/usr/local/lib/python3.11/site-packages/jwt/api_jwt.py"
    return (f"2026-12-06 {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d} ERROR {logger}: "
            f"{rng.choice(['token verification failed', 'websocket auth rejected', 'invalid bearer token'])}\n"
            "Traceback (most recent call last):\n"
            f'  File "/app/{logger.replace(".", "/")}.py", line {rng.randrange(20, 300)}, in verify\n    return {call}\n'
            f'  File "{site}", line {rng.randrange(180, 230)}, in decode\n    decoded = self.decode_complete(\n'
            f'  File "{site}", line {rng.randrange(140, 170)}, in decode_complete\n    self._validate_claims(\n'
            f'  File "{site}", line {rng.randrange(240, 300)}, in _validate_aud\n'
            '    raise InvalidAudienceError("Invalid audience")\n'
            "jwt.exceptions.InvalidAudienceError: Invalid audience")


def test_invalid_audience_with_an_audience_in_the_call_is_not_a_missing_audience() -> None:
    wrong = [(seed, d.category, d.rule, d.summary) for seed in SEEDS
             for d in [diagnose(_invalid_audience_with_an_audience_passed(random.Random(seed)))]
             if "no audience" in d.summary]
    assert not wrong, wrong


def _two_users_bad_files(rng: random.Random) -> str:
    """H3 near-miss (sniffed_every_file.py, ce66ad6): TWO users' own files csv.Sniffer cannot decide on (one column,
    prose, ragged: h3_user_file_sniff's files), each in its own request with its tools/call record. Two requests
    failing the same way is the twin's only evidence for "our sample fails for every file" (code 0.45); here every
    file that failed was a user's, and a working file may have passed between them."""
    tool = rng.choice(["tools.smart_file_query", "tools.csv_analyze", "src.tools.smart_file_analyze"])
    records = []
    for _ in range(2):
        req = _req(rng)
        name = rng.choice(["export.csv", "data (3).csv", "ledger.txt", "q3.tsv", "notes.csv"])
        run = _app_function(f"/app/{tool.replace('.', '/')}.py", "csv.Sniffer().sniff(sample)",
                            {"csv": csv, "sample": _user_text(rng)})
        error = _record(run, tool, f"[req:{req}] parsing {name} failed")
        records.append(at(error, 0.4, "src.daemon.ws_server",
                          f'[req:{req}] tools/call {tool.split(".")[-1]} (arguments: {{"file": "{name}"}})'))
        records.append(error)
    return _excerpt(rng, records[:-1], records[-1])


def test_two_users_undecidable_files_stay_the_users() -> None:
    """Was a strict xfail (sniffed_every_file.py read two users' sniff failures as 'every file fails'); user_value.py
    reads the file each failure names as its own request's tool-call argument: the user's."""
    wrong = [(seed, d.category, d.rule) for seed in SEEDS
             for d in [diagnose(_two_users_bad_files(random.Random(seed)))] if d.category != "unknown"]
    assert not wrong, wrong
