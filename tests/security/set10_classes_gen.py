"""Seeded plantings of the classes behind set 10's leaks (round 9, issue 18), each with a must-keep twin.

Set 10 (in-spec and beyond-spec, development data since round 9) leaked 8 + 18 plantings; grouped by class:
- CLI   a Go CLI's shorthand flag with `=` (spf13/pflag's parseSingleShortArg takes `-p=<v>` like `-p <v>`):
        `docker login -u=<u> -p=<v>`, as a shell line, a JSON argv list, a CalledProcessError's list repr. Twin: other
        docker flags (`-p=8080:80` of `docker run`), `--password-stdin`.
- VERIFIER  PostgreSQL password verifiers (`md5` + 32 hex, `SCRAM-SHA-256$<iter>:<salt>$<stored>:<server>`) from
        pg_authid / PgBouncer's auth_query or auth_file, replayable against PgBouncer. Twin: digests spelled `md5=`,
        `md5:`, `"md5": "<hex>"`, md5sum output.
- BYTES a known key format inside bytes written as numbers: systemd's journal JSON export writes a field with
        non-printable bytes (an ANSI colour in MESSAGE) as an array of byte values; PostgreSQL bytea hex output
        (`\\x...`), `bytes.fromhex('...')`. Twin: arrays and hex of text without a secret, digests.
- PROMPT a password typed at an interactive prompt and echoed on the next line (pexpect logfile / TIMEOUT buffer):
        libpq `Password for user <u>: `, sudo, OpenSSH, git, mysql. Twin: the prompt followed by the tool's own next
        line (`Sorry, try again.`, `psql: error: ...`, `Permission denied, please try again.`).
- FIRST a value before the words that name it, in a predicate or an arrow label (`<v> is not accepted as secret
        key for <id>`, `<v> rejected by <svc>: not a valid secret key`, `<v> <- api key for <id>`). Twin: an id before
        an error LABEL (`req_... rejected: invalid api key`), an arrow labelling an id or a model.
- SCRIPT a password with letters outside ASCII after a password word of another language (C5 x B5: Romanian,
        Czech, Polish, Turkish), json.dumps-escaped or raw. Twin: the same word before prose of its language.

Not sampled: a value alone in a record whose label is in ANOTHER record (a Docker line per psql row without the
header, a pexpect `send` record): nothing in the text names it (left, and said in the round-9 report).

    PYTHONPATH=$PWD python -m tests.security.set10_classes_gen --seeds 1000-1003 [--show CLI]
"""

from __future__ import annotations

import hashlib
import json
import random
import string
from collections.abc import Callable

from .secret_gen import AN, HEX, class_plantings, class_report, leaked, rnd

Planting = tuple[str, str]
KEYS = [lambda r: "gsk_" + rnd(r, AN, 52), lambda r: "sk-ant-api03-" + rnd(r, AN + "-_", 93) + "AA",
        lambda r: "ghp_" + rnd(r, AN, 36), lambda r: "glpat-" + rnd(r, AN + "-_", 20), lambda r: "xoxb-" + "-".join(
            rnd(r, string.digits, n) for n in (11, 13)) + "-" + rnd(r, AN, 24)]


def shape(r: random.Random, text: str) -> str:
    k = r.randrange(3)
    if k == 0:
        return f"2026-12-06 10:15:0{r.randrange(10)},123 {r.choice(['INFO', 'ERROR', 'DEBUG'])} " \
               f"{r.choice(['src.ci.publish', 'ops.deploy', 'gateway.boot'])}: {text}"
    if k == 1:
        return json.dumps({"ts": "2026-12-06T10:15:03Z", "level": "error", "msg": text})
    return json.dumps({"log": text + "\n", "stream": "stderr", "time": "2026-12-06T10:15:03.1Z"})


def pw(r: random.Random) -> str:
    return r.choice(string.ascii_uppercase) + rnd(r, AN + "-_.!", r.randint(10, 20)) + r.choice(string.digits)


