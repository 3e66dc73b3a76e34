"""Seeded plantings for the round-17 re-read's findings on `redact()` (main against the round start 6c0c24b8), each
class beside the twin that must not change (the secret the mechanism exists for, or the lookalike it keeps).

    PYTHONPATH=$PWD python -m tests.security.round17_fixes_gen --seeds 1730-1732 [--show MARK_USER_PASSWORD]
"""

from __future__ import annotations

import random
from collections.abc import Callable

from .classes11_gen import shape
from .secret_gen import (
    AN,
    HEX,
    class_failed,
    class_plantings,
    class_report,
    class_value_failed,
    password,
    rnd,
)

Planting = tuple[str, str]


def _mark() -> str:
    return "[REDACTED:basic_auth]"


def _host(r: random.Random) -> str:
    return r.choice(["api.hellosign.com/v3", "acme.chargebee.com/api/v2", "db.internal:5432/app", "git.example.com"])


def mark_user_password(r: random.Random) -> Planting:
    """Text already holding a mark (an earlier pass, a forwarded record) as the Basic user, a real password after
    it: the password still goes, in URL userinfo and after curl's -u/--user."""
    v = rnd(r, AN, r.randrange(10, 20)) + r.choice(["7", "x9", "Q2"])
    if r.random() < 0.5:
        return shape(r, f"POST https://{_mark()}:{v}@{_host(r)}/invoices -> 401"), v
    tool = r.choice(["+ curl -sS -u ", "$ curl --user ", "+ curl -fsS --user="])
    wrap = r.choice(["", "'", '"'])
    return shape(r, f"{tool}{wrap}{_mark()}:{v}{wrap} https://{_host(r)}/account"), v


def keep_marked_pair(r: random.Random) -> Planting:
    """The twin: a mark as the user beside an empty password (what basicuser.py leaves), a mark as the password:
    already redacted text stays as it is (no mark inside a mark)."""
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"POST https://{_mark()}:@{_host(r)}/invoices -> 401"), _mark()
    if k == 1:
        return shape(r, f"GET https://deploy:[REDACTED:password]@{_host(r)}/x -> 200"), "[REDACTED:password]"
    if k == 2:
        return shape(r, f"+ curl -sS -u {_mark()}: https://{_host(r)}/account"), _mark()
    return shape(r, f"+ curl --user admin:[REDACTED:password] https://{_host(r)}/"), "[REDACTED:password]"


def plain_user_password(r: random.Random) -> Planting:
    """The same carriers with a plain user: the password still goes (the rule the mark case joins)."""
    v = password(r)
    while ":" in v or "@" in v or "'" in v or '"' in v:
        v = password(r)
    u = r.choice(["admin", "deploy", "svc-gw"])
    if r.random() < 0.5:
        return shape(r, f"POST https://{u}:{v}@{_host(r)}/invoices -> 401"), v
    return shape(r, f"+ curl -sS -u {u}:{v} https://{_host(r)}/account"), v


# Twilio's documented SID prefixes (sidecar/redaction/entropy.py `_TWILIO_SID`).
_TWILIO_PREFIXES = ("AC", "AD", "AI", "AL", "AP", "BN", "BU", "CA", "CF", "CH", "CL", "CN", "CP", "CR", "DG", "DN",
                    "ES", "EY", "FJ", "FN", "FT", "FW", "GA", "GT", "HH", "HJ", "HS", "HX", "IG", "IM", "IP", "IS",
                    "IT", "KC", "KD", "KP", "KS", "MB", "ME", "MG", "MM", "NO", "PA", "PN", "QE", "QU", "RD", "RE",
                    "RL", "RM", "RN", "RT", "SC", "SD", "SK", "SM", "TR", "UO", "US", "UT", "VA", "VE", "VL", "VT",
                    "WA", "WK", "WQ", "WS", "WT", "WW", "YC")


