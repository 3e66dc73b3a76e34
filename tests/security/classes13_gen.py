"""Seeded plantings of tests/data/secrets/CLASSES13.md's classes (round 11), for measuring leaked/lost per class.

CLASSES13.md (carriers from tools' own configuration and output grammars) was written by the set-13 writer, who never
read the redactor. Each class draws the tool of the class, the grammar's variable parts (separator, quoting and the
tool's escape, name case, one-line vs one-token-per-line), the value (a provider key, a generated token, a password)
and the log shape (classes11_gen.shape: text record, json.dumps line, ONE Docker record per line, or as printed).

Not sampled (no generator), as the spec's notes ask us to say: A44 libedit `\\040` escapes and zsh metafied bytes,
A55 auditd hex `a2=` arguments and PROCTITLE (covered as C26's hex only in part), A59 CBOR / Avro / Thrift, A60
KeePass XML and 1Password JSON, C25 Juniper `$9$` / Huawei cipher / FortiOS `ENC` (decoding needs each vendor's
algorithm), C26 `.reg` `hex(2):` and unattend base64, C28's generated secrets WITHOUT a name (no mechanism can tell a
bare 50-character Django key from an id).

    PYTHONPATH=$PWD python -m tests.security.classes13_gen --seeds 1300-1303 [--show A42]
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable

from .classes11_gen import key, pw, shape
from .secret_gen import AN, HEX, class_plantings, class_report, class_value_failed, rnd

Planting = tuple[str, str]


def value(r: random.Random) -> str:
    return r.choice([key, pw])(r)


def _q(r: random.Random, v: str) -> str:
    """The value quoted or not, as a config grammar allows."""
    return r.choice([v, f'"{v}"', f"'{v}'"])


def _sep(r: random.Random) -> str:
    return r.choice(["=", " = ", ": ", " "])


# -- (a) carriers ----------------------------------------------------------------------------------------------------
def a42(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(6)
    if k == 0:
        return shape(r, f'network={{\n\tssid="gw-office"\n\tkey_mgmt=WPA-PSK\n\tpsk="{v}"\n}}'), v
    if k == 1:
        return shape(r, f"interface=wlan0\nssid=gw\nwpa=2\n{r.choice(['wpa_passphrase', 'sae_password'])}={v}"), v
    if k == 2:
        return shape(r, f"[wifi-security]\nkey-mgmt=wpa-psk\npsk={v}"), v
    if k == 3:
        return shape(r, f"802-11-wireless-security.psk:{' ' * r.randint(10, 20)}{v}"), v
    if k == 4:
        return shape(r, f"    Key Content            : {v}"), v
    return shape(r, f"<sharedKey>\n<keyType>passPhrase</keyType>\n<protected>false</protected>\n"
                    f"<keyMaterial>{v}</keyMaterial>\n</sharedKey>"), v


def a43(r: random.Random) -> Planting:
    v = value(r)
    name = r.choice(["DEPLOY_TOKEN", "API_KEY", "DB_PASSWORD", "NPM_TOKEN"])
    k = r.randrange(5)
    if k == 0:
        esc = v.replace("|", "||").replace("'", "|'")
        return shape(r, f"##teamcity[setParameter name='env.{name}' value='{esc}']"), esc
    if k == 1:
        return shape(r, f"+ echo '{name}={v}' >> \"$GITHUB_ENV\""), v
    if k == 2:
        return shape(r, f"::set-output name={name.lower()}::{v}"), v
    if k == 3:
        return shape(r, f"$ buildkite-agent env set {name}={v}"), v
    delim = r.choice(["EOF", "ghadelimiter_" + rnd(r, HEX, 8), "__VALUE__"])  # GitHub docs: any delimiter
    return shape(r, f"{name}<<{delim}\n{v}\n{delim}"), v


def a44(r: random.Random) -> Planting:
    v = pw(r)
    cmd = r.choice([f"mysql -u root -p{v} prod", f"redis-cli -a {v} ping", f"export DB_PASSWORD={v}",
                    f"curl -u admin:{v} https://gw.example"])
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"#1733480000\n{cmd}"), v
    if k == 1:
        return shape(r, f": 1733480000:0;{cmd}"), v
    if k == 2:
        return shape(r, f"- cmd: {cmd}\n  when: 1733480000"), v
    return shape(r, f"  {r.randint(100, 999)}  {cmd}"), v


def a45(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(5)
    forms = [f"sshd[2211]: Invalid user {v} from 10.0.0.8 port 52144",
             f"sshd[2211]: Failed password for invalid user {v} from 10.0.0.8 port 52144 ssh2",
             f"Password:\nzsh: command not found: {v}",
             f"[sudo] password for deploy:\nsh: 1: {v}: not found",
             f"fish: Unknown command: {v}"]
    return shape(r, forms[k]), v


def a46(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(6)
    if k == 0:
        return shape(r, f"machine api.gw.example\nlogin deploy\npassword {v}"), v
    if k == 1:
        return shape(r, f"https://deploy:{v}@git.gw.example"), v
    if k == 2:
        return shape(r, f"{rnd(r, string.ascii_uppercase + string.digits, 20)}:{v}"), v
    if k == 3:
        return shape(r, f"username=svc\npassword={v}\ndomain=GW"), v
    if k == 4:
        return shape(r, f'"deploy"\t*\t"{v}"\t*'), v
    return shape(r, f"mount -t cifs //fs/share /mnt -o username=svc,password={v},vers=3.0"), v


def a47(r: random.Random) -> Planting:
    v = value(r)
    k = r.randrange(6)
    if k == 0:
        return shape(r, f"[global]\nindex-url = https://__token__:{v}@pypi.gw.example/simple"), v
    if k == 1:
        return shape(r, f"[pypi]\nusername = __token__\npassword = {v}"), v
    if k == 2:
        return shape(r, f"---\n:rubygems_api_key: {v}"), v
    if k == 3:
        return shape(r, f'[registries.gw]\ntoken = "{v}"'), v
    if k == 4:
        return shape(r, json.dumps({"http-basic": {"repo.gw.example": {"username": "ci", "password": v}}}, indent=4)), v
    return shape(r, f'npmRegistries:\n  "//npm.gw.example":\n    npmAuthToken: {v}'), v


def a48(r: random.Random) -> Planting:
    v = value(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"protocol=https\nhost=github.com\nusername=x-access-token\npassword={v}"), v
    if k == 1:
        return shape(r, json.dumps({"ServerURL": "https://registry.gw.example", "Username": "ci", "Secret": v})), v
    if k == 2:
        return shape(r, json.dumps({"Version": 1, "AccessKeyId": "AKIA" + rnd(r, string.ascii_uppercase, 16),
                                    "SecretAccessKey": v, "Expiration": "2026-12-06T12:00:00Z"})), v
    return shape(r, json.dumps({"kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1",
                                "status": {"token": v}})), v


def a49(r: random.Random) -> Planting:
    v = value(r)
    k = r.randrange(5)
    if k == 0:
        return shape(r, f"[profile ops]\naws_access_key_id = AKIA{rnd(r, string.ascii_uppercase, 16)}\n"
                        f"aws_secret_access_key = {v}"), v
    if k == 1:
        return shape(r, json.dumps({"AccessToken": {"k": {"credential_type": "AccessToken", "secret": v}}})), v
    if k == 2:
        return shape(r, f"[DEFAULT]\nhost = https://gw.cloud.databricks.com\ntoken = {v}"), v
    if k == 3:
        return shape(r, f"github.com:\n    user: ci\n    oauth_token: {v}\n    git_protocol: https"), v
    return shape(r, f"users:\n- name: ci\n  user:\n    token: {v}"), v


def a50(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f'@gw-peer.example : PSK "{v}"'), v
    if k == 1:
        return shape(r, f"secrets {{\n  ike-gw {{\n    id = gw.example\n    secret = {v}\n  }}\n}}"), v
    if k == 2:
        h = rnd(r, HEX, 32)
        return shape(r, "<tls-crypt>\n-----BEGIN OpenVPN Static key V1-----\n" + h + "\n" +
                     "\n".join(rnd(r, HEX, 32) for _ in range(3)) + "\n-----END OpenVPN Static key V1-----\n</tls-crypt>"), h
    psk = base64.b64encode(r.randbytes(32)).decode()
    return shape(r, f"[Peer]\nPublicKey = {base64.b64encode(r.randbytes(32)).decode()}\nPresharedKey = {psk}"), psk


def a51(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(5)
    if k == 0:
        return shape(r, f"/user add name=ops password={v} group=full"), v
    if k == 1:
        return shape(r, f"set system login user ops authentication plaintext-password '{v}'"), v
    if k == 2:
        return shape(r, f"tunnel-group 203.0.113.5 ipsec-attributes\n ikev1 pre-shared-key {v}"), v
    if k == 3:
        return shape(r, f"router bgp 65001\n neighbor 10.0.0.2 password {v}"), v
    return shape(r, f"tacacs-server key {v}"), v


def a52(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(5)
    if k == 0:
        return shape(r, f"rootpw          {v}"), v
    if k == 1:
        return shape(r, f"olcRootPW: {v}"), v
    if k == 2:
        return shape(r, f"bindpw {v}"), v
    if k == 3:
        return shape(r, f"client gw {{\n\tipaddr = 10.0.0.0/8\n\tsecret = {v}\n}}"), v
    return shape(r, f"radtest alice {v} 127.0.0.1 0 testing123"), v


def a53(r: random.Random) -> Planting:
    v = base64.b64encode(r.randbytes(32)).decode()
    k = r.randrange(4)
    if k == 0:
        return shape(r, f'key "gw-update" {{\n\talgorithm hmac-sha256;\n\tsecret "{v}";\n}};'), v
    if k == 1:
        return shape(r, f"nsupdate -y hmac-sha256:gw-update:{v}"), v
    if k == 2:
        return shape(r, f"Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: {v}"), v
    return shape(r, f'encrypt = "{v}"'), v


def a54(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, "KafkaClient {\n  org.apache.kafka.common.security.plain.PlainLoginModule required\n"
                        f'  username="svc"\n  password="{v}";\n}};'), v
    if k == 1:
        return shape(r, f'  user_{r.choice(["admin", "alice", "svc"])}="{v}"'), v
    if k == 2:
        return shape(r, f"sasl.password={v}"), v
    return shape(r, f"{r.choice(['monitorRole', 'controlRole'])}  {v}"), v


def a56(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"userlist admins\n    user ops insecure-password {v}"), v
    if k == 1:
        return shape(r, f"    stats auth admin:{v}"), v
    if k == 2:
        return shape(r, f"AuthLDAPBindPassword {_q(r, v)}"), v
    return shape(r, f"cache_peer parent.gw 3128 0 no-query login=ops:{v}"), v


def a57(r: random.Random) -> Planting:
    v = value(r)
    k = r.randrange(5)
    if k == 0:
        return shape(r, f'[[outputs.influxdb_v2]]\n  urls = ["http://influx:8086"]\n  token = "{v}"'), v
    if k == 1:
        return shape(r, f'output {{\n  elasticsearch {{\n    user => "elastic"\n    password => "{v}"\n  }}\n}}'), v
    if k == 2:
        return shape(r, f"[OUTPUT]\n    Name        http\n    HTTP_User   ops\n    HTTP_Passwd {v}"), v
    if k == 3:
        return shape(r, f"$USER3$={v}"), v
    return shape(r, f'[database]\npassword = """{v}"""'), v


def a58(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"define( '{r.choice(['DB_PASSWORD', 'AUTH_KEY', 'NONCE_SALT'])}', '{v}' );"), v
    if k == 1:
        return shape(r, f"$databases['default']['default'] = [\n  'username' => 'gw',\n  'password' => '{v}',\n];"), v
    if k == 2:
        return shape(r, f"\tpublic ${r.choice(['password', 'secret'])} = '{v}';"), v
    return shape(r, f"  'crypt' => ['key' => '{v}'],"), v


def a60(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(3)
    if k == 0:
        return shape(r, f'keychain: "/Users/ci/Library/Keychains/login.keychain-db"\nclass: "genp"\npassword: "{v}"'), v
    if k == 1:
        return shape(r, f"name,url,username,password,note\ngw,https://gw.example,ops,{v},"), v
    return shape(r, json.dumps({"login": {"username": "ops", "password": v, "uris": []}})), v


def a61(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(3)
    if k == 0:
        return shape(r, f'[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon]\n'
                        f'"DefaultPassword"="{v}"'), v
    if k == 1:
        return shape(r, f"    DefaultPassword    REG_SZ    {v}"), v
    return shape(r, f"<AutoLogon>\n  <Password>\n    <Value>{v}</Value>\n    <PlainText>true</PlainText>\n"
                    "  </Password>\n</AutoLogon>"), v


def a62(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"web1 ansible_host=10.0.0.5 ansible_user=ops ansible_become_pass={v}"), v
    if k == 1:
        return shape(r, f"chpasswd:\n  list: |\n    root:{v}\n  expire: false"), v
    if k == 2:
        return shape(r, f"rootpw --plaintext {v}"), v
    return shape(r, f"d-i passwd/root-password password {v}"), v


def a63(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f'poll imap.gw.example proto imap user "ops" password "{v}" is local here'), v
    if k == 1:
        return shape(r, f'set smtp_pass = "{v}"'), v
    if k == 2:
        return shape(r, f'AuthInfo:smtp.gw.example "U:ops" "I:ops" "P:{v}" "M:PLAIN"'), v
    return shape(r, f"client_send = ^ops^{v}"), v


def a64(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"CONNECT\naccept-version:1.2\nhost:/\nlogin:ops\npasscode:{v}\n\n^@"), v
    if k == 1:
        return shape(r, "CONNECT " + json.dumps({"verbose": False, "user": "ops", "pass": v})), v
    if k == 2:
        return shape(r, f"PRIVMSG NickServ :IDENTIFY {v}"), v
    return shape(r, f"AUTHINFO PASS {v}"), v


def a65(r: random.Random) -> Planting:
    v = value(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f'1) "requirepass"\n2) "{v}"'), v
    if k == 1:
        return shape(r, f"*************************** 1. row ***************************\n    user: ops\n"
                        f"password: {v}"), v
    if k == 2:
        return shape(r, f"-[ RECORD 1 ]-+------\nusername | ops\npassword | {v}"), v
    return shape(r, f"====== Data ======\nKey         Value\n---         -----\napi_key     {v}"), v


# -- (b) names -------------------------------------------------------------------------------------------------------
def b20(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"Driver={{ODBC Driver 18 for SQL Server}};Server=db;Uid=sa;Pwd={{{v}}};"), v
    if k == 1:
        return shape(r, f"expdp userid=system/{v}@ORCL directory=dump"), v
    if k == 2:
        return shape(r, f"CONNECT TO sample USER db2inst1 USING {v}"), v
    return shape(r, f"Server=db;User ID=sa;Password='{v}';"), v


def b22(r: random.Random) -> Planting:
    v = value(r)
    scheme = r.choice(["Token token=", "SSWS ", "GenieKey ", "Klaviyo-API-Key ", "Splunk ", "DeepL-Auth-Key ",
                       "PVEAPIToken=ops@pve!ci="])
    return shape(r, f"{r.choice(['Authorization', 'authorization'])}: {scheme}{v}"), v


def b23(r: random.Random) -> Planting:
    v = pw(r)
    name = r.choice(["ansible_password", "ansible_ssh_pass", "ansible_become_password", "ansible_winrm_password",
                     "DB_CREDS_PSW", "TF_VAR_db_password"])
    return shape(r, f"{name}{r.choice(['=', ': '])}{v}"), v


# -- (c) value shapes ------------------------------------------------------------------------------------------------
def c26(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(2)
    if k == 0:
        enc = base64.b64encode(f"$env:DB_PASSWORD='{v}'; ./deploy.ps1".encode("utf-16-le")).decode()
        return shape(r, f"powershell.exe -NoProfile -EncodedCommand {enc}"), enc
    return shape(r, f"PSK 0s{base64.b64encode(v.encode()).decode()}"), base64.b64encode(v.encode()).decode()


def c27(r: random.Random) -> Planting:
    cr, sec = rnd(r, HEX, 64), rnd(r, HEX, r.choice([64, 96]))
    label = r.choice(["CLIENT_RANDOM", "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0",
                      "EXPORTER_SECRET"])
    k = r.randrange(2)
    if k == 0:
        return shape(r, f"{label} {cr} {sec}"), sec
    return shape(r, f"SSL-Session:\n    Protocol  : TLSv1.2\n    Session-ID: {rnd(r, HEX, 64).upper()}\n"
                    f"    Master-Key: {sec.upper()}"), sec.upper()


def c28(r: random.Random) -> Planting:
    k = r.randrange(4)
    if k == 0:
        v = "django-insecure-" + rnd(r, string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)", 50)
        return shape(r, f"SECRET_KEY = '{v}'"), v
    if k == 1:
        v = "base64:" + base64.b64encode(r.randbytes(32)).decode()
        return shape(r, f"APP_KEY={v}"), v
    if k == 2:
        v = rnd(r, HEX, 48)
        return shape(r, f"http://127.0.0.1:8888/lab?token={v}"), v
    v = "".join(r.choices(string.ascii_uppercase, k=20))
    return shape(r, f"RABBITMQ_ERLANG_COOKIE={v}"), v


def c29(r: random.Random) -> Planting:
    v = r.choice([lambda: r.choice(["sm_pat_", "sm_aat_", "sm_sat_"]) + rnd(r, AN, 16),
                  lambda: "access-production-" + "-".join(rnd(r, HEX, n) for n in (8, 4, 4, 4, 12)),
                  lambda: "y0_" + rnd(r, AN + "-_", 56), lambda: "duffel_live_" + rnd(r, AN + "-_", 43),
                  lambda: "fio-u-" + rnd(r, AN + "-_", 64), lambda: "s-s4t2ud-" + rnd(r, HEX, 64),
                  lambda: "shppa_" + rnd(r, HEX, 32)])()
    return shape(r, r.choice([f"using {v}", f"client init key={v}", f"upstream rejected {v}"])), v


def c30(r: random.Random) -> Planting:
    k = r.randrange(3)
    if k == 0:
        v = base64.b64encode(r.randbytes(30)).decode()
        return shape(r, f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{v}|2^20|1:32"), v
    if k == 1:
        v = rnd(r, AN + "+/", 24)
        return shape(r, f"a=ice-ufrag:{rnd(r, AN, 4)}\na=ice-pwd:{v}"), v
    v = base64.urlsafe_b64encode(r.randbytes(32)).decode().rstrip("=")
    return shape(r, f"Public Key:\n{base64.urlsafe_b64encode(r.randbytes(65)).decode().rstrip('=')}\n\nPrivate Key:\n{v}"), v


# -- (d) must-keep ---------------------------------------------------------------------------------------------------
def d21(r: random.Random) -> Planting:
    k = r.randrange(4)
    if k == 0:
        v = rnd(r, HEX, 64)
        return shape(r, f"CLIENT_RANDOM {v} [REDACTED:secret]"), v
    if k == 1:
        v = rnd(r, AN + "+/", 24)
        return shape(r, f"r={v},s={base64.b64encode(r.randbytes(16)).decode()},i=4096"), v
    if k == 2:
        v = rnd(r, HEX, 32)
        return shape(r, f'Digest realm="gw", nonce="{v}", qop="auth", opaque="{rnd(r, HEX, 32)}"'), v
    v = "0x" + rnd(r, HEX, 8)
    return shape(r, f"src 10.0.0.1 dst 10.0.0.2 proto esp spi {v} reqid 1 mode tunnel"), v


def d22(r: random.Random) -> Planting:
    k = r.randrange(4)
    if k == 0:
        v = "h1:" + base64.b64encode(r.randbytes(32)).decode()
        return shape(r, f"golang.org/x/net v0.23.0 {v}"), v
    if k == 1:
        v = "sha512-" + base64.b64encode(r.randbytes(64)).decode()
        return shape(r, f'  integrity "{v}"'), v
    if k == 2:
        v = rnd(r, HEX, 64)
        return shape(r, f'checksum = "{v}"'), v
    v = "sha256:" + rnd(r, HEX, 64)
    return shape(r, f"requests==2.32.3 --hash={v}"), v


def d23(r: random.Random) -> Planting:
    v = r.choice(["x-access-token", "oauth2", "gitlab-ci-token", "__token__", "_json_key", "x-token-auth", "apikey"])
    return shape(r, r.choice([f"username={v}", f"docker login -u {v} --password-stdin registry.gw",
                              f'"username": "{v}"'])), v


def d24(r: random.Random) -> Planting:
    k = r.randrange(3)
    if k == 0:
        v = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t" + rnd(r, AN, 60)
        return shape(r, f"    certificate-authority-data: {v}"), v
    if k == 1:
        v = rnd(r, AN + "+/", 43) + "="
        return shape(r, f"[Peer]\nPublicKey = {v}\nAllowedIPs = 10.0.0.0/24"), v
    v = "    " + ":".join(rnd(r, "0123456789abcdef", 2) for _ in range(15)) + ":"
    return shape(r, f"modulus:\n{v}\n    {rnd(r, HEX, 2)}:{rnd(r, HEX, 2)}\npublicExponent: 65537 (0x10001)"), v.strip()


def d25(r: random.Random) -> Planting:
    v = r.choice(["<hidden>", "[MASKED]", "***", "[secure]", "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "<secret>",
                  "[redacted]", "******"])
    return shape(r, f"{r.choice(['password', 'token', 'psk'])}: {v}"), v


def d26(r: random.Random) -> Planting:
    v = r.choice(["key_mgmt=WPA-PSK", "ssid=\"gw-office\"", "remote vpn.gw.example 1194", "cipher AES-256-GCM",
                  "machine api.gw.example", "protocol=https", "Driver={ODBC Driver 18 for SQL Server}",
                  "ansible_user=ops", "$USER1$=/usr/lib/nagios/plugins"])
    return shape(r, v), v


def d27(r: random.Random) -> Planting:
    v = r.choice([f"ENC({rnd(r, AN + '+/', 32)})", "{cipher}" + rnd(r, HEX, 64), f"ENC[PKCS7,{rnd(r, AN + '+/', 60)}]",
                  "secure: v1:" + rnd(r, AN, 16) + ":" + rnd(r, AN + "+/", 40)])
    return shape(r, f"{r.choice(['password', 'db.password', 'secret'])}: {v}"), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "A42": a42, "A43": a43, "A44": a44, "A45": a45, "A46": a46, "A47": a47, "A48": a48, "A49": a49, "A50": a50,
    "A51": a51, "A52": a52, "A53": a53, "A54": a54, "A56": a56, "A57": a57, "A58": a58, "A60": a60, "A61": a61,
    "A62": a62, "A63": a63, "A64": a64, "A65": a65, "B20": b20, "B22": b22, "B23": b23, "C26": c26, "C27": c27,
    "C28": c28, "C29": c29, "C30": c30}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "D21": d21, "D22": d22, "D23": d23, "D24": d24, "D25": d25, "D26": d26, "D27": d27}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("c13", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    return class_value_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1300-1303")


if __name__ == "__main__":
    main()