def cli(r: random.Random) -> Planting:
    v = rnd(r, string.ascii_uppercase + string.digits, r.randint(32, 64)) if r.random() < 0.5 else pw(r)
    argv = ["docker", "login", f"-u={r.choice(['ci', 'exai+ci_pusher', 'robot$gw'])}", f"-p={v}",
            r.choice(["quay.io", "ghcr.io", "registry.example.com:5000"])]
    k = r.randrange(3)
    if k == 0:
        return shape(r, "+ " + " ".join(argv)), v
    if k == 1:
        return json.dumps({"msg": "registry login", "argv": argv}), v
    return f"subprocess.CalledProcessError: Command '{argv!r}' returned non-zero exit status 1.", v


def cli_twin(r: random.Random) -> Planting:
    v = r.choice(["8080:80", "127.0.0.1:9090:9090", "5432:5432"])
    return shape(r, r.choice([f"+ docker run -d -p={v} gw:1.4.2", f"+ docker run --rm -p {v} nginx"])), v


def verifier(r: random.Random) -> Planting:
    user = r.choice(["gateway_rw", "app", "pgbouncer"])
    if r.random() < 0.6:
        v = "md5" + hashlib.md5((pw(r) + user).encode()).hexdigest()  # noqa: S324 - PostgreSQL's md5 verifier
    else:
        v = f"SCRAM-SHA-256$4096:{rnd(r, AN + '+/', 22)}==${rnd(r, AN + '+/', 43)}=:{rnd(r, AN + '+/', 43)}="
    k = r.randrange(3)
    if k == 0:
        return shape(r, f"auth_query result for {user}: {v}"), v
    if k == 1:
        return f'"{user}" "{v}"', v
    return shape(r, f"cannot write {(user, v)!r}"), v


def verifier_twin(r: random.Random) -> Planting:
    v = rnd(r, HEX, 32)
    return shape(r, r.choice([f"upload ok md5={v}", f"etag md5:{v}", json.dumps({"md5": v}), f"{v}  gw.tar.gz"])), v


def _journal(r: random.Random, message: str) -> str:
    raw = ("\x1b[33mWARN\x1b[0m " + message).encode()
    entry = {"__CURSOR": f"s={rnd(r, HEX, 32)};i=4a1f", "_SYSTEMD_UNIT": "gateway.service", "PRIORITY": "4",
             "MESSAGE": list(raw)}
    return json.dumps(entry, separators=(",", ":"))


def bytes_key(r: random.Random) -> Planting:
    key = r.choice(KEYS)(r)
    msg = r.choice(["retry with key ", "upstream auth using ", "token="]) + key
    k = r.randrange(3)
    if k == 0:
        text = _journal(r, msg)
        return shape(r, f"journal entry: {text}") if r.random() < 0.5 else text, ",".join(map(str, msg.encode()[-20:]))
    hexed = msg.encode().hex()
    if k == 1:
        return f" {r.choice(['anthropic', 'groq', 'github'])} | \\x{hexed} |       3", hexed
    return shape(r, f"while loading key_material=bytes.fromhex('{hexed}')"), hexed


def bytes_twin(r: random.Random) -> Planting:
    k = r.randrange(3)
    msg = r.choice(["retry 3 of 5 after 429", "pool exhausted (size=20)", "upstream 10.0.3.7:443 reset"])
    if k == 0:
        return _journal(r, msg), ",".join(map(str, msg.encode()))
    if k == 1:
        v = msg.encode().hex()
        return f" notes | \\x{v} |       3", v
    v = hashlib.sha256(msg.encode()).hexdigest()
    return shape(r, f"content sha256={v}"), v


PROMPTS = ["Password for user {u}: ", "[sudo] password for {u}: ", "{u}@db01.internal's password: ",
           "Password for 'https://{u}@git.example.com': ", "Enter password: ", "Password: "]


