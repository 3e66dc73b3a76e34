"""Seeded plantings of the classes set 11 leaked (round 10; set 11 is development data now), each with its twin.

Classes (the mechanism and its sources are in the module named):
- RPC-POS (rpc.py): a credential by position in a documented RPC signature: Odoo `execute_kw`/`execute`/`authenticate`
  /db-service methods, Bitcoin Core wallet calls, geth `personal_*`; carried as JSON-RPC (json.dumps), XML-RPC
  (stdlib xmlrpc.client.dumps, the library the Odoo docs use) or a call in a traceback source line.
- EXPECT (transcripts.py): Tcl Expect's `exp_internal 1` transcript, the answer sent after a prompt that asks for it.
- TF-SENSITIVE (iac.py): a value Terraform marks sensitive (`sensitive_values`, `after_sensitive`, state v4
  `sensitive_attributes`, outputs `"sensitive": true`, random_password's `result`).
- PHP-SER (serialized.py): a secret-named entry of PHP serialize() / the php session handler.
- SNMP, WIN-SWITCH (arguments.py): net-snmp `-c/-A/-X`, snmpd.conf communities; Windows `/pass:` switches, schtasks
  `/RP`, `net use \\\\host\\share <pw>`.
- CAP-URL (locations.py): automation platforms' webhook URLs and Pipedream capability hostnames.
Each twin (`*-keep`) shares the carrier and must not change: the other positions, a prompt that asks for no secret,
attributes not marked sensitive, a PHP entry with an ordinary name, snmp without a community, a Windows `/user:`.

    PYTHONPATH=$PWD python -m tests.security.round10_gen --seeds 1000-1003 [--show RPC-POS]
"""

from __future__ import annotations

import json
import random
import string
import xmlrpc.client
from collections.abc import Callable

from .classes11_gen import shape
from .secret_gen import AN, HEX, class_failed, class_plantings, class_report, password, rnd

Planting = tuple[str, str]
L = string.ascii_lowercase


def pw(r: random.Random) -> str:
    return r.choice([lambda: password(r), lambda: rnd(r, HEX, 40), lambda: rnd(r, AN, r.randint(12, 32))])()


def _db(r: random.Random) -> str:
    return r.choice(["gw-prod", "erp", "odoo17", "company_main", "acme-staging"])


_ODOO_MODELS = ["res.partner", "helpdesk.ticket", "project.task", "sale.order", "account.move"]


def _rpc_call(r: random.Random, secret: str) -> tuple[str, list[object], int]:
    """(method, positional args, index of the secret) drawn from the documented signatures."""
    k = r.randrange(7)
    if k == 0:
        return r.choice(["execute_kw", "execute"]), [_db(r), r.randint(1, 400), secret, r.choice(_ODOO_MODELS),
                                                     r.choice(["create", "search_read", "write"]), [[]]], 2
    if k == 1:
        return "authenticate", [_db(r), r.choice(["admin", "bot@example.com", "svc-gw"]), secret, {}], 2
    if k == 2:
        return r.choice(["drop", "dump", "duplicate_database"]), [secret, _db(r)], 0
    if k == 3:
        return "walletpassphrase", [secret, r.choice([60, 300, 600])], 0
    if k == 4:
        return "personal_unlockAccount", ["0x" + rnd(r, HEX, 40), secret, r.choice([0, 300])], 1
    if k == 5:
        return "personal_sendTransaction", [{"from": "0x" + rnd(r, HEX, 40), "value": "0x1"}, secret], 1
    return "create_database", [pw(r), _db(r), False, "en_US", secret], 4


