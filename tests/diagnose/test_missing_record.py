"""An honest unknown names what the excerpt lacks, and whose input was refused (missing_record.py).

Generated per seed: the refused value (a real pydantic model refusing it), the signal (by name, by number, by a
container's exit status 128+N), the proxy's documented upstream text, the loggers and the times vary. Each class has
near-miss twins that must NOT get the sentence: the same model refusing a field it does not declare (the shape two
programs disagree on), a settings model, a fault signal (SIGSEGV), the sender's own record in the excerpt, the
application's own failure record beside the proxy's report.
"""

from __future__ import annotations

import random
import signal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .logged import diagnose, text_of

SEEDS = (1, 2, 3)
_LOGGERS = ("ws_daemon", "src.daemon.tools", "src.api.chat", "tools.intake")
_FIELDS = ("prompt", "title", "query", "note")


def _refused(seed: int, *, extra: bool = False, settings: bool = False) -> str:
    """A real pydantic refusal of a generated request value, logged as the gateway logs it."""
    rnd = random.Random(seed)
    field, limit = rnd.choice(_FIELDS), rnd.randrange(8, 40)
    name = rnd.choice(("Chat", "Search", "Upload", "Summary")) + ("Settings" if settings else "Request")
    model = type(name, (BaseModel,), {"__annotations__": {field: str}, field: Field(max_length=limit),
                                      "model_config": ConfigDict(extra="forbid")})
    body = {field: "x" * (limit + rnd.randrange(1, 500))}
    if extra:
        body = {field: "ok", rnd.choice(("mode", "stream_opts", "beta")): True}
    logger = rnd.choice(_LOGGERS)
    try:
        model.model_validate(body)
    except ValidationError as e:
        # the handler logs the refusal's text, no traceback (as FastAPI's and a tool router's handlers do)
        return f"2026-12-06 15:12:04 ERROR {logger}: {rnd.choice(('tool', 'request'))} {field} rejected: {e}"
    raise AssertionError("pydantic accepted the value")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_refused_request_value_is_named_the_users_input(seed):
    d = diagnose(_refused(seed))
    assert d.category == "unknown" and d.confidence <= 0.4
    assert "the caller's input" in d.root_cause and "user" in d.root_cause


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("twin", ["extra", "settings"])
def test_a_field_not_declared_or_a_settings_model_is_not_called_the_users(seed, twin):
    d = diagnose(_refused(seed, extra=twin == "extra", settings=twin == "settings"))
    assert "the caller's input" not in text_of(d)


def _stop_record(rnd: random.Random, sig: signal.Signals) -> str:
    return rnd.choice((f"Received {sig.name}, shutting down", f"got signal {int(sig)}, stopping workers",
                       f"worker exited with code {128 + int(sig)}", f"caught {sig.name}; draining connections"))


def _pid_tail(rnd: random.Random, logger: str, minute: int) -> str:
    """The daemon's next start a minute later finding the stopped process's pid file (no record of who stopped it)."""
    return (f"2026-12-06 03:{minute + 1}:11 WARNING {logger}: stale pid file {rnd.randrange(100, 999)}.pid "
            "or no active listener; removing it")


def _signalled(seed: int, sig: signal.Signals, sender: bool) -> str:
    rnd = random.Random(seed)
    logger = rnd.choice(_LOGGERS)
    minute = rnd.randrange(10, 59)
    lines = [f"2026-12-06 03:{minute}:01 INFO {logger}: {_stop_record(rnd, sig)}"]
    if sender:
        lines.insert(0, rnd.choice((
            f'2026-12-06 03:{minute}:00 INFO kubelet: Killing container with id docker://gw-{seed}',
            f"2026-12-06 03:{minute}:00 INFO deployer: rollout restart deployment/gateway by ci",
            f"2026-12-06 03:{minute}:00 INFO src.ops: systemctl stop gateway.service (operator)")))
    lines.append(_pid_tail(rnd, logger, minute))
    return "\n".join(lines)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_received_stop_signal_with_no_senders_record_names_the_missing_sender(seed):
    sig = random.Random(seed).choice((signal.SIGTERM, signal.SIGKILL, signal.SIGINT))
    d = diagnose(_signalled(seed, sig, sender=False))
    assert d.category == "unknown"
    assert f"got {sig.name}" in d.root_cause and "signal's sender" in d.root_cause


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("twin", ["sender", "fault"])
def test_a_senders_record_or_a_fault_signal_gets_no_missing_sender(seed, twin):
    sig = signal.SIGSEGV if twin == "fault" else signal.SIGTERM
    d = diagnose(_signalled(seed, sig, sender=twin == "sender"))
    assert "signal's sender" not in text_of(d)


