"""Seeded plantings of round 13's classes (issue 18): the set-14 spec-in leaks and set-13's JSON-escaped line starts,
widened to their families, with must-keep twins that share each carrier.

Each class is a documented grammar or output layout where nothing named `password` marks the value (keyfiles.py and
positions.py cite the sources): a CHAP/community/UPS slot of a config line, an auth file's `user:password:level`, a
cracked-hash listing, a modem's PDP-authentication AT command, a phone's numbered password parameter, a sentence that
hands over a generated credential and the value closing its line (announced.py mechanism 1d), a PAKE transfer code, a
PHP session variable, and slot grammars written inside a json.dumps string (`\\nAuthInfo:`, `\\nCLIENT_RANDOM`).
Every class varies the tool or vendor, the spelling, the value shape and the log shape (classes11_gen.shape).

    PYTHONPATH=$PWD python -m tests.security.round13_gen --seeds 1500-1502 [--show INLINE]
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from .classes11_gen import key, pw, shape
from .secret_gen import AN, HEX, class_plantings, class_report, class_value_failed, rnd

Planting = tuple[str, str]


def _secret(r: random.Random) -> str:
    return r.choice([pw, key, lambda r: rnd(r, AN, r.randrange(10, 18)) + r.choice(string.digits),
                     lambda r: rnd(r, AN + "!#%*+-.", r.randrange(10, 16)) + r.choice(string.digits)])(r)


def _q(r: random.Random) -> str:
    return r.choice(['"', ""])


def chap(r: random.Random) -> Planting:
    v = _secret(r)
    user = r.choice(["gw-initiator", "iqn.2026-01.lab:node1", "backup01", "vmhost"])
    line = f"    {r.choice(['incominguser', 'outgoinguser'])} {user} {v}"
    return shape(r, f"<target iqn.2026-12.internal.gw:{r.choice(['lun1', 'cache', 'db'])}>\n    backing-store /dev/vg/lv"
                    f"\n{line}\n</target>"), v


def snmptrap(r: random.Random) -> Planting:
    v = r.choice([_secret, lambda r: rnd(r, AN, 12)])(r)
    types = ",".join(r.sample(["log", "execute", "net"], r.randrange(1, 4)))
    src = r.choice(["", " 10.0.0.0/8", " default .1.3.6.1.4.1"])
    return shape(r, f"# snmptrapd.conf\ndisableAuthorization no\n{r.choice(['authCommunity', 'authcommunity'])} "
                    f"{types} {v}{src}\ntraphandle default /usr/bin/fwd"), v


def upsmon(r: random.Random) -> Planting:
    v = _secret(r)
    kind = r.choice(["primary", "secondary", "master", "slave"])
    ups = r.choice(["rack2-ups@localhost", "myups@10.0.4.7:3493", "ups1@nut-server"])
    q = _q(r)
    return shape(r, f"MONITOR {ups} {r.randrange(1, 3)} {r.choice(['upsmon', 'monuser', 'admin'])} {q}{v}{q} "
                    f"{kind}\nMINSUPPLIES 1\nPOLLFREQ 5"), v


def level_auth(r: random.Random) -> Planting:
    v = r.choice([lambda r: rnd(r, HEX, 40), _secret])(r)
    other = f"{r.choice(['gw-sync', 'alice', 'ops'])}:{pw(r)}:{r.choice([1, 5, 10])}"
    lines = [f"localclient:{v}:10", other]
    r.shuffle(lines)
    return shape(r, "\n".join(lines)), v


def cracked(r: random.Random) -> Planting:
    v = r.choice([pw, lambda r: r.choice(["Summer", "Harbor", "Winter"]) + "$" + rnd(r, string.digits, 6)])(r)
    h = rnd(r, HEX, r.choice([32, 40, 64, 128]))
    user = r.choice(["", "svc-report:", "alice@corp:"])
    cmd = r.choice([f"$ hashcat -m {r.choice([0, 100, 1400, 1700])} {'--username ' if user else ''}--show users.hashes",
                    "$ cat ~/.local/share/hashcat/hashcat.potfile"])
    return shape(r, f"{cmd}\n{user}{h}:{v}\n$ wc -l left.txt"), v


def at_pdp(r: random.Random) -> Planting:
    v = _secret(r)
    apn, user = r.choice(["iot.carrier.example", "internet"]), r.choice(["gw-edge", "user1"])
    cmd = r.choice([f'AT+CGAUTH=1,{r.choice([1, 2])},"{user}","{v}"', f'AT+QICSGP=1,1,"{apn}","{user}","{v}",{r.choice([1, 2, 3])}',
                    f'AT+CSTT="{apn}","{user}","{v}"', f'AT$QCPDPP=1,{r.choice([1, 2])},"{v}","{user}"',
                    f'AT^AUTHDATA=1,2,"","{v}","{user}"'])
    if r.random() < 0.5:
        cmd = cmd.lower().replace(v.lower(), v)
    return shape(r, f'AT+CPIN?\n+CPIN: READY\nOK\nAT+CGDCONT=1,"IP","{apn}"\nOK\n{cmd}\nOK'), v


def pvalue(r: random.Random) -> Planting:
    v = _secret(r)
    n = r.choice([2, 34, 196, 406, 506, 606])
    if r.random() < 0.3:
        return shape(r, f"<config><P35>114</P35><P{n}>{v}</P{n}><P47>sip.gw.internal</P47></config>"), v
    sep = r.choice([" = ", "=", " ="])
    return shape(r, f"# Account 1\nP271{sep}1\nP47{sep}sip.gw.internal\nP35{sep}114\nP{n}{sep}{v}\nP3{sep}Front desk"), v


_HANDED = ["A temporary password is generated for root@localhost:", "[Note] [MY-010454] [Server] A temporary password is "
           "generated for root@%:", "GENERATED ROOT PASSWORD:", "Your new API token is:", "Generated admin password:",
           "The initial password for user elastic is:", "New secret created for client gw-portal:",
           "Default admin passphrase is:", "Pairing code:", "Wormhole code is:", "Your one-time code is:",
           "Random root password set to:"]


def inline(r: random.Random) -> Planting:
    head = r.choice(_HANDED)
    v = r.choice([_secret, lambda r: f"{r.randrange(1, 999)}-{r.choice(['beeswax', 'crossover', 'tumor'])}-"
                                     f"{r.choice(['almighty', 'clockwork', 'Yucatan'])}"] if "code" in head else [_secret])(r)
    pre = r.choice(["", "2026-12-07T00:12:06.019874Z 6 ", "[init] "])
    return shape(r, f"starting bootstrap\n{pre}{head} {v}\n{r.choice(['done', 'Initialization - end.'])}"), v


def pake(r: random.Random) -> Planting:
    v = f"{r.randrange(1, 9999)}-" + "-".join(r.choice(["beeswax", "almighty", "clockwork", "Yucatan", "tumor", "robin",
                                                         "guitarist", "merit"]) for _ in range(r.choice([2, 3])))
    cmd = r.choice([f"wormhole receive {v}", f"wormhole rx --accept-file {v}", f"wormhole-william recv {v}",
                    f"wormhole send --code {v} bundle.tgz", f"croc {v}", f"croc send --code {v} gw.log"])
    return shape(r, f"On the other computer, please run:\n\n{cmd}\n"), v


def php_session(r: random.Random) -> Planting:
    v = _secret(r)
    name = r.choice(["pass", "password", "api_key", "secret"])
    ser = f's:4:"user";s:8:"svc-gate";s:{len(name)}:"{name}";s:{len(v)}:"{v}";'
    return shape(r, f"==> /var/lib/php/sessions/sess_{rnd(r, string.ascii_lowercase + string.digits, 26)} <==\n"
                    f"{r.choice(['auth', 'sso', 'login'])}|a:2:{{{ser}}}last_seen|i:1796598012;"), v


def json_break(r: random.Random) -> Planting:
    """Slot grammars whose first word follows a line break that json.dumps wrote as `\\n` (set 13 spec-in)."""
    import json

    k = r.randrange(4)
    if k == 3:  # a name that starts with its secret word, right after the escaped break (names.kv_sub's walk back)
        v = _secret(r)
        name = r.choice(["auth", "psk", "totp_seed", "cookie", "pat", "mnemonic"])
        body = f"[{r.choice(['pyrogram', 'client', 'smtp'])}]\napi_id = {r.randrange(10**6, 10**7)}\n{name} = {v}"
    elif k == 0:
        v = _secret(r).replace('"', "")
        body = f'# /etc/mail/authinfo\nAuthInfo:smtp.example.net "U:alerts" "I:alerts@gw" "P:{v}" "M:PLAIN"'
    elif k == 1:
        v = rnd(r, "0123456789abcdef", 96)
        label = r.choice(["CLIENT_TRAFFIC_SECRET_0", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "EXPORTER_SECRET"])
        body = f"# TLS secrets log file\n{label} {rnd(r, '0123456789abcdef', 64)} {v}"
    else:
        v = _secret(r)
        body = f"# /etc/raddb\nradtest alice {v} 127.0.0.1 0 testing123"
    return json.dumps({"level": "error", "message": "rendered", "output": body}), v


def unattend(r: random.Random) -> Planting:
    """Windows answer files' obscured passwords: base64(UTF-16LE(password + element name)), PlainText false."""
    import base64

    name = r.choice(["Password", "AdministratorPassword"])
    plain = r.choice([_secret(r), r.choice(["Summer", "Harbor", "Winter", "P@ss"]) + rnd(r, string.digits, r.randrange(2, 6))
                      + r.choice(["!", "#", ""])])  # a chosen password decodes to little entropy: only the name tells
    v = base64.b64encode((plain + name).encode("utf-16-le")).decode()
    parent = r.choice(["AutoLogon", "LocalAccount", "UserAccounts"])
    if r.random() < 0.4:  # the `<Value>` line alone in its Docker json-file record: the element is in another record
        import json

        line = json.dumps({"log": f"    <Value>{v}</Value>\n", "stream": "stdout"}, separators=(",", ":"))
        return line.replace("<", "\\u003c").replace(">", "\\u003e"), v
    return shape(r, f"<{parent}>\n  <{name}>\n    <Value>{v}</Value>\n    <PlainText>false</PlainText>\n  </{name}>"), v