def _rpc_text(r: random.Random, method: str, args: list[object]) -> str:
    odoo = method in ("execute_kw", "execute", "authenticate", "drop", "dump", "duplicate_database",
                      "create_database")
    # a call in source only for names no other API uses (rpc.py takes `login(`, `drop(`, `execute(` only in a carrier)
    carrier = r.randrange(3 if method not in ("execute", "authenticate", "drop", "dump") else 2)
    if carrier == 0:
        if odoo:
            body = {"jsonrpc": "2.0", "method": "call", "params": {
                "service": "db" if method in ("drop", "dump", "duplicate_database", "create_database") else
                ("common" if method == "authenticate" else "object"), "method": method, "args": args},
                "id": r.randint(1, 999)}
        else:
            body = {"jsonrpc": "2.0", "id": r.randint(1, 99), "method": method, "params": args}
        return f"POST {r.choice(['/jsonrpc', '/', '/rpc'])} body={json.dumps(body)}"
    if carrier == 1:
        # what http.client prints for xmlrpc.client.ServerProxy(verbose=True): `send: <repr of the body bytes>`
        xml = xmlrpc.client.dumps(tuple(a if a is not None else "" for a in args), method).encode()
        return f"send: {xml!r}"
    shown = ", ".join(repr(a) if isinstance(a, str) else "ctx" if isinstance(a, dict | list) else str(a)
                      for a in args)
    obj = "odoo" if odoo else r.choice(["node", "rpc", "w3.geth"])
    return ("Traceback (most recent call last):\n  File \"/app/src/sync.py\", line 41, in push\n"
            f"    resp = {obj}.{method}({shown})\nsrc.errors.RpcError: AccessDenied")


def rpc_pos(r: random.Random) -> Planting:
    v = pw(r)
    method, args, _ = _rpc_call(r, v)
    return shape(r, _rpc_text(r, method, args)), v


def rpc_pos_twin(r: random.Random) -> Planting:
    """The same carriers with no credential position: model methods, `version`, `getblock`, an id at index 2."""
    ident = r.choice(_ODOO_MODELS)
    k = r.randrange(3)
    if k == 0:
        body = {"jsonrpc": "2.0", "method": "call", "params": {"service": "common", "method": "version", "args": []},
                "id": 3}
        return shape(r, f"POST /jsonrpc body={json.dumps(body)} model={ident}"), ident
    if k == 1:
        blk = rnd(r, HEX, 64)
        return shape(r, f"rpc: {json.dumps({'method': 'getblock', 'params': [blk, 1], 'id': 1})}"), blk
    return shape(r, "xmlrpc: " + xmlrpc.client.dumps((ident, "fields_get", ["name"]), "search_read")), "fields_get"


_PROMPTS = ["Password for user postgres.{u}: ", "[sudo] password for {u}: ", "{u}@gw-01's password: ",
            "Enter passphrase for key '/home/{u}/.ssh/id_ed25519': ", "Enter password: ", "Vault token: "]


def _expect(r: random.Random, prompt: str, pattern: str, answer: str) -> list[str]:
    sid = f"exp{r.randint(3, 9)}"
    return [f"spawn {r.choice(['psql -h db.internal -U app', 'ssh deploy@gw-01', 'sudo -k true', 'vault login'])}",
            f'expect: does "" (spawn_id {sid}) match glob pattern "{pattern}"? no',
            f'expect: does "{prompt}" (spawn_id {sid}) match glob pattern "{pattern}"? yes',
            f'expect: set expect_out(0,string) "{prompt}"',
            f'send: sending "{answer}\\r" to {{ {sid} }}',
            f'expect: does "\\r\\n" (spawn_id {sid}) match glob pattern "{r.choice(["$ ", "postgres=>", "# "])}"? no']


def expect_send(r: random.Random) -> Planting:
    v = pw(r) if r.random() < 0.7 else rnd(r, L, r.randint(6, 12))
    u = r.choice(["app", "deploy", "postgres.trtedboetlpdacbidqpt"])
    prompt = r.choice(_PROMPTS).format(u=u)
    lines = _expect(r, prompt, r.choice(["*assword*", "*assphrase*", "*:*", "*token*"]), v)
    if r.random() < 0.25 and v != v.lower():  # a Docker record holds the send line alone
        lines = [lines[4]]
    return shape(r, "\n".join(lines)), v


