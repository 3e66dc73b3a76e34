"""Credentials passed as documented ARGUMENTS of commands and SDK calls (taxonomy class b), beyond carriers.CLI_SECRET.

Each from the tool's own manual or the SDK's signature; the argument is the secret whatever it looks like (a
UUID, hex, a word), so its shape is not judged, only references (`$VAR`, `${VAR}`, `-` for stdin) stay:
- Samba's `-U|--user=[DOMAIN\\]USER[%PASSWORD]` (smbclient(1), rpcclient(1), smbcacls, smbget, net(8); wbinfo
  `-a|--authenticate user%pass`), also as a Python argv list.
- Token options of CI and deploy CLIs: Codecov uploader `-t|--token`, Vercel `-t|--token`, flyctl
  `-t|--access-token`, doctl `-t|--access-token`, Netlify `--auth`; `ngrok authtoken <t>` and
  `ngrok config add-authtoken <t>`, `vault login <token>`, `snyk auth <token>`.
- Password options of registry and remote-login tools: `podman|buildah|helm registry|oras|nerdctl|crane|skopeo login
  -p`, `az login -p|--password`, cqlsh `-p`, PsExec `-p`, rdesktop `-p`, FreeRDP `/p:<pw>`, ssh-keygen `-N <new>`
  / `-P <old>`, lftp `-u user,pass`, `rabbitmqctl add_user <user> <pw>` / `change_password <user> <pw>`,
  Windows `net user <name> <pw>`, MinIO `mc alias set <alias> <url> <access key> <secret key>`.
- A password on standard input: `echo <pw> | sudo -S`, `| passwd --stdin`, `echo 'user:<pw>' | chpasswd`, and
  PowerShell's `ConvertTo-SecureString '<pw>' -AsPlainText`.
- SDK calls whose positional argument is the credential (the SDKs' signatures): `rollbar.init(access_token,
  ...)`, `Rollbar.init`, `Bugsnag.start(apiKey)`, PyGithub `Github(login_or_token)`, slack_sdk
  `WebClient(token)`, `SendGridAPIClient(api_key)`, python-telegram-bot `Bot(token)` and `.token(token)`,
  discord.py `client.run(token)`, `cohere.Client(api_key)`, twilio `Client(account_sid, auth_token)` (the
  second). A quoted argument only, so code that passes a variable (`Github(token)`) is left.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .spans import mark_spans

_Q = r"[\"']?"
_SEP = r"(?:[\"']?[ \t]*,[ \t]*[\"']?|[ \t]+[\"']?|=[\"']?)"  # blanks (a shell line), `', '` (an argv list), `=`


def _cmd(word: str) -> str:
    """The command word, then the rest of its line lazily, never past the next occurrence of the word."""
    return r"\b" + word + r"\b(?:(?!\b" + word + r"\b)[^\n])*?"


_SAMBA = r"(?:smbclient|rpcclient|smbcacls|smbcquotas|smbget|smbtree|smbmap|net|mount\.cifs|samba-tool|winexe)"
_SNMP = r"snmp(?:walk|bulkwalk|get|getnext|bulkget|set|trap|inform|table|delta|netstat|status|df|usm|vacm|check)"
_TOKEN_CLIS = r"(?:codecov|codecovcli|vercel|flyctl|fly|doctl)"
_LOGIN = r"(?:podman|buildah|oras|nerdctl|crane|skopeo|helm" + _SEP + r"registry|az)" + _SEP + r"login"
COMMAND_SECRET = re.compile(
    r"(?P<pre>"
    + _cmd(_SAMBA) + r"(?<![\w-])(?:-U|--user(?:name)?)" + _SEP + r"[^\s%'\",]*%"
    + r"|" + _cmd("wbinfo") + r"(?<![\w-])(?:-a|--authenticate)" + _SEP + r"[^\s%'\",]*%"
    + r"|" + _cmd(_TOKEN_CLIS) + r"(?<![\w-])(?:-t|--token|--access-token)" + _SEP
    + r"|" + _cmd("netlify") + r"(?<![\w-])--auth" + _SEP
    + r"|\bngrok" + _SEP + r"(?:config" + _SEP + r"add-)?authtoken" + _SEP
    + r"|\bvault" + _SEP + r"login" + _SEP + r"(?!-)"
    + r"|\bsnyk" + _SEP + r"auth" + _SEP
    + r"|" + _cmd(_LOGIN) + r"(?<![\w-])(?:-p|--password)" + _SEP
    + r"|" + _cmd(r"(?:cqlsh|psexec(?:64)?|PsExec(?:64)?|rdesktop)") + r"(?<![\w-])-p" + _SEP
    + r"|" + _cmd(r"(?:xfreerdp|wlfreerdp|sdl-freerdp)") + r"(?<![\w-])/p:"
    + r"|" + _cmd("ssh-keygen") + r"(?<![\w-])-[NP]" + _SEP
    + r"|" + _cmd("lftp") + r"(?<![\w-])-u" + _SEP + r"[^\s,'\"]+,"
    + r"|\brabbitmqctl" + _SEP + r"(?:add_user|change_password)" + _SEP + r"[^\s'\",]+" + _SEP
    + r"|\bnet" + _SEP + r"user" + _SEP + r"(?!/)[^\s'\",]+" + _SEP + r"(?![/*])"
    + r"|\bmc" + _SEP + r"(?:alias" + _SEP + r"set|config" + _SEP + r"host" + _SEP + r"add)" + _SEP
    + r"[^\s'\",]+" + _SEP + r"[^\s'\",]+" + _SEP + r"[^\s'\",]+" + _SEP
    + r"|\bConvertTo-SecureString(?:[ \t]+-String)?[ \t]+[\"']"
    + r"|" + _cmd("mosquitto_passwd") + r"(?<![\w-])-b" + _SEP + r"[^\s'\",]+" + _SEP + r"[^\s'\",]+" + _SEP
    # CLASSES11.md B9, the verb or flag says the value is a secret being written (gh CLI manual `gh secret set`, AWS CLI
    # `secretsmanager put-secret-value|create-secret|update-secret`, `ssm put-parameter --type SecureString`, Azure
    # `az keyvault secret set`, Vault `kv put|patch` / `write` (the first field), flyctl/heroku/doppler secrets,
    # `kubectl create secret generic --from-literal=<key>=`, systemd.exec(5) `SetCredential=<id>:`)
    + r"|" + _cmd(r"gh" + _SEP + r"secret" + _SEP + r"set") + r"(?<![\w-])(?:-b|--body)" + _SEP
    + r"|" + _cmd(r"secretsmanager" + _SEP + r"(?:put-secret-value|create-secret|update-secret)")
    + r"(?<![\w-])--secret-string" + _SEP
    + r"|\bssm" + _SEP + r"put-parameter\b(?=[^\n]*SecureString)[^\n]*?(?<![\w-])--value" + _SEP
    + r"|" + _cmd(r"keyvault" + _SEP + r"secret" + _SEP + r"set") + r"(?<![\w-])--value" + _SEP
    + r"|\bvault" + _SEP + r"(?:kv" + _SEP + r"(?:put|patch)|write)" + _SEP + r"(?:-[\w-]+=?[^\s'\",]*" + _SEP
    + r")*[^\s'\",=]+" + _SEP + r"[\w.-]+="
    + r"|\b(?:flyctl|fly|doppler)" + _SEP + r"secrets" + _SEP + r"set" + _SEP + r"(?:-[\w-]+" + _SEP + r")*[\w.-]+(?:=|"
    + _SEP + r")"
    + r"|\bheroku" + _SEP + r"config:set" + _SEP + r"[\w./-]+="
    + r"|" + _cmd(r"kubectl" + _SEP + r"create" + _SEP + r"secret") + r"--from-literal=[\w.-]+="
    + r"|\bSetCredential=[\w.-]+:"
    + r"|\becho[ \t]+(?:-[ne][ \t]+)?[\"']?(?=[^\n|]*\|[ \t]*(?:sudo[ \t]+(?:-\w+[ \t]+)*-S\b|passwd[ \t]+--stdin\b"
    + r"|wrangler[ \t]+secret[ \t]+put\b|gcloud[ \t]+secrets[ \t]+(?:create|versions[ \t]+add)\b|gh[ \t]+secret[ \t]+set\b))"
    + r"|\becho[ \t]+[\"']?[^\s:'\"|]+:(?=[^\n|]*\|[ \t]*chpasswd\b)"
    + r")(?!\[REDACTED:)(?!\$[A-Za-z_{])(?!-[ \t'\"]|-$)(?P<val>[^\s'\",\]|]+)")
COMMAND_HINTS = ("smb", "rpcclient", "net", "mount.cifs", "samba-tool", "winexe", "wbinfo", "codecov", "vercel",
                 "fly", "doctl", "netlify", "ngrok", "vault", "snyk", "login", "cqlsh", "psexec", "rdesktop",
                 "freerdp", "ssh-keygen", "lftp", "rabbitmqctl", "mc", "convertto-securestring", "echo",
                 "mosquitto_passwd", "secret", "put-parameter", "config:set", "setcredential=")

# `rollbar.init('<token>', ...)`: the SDK call, an opening parenthesis, the quoted positional credential.
SDK_CALL = re.compile(
    r"(?P<pre>(?:(?:\b(?:rollbar|Rollbar)\.init|\bBugsnag\.start|(?<![\w.])Github|\b(?:Async)?WebClient"
    r"|\bSendGridAPIClient|(?<![\w.])Bot|\.token|\b(?:client|bot)\.run|\bcohere\.(?:Client|ClientV2))\([ \t]*"
    r"|(?:\btwilio\.rest\.)?(?<![\w.])Client\([ \t]*(?P<q0>[\"'])[A-Z]{2}[0-9a-f]{32}(?P=q0)[ \t]*,[ \t]*)"
    r"[bB]?(?P<q>[\"']))(?!\[REDACTED:)(?P<val>[A-Za-z0-9._:\-]{16,256})(?P=q)")
SDK_HINTS = ("rollbar", "bugsnag", "github(", "webclient", "sendgrid", "bot(", ".token(", ".run(", "cohere",
             "client(")


# net-snmp snmpcmd(1): `-c COMMUNITY` (v1/v2c: the community string is the shared password), `-A`/`-X` (v3
# authentication/privacy passphrases), `-3m`/`-3x`/`-3M`/`-3K` (master and localized keys): every such flag of the line,
# also as an argv list (`"-c", "<v>"`, escaped once more in a JSON record).
_SNMP_LINE = re.compile(r"\b" + _SNMP + r"\b[^\n]{0,2000}")
_ESC_SEP = r"(?:\\{0,3}[\"']?[ \t]*,[ \t]*\\{0,3}[\"']?|[ \t]+\\{0,3}[\"']?|=\\{0,3}[\"']?)"
# (getopt(3) also takes the value glued to the letter: `-c<community>`, `-A<passphrase>`, review B16)
_SNMP_FLAG = re.compile(r"(?<![\w-])(?:-c|-A|-X|-3[mxMK])(?:" + _ESC_SEP + r"|(?=[^\s'\",\]|\\-]))"
                        r"(?!\[REDACTED:)(?!\$[A-Za-z_{])"
                        r"(?P<val>[^\s'\",\]|\\]+)")
SNMP_HINTS = ("snmp",)


# (a regex of their own with their own hints: alternatives added to COMMAND_SECRET cost at every position of every line
# its common hints (`net`, `login`, `secret`) let through)
# snmpd.conf(5) `rocommunity|rwcommunity <community>`, `com2sec <name> <source> <community>`; Windows switch syntax
# `/name:value` (cmdkey /pass:, wmic /password:), schtasks(1) `/RP <pw>` and `/P <pw>` ("Run As" password), `net use
# \\host\share <pw>` (net(1) help: the password is positional, after the share)
SWITCH_SECRET = re.compile(
    r"(?P<pre>\b(?:ro|rw)community6?[ \t]+"
    r"|\bcom2sec6?(?:[ \t]+-Cn[ \t]+\S+)?[ \t]+\S+[ \t]+\S+[ \t]+"
    r"|(?<![\w/:.\\-])/(?i:pass|password|passwd|pwd|pw|passphrase)[:=]"
    r"|" + _cmd("(?i:schtasks)") + r"(?<![\w-])/(?i:rp|p)" + _SEP
    # ipmitool(1) `-P <password>` (the BMC password; `-U` is the user), Cisco IOS type 7 (`password 7 <hex>`, `key 7
    # <hex>`: a reversible obfuscation with a published key, CLASSES12.md C19)
    + r"|" + _cmd("ipmitool") + r"(?<![\w-])-P(?:" + _SEP + r"|(?=[^\s'\",\]|-]))"  # getopt(3): `-P<pw>` glued too
    + r"|\b(?:password|key) 7 (?=[0-9A-Fa-f]{4,}\b)"
    + r"|\b(?i:net) (?i:use)[ \t]+(?:[A-Za-z]:[ \t]+)?(?:\\{2,8}[^\s\\'\"]+){2,}[ \t]+(?![/*])"
    r")(?!\[REDACTED:)(?!\$[A-Za-z_{])(?!-[ \t'\"]|-$)(?P<val>[^\s'\",\]|]+)")
SWITCH_HINTS = ("community", "com2sec", "/pass", "/pw", "schtasks", "net use", "ipmitool", "password 7", "key 7")


def snmp_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = [f.span("val") for line in _SNMP_LINE.finditer(text)
                 for f in _SNMP_FLAG.finditer(text, line.start(), line.end())]
        return mark_spans(text, spans, mark)
    return sub


def command_secret(mark: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group("pre") + mark


# A piece of a name a person chose: a word (lower, Capitalised or camelCase), a number, a short tag (v2, eu1, prod01).
_NAME_PIECE = re.compile(r"(?:[A-Z]?[a-z]+)+|[0-9]+|[a-z]{1,4}[0-9]{1,3}")
_NAME_SEPARATORS = re.compile(r"[-_.:]")


def names_a_thing(val: str) -> bool:
    """`nightly-report-2026-12-06`, `support-bot-v2-prod-eu1`: words, numbers and short tags joined by
    `-_.:` name a job, a bot or a service. A generated credential has runs that mix case and digits
    (Telegram's `<digits>:<35 mixed>`, Discord's three base64 parts, hex, random alphanumerics)."""
    pieces = _NAME_SEPARATORS.split(val)
    return len(pieces) > 1 and all(_NAME_PIECE.fullmatch(p) for p in pieces if p)


def sdk_call(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        val = m.group("val")
        if not (any(c.isdigit() for c in val) and any(c.isalpha() for c in val)) or names_a_thing(val):
            return m.group(0)  # `Bot("default")`, `client.run("nightly-report-2026-12-06")`: a name
        return m.group("pre") + mark + m.group("q")
    return repl