_UPSTREAM = ("upstream prematurely closed connection while reading response header from upstream",
             "upstream timed out (110: Connection timed out) while reading response header from upstream",
             "connect() failed (111: Connection refused) while connecting to upstream")


def _proxied(seed: int, app_failed: bool) -> str:
    rnd = random.Random(seed)
    sec, path = rnd.randrange(10, 50), rnd.choice(("/v1/chat", "/v1/files", "/v1/search"))
    lines = [f"2026-12-05 11:12:{sec - 1:02d} INFO uvicorn.access: 10.0.1.9:{rnd.randrange(40000, 41000)} - "
             f'"POST {path} HTTP/1.1" 200',
             f"2026/12/05 11:12:{sec:02d} [error] 29#29: *{rnd.randrange(1000, 99999)} {rnd.choice(_UPSTREAM)}, "
             f'client: 10.1.7.3, server: gw.example.com, request: "POST {path} HTTP/1.1", '
             f'upstream: "http://10.0.2.14:8079{path}", host: "gw.example.com"']
    if app_failed:
        lines.insert(1, f"2026-12-05 11:12:{sec:02d} ERROR src.api.chat: handler crashed for POST {path}")
    return "\n".join(lines)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_proxys_upstream_report_with_no_application_record_says_so(seed):
    d = diagnose(_proxied(seed, app_failed=False))
    assert "no application record" in d.root_cause


@pytest.mark.parametrize("seed", SEEDS)
def test_the_applications_own_failure_record_beside_the_proxys_gets_no_such_sentence(seed):
    d = diagnose(_proxied(seed, app_failed=True))
    assert "no application record" not in text_of(d)


# review r17: the test above draws one of _stop_record's four wordings by seed, and seeds 1-3 draw only the first two
# (SIGTERM each time). Every wording, every stop signal: the exit status 128+N ("worker exited with code 143") and the
# process's own "draining connections" (its own shutdown, not a sender's record) got no sentence before b17's fix.
_OWN_STOP = {"received": "Received {name}, shutting down", "signal number": "got signal {num}, stopping workers",
             "exit status": "worker exited with code {code}", "draining": "caught {name}; draining connections"}


@pytest.mark.parametrize("wording", ["received", "signal number", "exit status", "draining"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT])
def test_every_wording_of_a_received_stop_signal_names_the_missing_sender(wording, sig):
    rnd = random.Random(f"{wording}-{sig.name}")
    logger, minute = rnd.choice(_LOGGERS), rnd.randrange(10, 58)
    own = _OWN_STOP[wording].format(name=sig.name, num=int(sig), code=128 + int(sig))
    d = diagnose(f"2026-12-06 03:{minute}:01 INFO {logger}: {own}\n{_pid_tail(rnd, logger, minute)}")
    assert d.category == "unknown" and "signal's sender" in d.root_cause, (own, d.rule, d.root_cause)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_refused_values_quote_is_redacted(seed):
    from pydantic import field_validator

    rnd = random.Random(seed)
    secret = rnd.choice(("sk-proj-", "sk_live_", "ghp_")) + "".join(rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
                                                                     for _ in range(36))
    field = rnd.choice(("api_key", "token", "credential"))

    def refuse(cls, v):  # a custom validator that names the refused value, as they often do
        raise ValueError(f"{rnd.choice(('unknown', 'revoked', 'malformed'))} key {v}")

    model = type(rnd.choice(("Chat", "Search")) + "Request", (BaseModel,), {
        "__annotations__": {field: str}, "check": field_validator(field)(classmethod(refuse))})
    try:
        model.model_validate({field: secret})
    except ValidationError as e:
        line = f"2026-12-06 15:12:04 ERROR {rnd.choice(_LOGGERS)}: request {field} rejected: {e}"
    d = diagnose(line)
    assert "the caller's input" in d.root_cause  # the clause fired (the check below is about what it quotes)
    assert secret not in d.root_cause, d.root_cause


