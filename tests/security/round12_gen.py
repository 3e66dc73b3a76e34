"""Seeded plantings of round 12's three general mechanisms (issue 18; sidecar/redaction/announced.py, keyfiles.py), for
measuring leaked/lost per class before and after, with must-keep twins that share each carrier.

The classes are those the round-11 blind set's spec-out half leaked (a secret in a tool's own output or config grammar
that no spec named), widened to their families: other tools of the class, other labels, other value shapes (hex, UUID,
digit groups, base62, passwords with symbols) and the four log shapes (classes11_gen.shape: text record, json.dumps
line, ONE Docker json-file record per line, as printed). The tool lists come from the tools' own documentation
(keyfiles.py's table cites each grammar); no list copies a spent case's wording.

    PYTHONPATH=$PWD python -m tests.security.round12_gen --seeds 1400-1402 [--show BANNER]
"""

from __future__ import annotations

import json
import random
import string
import uuid
from collections.abc import Callable

from .classes11_gen import key, pw, shape
from .secret_gen import AN, HEX, class_plantings, class_report, class_value_failed, rnd

Planting = tuple[str, str]


def _uuid(r: random.Random) -> str:
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


def secret_value(r: random.Random) -> str:
    """Any shape a generated credential takes when a banner or a slot is all that names it."""
    return r.choice([key, pw, lambda r: rnd(r, HEX, 32), lambda r: rnd(r, HEX, 64), _uuid,
                     lambda r: rnd(r, AN, r.randrange(12, 20)) + r.choice(string.digits)])(r)


def _blank(r: random.Random) -> str:
    return r.choice(["\n", "\n\n", "\n\n\n"])


# -- mechanism 1: a banner, or a command that prints a secret, then the value alone ------------------------------------
_BANNERS = ["Please use the following password to proceed to installation:", "Your new API token is:",
            "Generated password for user admin:", "Recovery key (store it somewhere safe):",
            "The initial root password is:", "Here is your personal access token", "Admin password:",
            "Use this one-time passcode to log in:", "Your service account secret follows below",
            "Bootstrap token:", "Save this encryption key, it will not be shown again:",
            "Grafana admin password generated:", "The webhook signing secret is:", "Setup key:",
            "New deploy token created (it will not be shown again)", "Personal access token - copy it now",
            "Store this recovery passphrase somewhere safe"]
_COMMANDS = ["$ argocd admin initial-password -n argocd", "$ gcloud auth print-access-token",
             "$ aws ecr get-login-password --region eu-west-1", "$ gh auth token", "# cat /var/lib/app/secrets/adminPassword",
             "PS C:\\> Get-Secret -Name gw-db -AsPlainText", "$ echo $DB_PASSWORD",
             "$ kubectl get secret gw-env -o jsonpath='{.data.password}' | base64 -d",
             "root@gw-1:~# vault print token", "$ heroku auth:token", "$ az account get-access-token --query accessToken -o tsv",
             "$ pass show infra/gw-api-key", "$ openssl rand -hex 32", "$ head -c 24 /dev/urandom | base64",
             "$ pwgen -s 20 1", "# cat /etc/zabbix/zabbix_agentd.psk", "$ wg genpsk"]


def banner(r: random.Random) -> Planting:
    v = secret_value(r)
    tail = r.choice(["", "\n\nThis may also be found in the secrets directory.", "\n" + "*" * 40, "\nDone."])
    return shape(r, r.choice(_BANNERS) + _blank(r) + r.choice(["", "  ", "\t"]) + v + tail), v


def command(r: random.Random) -> Planting:
    v = secret_value(r)
    return shape(r, r.choice(_COMMANDS) + "\n" + v + r.choice(["", "\n$ ", "\n\n Change it after first login."])), v


_NOTES = ["This password must be only used for first time login.", "The token above expires in 24 hours.",
          "Use it to log in as admin.", "This key will not be shown again.", "Keep this secret safe.",
          "  This recovery key unlocks the volume."]