def _hex32(r: random.Random) -> str:
    """32 hex that read as random to the entropy rule (two copies of the 16 digits, shuffled: 4 bits a character). A
    uniform draw of 32 hex mostly falls below its Shannon bar and is kept with or without a SID keep (left as is)."""
    digits = list(HEX * 2)
    r.shuffle(digits)
    return "".join(digits)


def path_token_two_caps(r: random.Random) -> Planting:
    """A reset/confirm token of two capitals (no Twilio prefix) and 32 hex in a URL path: redacted."""
    while (p := rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2)) in _TWILIO_PREFIXES:
        pass
    v = p + _hex32(r)
    path = r.choice([f"/v1/reset/{v}/confirm", f"/reset_password/{v}/", f"/api/invite/accept/{v}",
                     f"/account/verify/{v}/done"])
    return shape(r, f"{r.choice(['GET', 'POST'])} {path} {r.choice(['200', '302', '410'])} 12ms"), v


def keep_twilio_path_sid(r: random.Random) -> Planting:
    """Twilio resource SIDs with a documented prefix in Twilio's own API paths: ids, kept."""
    acct = "AC" + _hex32(r)
    p = r.choice(["SM", "MM", "CA", "RE", "CF", "PN", "QU"])
    v = p + _hex32(r)
    sub = {"SM": "Messages", "MM": "Messages", "CA": "Calls", "RE": "Recordings", "CF": "Conferences",
           "PN": "IncomingPhoneNumbers", "QU": "Queues"}[p]
    return shape(r, f"GET https://api.twilio.com/2010-04-01/Accounts/{acct}/{sub}/{v}.json -> 200"), v



def secret_named_accessor(r: random.Random) -> Planting:
    """A name that ENDS in `accessor` but is no Vault name: a secret word in it (or none, a random value) is judged,
    not kept as Vault's id."""
    v = rnd(r, AN, r.choice([32, 40])) + "7"
    name = r.choice(["AWS_SECRET_ACCESSOR", "api_key_accessor", "db_password_accessor", "STRIPE_SECRET_KEY_ACCESSOR",
                     "storage_accessor", "blobAccessor", "S3_ACCESSOR"])
    return shape(r, r.choice([f"{name}={v}", f'{{"{name}": "{v}"}}', f"loaded {name}: {v}"])), v


def _vault_token(r: random.Random) -> str:
    return "hvs.CAESI" + rnd(r, AN + "_-", r.randrange(80, 95))


def _vault_table(r: random.Random, token: str, accessor: str) -> str:
    """`vault token create` / `vault login`'s Key/Value table (Go tabwriter, the value column aligned)."""
    rows = [("Key", "Value"), ("---", "-----"), ("token", token), ("token_accessor", accessor),
            ("token_duration", f"{r.choice([1, 24, 768])}h"), ("token_renewable", "true"),
            ("token_policies", '["default" "gateway"]'), ("identity_policies", "[]"), ("policies", '["default"]')]
    return "\n".join(f"{k:<21}{v}" for k, v in rows)


def vault_table_token(r: random.Random) -> Planting:
    """The token in Vault's Key/Value table: redacted."""
    v = _vault_token(r)
    return shape(r, _vault_table(r, v, rnd(r, AN, 24))), v


def keep_vault_table_accessor(r: random.Random) -> Planting:
    """The next row of the same table: the `token_accessor` name and its value (an id, Vault docs) stay."""
    acc = rnd(r, AN, 24)
    return shape(r, _vault_table(r, _vault_token(r), acc)), f"{'token_accessor':<21}{acc}"


def keep_vault_accessor_names(r: random.Random) -> Planting:
    """Vault's own accessor names, whole: kept (the set-18 twin, with `secret_id_accessor` and a `vault`/`auth`
    prefix)."""
    v = rnd(r, AN, 24)
    name = r.choice(["accessor", "token_accessor", "mount_accessor", "secret_id_accessor", "vault_token_accessor",
                     "auth.accessor", "tokenAccessor"])
    return shape(r, r.choice([f"renewed {name}={v} ttl=768h", f'{{"{name}": "{v}", "renewable": true}}',
                              f"revoke {name}: {v}"])), v



