"""Seeded plantings of round 14's classes (issue 18): set 15's leaks widened to their classes, with must-keep twins that
share each carrier. The sources are cited next to each mechanism (sidecar/redaction/logins.py, rediscommands.py,
verifiers.py, entropy.py's base32, formats.py's macaroon, announced.py's sentence split).

Each class varies the tool, the spelling, the value shape, the argument's position and the log shape
(classes11_gen.shape: a text record, json.dumps, a Docker json-file record a line, the bare text).

    PYTHONPATH=$PWD python -m tests.security.round14_gen --seeds 1400-1402 [--show LOGIN]
"""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Callable

from .classes11_gen import shape
from .secret_gen import AN, HEX, URLSAFE, class_plantings, class_report, class_value_failed, rnd

Planting = tuple[str, str]
_B32 = string.ascii_uppercase + "234567"
_PROMPTS = ["$ ", "+ ", "# ", "% ", "PS C:\\work> ", ""]


def _cred(r: random.Random) -> str:
    """A credential a login subcommand takes: 40 hex (wandb), 12+ mixed case (zrok), base64url, a digit-mixed key."""
    return r.choice([lambda: rnd(r, HEX, 40), lambda: rnd(r, string.ascii_letters, r.randrange(12, 20)) + "Q" + "q",
                     lambda: rnd(r, URLSAFE, r.randrange(24, 60)) + "7", lambda: rnd(r, AN, r.randrange(14, 33)) + "5"])()


# (tool words, subcommand, option pairs that may come before or after the credential)
_LOGINS = [("wandb", "login", ["--relogin", "--host https://api.wandb.ai", "--anonymously never"]),
           ("zrok", "enable", ["--description gw-sidecar", "--headless"]), ("cachix", "authtoken", []),
           ("bw", "unlock", ["--raw"]), ("expressvpn", "activate", []), ("comet", "login", []),
           ("cloudflared service", "install", []), ("railway", "login", ["--browserless"]),
           ("python -m wandb", "login", ["--relogin"]), ("ngrok", "authtoken", ["--log stdout"])]


def login(r: random.Random) -> Planting:
    tool, verb, options = r.choice(_LOGINS)
    v = _cred(r)
    chosen = r.sample(options, r.randrange(len(options) + 1))
    cut = r.randrange(len(chosen) + 1)
    if r.random() < 0.2:  # a Python argv list, as subprocess logs it
        argv = [*tool.split(), verb, *[w for o in chosen[:cut] for w in o.split()], v]
        return shape(r, f"{r.choice(['argv=', 'running '])}{argv!r}"), v
    line = " ".join([tool, verb, *chosen[:cut], v, *chosen[cut:]])
    after = r.choice(["", "\nerror: 401 Unauthorized", "\nwandb: Appending key to your netrc file: /root/.netrc"])
    return shape(r, f"job setup\n{r.choice(_PROMPTS)}{line}{after}"), v


def mullvad(r: random.Random) -> Planting:
    v = "".join(r.choice(string.digits) for _ in range(16))
    return shape(r, f"vpn setup\n{r.choice(_PROMPTS)}mullvad account login {v}"), v


def redis_args(r: random.Random) -> Planting:
    user, v = r.choice(["gw-cache", "default", "svc_app"]), rnd(r, AN + "+#!%_-", r.randrange(12, 24)) + "9"
    b = r.choice(["b", ""])
    q = r.choice(["'", '"'])
    k = r.randrange(5)
    if k == 0:
        args = [f"{b}{q}AUTH{q}", *([f"{b}{q}{user}{q}"] if r.random() < 0.5 else []), f"{b}{q}{v}{q}"]
        body = f"args=({', '.join(args)})"
    elif k == 1:
        tail = r.choice(["", f", {b}{q}SETNAME{q}, {b}{q}worker-1{q}"])
        body = f"send_command [{b}{q}HELLO{q}, {b}{q}3{q}, {b}{q}AUTH{q}, {b}{q}{user}{q}, {b}{q}{v}{q}{tail}]"
    elif k == 2:
        body = f'1733475600.123456 [0 10.0.3.7:51234] "{r.choice(["AUTH", "auth"])}" "{user}" "{v}"'
    elif k == 3:
        body = f"Command {{ name: 'auth', args: [ '{user}', '{v}' ] }} rejected: WRONGPASS"
    else:
        body = f'["MIGRATE", "10.0.0.9", "6379", "", "0", "5000", "AUTH", "{v}", "KEYS", "k1", "k2"]'
    return shape(r, f"redis connect failed\n{body}\nredis.exceptions.AuthenticationError: invalid password"), v