def rtmp(r: random.Random) -> Planting:
    """A live-streaming ingest URL: the last path segment is the stream key (RTMP app/playpath)."""
    v = r.choice([lambda: "-".join(rnd(r, string.ascii_lowercase + string.digits, 4) for _ in range(5)),
                  lambda: f"live_{rnd(r, string.digits, 9)}_{rnd(r, AN, 30)}",
                  lambda: f"FB-{rnd(r, string.digits, 15)}-0-{rnd(r, AN, 40)}", lambda: rnd(r, AN, 20) + "7"])()
    url = r.choice(["rtmp://a.rtmp.youtube.com/live2", "rtmp://live.twitch.tv/app", "rtmps://live-api-s.facebook.com:443/rtmp",
                    "rtmp://ingest.example.net/live"]) + "/" + v
    return shape(r, r.choice([f"$ ffmpeg -re -i in.mp4 -c:v libx264 -f flv {url}", f"{url}: Broken pipe",
                              f"publishing to {url} failed"])), v


def realm(r: random.Random) -> Planting:
    """Jetty realm.properties: `user: [OBF:]password,role...`."""
    v = r.choice([lambda: pw(r).replace(",", "").replace(":", ""), lambda: "OBF:" + rnd(r, string.ascii_lowercase + string.digits, 24)])()
    roles = ",".join(r.sample(["admin", "user", "manager", "viewer", "guest", "operator"], r.randrange(1, 3)))
    return shape(r, f"# username: password[,rolename ...]\n{r.choice(['gw-admin', 'jetty', 'ops'])}: {v},{roles}\n"
                    f"viewer: MD5:{rnd(r, HEX, 32)},user"), v


