"""Seeded plantings of the classes set 12 leaked (round 10, third wave), each drawn from its carrier's own grammar.

Set 12 (tests/data/secrets/corpus_heldout12.yaml, spent) leaked 26 spec-out plantings in 7 kinds. Each kind is one
instance of a class written down by the program that prints it; the generator varies what that grammar varies (the
command, its optional words, the value's shape, the log shape: text record, json.dumps, Docker per line, as printed)
and each class has a must-keep twin built from the same grammar without a secret in it.

- IOS: Cisco IOS configuration lines (Cisco IOS Security Command Reference: `username`, `enable secret|password`,
  `snmp-server community`, `tacacs-server|radius-server key`, `crypto isakmp key`, `ip ospf authentication-key`,
  `ip ospf message-digest-key N md5`, `neighbor X password`, `key-string`, line `password`) with their encryption-type
  digit (0 clear text, 7 reversible, 5/8/9 hashes) before the value.
- CIMASK: CI logging commands that mark a value secret: Azure Pipelines `##vso[task.setvariable variable=N;
  issecret=true]V` (docs "Logging commands"), GitHub Actions `::add-mask::V` (docs "Workflow commands").
- WIFI: the Wi-Fi network config QR payload `WIFI:T:WPA;S:<ssid>;P:<password>;H:false;;` (ZXing wiki "Barcode
  Contents"; fields in any order, `\\;` `\\,` `\\:` `\\\\` escaped).
- CONDA: a conda channel URL holding an anaconda.org token as `/t/<token>/` (conda/gateways/connection and
  conda.common.url.split_anaconda_token, which masks it: `/t/([a-zA-Z0-9-]*)`).
- MNEMONIC: a BIP-39 phrase as wallet tools print it, under a label line: Foundry `cast wallet new-mnemonic`
  (`Phrase:` then the words on the next line), `solana-keygen new` (`Save this seed phrase and your BIP39 passphrase
  to recover your new keypair:` then the words), Electrum (`Your wallet generation seed is:` then the quoted words),
  ethers' Mnemonic repr (`phrase: '<words>'`). The twin: prose after such a label (it has short words and punctuation). Not sampled: a
  Docker record holding the words alone, its label in the record before (no mechanism without the word list).
- COOKIEJAR: Netscape cookie files (curl `-c`, http.cookiejar.MozillaCookieJar.save): seven TAB-separated fields,
  the value last; the twin is a TAB-separated table with TRUE/FALSE columns that is no cookie file.
- SHELL: a password typed at a shell instead of a password prompt, echoed in the shell's error: bash `bash: line N:
  <word>: command not found`, zsh `zsh: command not found: <word>`, dash `sh: 1: <word>: not found`; the twin: real
  command names (`kubectl`, `python3.11`, `Docker`, `docker-compose`).
- SASL: Postfix `sasl_passwd` map entries `[nexthop]:port user:password` (Postfix SASL_README, "Enabling SASL
  authentication in the Postfix SMTP client"), as postmap's warnings and a `cat` print them.

    PYTHONPATH=$PWD python -m tests.security.set12_gen --seeds 1300-1303 [--show IOS]
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import string
import tempfile
from collections.abc import Callable

from .classes11_gen import key, pw, shape
from .secret_gen import AN, HEX, class_plantings, class_report, class_value_failed, rnd

Planting = tuple[str, str]


def _device_pw(r: random.Random) -> str:
    return r.choice([lambda: pw(r), lambda: rnd(r, AN + "^~!@#%*_-", r.randrange(8, 20)),
                     lambda: rnd(r, "0123456789ABCDEF", r.randrange(6, 13) * 2)])()


def ios(r: random.Random) -> Planting:
    v = _device_pw(r)
    user = r.choice(["netops", "admin", "backup", "svc-rancid"])
    t0 = r.choice(["0", "7"])
    forms = [f"username {user} privilege {r.choice([1, 15])} secret 0 {v}", f"username {user} password {t0} {v}",
             f"username {user} secret {v}", f"username {user} algorithm-type scrypt secret {v}",
             f"enable secret 0 {v}", f"enable secret level 15 0 {v}", f"enable password {v}",
             f"snmp-server community {v} {r.choice(['RO', 'RW', 'ro 10'])}", f"tacacs-server key {t0} {v}",
             f"radius-server key {v}", f"crypto isakmp key {v} address 203.0.113.{r.randrange(1, 254)}",
             f" ip ospf authentication-key {t0} {v}", f" ip ospf message-digest-key 1 md5 {t0} {v}",
             f" neighbor 10.0.0.{r.randrange(1, 254)} password {t0} {v}", f"  key-string {t0} {v}",
             f" password {t0} {v}", f" key {t0} {v}"]
    head = f"hostname edge-rtr-{r.randrange(9)}\n!"
    body = f"{head}\n{r.choice(forms)}\n!\ninterface GigabitEthernet0/{r.randrange(4)}\n description uplink\n!"
    return shape(r, f"config backup diff for edge-rtr-{r.randrange(9)}\n{body}"), v


def ios_twin(r: random.Random) -> Planting:
    v = r.choice(["uplink-gw", "OSPF-KEYS", "min-length", "scrypt", "dc1-row4", "GigabitEthernet0/1"])
    forms = {"uplink-gw": " description uplink-gw", "OSPF-KEYS": "key chain OSPF-KEYS",
             "min-length": "security passwords min-length 10", "scrypt": "enable algorithm-type scrypt",
             "dc1-row4": "snmp-server location dc1-row4", "GigabitEthernet0/1": "interface GigabitEthernet0/1"}
    extra = r.choice(["service password-encryption", "no enable password", "aaa new-model", "login local"])
    return shape(r, f"config backup diff\nhostname r{r.randrange(9)}\n!\n{extra}\n{forms[v]}\n!"), v


def cimask(r: random.Random) -> Planting:
    v = r.choice([lambda: rnd(r, HEX, 64), lambda: key(r), lambda: pw(r)])()
    var = r.choice(["upstreamKey", "DB_PASSWORD", "token", "npmAuth"])
    flag = r.choice(["issecret=true", "isSecret=true", "issecret=True"])
    cmd = r.choice([f"##vso[task.setvariable variable={var};{flag}]{v}",
                    f"##vso[task.setvariable variable={var};isOutput=true;{flag}]{v}",
                    f"##vso[task.setvariable {flag};variable={var}]{v}", f"::add-mask::{v}",
                    f"##vso[task.setsecret]{v}"])
    line = r.choice([f"+ echo '{cmd}'", cmd, f'echo "{cmd}"'])
    return shape(r, f"step 'export {var}' output\n{line}\n##[section]Finishing: export"), v


def cimask_twin(r: random.Random) -> Planting:
    v = r.choice(["1.4." + str(r.randrange(50)), "gw-" + rnd(r, string.ascii_lowercase, 6), "Release"])
    cmd = r.choice([f"##vso[task.setvariable variable=buildVersion]{v}",
                    f"##vso[task.setvariable variable=cfg;issecret=false]{v}", f"::set-output name=version::{v}",
                    f"::notice title=build::{v}", f"##vso[build.updatebuildnumber]{v}"])
    return shape(r, f"step output\n+ echo '{cmd}'"), v


def _wifi_escape(s: str) -> str:
    return "".join("\\" + c if c in "\\;,\":" else c for c in s)


def wifi(r: random.Random) -> Planting:
    v = rnd(r, AN + "%!#*-_", r.randrange(8, 24)) + r.choice(["", ";x", ":y", ","])
    ssid = r.choice(["gw-ops-5G", "Kiosk Net", "guest;lab", "corp"])
    fields = [f"T:{r.choice(['WPA', 'WEP', 'WPA2', 'SAE'])}", f"S:{_wifi_escape(ssid)}", f"P:{_wifi_escape(v)}"]
    if r.random() < 0.5:
        fields.append("H:" + r.choice(["false", "true"]))
    r.shuffle(fields)
    payload = "WIFI:" + ";".join(fields) + ";;"
    lead = r.choice(["payload=", "qr data: ", "", "segno.make('"])
    return shape(r, f"rendering provisioning QR for kiosk-{r.randrange(20)}\n{lead}{payload}\nversion=4"), \
        _wifi_escape(v) if any(c in v for c in "\\;,\":") else v


def wifi_twin(r: random.Random) -> Planting:
    ssid = r.choice(["gw-ops-5G", "Kiosk", "guest-net"]) + str(r.randrange(9))
    return shape(r, f"rendering guest QR\npayload=WIFI:T:nopass;S:{ssid};;"), ssid


def conda(r: random.Random) -> Planting:
    v = r.choice([lambda: rnd(r, string.ascii_lowercase, 2) + "-" + "-".join(rnd(r, "0123456789abcdef", n)
                                                                             for n in (8, 4, 4, 4, 12)),
                  lambda: rnd(r, AN, 30), lambda: rnd(r, AN + "-", 24) + "1"])()
    host = r.choice(["conda.anaconda.org", "repo.anaconda.cloud", "repo.anaconda.com", "anaconda.org",
                     "conda.internal.example.com"])
    sub = r.choice(["linux-64/repodata.json", "noarch/current_repodata.json", "osx-arm64/repodata.json",
                    "win-64/numpy-1.26.4-py311h.conda"])
    url = f"https://{host}/t/{v}/gw-internal/{sub}"
    msg = r.choice([f"CondaHTTPError: HTTP 403 FORBIDDEN for url <{url}>", f"Retrieving {url} failed",
                    f"channel url {url}"])
    return shape(r, f"conda env create failed\n{msg}\nElapsed: 00:00.412"), v


def conda_twin(r: random.Random) -> Planting:
    slug = r.choice(["conda-install-fails-on-linux", "how-to-pin-numpy", "release-2024-10"])
    return shape(r, f"see https://discourse.example.org/t/{slug}/{r.randrange(10000)} for the workaround"), slug


def sasl(r: random.Random) -> Planting:
    v = r.choice([lambda: pw(r), lambda: rnd(r, AN + "_-", 16)])()
    user = r.choice(["alerts@gw-ops.example.net", "relay-user", "apikey"])
    host = r.choice(["[smtp.relay.example.net]:587", "[email-smtp.eu-west-1.amazonaws.com]:587",
                     "[smtp.sendgrid.net]:2525", "smtp.example.org", "[mail.isp.example]"])
    entry = f"{host} {user}:{v}"
    line = r.choice([f"/etc/postfix/sasl_passwd:1: {entry}", entry,
                     f"postmap: warning: /etc/postfix/sasl_passwd, line 1: {entry}"])
    return shape(r, f"postmap failed for /etc/postfix/sasl_passwd\n{line}"), v


def sasl_twin(r: random.Random) -> Planting:
    v = f"[smtp.relay.example.net]:{r.choice([25, 587, 2525])}"
    if r.random() < 0.3:  # a bracketed address inside a sentence, and a bare host in a text not about sasl
        w = r.choice(["admin", "sent", "ok"])
        return shape(r, r.choice([f"mail from [10.0.0.{r.randrange(9)}] user:{w} logged in",
                                  f"relay: smtp.example.org status:{w}"])), ":" + w
    return shape(r, r.choice([f"relayhost = {v}", f"connect to {v}: Connection timed out",
                              f"status=deferred (connect to {v} 10:11: timed out)"])), v


def cookiejar(r: random.Random) -> Planting:
    jar = http.cookiejar.MozillaCookieJar()
    vals = []
    for i in range(r.randrange(1, 4)):
        v = r.choice([lambda: rnd(r, AN + "_-", 48), lambda: key(r), lambda: rnd(r, HEX, 32)])()
        vals.append(v)
        dom = r.choice([".admin.gw.internal", "api.example.net", ".example.org"])
        jar.set_cookie(http.cookiejar.Cookie(
            0, r.choice(["__Host-gwsid", "sessionid", "JSESSIONID", "_gw_s", "connect.sid", "ak_bmsc", "SERVERID", "gw_u", "__cf_bm"]) + str(i), v, None, False,
            dom, True, dom.startswith("."), "/", True, r.random() < 0.5, 2_000_000_000 + r.randrange(10**8), False, None, None,
            {"HttpOnly": None} if r.random() < 0.5 else {}))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "jar.txt")
        jar.save(path, ignore_discard=True)
        with open(path) as f:
            body = f.read().strip()
    return shape(r, f"saved cookie jar for admin probe\n{body}"), r.choice(vals)


def cookiejar_twin(r: random.Random) -> Planting:
    if r.random() < 0.5:  # a preference cookie in a cookie file (set 12's must-keep kept one in another carrier)
        v = r.choice(["dark", "light", "en-US", "compact", "1", "de"])
        body = (f"# Netscape HTTP Cookie File\n.admin.gw.internal\tTRUE\t/\tFALSE\t{2_000_000_000 + r.randrange(10**8)}"
                f"\t{r.choice(['gw_theme', 'lang', 'consent', 'ui_density'])}\t{v}")
        # (raw lines only: inside a JSON string the escaped TABs make the file one long token, which the wrapped-line
        # join and the entropy rule take whole on main too - left, said in the round's report)
        return f"2026-12-06 11:02:0{r.randrange(10)},412 DEBUG probe: saved cookie jar\n{body}", "\t" + v
    v = r.choice(["beta-ui", "dark-mode", "fast-path"]) + str(r.randrange(9))
    return shape(r, f"feature flags\nname\tenabled\tpath\tstable\tsince\towner\tnote\n{v}\tTRUE\tui\tFALSE\t"
                    f"2024\tweb\tramp {r.randrange(100)}%"), v


def _shell_error(r: random.Random, word: str) -> str:
    return r.choice([f"bash: line {r.randrange(1, 40)}: {word}: command not found", f"bash: {word}: command not found",
                     f"zsh: command not found: {word}", f"sh: {r.randrange(1, 9)}: {word}: not found"])


def shell(r: random.Random) -> Planting:
    v = r.choice([lambda: pw(r), lambda: rnd(r, AN + "~^!%#@", r.randrange(8, 20)) + "~"])()
    return shape(r, f"step 'db migrate' failed\n[sudo] password for deploy: \nSorry, try again.\n"
                    f"{_shell_error(r, v)}\n##[error]Process completed with exit code 127."), v


def shell_twin(r: random.Random) -> Planting:
    v = r.choice(["kubectl", "python3.11", "Docker", "docker-compose", "g++-12", "./deploy.sh", "terraform"])
    return shape(r, f"step failed\n{_shell_error(r, v)}"), v


# Words of the BIP-39 English list's shape (3-8 lowercase letters); the mechanism does not read the list.
_WORDS = ("abandon ability able about above absent absorb abstract absurd abuse access accident account accuse "
          "achieve acid acoustic acquire across act action actor actress actual adapt add addict address adjust "
          "admit adult advance advice aerobic affair afford afraid again age agent agree ahead aim air airport "
          "aisle alarm album alcohol alert alien all alley allow almost alone alpha already also alter always "
          "amateur amazing among amount amused analyst anchor ancient anger angle angry animal ankle announce "
          "legal winner thank year wave sausage worth useful yellow zebra zero zone zoo").split()


def mnemonic(r: random.Random) -> Planting:
    words = [w for w in _WORDS if len(w) >= 3]
    v = " ".join(r.choice(words) for _ in range(r.choice([12, 15, 18, 21, 24])))
    form = r.choice([f"Successfully generated a new mnemonic.\nPhrase:\n{v}\n\nAccounts:\n- Account 0:",
                     f"Save this seed phrase and your BIP39 passphrase to recover your new keypair:\n{v}\n=====",
                     f'Your wallet generation seed is:\n"{v}"\nPlease save these words on paper',
                     f"Mnemonic {{ phrase: '{v}', password: '', wordlist: LangEn {{ locale: 'en' }} }}",
                     f"recovery phrase:\n  {v}"])
    return shape(r, f"bootstrap relayer wallet\n{form}"), v


def mnemonic_twin(r: random.Random) -> Planting:
    v = r.choice(["the phrase is stored in the vault and never printed again",
                  "seed phrase not set; run cast wallet new-mnemonic to create one",
                  "invalid checksum, check the word order and retry"])
    return shape(r, r.choice([f"Phrase:\n{v}", f"seed phrase: {v}", f"mnemonic: {v}"])), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "IOS": ios, "CIMASK": cimask, "WIFI": wifi, "CONDA": conda, "SASL": sasl, "MNEMONIC": mnemonic, "COOKIEJAR": cookiejar, "SHELL": shell}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "IOS_TWIN": ios_twin, "CIMASK_TWIN": cimask_twin, "WIFI_TWIN": wifi_twin, "CONDA_TWIN": conda_twin,
    "SASL_TWIN": sasl_twin, "MNEMONIC_TWIN": mnemonic_twin, "COOKIEJAR_TWIN": cookiejar_twin, "SHELL_TWIN": shell_twin}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("s12", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    return class_value_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1300-1303")


if __name__ == "__main__":
    main()
