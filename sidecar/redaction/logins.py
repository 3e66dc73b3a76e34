"""A credential given POSITIONALLY to a CLI's login-like subcommand (taxonomy class b; set 15's spec-out CLI logins).

The class, from the tools' own usage lines: a command whose subcommand logs in, enrols or unlocks takes the credential
as a bare argument, with no option name before it:
- `wandb login [--relogin] [--host URL] [KEY]` (wandb CLI reference), `zrok enable <token>` (zrok docs, "enable"),
  `cachix authtoken <token>` (cachix docs), `bw unlock [password]` (Bitwarden CLI), `expressvpn activate <code>`,
  `mullvad account login <account number>` (Mullvad CLI: the 16-digit number IS the credential), `cloudflared service
  install <token>` (Cloudflare Tunnel docs), `comet login <key>`, `neptune`/`replicate`/`railway`-style `login <key>`,
  `gh auth login`-style groups (`<tool> <group> <verb>`), under a shell prompt (`$`, `#`, `%`, `>`, `+` of `set -x`,
  `PS C:\\>`) or as a Python argv list (`['zrok', 'enable', '<t>']`).
The subcommand word alone does not decide (`systemctl enable nginx`, `docker login registry.example.com`, `dnf module
enable php:remi-8.1`, `gh auth login`): the ARGUMENT's shape does. A credential is random: letters mixed with digits or
with mixed case and no word structure (`kbYEjTpTBPdD`, 40 hex), or a long digit run; a host, `host:port`, URL, path,
file name, `key=value`, UUID (a tenant or subscription id), a short hex id, or words joined by `-_.:` (names_a_thing)
stays. The value of an identity option (`-u <user>`, `--email`, `--org`, `--host` ...) is an identity, not the key.
Options named as secrets (`--token X`, `-p X`) are the option rules' (arguments.py, carriers.CLI_SECRET).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .arguments import names_a_thing
from .entropy import camel_identifier
from .spans import mark_spans

# a command's start: a line, a JSON string, a shell separator, a backtick, an argv list; then an optional prompt
_START = r"(?:^|(?<=[\n;&|`(\[\"'])|(?<=\\n)|(?<=\\t))[ \t]*(?:(?:[$#%>+]|>>>|\\u003[eE]|PS[ \t][^>\n\"]{0,80}>)[ \t]+)?"
# the tool (a lookahead for its letter, not `[..]*[A-Za-z][..]*`: that backtracked quadratically on a long path -
# 4.2 s for a 16 KB JSON value, review r14), and a group word or two (`mullvad account login`, `cloudflared service install`), never an option first
_TOOL = r"[\"']?(?=[\w./@-]*[A-Za-z])[\w./@-]+[\"']?(?:[ \t]*,[ \t]*|[ \t]+)(?:[\"']?[\w./@-]+[\"']?(?:[ \t]*,[ \t]*|[ \t]+)){0,2}?"
# the subcommand words (one tuple: the pattern and its hints are both built from it), and `service install`
_VERB_WORDS = ("login", "relogin", "auth", "authenticate", "authtoken", "add-authtoken", "enable", "activate", "unlock",
               "signin", "sign-in")
_VERB = (r"(?:" + "|".join(map(re.escape, _VERB_WORDS))
         + r"|service[\"']?(?:[ \t]*,[ \t]*[\"']?|[ \t]+)install)")
_COMMAND = re.compile(_START + r"(?P<tool>(?![-\"'])" + _TOOL + r")[\"']?" + _VERB + r"[\"']?(?=[ \t,])(?P<rest>[^\n;|&`]{1,1000})")
# The verb as _COMMAND needs it: followed by a blank, a comma or a closing quote (`["']?(?=[ \t,])`). A bare `auth`
# or `enable` hint fired on `Authorization`, `oauth`, `enabled` - most of a gateway's lines - and ran the scan for
# nothing (review re-read r14); these are necessary for a match, so the output is the same (bench/redaction_identity.py).
# _COMMAND is case-sensitive and the hints are looked for in the lowered text: the lowercase words are necessary.
_VERBS = (*_VERB_WORDS, "install")
HINTS = tuple(v + after for v in _VERBS for after in (" ", "\t", ",", '"', "'"))

_ARG = re.compile(r"[^\s\"'`,;|&()\[\]\\]+")
_IDENTITY_OPTIONS = frozenset({"-u", "--user", "--username", "-e", "--email", "--org", "--organization", "--team",
                               "--tenant", "--project", "--host", "--server", "--region", "--profile", "--name",
                               "--description", "-d", "--registry", "--url", "--entity", "--account-id", "--hostname"})
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~+/=:-]{10,512}")
_HOST = re.compile(r"(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,12}(?::\d{1,5})?|[\w.-]+:\d{1,5}|\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SHORT_HEX = re.compile(r"[0-9a-f]{10,23}")  # a short id (trace, network, commit prefix), not a 32/40-hex key


def credential_shaped(v: str) -> bool:
    """A positional argument that can only be a credential (module doc)."""
    if not _TOKEN_CHARS.fullmatch(v) or "://" in v or v[0] in "/~.=" or "=" in v.rstrip("="):
        return False
    if v.isdigit():
        return len(v) >= 16
    if _HOST.fullmatch(v) or _UUID.fullmatch(v) or _SHORT_HEX.fullmatch(v) or names_a_thing(v):
        return False
    letters = v.rstrip("0123456789")  # `MyProjectName`, `Release2024`, `staging2026`: words, a number after them
    if camel_identifier(letters) or letters.isalpha() and (letters.islower() or letters.istitle()) and len(v) - len(letters) <= 4:
        return False
    digits, upper, lower = (sum(c.isdigit() for c in v), sum(c.isupper() for c in v), sum(c.islower() for c in v))
    return digits > 0 and upper + lower > 0 or upper >= 2 and lower >= 2


def login_argument_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = []
        for m in _COMMAND.finditer(text):
            rest, base = m.group("rest"), m.start("rest")
            if "\\n" in rest:
                rest = rest[:rest.index("\\n")]  # a JSON-escaped line break ends the command
            previous = ""
            for a in _ARG.finditer(rest):
                arg = a.group(0)
                if not arg.startswith("-") and previous not in _IDENTITY_OPTIONS and not arg.startswith("[REDACTED:") \
                        and credential_shaped(arg):
                    spans.append((base + a.start(), base + a.end()))
                previous = arg.split("=", 1)[0] if arg.startswith("-") else ""
        return mark_spans(text, spans, mark) if spans else text
    return sub