@pytest.mark.parametrize("seed", SEEDS)
def test_the_applications_own_warning_of_that_request_gets_no_such_sentence(seed):
    rnd = random.Random(f"own-warning-{seed}")
    access, proxy = _proxied(seed, app_failed=False).splitlines()
    path = proxy.split('request: "POST ', 1)[1].split(" ", 1)[0]  # the request the proxy reports
    sec = int(proxy[17:19])
    said = rnd.choice((f"POST {path} timed out after {rnd.randrange(30, 120)}.0s waiting for the provider",
                       f"POST {path} failed: upstream call aborted", f"POST {path} gave up after 3 retries"))
    own = f"2026-12-05 11:12:{sec:02d} WARNING {rnd.choice(_LOGGERS)}: {said}"
    d = diagnose("\n".join([access, own, proxy]))
    assert "no application record" not in text_of(d), (said, d.root_cause)


# review r17: a SETUP record names a signal it will handle ("graceful shutdown on SIGTERM enabled", "installed handler on
# SIGINT"): `on SIGTERM` read as one received, so an excerpt of a process's start got "the process got SIGTERM" (fails
# on main). Twin: a record of the signal received still names the missing sender.
_SETUP = ("graceful shutdown on {name} enabled", "installed handler on {name}", "will exit cleanly on {name}")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_handler_set_up_on_a_stop_signal_is_no_signal_received(seed):
    rnd = random.Random(f"setup-{seed}")
    logger, minute = rnd.choice(_LOGGERS), rnd.randrange(10, 58)
    sig = rnd.choice((signal.SIGTERM, signal.SIGINT, signal.SIGQUIT))
    tail = _pid_tail(rnd, logger, minute)
    setup = f"2026-12-06 03:{minute}:01 INFO {logger}: {rnd.choice(_SETUP).format(name=sig.name)}\n{tail}"
    assert "signal's sender" not in text_of(diagnose(setup)), setup
    received = f"2026-12-06 03:{minute}:01 INFO {logger}: Received {sig.name}, shutting down\n{tail}"
    assert f"got {sig.name}" in diagnose(received).root_cause, received


# review r17: SIGHUP, SIGUSR1 and SIGUSR2 are what a program HANDLES to reload its configuration, reopen its log files
# or upgrade (gunicorn's and nginx's documented signals): a record of one received is no stop, and whose hand sent it
# is not the question (fails on main). Twin: the process DIED of one (killed by signal N, exit status 128+N - the
# default action, signal(7) Term, ended it): a stop like any other, its sender is what is missing. (SIGUSR1/2 by
# number: the name grammar, SIG[A-Z]{2,6}, never read them by name.)
_RELOADS = ("Received {name}, reloading configuration", "got {name}: reopening log files",
            "caught {name}, re-executing the new binary")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_reload_signal_handled_is_no_stop_but_a_death_by_one_is(seed):
    rnd = random.Random(f"reload-{seed}")
    logger, minute = rnd.choice(_LOGGERS), rnd.randrange(10, 58)
    sig = rnd.choice((signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2))
    tail = _pid_tail(rnd, logger, minute)
    said = rnd.choice(_RELOADS).format(name=sig.name if sig == signal.SIGHUP else f"signal {int(sig)}")
    reload = f"2026-12-06 03:{minute}:01 INFO {logger}: {said}\n{tail}"
    assert "signal's sender" not in text_of(diagnose(reload)), reload
    died = rnd.choice((f"worker exited with code {128 + int(sig)}", f"worker killed by signal {int(sig)}"))
    death = f"2026-12-06 03:{minute}:01 INFO {logger}: {died}\n{tail}"
    d = diagnose(death)
    assert f"got {sig.name}" in d.root_cause and "signal's sender" in d.root_cause, (death, d.root_cause)