_KUSTOMIZE_SUFFIX = "2456789bcdfghkmt"  # kustomize api/hasher/hasher.go `encode`'s alphabet (references.py)


def kustomize_shape_in_secret_slot(r: random.Random) -> Planting:
    """A generated value with a kustomize-shaped suffix after the Secret kind word, where the slot is a token's or a
    password's by the name before the kind (`token: secrets "<v>"`) or the kind word is a label outside kubectl (`echo secret <v>`): judged."""
    v = rnd(r, "abcdefghijklmnopqrstuvwxyz0123456789", r.randrange(9, 14)) + "-" + rnd(r, _KUSTOMIZE_SUFFIX, 10)
    q = r.choice(['"', "'"])
    return shape(r, r.choice([f"token: secrets {q}{v}{q}", f"token: secrets {q}{v}{q} (rotated)", f"echo secret {v}",
                              f"+ echo secret {v} | base64 -d", f"rotated the secret {v} at 02:00"])), v



def kind_phrase_in_secret_slot(r: random.Random) -> Planting:
    """A kubectl-style `secrets "<v>"` phrase as the whole value of a secret NAME (JSON, YAML, key=value, an escaped
    JSON string): the slot holds the phrase, the value after the kind word is judged and goes (was: `secrets` read as
    the value, `<v>` left)."""
    v = rnd(r, AN, r.randrange(14, 22)) + r.choice(["7", "x9", "Q2"])
    name = r.choice(["api_token", "password", "client_secret"])
    kind = r.choice(["secrets", "secret"])
    return shape(r, r.choice([f'{{"{name}": {kind} "{v}"}}', f"{name}: {kind} '{v}'", f'{name}={kind} "{v}"',
                              f'{{"{name}": "{kind} \\"{v}\\""}}'])), v


def keep_kind_phrase_no_name(r: random.Random) -> Planting:
    """The twin: the kind word and a kustomize name in an error message, no secret name before it: kept, whole."""
    v = rnd(r, "abcdefghijklmnopqrstuvwxyz", r.randrange(3, 8)) + "-creds-" + rnd(r, _KUSTOMIZE_SUFFIX, 10)
    return shape(r, r.choice([f'secret "{v}" not found', f'Error: secret "{v}" not found',
                              f'Error from server (NotFound): secrets "{v}" not found'])), v


def _key_user(r: random.Random) -> str:
    """A key-shaped user-id the entropy fallback keeps alone (hex, as Dropbox Sign's and Recurly's keys are)."""
    return rnd(r, HEX, r.choice([20, 32, 40]))


def _field_pair(r: random.Random, user: str, pw: str | None) -> str:
    """One user/password pair as named fields (an SDK repr, keyword arguments, a JSON object); `pw` None: empty."""
    uf, pf = r.choice([("username", "password"), ("login", "pass"), ("user", "passwd"), ("user_name", "password")])
    if r.random() < 0.5:
        p = r.choice(["None", "''", "'X'"]) if pw is None else repr(pw)
        return f"{uf}='{user}', {pf}={p}"
    p = '""' if pw is None else f'"{pw}"'
    return f'{{"{uf}": "{user}", "{pf}": {p}}}'


def _real_password(r: random.Random) -> str:
    return rnd(r, AN, r.randrange(12, 20)) + "#9"


def keep_user_beside_own_password(r: random.Random) -> Planting:
    """A key-shaped user-id with its OWN real password, in a record that also holds another pair with an empty
    password: the user-id is an id (grammar 4), kept; the empty pair is someone else's."""
    v = _key_user(r)
    pairs = [_field_pair(r, r.choice(["svc", "admin", "deploy-bot"]), None), _field_pair(r, v, _real_password(r))]
    r.shuffle(pairs)
    return shape(r, f"upstream pools: {pairs[0]}; {pairs[1]}"), v