def note_after(r: random.Random) -> Planting:
    v = secret_value(r)
    head = r.choice(["bootstrap finished", "$ ./init.sh", "==> output"])
    return shape(r, head + "\n" + v + r.choice(["\n", "\n\n"]) + r.choice(_NOTES)), v


# -- mechanism 2: one random-looking token alone in its record ------------------------------------------------------
def lone(r: random.Random) -> Planting:
    v = r.choice(string.ascii_uppercase) + rnd(r, AN + r.choice(["", "-_", "!%#"]), r.randrange(10, 17)) + \
        r.choice(string.digits)
    lead = r.choice(["", "  ", "\t"])
    if r.random() < 0.5:
        return shape(r, f"{lead}{v}"), v
    return shape(r, r.choice(["$ ./bootstrap.sh", "starting...", "ok"]) + f"\n{lead}{v}\n" + r.choice(["done", ""])), v


# -- mechanism 1b: a multi-word label padded to a column -------------------------------------------------------------
_PADDED = ["Secret ID", "SecretID", "Client Secret", "Unseal Key 1", "Recovery Key 2", "Auth Token", "Root Token",
           "Session Token", "Api Key", "Shared Secret"]


def padded(r: random.Random) -> Planting:
    v = secret_value(r)
    label = r.choice(_PADDED)
    sep = r.choice(["=", ":"])
    return shape(r, f"Accessor ID{' ' * 3}{sep} {_uuid(r)}\n{label:<14}{sep} {v}\nType{' ' * 10}{sep} management"), v


# -- mechanism 3: key files and config languages by grammar ----------------------------------------------------------
def snmp(r: random.Random) -> Planting:
    v = r.choice([pw, key])(r)
    q = r.choice(['"', ""])
    k = r.randrange(4)
    if k == 0:
        other = pw(r)
        line = (f"createUser {r.choice(['', '-e 0x8000000001020304 '])}gwmon {r.choice(['SHA', 'MD5', 'SHA-256', 'SHA-512'])} "
                f"{q}{other}{q} {r.choice(['AES', 'DES', 'AES-256'])} {q}{v}{q}")
    elif k == 1:
        line = f"createUser {r.choice(['ops', 'poller'])} {r.choice(['SHA', 'SHA-384'])} {q}{v}{q}"
    elif k == 2:
        line = f"{r.choice(['defPassphrase', 'defAuthPassphrase', 'defPrivPassphrase'])} {v}"
    else:
        line = f"{r.choice(['trap2sink', 'trapsink', 'informsink'])} 10.0.{r.randrange(255)}.9 {v}"
    return shape(r, f"# /etc/snmp/snmpd.conf\nsysLocation dc-1\n{line}\nrouser gwmon priv"), v


def ntp_keys(r: random.Random) -> Planting:
    if r.random() < 0.5:
        v = r.choice(["HEX:" + rnd(r, "0123456789ABCDEF", 40), "ASCII:" + pw(r), "HEX:" + rnd(r, "0123456789abcdef", 64)])
        head = "# /etc/chrony/chrony.keys"
        line = f"{r.randrange(1, 99)} {r.choice(['SHA1', 'SHA256', 'MD5', 'SHA512', 'AES128'])} {v}"
    else:
        v = r.choice([pw(r)[:16], rnd(r, HEX, 40)])
        head = "# ntpkey_MD5key_gw-ntp.3977112501"
        line = f"{r.choice(['', ' '])}{r.randrange(1, 20)} {r.choice(['MD5', 'M', 'SHA1'])} {v}{r.choice(['', '  # MD5 key'])}"
    return shape(r, f"{head}\n{line}"), v


def swarm_key(r: random.Random) -> Planting:
    v = rnd(r, HEX, 64)
    return shape(r, f"{r.choice(['swarm.key:', 'writing key'])}\n/key/swarm/psk/1.0.0/\n/base16/\n{v}"), v