def prompt(r: random.Random) -> Planting:
    v = pw(r)
    p = r.choice(PROMPTS).format(u=r.choice(["gateway_rw", "deploy", "ci-bot"]))
    if r.random() < 0.5:
        return shape(r, f"{p}\n{v}\n{r.choice(['psql (16.4)', 'Welcome!', 'Last login: Sat Dec  6'])}"), v
    buf = f"{p}\r\n{v}\r\npsql: error: connection to server failed"
    return f"pexpect.exceptions.TIMEOUT: Timeout exceeded.\nbuffer (last 100 chars): {buf!r}", v


def prompt_twin(r: random.Random) -> Planting:
    v = r.choice(["Sorry, try again.", "Permission denied, please try again.", "psql (16.4)", "Connection refused"])
    return shape(r, f"{r.choice(PROMPTS).format(u='deploy')}\n{v}\n"), v


def first(r: random.Random) -> Planting:
    v = r.choice([lambda: rnd(r, HEX, 8) + "-" + "-".join(rnd(r, HEX, n) for n in (4, 4, 4, 12)),
                  lambda: rnd(r, AN, 40), lambda: rnd(r, HEX, 64)])()
    noun = r.choice(["secret key", "api key", "access token", "password"])
    text = r.choice([f"{v} is not accepted as {noun} for SCW{rnd(r, string.ascii_uppercase, 17)}",
                     f"{v} rejected by fr-par object storage: not a valid {noun} for tenant acme",
                     f"{v} <- {noun} for SCW{rnd(r, string.ascii_uppercase, 17)} (expires never)",
                     f"{v} was not recognized as {noun}"])
    return shape(r, text), v


def first_twin(r: random.Random) -> Planting:
    v = r.choice([lambda: "req_" + rnd(r, AN, 24), lambda: "chatcmpl-" + rnd(r, AN, 24)])()
    text = r.choice([f"{v} rejected: invalid api key", f"{v} <- request id for the failed call",
                     f"{v} is not a valid model name", f"{v} rejected by upstream: not a valid model"])
    return shape(r, text), v


# (word, prose of its language after it): Romanian, Czech, Polish, Turkish; a phrase ends in `:` before the value
SCRIPT_WORDS = [("parola", "a fost schimbată"), ("parolă nouă pentru rolul gw", "a fost setată"),
                ("heslo", "bylo změněno"), ("hasło", "zostało zmienione"), ("şifre", "değiştirildi")]


def script(r: random.Random) -> Planting:
    v = rnd(r, string.ascii_letters, 4) + str(r.randint(1, 9)) + "".join(r.choice("ăîșțȘéøłśžçğ") for _ in range(3)) \
        + rnd(r, AN, 6) + str(r.randint(10, 99))
    word = r.choice(SCRIPT_WORDS)[0]
    forms = [f"{word}: {v}"] + ([f"{word} {v} a fost respinsă", f"{word}={v}"] if " " not in word else [])
    text = r.choice(forms)
    return (json.dumps({"msg": text}) if r.random() < 0.5 else shape(r, text)), v


def script_twin(r: random.Random) -> Planting:
    word, prose = r.choice(SCRIPT_WORDS)
    return shape(r, f"{word} {prose}"), prose


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "CLI": cli, "VERIFIER": verifier, "BYTES": bytes_key, "PROMPT": prompt, "FIRST": first, "SCRIPT": script}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "CLI-keep": cli_twin, "VERIFIER-keep": verifier_twin, "BYTES-keep": bytes_twin, "PROMPT-keep": prompt_twin,
    "FIRST-keep": first_twin, "SCRIPT-keep": script_twin}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("s10", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    out = fn(text)
    return leaked(v, out) if cls in SECRET_CLASSES else v not in out and json.dumps(v)[1:-1] not in out


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1000-1003")


if __name__ == "__main__":
    main()