def basic_user_beside_other_pair(r: random.Random) -> Planting:
    """The secret the pairing exists for: a key-shaped user-id whose own password is empty, beside another pair with
    a real password: redacted."""
    v = _key_user(r)
    pairs = [_field_pair(r, r.choice(["svc", "admin", "deploy-bot"]), _real_password(r)), _field_pair(r, v, None)]
    r.shuffle(pairs)
    return shape(r, f"upstream pools: {pairs[0]}; {pairs[1]}"), v



def json_login_object_password(r: random.Random) -> Planting:
    """A login/auth object whose NEXT key is the password (`{"login": "<u>", "password": "<pw>"}`, a Python dict):
    the password goes (carriers.AUTH_PAIR read the key as the pair's password and left the value), and a code pair
    (`smtp.login('<u>', '<pw>')`) still goes."""
    v = _real_password(r)
    u = r.choice(["bob", "deploy", "svc-gw", "ops@example.com"])
    k, pk = r.choice([("login", "password"), ("login", "pass"), ("credentials", "password"), ("auth", "passwd")])
    return shape(r, r.choice([f'{{"{k}": "{u}", "{pk}": "{v}", "retries": 3}}', f"{{'{k}': '{u}', '{pk}': '{v}'}}",
                              f"smtp.login('{u}', '{v}')", f'HTTPBasicAuth("{u}", "{v}")'])), v


def keep_json_login_object(r: random.Random) -> Planting:
    """GitHub's user object (REST API "Get a user": `login`, then `name`, `company`, ...): no password in it, kept."""
    user = r.choice(["octocat", "hubot", "dependabot[bot]", "jdoe-dev", "mona"])
    name = r.choice(["The Octocat", "Hubot", "Jane Doe", "Mona Lisa"])
    company = r.choice(["GitHub", "@acme", "Example Corp"])
    return shape(r, r.choice([f'{{"login": "{user}", "name": "{name}", "company": "{company}"}}',
                              f"{{'login': '{user}', 'type': 'User', 'site_admin': False}}",
                              f'fetched user {{"login": "{user}", "location": "San Francisco"}}'])), user


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "MARK_USER_PASSWORD": mark_user_password, "PLAIN_USER_PASSWORD": plain_user_password,
    "PATH_TOKEN_TWO_CAPS": path_token_two_caps, "SECRET_NAMED_ACCESSOR": secret_named_accessor,
    "VAULT_TABLE_TOKEN": vault_table_token, "KUSTOMIZE_SHAPE_IN_SECRET_SLOT": kustomize_shape_in_secret_slot,
    "BASIC_USER_BESIDE_OTHER_PAIR": basic_user_beside_other_pair, "JSON_LOGIN_OBJECT_PASSWORD": json_login_object_password,
    "KIND_PHRASE_IN_SECRET_SLOT": kind_phrase_in_secret_slot}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "KEEP_MARKED_PAIR": keep_marked_pair, "KEEP_TWILIO_PATH_SID": keep_twilio_path_sid,
    "KEEP_VAULT_TABLE_ACCESSOR": keep_vault_table_accessor, "KEEP_VAULT_ACCESSOR_NAMES": keep_vault_accessor_names,
    "KEEP_USER_BESIDE_OWN_PASSWORD": keep_user_beside_own_password, "KEEP_JSON_LOGIN_OBJECT": keep_json_login_object,
    "KEEP_KIND_PHRASE_NO_NAME": keep_kind_phrase_no_name}
# twins whose text holds a secret too (the table's token): they fail only when their value is gone
_VALUE_KEEPS = frozenset({"KEEP_VAULT_TABLE_ACCESSOR", "KEEP_USER_BESIDE_OWN_PASSWORD"})


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("r17fx", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    """A secret class fails when its value survives; a twin when its text changes at all (or, for _VALUE_KEEPS,
    when its value is gone)."""
    if cls in _VALUE_KEEPS:
        return class_value_failed(SECRET_CLASSES, fn, cls, text, v)
    return class_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1730-1732")


if __name__ == "__main__":
    main()