# -- must-keep twins: the same carriers without a secret -------------------------------------------------------------
def keep_slots(r: random.Random) -> Planting:
    k = r.randrange(8)
    if k == 0:
        v = "gwmon"
        return shape(r, f"authUser log,execute {v} priv\ndisableAuthorization no"), v
    if k == 1:
        v = "$UPS_PASSWORD"
        return shape(r, f"MONITOR myups@localhost 1 upsmon {v} primary"), v
    if k == 2:
        v = r.choice(["compile", "/var/cache/app", "5432"])
        return shape(r, f"{r.choice(['stage', 'cache', 'db-main'])}:{v}:{r.randrange(1, 10)}"), v
    if k == 3:
        v = rnd(r, HEX, 32)
        return shape(r, f"$ hashcat -m 0 --show --left users.hashes\n{v}"), v
    if k == 4:
        v = "iot.carrier.example"
        return shape(r, f'AT+CGDCONT=1,"IP","{v}"\nOK\nAT+CGAUTH=1,0\nOK'), v
    if k == 5:
        v = r.choice(["sip.gw.internal", "Front desk", "gw-desk-114"])
        return shape(r, "P47 = sip.gw.internal\nP3 = Front desk\nP270 = gw-desk-114"), v
    if k == 6 and r.random() < 0.5:
        import base64

        v = base64.b64encode(r.choice(["Get-Service gw", "Restart-Computer", "Get-Password-Policy"]).encode("utf-16-le")).decode()
        return shape(r, f"powershell.exe -NoProfile -EncodedCommand {v}"), v
    if k == 6:
        v = "report.tgz"
        return shape(r, f"wormhole send {v}\nSending 2.1 MB file named '{v}'"), v
    if r.random() < 0.5:
        v = r.choice(["rtmp://localhost/live/stream", "rtmp://cdn.example/vod/talk-2024-keynote.mp4", "hosts: node1,node2",
                      "viewer: MD5:4c561b1541557c1a3009b273418d748d,user"])
        return shape(r, f"config\n{v}\ndone"), v
    v = "b4f8e2a1c9d3"
    return shape(r, f"initiator-address 10.20.4.0/24\nincominguser-check {v}"), v