def svn_kv(r: random.Random) -> Planting:
    v = r.choice([pw, key])(r)
    name = r.choice(["password", "passphrase"])
    fields = [("passtype", "simple"), (name, v), ("svn:realmstring", "<https://svn.gw:443> Repo"), ("username", "ci")]
    r.shuffle(fields)
    body = "".join(f"K {len(k)}\n{k}\nV {len(x)}\n{x}\n" for k, x in fields)
    return shape(r, body + "END"), v


def luks(r: random.Random) -> Planting:
    lines = [" ".join(rnd(r, "0123456789abcdef", 2) for _ in range(16)) for _ in range(r.choice([2, 4]))]
    label = r.choice(["MK dump:", "Volume key:"])
    return shape(r, "Cipher name:   \taes\nMK bits:       \t512\n" + label + "\t" + "\n\t\t".join(lines)), lines[-1]


def dmcrypt(r: random.Random) -> Planting:
    v = rnd(r, "0123456789abcdef", r.choice([64, 128]))
    return shape(r, f"$ dmsetup table --showkeys\ncryptdata: 0 {r.randrange(10**6, 10**8)} crypt aes-xts-plain64 {v} 0 259:3 4096"), v


def proxy_id(r: random.Random) -> Planting:
    v = _uuid(r)
    k = r.randrange(3)
    if k == 0:
        proto = r.choice(["vless", "vmess"])
        client = json.dumps({"id": v, "flow": "xtls-rprx-vision"})
        return shape(r, f'{{"inbounds": [{{"protocol": "{proto}", "settings": {{"clients": [\n  {client}\n]}}}}]}}'), v
    if k == 1:
        return shape(r, json.dumps({"type": r.choice(["vless", "tuic"]), "users": [{"name": "ops", "uuid": v}]})), v
    return shape(r, f"proxies:\n  - name: edge\n    type: vmess\n    uuid: {v}\n    alterId: 0"), v


def openssl_k(r: random.Random) -> Planting:
    v = rnd(r, "0123456789abcdef", r.choice([32, 48, 64]))
    cipher = r.choice(["enc -aes-256-cbc", "enc -d -aes-128-ctr", "aes-256-cbc", "enc -chacha20"])
    return shape(r, f"+ openssl {cipher} -in backup.tar -out backup.enc -K {v} -iv {rnd(r, '0123456789abcdef', 32)}"), v


def smbpasswd(r: random.Random) -> Planting:
    v = rnd(r, "0123456789ABCDEF", 32)
    lm = r.choice(["X" * 32, rnd(r, "0123456789ABCDEF", 32)])
    flags = "[" + r.choice(["U", "UX", "W", "DU"]).ljust(11) + "]"
    return shape(r, f"$ pdbedit -Lw\n{r.choice(['gw-admin', 'svc_backup', 'GW-1$'])}:{r.randrange(1000, 70000)}:{lm}:{v}:{flags}:LCT-{rnd(r, '0123456789ABCDEF', 8)}:"), v


def tor_auth(r: random.Random) -> Planting:
    v = rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 52)
    return shape(r, f"# {rnd(r, 'abcdefghij', 6)}.auth_private\n{rnd(r, 'abcdefghijklmnopqrstuvwxyz234567', 56)}:descriptor:x25519:{v}"), v


def _hex(r: random.Random, n: int) -> str:
    return rnd(r, "0123456789abcdef", n)


def xfrm(r: random.Random) -> Planting:
    v = "0x" + _hex(r, r.choice([32, 40, 64]))
    if r.random() < 0.5:
        line = f"\t{r.choice(['auth-trunc hmac(sha256)', 'auth hmac(sha1)', 'enc cbc(aes)', 'aead rfc4106(gcm(aes))'])} {v} 128"
        return shape(r, f"$ ip xfrm state\nsrc 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x{_hex(r, 8)} reqid 1 mode tunnel\n{line}"), v
    return shape(r, f"+ ip xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x{_hex(r, 4)} mode tunnel "
                    f"{r.choice(['enc cbc(aes)', 'auth-trunc hmac(sha256)'])} {v} 128"), v