def _with_digits(r: random.Random, v: str, start: int) -> str:
    """`v` with three of its characters after `start` made base32 digits (the class's mark: digits among the letters)."""
    chars = list(v)
    for i in r.sample(range(start, len(v)), 3):
        chars[i] = r.choice("234567")
    return "".join(chars)


def base32_secret(r: random.Random) -> Planting:
    if r.random() < 0.5:
        v = _with_digits(r, "S" + r.choice("UAONCX") + rnd(r, _B32, 56), 2)  # nkeys strkey.go seed
        body = r.choice([f"-----BEGIN USER NKEY SEED-----\n{v}\n------END USER NKEY SEED------", f"seed: {v}", v])
    else:
        v = _with_digits(r, rnd(r, _B32, r.choice([32, 52, 64])), 0)  # an otpauth shared secret
        body = r.choice([f"totp enrolment: {v}", f"authenticator export {v}", v])
    return shape(r, body), v


def macaroon(r: random.Random) -> Planting:
    location = r.choice(["lnd", "loop", "pool", "tapd"]).encode()
    ident = bytes(r.randrange(256) for _ in range(r.randrange(40, 80)))
    sig = bytes(r.randrange(256) for _ in range(32))
    raw = b"\x02\x01" + bytes([len(location)]) + location + b"\x02" + bytes([len(ident)]) + ident + b"\x00\x06" + \
        bytes([32]) + sig
    v = raw.hex() if r.random() < 0.7 else raw.hex().upper()
    head = r.choice(["> Grpc-Metadata-macaroon: ", "macaroon=", "$ xxd -ps -u -c 1000 admin.macaroon\n", "hex "])
    return shape(r, f"lnd call failed\n{head}{v}\n< HTTP/1.1 500"), v


def ha1(r: random.Random) -> Planting:
    v = rnd(r, HEX, 32)
    user = r.choice(["gw-deployer", "admin", "svc.monitor", "ops_bot"])
    if r.random() < 0.5:
        body = r.choice([f"#$REALM_NAME=ManagementRealm$\n{r.choice(['', '+', '#'])}{user}={v}", f"{user}={v}"])
    else:
        body = f"{user}:{r.choice(['Restricted Area', 'gateway', 'ManagementRealm'])}:{v}"
    return shape(r, f"realm file changed\n{body}"), v


def banner(r: random.Random) -> Planting:
    v = rnd(r, AN, r.randrange(9, 14)) + r.choice(string.digits)
    first = r.choice(["The WebUI administrator password was not set.", "No admin password was found!",
                      "Login is not configured yet."])
    second = r.choice(["A temporary password is provided for this session:", "A new password was generated:",
                       "The initial password is:"])
    return shape(r, f"container started\n{first} {second} {v}\nChange it in the preferences."), v


# -- must-keep twins: the same carriers with an identity, a host, a digest or a failure where the secret was ----------
def keep_login(r: random.Random) -> Planting:
    v = r.choice([f"docker login registry{r.randrange(9)}.example.com", "docker login -u deploy01user localhost:5000",
                  "systemctl enable nginx.service", "dnf module enable php:remi-8.1", "gh auth login --hostname "
                  "github.example.com", f"git checkout {rnd(r, HEX, 40)}", f"az login --tenant {uuid.UUID(int=r.getrandbits(128))}",
                  f"zerotier-cli join {rnd(r, HEX, 16)}", "systemctl enable --now getty@tty1.service",
                  "gh auth login --with-token < token.txt"])
    return shape(r, f"job setup\n{r.choice(_PROMPTS)}{v}"), v


def keep_redis(r: random.Random) -> Planting:
    v = r.choice(['{"type": "auth", "user": "bob", "status": "ok"}', 'events=["login", "auth", "logout"]',
                  "Command { name: 'get', args: [ 'session:42' ] }", "[b'SELECT', b'3']"])
    return shape(r, v), v