_KEEP_SENTENCES = [("Password authentication failed for user:", "svc_reporting7"),
                   ("Token expired for account:", "acct-7f3k2m9q"), ("Invalid key for tenant -", "tenant-42x9"),
                   ("Password policy is:", "strict-v2"), ("Key ID is:", "3f9a1c7e0b2d"),
                   ("Token name:", "ci-deploy-2026"), ("Error code is:", "E_CONN_RESET42"),
                   ("Verification code sent to:", "+49-151-5550"), ("Password reset link sent for account:", "acct-19x7"),
                   ("Secret rotation scheduled at:", "2026-12-08T03:00Z"), ("Password file is:", "/etc/gw/pass.txt")]


def keep_sentence(r: random.Random) -> Planting:
    head, v = r.choice(_KEEP_SENTENCES)
    return shape(r, f"check\n{head} {v}\ndone"), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "CHAP": chap, "SNMPTRAP": snmptrap, "UPSMON": upsmon, "LEVELAUTH": level_auth, "CRACKED": cracked, "ATPDP": at_pdp,
    "PVALUE": pvalue, "INLINE": inline, "PAKE": pake, "PHPSESS": php_session, "JSONBREAK": json_break, "UNATTEND": unattend, "RTMP": rtmp, "REALM": realm}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {"KEEP_SLOTS": keep_slots, "KEEP_SENTENCE": keep_sentence}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("r13", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    return class_value_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1500-1502")


if __name__ == "__main__":
    main()