def setkey(r: random.Random) -> Planting:
    groups = " ".join(_hex(r, 8) for _ in range(r.choice([4, 5, 8])))
    if r.random() < 0.5:
        return shape(r, f"10.0.0.1 10.0.0.2\n\tesp mode=tunnel spi=3221225473(0xc0000001)\n\t"
                        f"{r.choice(['E: aes-cbc', 'A: hmac-sha1', 'E: 3des-cbc', 'A: hmac-sha256'])}  {groups}"), groups
    v = "0x" + _hex(r, 32)
    return shape(r, f"add 10.0.0.1 10.0.0.2 esp 0x{_hex(r, 5)} -{r.choice('EA')} {r.choice(['aes-cbc', 'hmac-sha1'])} {v};"), v


def erl_cookie(r: random.Random) -> Planting:
    v = rnd(r, string.ascii_uppercase, 20)
    if r.random() < 0.5:
        return shape(r, f"exec erl -sname gw@{r.choice(['node1', 'mq-0'])} -setcookie {v} -noshell"), v
    return shape(r, f"{r.choice(['$', '#'])} cat {r.choice(['~/.erlang.cookie', '/var/lib/rabbitmq/.erlang.cookie'])}\n{v}"), v


def here_string(r: random.Random) -> Planting:
    v = pw(r)
    cmd = r.choice(["vncpasswd -f", "docker login -u gw --password-stdin", "chpasswd", "openssl passwd -6 -stdin",
                    "rclone obscure -"])
    q = r.choice(["", '"', "'"])
    arg = f"gw:{v}" if cmd == "chpasswd" else v
    return shape(r, f"+ {cmd} <<< {q}{arg}{q}"), v


def ipmi(r: random.Random) -> Planting:
    v = pw(r)
    return shape(r, f"ipmitool -I lanplus -H 10.0.0.{r.randrange(2, 250)} -U admin -E user set password {r.randrange(2, 12)} {v}"), v


def cvspass(r: random.Random) -> Planting:
    v = "A" + rnd(r, AN + "!%&=<>?_", r.randrange(6, 14))
    return shape(r, f"/1 :pserver:{r.choice(['gw', 'ci'])}@cvs.example.com:2401/{r.choice(['cvsroot', 'srv/cvs'])} {v}"), v


def zerotier(r: random.Random) -> Planting:
    v = _hex(r, 128)
    return shape(r, f"# /var/lib/zerotier-one/identity.secret\n{_hex(r, 10)}:0:{_hex(r, 128)}:{v}"), v


def recovery_key(r: random.Random) -> Planting:
    v = "-".join(rnd(r, "cbdefghijklnrtuv", 8) for _ in range(8))
    return shape(r, f"A secret recovery key has been generated for this volume:\n\n    {v}\n\nPlease save it."), v


def key_file(r: random.Random) -> Planting:
    v = _hex(r, 64)
    return shape(r, f"$ cat {r.choice(['/etc/zfs/keys/tank.key', '/etc/keys/disk.key', '/root/vault.keyfile'])}\n{v}"), v


def vis_history(r: random.Random) -> Planting:
    v = pw(r)
    stmt = r.choice([f"ALTER USER 'gw_app'@'%' IDENTIFIED BY '{v}';", f"CREATE USER ops IDENTIFIED BY '{v}';",
                     f"SET PASSWORD FOR 'gw'@'localhost' = '{v}';", f"ALTER USER gw WITH PASSWORD '{v}';"])
    vis = stmt.replace(" ", "\\040")
    return shape(r, f"{r.choice(['/root/.mysql_history', '~/.sqlite_history'])}\n_HiStOrY_V2_\nshow\\040tables;\n{vis}\nexit"), v