def expect_send_twin(r: random.Random) -> Planting:
    answer = r.choice(["yes", "y", "\\\\dt", "exit", "SELECT 1;", "ls -la /srv"])
    prompt = r.choice(["Are you sure you want to continue connecting (yes/no)? ", "postgres=> ", "$ "])
    # the kept text is the send line's answer (the answer alone - `yes`, `y` - also stood in the prompt, the glob
    # pattern or `deploy`, so a redacted answer went unseen)
    lines = _expect(r, prompt, r.choice(["*yes/no*", "*=>*", "$ "]), answer)
    return shape(r, "\n".join(lines)), f'sending "{answer}\\r"'


def _tf_resource(r: random.Random, v: str, marked: bool) -> dict[str, object]:
    attr = r.choice(["result", "value", "token", "master_password"]) if marked else "result"
    values = {"id": "none", "length": 32, "special": True, attr: v, "keepers": None}
    res: dict[str, object] = {"address": f"random_password.{r.choice(['pooler', 'db', 'api'])}", "mode": "managed",
                              "type": r.choice(["random_password", "aws_ssm_parameter", "vault_generic_secret"]),
                              "name": "x", "values": values}
    if marked:
        res["sensitive_values"] = {attr: True}
    return res


def tf_sensitive(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        obj: object = _tf_resource(r, v, True)
    elif k == 1:
        obj = {"resource_changes": [{"address": "random_password.db", "mode": "managed", "change": {
            "actions": ["create"], "before": None, "after": {"length": 24, "secret_string": v, "special": True},
            "after_sensitive": {"secret_string": True}}}]}
    elif k == 2:
        obj = {r.choice(["db_password", "pooler_conn", "api"]): {"sensitive": True, "type": "string", "value": v}}
    else:
        obj = {"mode": "managed", "type": "random_password", "name": "pooler", "instances": [
            {"schema_version": 3, "attributes": {"id": "none", "length": 32, "result": v}, "sensitive_attributes": []}]}
    return shape(r, f"terraform show -json (excerpt): {json.dumps(obj)}"), v


def tf_sensitive_twin(r: random.Random) -> Planting:
    """A resource with no sensitive mark, not a random_password: its `result` and `value` stay."""
    v = r.choice(["gw-prod-" + rnd(r, L, 6), "arn:aws:iam::123456789012:role/gw", "10.20.0.5"])
    # the value stands in ONE attribute (it stood in both `value` and `result`: a redacted `result` went unseen)
    obj = {"address": "aws_ssm_parameter.endpoint", "mode": "managed", "type": "aws_ssm_parameter",
           "values": {"name": "/gw/endpoint", r.choice(["value", "result"]): v}, "sensitive_values": {"tags": {}}}
    if r.random() < 0.5:
        obj = {"endpoint": {"sensitive": False, "type": "string", "value": v}}
    return shape(r, f"terraform show -json: {json.dumps(obj)}"), v


def _php(items: list[tuple[str, str]]) -> str:
    return f"a:{len(items)}:{{" + "".join(f's:{len(k)}:"{k}";s:{len(v)}:"{v}";' for k, v in items) + "}"


def php_ser(r: random.Random) -> Planting:
    v = pw(r)
    name = r.choice(["api_tok", "api_token", "password", "auth_tkn", "secret", "access_token", "db_pass"])
    items = [("user", r.choice(["alice", "bob"])), (name, v), ("role", "admin")]
    r.shuffle(items)
    if r.random() < 0.3:
        blob = "".join(f'{k}|s:{len(val)}:"{val}";' for k, val in items)
    else:
        blob = _php(items)
    return shape(r, f"session blob: {blob}"), v


def php_ser_twin(r: random.Random) -> Planting:
    v = r.choice(["alice", "admin", "en_US", "Europe/Paris", rnd(r, HEX, 32)])
    return shape(r, "session blob: " + _php([("user", "bob"), (r.choice(["role", "csrf_seed_len", "locale", "id"]), v)])), v


def snmp(r: random.Random) -> Planting:
    v = r.choice([rnd(r, AN, 16), password(r)])
    cmd = r.choice(["snmpwalk", "snmpget", "snmpbulkwalk", "snmpset"])
    k = r.randrange(4)
    host = f"10.20.0.{r.randint(2, 250)}"
    if k == 0:
        text = f"{cmd} -v2c -c {v} {host} IF-MIB::ifOperStatus"
    elif k == 1:
        text = f"argv={json.dumps([cmd, '-v2c', '-c', v, host, 'sysDescr.0'])}"
    elif k == 2:
        text = f"{cmd} -v3 -l authPriv -u monitor -a SHA -A {v} -x AES -X {v} {host} sysUpTime.0"
    else:
        text = f"snmpd.conf: {r.choice(['rocommunity', 'rwcommunity'])} {v} 10.0.0.0/8"
    return shape(r, text), v


def snmp_twin(r: random.Random) -> Planting:
    oid = r.choice(["IF-MIB::ifOperStatus", "SNMPv2-MIB::sysDescr.0", "HOST-RESOURCES-MIB::hrStorageUsed"])
    return shape(r, f"snmpwalk -v3 -l authNoPriv -u monitor -a SHA 10.20.0.5 {oid}: Timeout"), oid


def win_switch(r: random.Random) -> Planting:
    v = password(r)
    k = r.randrange(4)
    if k == 0:
        text = f"cmdkey /generic:TERMSRV/gw-win-0{r.randint(1, 9)} /user:CORP\\svc-gw /{r.choice(['pass', 'PASS'])}:{v}"
    elif k == 1:
        text = f"wmic /node:gw-win-01 /user:CORP\\admin /password:{v} process list brief"
    elif k == 2:
        text = f"schtasks /Create /TN nightly /TR C:\\job.bat /RU CORP\\svc /RP {v} /SC DAILY"
    else:
        text = f"net use Z: \\\\fs01\\share {v} /user:CORP\\svc-gw /persistent:no"
    return shape(r, f"winrm run: {text}"), v


def win_switch_twin(r: random.Random) -> Planting:
    u = r.choice(["CORP\\svc-gw", "gw-admin", "backup"])
    return shape(r, f"winrm run: cmdkey /generic:TERMSRV/gw-win-01 /user:{u} /list"), u


def cap_url(r: random.Random) -> Planting:
    k = r.randrange(4)
    if k == 0:
        v = rnd(r, L + "0123456789", 32)
        url = f"https://hook.{r.choice(['eu1', 'eu2', 'us1'])}.make.com/{v}"
    elif k == 1:
        v = rnd(r, L + "0123456789", 15)
        url = f"https://{v}.{r.choice('mx')}.pipedream.net/"
    elif k == 2:
        v = rnd(r, AN, 24)
        url = f"https://api.netlify.com/build_hooks/{v}"
    else:
        v = rnd(r, AN, 32)
        url = f"https://api.vercel.com/v1/integrations/deploy/prj_{rnd(r, AN, 20)}/{v}"
    return shape(r, r.choice([f"POST {url} -> 410 Gone", f"Client error '404 Not Found' for url '{url}'"])), v


def cap_url_twin(r: random.Random) -> Planting:
    url = r.choice(["https://www.make.com/en/help/tools/webhooks", "https://pipedream.com/docs/workflows",
                    "https://api.netlify.com/api/v1/sites", "https://docs.tines.com/webhook"])
    return shape(r, f"see {url} for the webhook setup"), url


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "RPC-POS": rpc_pos, "EXPECT": expect_send, "TF-SENSITIVE": tf_sensitive, "PHP-SER": php_ser, "SNMP": snmp,
    "WIN-SWITCH": win_switch, "CAP-URL": cap_url}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "RPC-POS-keep": rpc_pos_twin, "EXPECT-keep": expect_send_twin, "TF-SENSITIVE-keep": tf_sensitive_twin,
    "PHP-SER-keep": php_ser_twin, "SNMP-keep": snmp_twin, "WIN-SWITCH-keep": win_switch_twin,
    "CAP-URL-keep": cap_url_twin}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("r10", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    return class_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1000-1003")


if __name__ == "__main__":
    main()