def keep_digest(r: random.Random) -> Planting:
    k = r.randrange(5)
    if k == 0:  # a NATS PUBLIC key (identity), 56 base32 characters
        v = r.choice("UANOCX") + rnd(r, _B32, 55)
    elif k == 1:
        v = f"{r.choice(['md5', 'trace_id', 'etag', 'build_hash'])}={rnd(r, HEX, 32)}"
    elif k == 2:
        v = f"src/app.py:{r.randrange(1, 400)}:{rnd(r, HEX, 32)}"
    elif k == 3:
        v = "sha512 " + rnd(r, HEX, 128)
    else:
        v = rnd(r, "0123456789ABCDEF", 40)
    return shape(r, f"artifact check\n{v}"), v


def keep_sentence(r: random.Random) -> Planting:
    v = r.choice(["svc_reporting7", "gw-admin", "deploy01"])
    return shape(r, f"Setup finished. Password authentication failed for user: {v}"), v


def _b64(r: random.Random, n: int) -> str:
    return rnd(r, AN + "+/", n)


def keep_verifier(r: random.Random) -> Planting:
    """D35: a salted one-way verifier in the password's slot (sidecar/redaction/standins.py cites the formats)."""
    salt = rnd(r, AN + "./", 22)
    k = r.randrange(5)
    if k == 0:
        v = f"${r.choice(['2y', '2b', '2a'])}${r.choice(['05', '10', '12'])}${salt}{rnd(r, AN + './', 31)}"
        return shape(r, f"htpasswd entry rotated: {r.choice(['gw-admin', 'ops'])}:{v}"), v
    if k == 1:
        v = "{" + rnd(r, HEX, 40) + rnd(r, AN + "./", 8)
        return shape(r, f'settings.json "rpc-password": "{v}"'), v
    if k == 2:
        v = f"@ByteArray({_b64(r, 22)}==:{_b64(r, 86)}==)"
        return shape(r, f'qBittorrent.conf [Preferences] WebUI\\Password_PBKDF2="{v}"'), v
    if k == 3:
        v = f"${r.choice(['6', '5', 'y'])}${rnd(r, AN + './', 16)}${rnd(r, AN + './', 43)}"
        return shape(r, f"shadow entry for deploy: deploy:{v}:19700:0:99999:7:::"), v
    v = f"$argon2id$v=19$m=65536,t=3,p=4${_b64(r, 22)}${_b64(r, 43)}"
    return shape(r, f"password_hash: {v}"), v


def keep_dummy(r: random.Random) -> Planting:
    """D20: the sequence stand-ins docs print for a key, with a word prefix or in parts. A bare run (`abc123`,
    `123456`) is not one: it tops the leaked-password lists and goes (review r14, standins.is_sequence_dummy)."""
    v = r.choice(["token-abc123", "abcdef.0123456789abcdef", "sk-abc123", "key-123456"])
    return shape(r, r.choice([f"test server started with --api-key {v} (docs example)", f"api_key={v}",
                              f'"token": "{v}"'])), v


def plain_in_verifier_slot(r: random.Random) -> Planting:
    """The secret twin of keep_verifier: the same slots holding the plain password (before the daemon salts it)."""
    v = rnd(r, AN, r.randrange(10, 16)) + r.choice(string.digits)
    return shape(r, r.choice([f'settings.json "rpc-password": "{v}"', f"htpasswd -b .htpasswd gw-admin {v}",
                              f'WebUI\\Password="{v}"'])), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "LOGIN": login, "MULLVAD": mullvad, "REDISARGS": redis_args, "BASE32": base32_secret, "MACAROON": macaroon,
    "HA1": ha1, "BANNER": banner, "PLAIN_SLOT": plain_in_verifier_slot}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "KEEP_LOGIN": keep_login, "KEEP_REDIS": keep_redis, "KEEP_DIGEST": keep_digest, "KEEP_SENTENCE": keep_sentence,
    "KEEP_VERIFIER": keep_verifier, "KEEP_DUMMY": keep_dummy}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("r14", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    return class_value_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1400-1402")


if __name__ == "__main__":
    main()