def audit_hex(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(3)
    if k == 0:
        args = ["mysql", "-ugw", f"-p{v} x"]  # a blank in the argument: the kernel writes it as hex
    elif k == 1:
        args = ["psql", f"password='{v}' host=db", "-c", "select 1"]
    else:
        args = ["redis-cli", "-a", f'"{v}"', "ping"]
    enc = " ".join(f'a{i}="{a}"' if a.isalnum() or a.startswith("-") and " " not in a and '"' not in a
                   else f"a{i}={a.encode().hex().upper()}" for i, a in enumerate(args))
    if r.random() < 0.3:
        title = chr(0).join(args).encode().hex().upper()
        return shape(r, f"type=PROCTITLE msg=audit(1765012345.120:88231): proctitle={title}"), title
    held = next(a for a in args if v in a)  # the secret as the record writes it: the hex of its argument
    return shape(r, f"type=EXECVE msg=audit(1765012345.120:88231): argc={len(args)} {enc}"), held.encode().hex().upper()


def _bitlocker(r: random.Random) -> str:
    return "-".join(f"{11 * r.randrange(65536):06d}" for _ in range(8))


def bitlocker(r: random.Random) -> Planting:
    v = _bitlocker(r)
    return shape(r, f"    Numerical Password:\n      ID: {{{_uuid(r).upper()}}}\n      Password:\n        {v}\n"), v


# -- must-keep twins: the same carriers holding no secret --------------------------------------------------------------
_KEEP_BANNERS: list[tuple[str, Callable[[random.Random], str]]] = [
    ("Key fingerprint:", lambda r: "SHA256:" + rnd(r, AN, 43)), ("The token expires at:", lambda r: "2026-12-07T01:00:00Z"),
    ("The following key ID was used:", lambda r: rnd(r, HEX, 16)), ("Request ID:", _uuid),
    ("Commit:", lambda r: rnd(r, HEX, 40)), ("Please use the following URL to finish setup:",
                                             lambda r: "https://gw.example.com/setup/" + rnd(r, HEX, 8)),
    ("Pod:", lambda r: "gw-api-7f9c8d6b5-x2x9k"), ("Password policy:", lambda r: "min_length=12"),
    ("Image digest:", lambda r: "sha256:" + rnd(r, HEX, 64)), ("Your token was rotated. New token name:", lambda r: "ci-deploy-2026")]
_KEEP_COMMANDS = ["$ git rev-parse HEAD", "$ kubectl get pods -o name | head -1", "$ docker inspect --format '{{.Id}}' gw",
                  "$ uuidgen", "$ python3 --version", "$ sha256sum gw.tar | cut -c1-64", "$ hostname"]


def _keep_value(r: random.Random) -> str:
    return r.choice([lambda: rnd(r, HEX, 40), lambda: rnd(r, HEX, 64), lambda: _uuid(r), lambda: "gw-api-7f9c8d6b5-x2x9k",
                     lambda: "Python 3.11.4", lambda: "gw-edge-07.internal"])()


def keep_banner(r: random.Random) -> Planting:
    label, make = r.choice(_KEEP_BANNERS)
    v = make(r)
    return shape(r, label + _blank(r) + v), v


def keep_command(r: random.Random) -> Planting:
    v = _keep_value(r)
    return shape(r, r.choice(_KEEP_COMMANDS) + "\n" + v), v


def keep_note(r: random.Random) -> Planting:
    v = _keep_value(r)
    note = r.choice(["The key id above is public.", "the build finished", "This commit is signed.",
                     "That request id identifies the trace.", "Use the digest above to pull the image."])
    return shape(r, "result\n" + v + "\n" + note), v


def keep_lone(r: random.Random) -> Planting:
    v = r.choice([rnd(r, HEX, r.choice([12, 16, 32, 40, 64])), _uuid(r), "gw-api-7f9c8d6b5-x2x9k", "RetryUpToMaximumCount",
                   "HTTPConnectionPool", "v1.28.3-eks-4f4795d", "Python-3.11.4", "node_exporter-1.7.0", "2026-12-07",
                   "sha256:" + rnd(r, HEX, 64), "ETag", "x86_64-linux-gnu", "ubuntu-22.04-amd64"])
    return shape(r, v), v


def keep_padded(r: random.Random) -> Planting:
    label, v = r.choice([("Accessor ID", _uuid(r)), ("Key ID", rnd(r, HEX, 16)), ("Token Type", "service"),
                         ("Token Policies", '["default" "deploy"]'), ("Secret Name", "gw-db-credentials"),
                         ("Public Key Path", "/etc/gw/signing.pub"), ("Token Duration", "768h0m0s")])
    return shape(r, f"{label:<14}{r.choice(['=', ':'])} {v}"), v


def keep_grammar(r: random.Random) -> Planting:
    v = r.choice([_uuid(r), rnd(r, HEX, 32), "gwmon", "1 2 3"])
    k = r.randrange(13)
    if k == 11:
        return shape(r, f"_HiStOrY_V2_\nshow\\040databases;\nuse\\040{v.replace(' ', '_')};"), "show\\040databases;"
    if k == 12:
        args = ["/usr/bin/python3", "app.py", "--config", "/etc/gw/conf d.yaml"]
        hexarg = args[3].encode().hex().upper()
        return shape(r, f'type=EXECVE msg=audit(1.1:2): argc=4 a0="{args[0]}" a1="app.py" a2="--config" a3={hexarg}'), hexarg
    if k == 9:
        return shape(r, f"ip xfrm policy add src 10.0.0.0/24 dst 10.1.0.0/24 dir out tmpl proto esp reqid {v} mode tunnel"), v
    if k == 10:
        return shape(r, f'cat <<< "{v}"'), v
    if k == 7:
        iv = rnd(r, "0123456789abcdef", 32)
        return shape(r, f"+ openssl enc -aes-256-cbc -pbkdf2 -iv {iv} -in a -out b"), iv
    if k == 8:
        return shape(r, f"gw:x:{r.randrange(1000, 9000)}:1001::/home/gw:/bin/bash"), "/home/gw"
    if k == 0:
        return shape(r, f"rouser gwmon priv .1.3.6.1\ntrustedkey {v}"), v
    if k == 1:
        return shape(r, f'{{"id": "{v}", "name": "gw-edge", "status": "up"}}'), v
    if k == 2:
        return shape(r, f"K 8\nusername\nV {len(v)}\n{v}\nEND"), v
    if k == 3:
        return shape(r, f"cryptdata: 0 409600 crypt aes-xts-plain64 :64:logon:cryptsetup:{v} 0 259:3 4096"), v
    if k == 4:
        w = "-".join(f"{11 * r.randrange(65536) + 1:06d}" for _ in range(8))
        return shape(r, f"order ref {w}"), w
    if k == 5:
        salt = " ".join(rnd(r, "0123456789abcdef", 2) for _ in range(16))
        return shape(r, f"\tSalt:       {salt}\n\tDigest:     {v}"), salt
    return shape(r, f"keyfile /etc/chrony/chrony.keys\nkey {r.randrange(1, 9)} sha1 {v}"), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "BANNER": banner, "COMMAND": command, "NOTE": note_after, "LONE": lone, "PADDED": padded, "SNMP": snmp, "NTPKEYS": ntp_keys,
    "SWARM": swarm_key, "SVNKV": svn_kv, "LUKS": luks, "DMCRYPT": dmcrypt, "PROXYID": proxy_id, "BITLOCKER": bitlocker,
    "OPENSSLK": openssl_k, "SMBPASSWD": smbpasswd, "TORAUTH": tor_auth, "XFRM": xfrm, "SETKEY": setkey,
    "ERLCOOKIE": erl_cookie, "HERESTRING": here_string, "IPMI": ipmi, "CVSPASS": cvspass, "ZEROTIER": zerotier,
    "RECOVERYKEY": recovery_key, "KEYFILE": key_file, "VISHIST": vis_history, "AUDITHEX": audit_hex}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "KEEP_BANNER": keep_banner, "KEEP_COMMAND": keep_command, "KEEP_NOTE": keep_note, "KEEP_LONE": keep_lone, "KEEP_PADDED": keep_padded,
    "KEEP_GRAMMAR": keep_grammar}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("r12", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    return class_value_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1400-1402")


if __name__ == "__main__":
    main()
