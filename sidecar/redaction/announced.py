"""A value alone on its line, named by the line before it or by nothing at all (issue 18, round 12 mechanisms 1 and 2).

Mechanism 1, context that spans lines. A tool that generates a credential prints it alone on a line under a line that
announces it, in one of two forms, and the carrier keeps the two lines apart (a text record with embedded newlines, a
traceback's message, a JSON `output` field with `\\n`, or two Docker json-file records whose boundary sits between
them, `\\n","stream":...,"time":...}` then `{"log":"`):
- a BANNER: a sentence that names a password, passphrase, token, key or secret and ends with `:` or says the value
  follows ("Please use the following password to proceed to installation:" - Jenkins' setup wizard, hudson
  `SetupWizard`; "Your recovery key is:", "Here is your API token", "Password:" then an indented value - manage-bde
  `-protectors -get`), up to two blank lines between;
- a COMMAND whose name asks for a secret, typed at a shell prompt (`$ `, `# `, `PS C:\\> `) and its stdout line
  (`argocd admin initial-password`, `gcloud auth print-access-token`, `aws ecr get-login-password`, `gh auth token`,
  `kubectl get secret ... -o jsonpath='{.data.password}' | base64 -d`, `cat .../initialAdminPassword`, `echo $API_KEY`).
The value under either is a credential whatever its shape (hex, a UUID, digits in groups): only a lone token of 6+
characters that is not words, a path, a URL, a number under 6 digits or `key=value` is taken. A banner naming an id
(`key id`, `token name`, `fingerprint`, `public key`) announces no secret.

Mechanism 1b, a multi-word label padded to a column (Go CLIs' `columnize` key/value output: Nomad `Secret ID    =
<uuid>`, Consul `SecretID:`, Vault `Unseal Key 1:`, Boundary `Auth Token:`): the words joined are the name.

Mechanism 2, a line or record whose whole content is one random-looking token (a Docker json-file record of one output
line, a line of an output dump): the entropy fallback takes 20+ characters anywhere (entropy.py); a token ALONE on its
line is a value by its position, so from 12 characters, with the same class tests (upper, lower and a digit, class
switches, Shannon bar, not a CamelCase identifier, not words joined). Kept by class: bare hex (digests, commit ids,
trace ids), UUIDs, lowercase ids (pod names), provider object ids: they fail the tests by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .entropy import ID_PREFIXES, camel_identifier, reads_random
from .keep import is_masked, is_public, public_at
from .names import DOCKER_OPEN, DOCKER_SEAM, DOCKER_TAIL
from .secret_names import is_secret_name
from .spans import mark_spans
from .textstats import wordlike
from .values import PROSE
from .wrapped import COLON_HEX, NOT_A_VALUE, PEM_BLOCK

# a lone token on its own line, after up to two blank lines, in each carrier (raw; JSON-escaped; a Docker record's
# `{"log":"` opening, its previous line being the record before it)
_LONE_RAW = re.compile(r"\n(?:[ \t]*\r?\n){0,2}[ \t]*(?P<v>[^\s\"'\\]{6,512})[ \t]*(?=\r?\n|$)")
_LONE_ESC = re.compile(r"\\n(?:(?:[ \t]|\\t)*(?:\\r)?\\n){0,2}(?:[ \t]|\\t)*(?P<v>[^\s\"'\\]{6,512})(?:[ \t]|\\t)*"
                       r"(?=\\[rn]|\"|$)")
_LONE_DOCKER = re.compile(DOCKER_OPEN + r"(?:[ \t]|\\t)*(?P<v>[^\s\"'\\]{6,512})(?:[ \t]|\\t)*\\n\\{0,2}\"")
# a record whose whole message is one token: the text itself, a `%(asctime)s %(levelname)s %(name)s: %(message)s`
# record, a JSON log field (json.dumps, `ensure_ascii`)
_LONE_RECORD = re.compile(r"^(?:\d{4}-\d\d-\d\d[ T][\d:,.]+Z? +[A-Z]+ +[\w.-]+: +"
                          r"|\{.*\"(?:msg|message|output|log|text)\": \")?(?:[ \t]|\\t)*(?P<v>[^\s\"'\\]{12,19})(?:[ \t]|\\t)*(?:\\n)?(?:\"[,}].*)?$")
# a Docker json-file record's opening and the previous record's tail, in every spacing names.DOCKER_SEAM reads
_DOCKER_TAIL = re.compile(r"\\n" + DOCKER_TAIL + r"\s*$")
_OPENING = re.compile(DOCKER_OPEN)
_OPENS = re.compile(DOCKER_OPEN + r"$")
_SECRET_NOUN = re.compile(r"(?i)(?<![\w-])(?:password|passwort|passphrase|passcode|pass phrase|secret|token|api[ _-]?key"
                          r"|key|pin|credential|recovery[ _-]?code)s?(?![\w-])")
_NOT_SECRET_AFTER = re.compile(r"(?i)(?:key|token|secret|password)s?[ _-]*(?:id|ids|name|names|fingerprint|file|path|"
                               r"hash|type|size|length|count|format|policy|expir\w*|usage|ttl|location|identifier|digest|checksum|thumbprint"
                               r"|signature|algorithm)\b|public[ _-]key|"
                               r"key[ _-]?(?:server|ring|store)|(?:id|fingerprint|hash)\b[^:]*:$")
_NOT_A_SECRET_LABEL = re.compile(r"(?i)\b(?:name|fingerprint|file|path|hash|type|size|length|count|format|policy|usage|ttl"
                                 r"|expir\w*|location|accessor|public|polic(?:y|ies)|roles?)\b")
# what says the value follows: a closing colon, "following"/"below"/"here is", or the shown-once warning of a generator
# ("it will not be shown again", "copy it now": GitHub/GitLab/Grafana token pages and their CLIs)
_FOLLOWS = re.compile(r"(?i):\s*$|\bfollowing\b|\bbelow\b|\bhere (?:is|are)\b|\bis:|\bshown (?:again|only once|once)\b"
                      r"|\b(?:won'?t|will not|cannot|can'?t) be (?:shown|displayed|retrieved|viewed)\b|\bcopy (?:it|this) now\b"
                      r"|\b(?:save|store|keep|write down) (?:it|this)(?: now)? (?:somewhere |in a )?(?:safe|secure)")
# a shell prompt at the line's start or after a log prefix (`logger: `, `"msg": "`): `$ `, `# `, `user@host:~$ `, `(venv) $ `,
# `PS C:\\> `; the lookbehinds fail fast where no prompt can start (a free position scan cost 0.2 ms a line)
_PROMPT = re.compile(r"(?:^|(?<=: )|(?<=\"))(?:\([\w.-]+\)[ \t]*)?(?:[\w.@~:/\[\]-]{0,64}[$#%]|PS [^>\n]{0,80}>)[ \t]+"
                     r"(?P<cmd>[\w./~-][^\n]*)$")
# a command whose stdout is a secret: it names one, reads a secret file (`.psk`), or generates key material
# (openssl-rand(1), /dev/urandom, pwgen(1), apg(1), mkpasswd(1), gpg --gen-random, Python secrets.token_*, wg(8)
# genkey/genpsk, age-keygen); `wg pubkey`, `uuidgen`, `git rev-parse` print no secret
_CMD_SECRET = re.compile(r"(?i)passw|secret|token|api[_-]?key|credential|cookie|\$\{?\w*(?:key|pass|pwd)\w*\}?|\bpsk\b|\.psk\b"
                         r"|openssl\s+rand\b|/dev/u?random|\bpwgen\b|\bapg\b|\bmkpasswd\b|gen-random|\bwg\s+gen(?:key|psk)"
                         r"|age-keygen|\bgenkey\b|\.key\b|\bkeyfile\b|/keys/")
_NUMBER = re.compile(r"\d{1,5}|\d+(?:\.\d+)+|[\d:.TZ+-]{8,}")
# `expires_at=...` is a field and its value; `Xk9p=Q2m...` (a generated password with a `=`) is a value
_FIELD_KEY = re.compile(r"[a-z_]+(?:[_.-][a-z0-9]+)*|(?:[A-Z][a-z]+)+|[A-Z][A-Z_]*[0-9]*")
_SEPS = re.compile(r"[-_.]+")
_PARTS = re.compile(r"[-_/.]+")
_DIGIT = re.compile(r"\d")
_LINE_BREAKS = re.compile(r"(?:[ \t]|\\t|\r?\n|\\r|\\n)+$")


def _previous_line(text: str, start: int) -> str:
    """The nearest non-blank line before `start` (raw or JSON-escaped breaks; a Docker record's previous record), up to
    three blank lines or records back."""
    head = text[max(0, start - 800):start]
    for _ in range(4):
        if (opening := _OPENS.search(head)) is not None:
            head = _DOCKER_TAIL.sub("", head[:opening.start()])
        head = _LINE_BREAKS.sub("", head)
        raw, esc = head.rfind("\n"), head.rfind("\\n")
        rec = max((m.end() for m in _OPENING.finditer(head, max(0, raw, esc))), default=0) if "log" in head else 0
        line = head[max(raw + 1, esc + 2 if esc >= 0 else 0, rec):].strip()
        line = line.replace("\\t", " ").replace('\\"', '"')
        if "\\u00" in line:  # moby's json-file escapes of `<`, `>`, `&` (a PowerShell prompt's `>`)
            line = line.replace("\\u003e", ">").replace("\\u003c", "<").replace("\\u0026", "&")
        if line or _OPENS.search(head) is None:
            return line
    return ""


# Mechanism 1c: a note on the line after the value that names it ("This password must be only used for first time
# login" - argocd admin initial-password; "The token above expires in 24h"; "Use it to log in")
# The note must NAME the secret (review r12: "Change it with: kubectl config use-context", "Use this region", "The node
# key was rotated" follow a context, a region, a node): `this/that/above ... <noun>`, `the <noun> above/below/shown`, or
# `use/keep it ...` naming the secret or what it does ("Keep this secret safe", "Use it to log in").
_NOTE = re.compile(r"(?i)^\W{0,4}(?:this|that|the above|above|the(?=[^.\n]{0,40}?\b(?:above|below|shown|printed)\b))\b"
                   r"[^.\n]{0,40}?\b(?:password|passphrase|passcode|token|key|secret|credential)s?\b"
                   r"(?![ _-]*(?:id|ids|name|fingerprint|file|path|hash)\b)"
                   r"|^\W{0,4}(?:use|keep|store|save|copy)\s+(?:this|it)\b[^.\n]{0,40}?\b(?:password|passphrase|passcode|token|key"
                   r"|secret|credential|log ?in|sign ?in|authenticat\w*|unlock\w*)s?\b")
_SEAM_OR_BREAK = re.compile(r"\\n" + DOCKER_SEAM + r"|\\r\\n|\\n|\r\n")


def _next_line(text: str, end: int) -> str:
    """The nearest non-blank line after `end` (raw, JSON-escaped, the next Docker record), two blank lines at most."""
    lines = _SEAM_OR_BREAK.sub("\n", text[end:end + 600]).split("\n")[1:4]
    return next((line.strip().replace("\\t", " ") for line in lines if line.strip()), "")


def _announces(line: str) -> bool:
    """True when `line` announces a secret on the next line (a banner) or is a command that prints one."""
    if len(line) > 240:
        return False
    prompt = _PROMPT.search(line) if "$ " in line or "# " in line or "% " in line or "> " in line else None
    if prompt is not None:
        cmd = prompt.group("cmd")
        return _CMD_SECRET.search(cmd) is not None and "=" not in cmd.split("|")[-1] and _NAME_SELECTOR.search(cmd) is None
    noun = _SECRET_NOUN.search(line)
    return (noun is not None and _FOLLOWS.search(line) is not None and _NOT_SECRET_AFTER.search(line) is None
            and len(line.split()) <= 20 and _qualified_key_is_secret(line, noun))


# A command that names a secret but prints its NAME (review r12): `kubectl get secret X -o name`, `aws secretsmanager
# list-secrets --query 'SecretList[0].Name'`, `gh auth status --show-token | grep Account`.
_NAME_SELECTOR = re.compile(r"(?i)(?:-o|--output)[ =]?name\b|--query\b[^|]*\.Name\b|\|\s*grep\b[^|]*\b(?:Account|Name|User(?:name)?)\b")
_DETERMINERS = frozenset({"a", "an", "the", "your", "my", "our", "this", "that", "new", "following", "generated", "its",
                          "their", "his", "her", "initial", "one-time", "temporary"})


def _qualified_key_is_secret(line: str, noun: re.Match[str]) -> bool:
    """A bare `key` is a secret only as much as its qualifier says: `Cache key:`, `Partition key:`, `Sort key:` label a
    data key (review r12), `Recovery key:`, `License key:` a secret - judged whole by is_secret_name."""
    if noun.group(0).lower() not in ("key", "keys"):
        return True
    before = line[:noun.start()].split()
    if not before or before[-1].lower().strip("'\"(") in _DETERMINERS:
        return True
    return is_secret_name(before[-1].lower().strip("'\"(") + "_key")


def _value(val: str) -> bool:
    """A lone token that can be a credential: not words, a path, a URL, `k=v`, a short number or a mark (the cheap
    tests; _kept_value the rest, once a line announced it)."""
    v = val.rstrip(".,;")
    if len(v) < 6 or "(" in v or v.lower() in PROSE or v.startswith(("/", "~", "./", "[REDACTED", "$", "<")):
        return False
    if NOT_A_VALUE.fullmatch(v) and ("=" not in v or _FIELD_KEY.fullmatch(v.split("=", 1)[0])):
        return False
    return not (_NUMBER.fullmatch(v) or v.endswith(":") or all(wordlike(p) and p.isalpha() and len(p) <= 16 for p in _SEPS.split(v) if p))


def _kept_value(val: str) -> bool:
    """Masked by its printer (`sk-proj-****abcd`), or OpenSSL's colon-hex under a label (spelled.py judges those)."""
    return is_masked(val) or COLON_HEX.fullmatch(val) is not None


def _random_alone(v: str) -> bool:
    """Mechanism 2: a token of 12-19 characters alone on its line that reads as generated (module doc); the cheap
    tests first, is_public (a dozen prefix and point tests) last."""
    core = v.strip("-_=/+.")
    if not 12 <= len(core) < 20 or "=" in core or ":" in core or not core.isascii() or \
            _DIGIT.search(core) is None:  # (ASCII: the \\u decoder judges a run's letters alone)
        return False
    if ID_PREFIXES.match(core) or camel_identifier(core):
        return False
    parts = [p for p in _PARTS.split(core) if p]
    if len(parts) > 1 and all(p.isdigit() or len(p) <= 2 or p.isalpha() and (p.islower() or p.isupper() or p.istitle())
                              for p in parts):  # words (`Python-3.11.4`), not wordlike(): its 8-letter pass takes `JfMELG`
        return False
    return reads_random(core) and not is_public(core)  # entropy.py's tests: both cases, class switches, Shannon bar


def lone_sub(mark: str) -> Callable[[str], str]:
    """Mark a lone value announced by its previous line (mechanism 1) or random-looking alone (mechanism 2); never a
    line of a PEM block (the PEM rule and keep.py judge those: a certificate's body is public)."""
    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        pem = [m.span() for m in PEM_BLOCK.finditer(text)] if "-----BEGIN" in text else []
        for rx in (_LONE_RAW, _LONE_ESC, _LONE_DOCKER):
            if rx is _LONE_RAW and "\n" not in text or rx is not _LONE_RAW and "\\n" not in text:
                continue
            for m in rx.finditer(text):
                val = m.group("v")
                if (_random_alone(val) or _value(val) and (_announces(_previous_line(text, m.start("v")))
                                                           or _NOTE.match(_next_line(text, m.end("v"))) is not None)
                        and not _kept_value(val)) and \
                        not any(a <= m.start("v") < b for a, b in pem):
                    spans.append(m.span("v"))
        return mark_spans(text, spans, mark)
    return sub


def lone_record_sub(mark: str) -> Callable[[str], str]:
    """Mechanism 2 for a record whose whole message is one token (no line break to anchor on: runs on every text,
    so C-level tests first: the text's length, its last blank-separated chunk's (the token, or `"<token>"}` in a
    json.dumps line: 12-26 characters), its blanks)."""
    def sub(text: str) -> str:
        if len(text) > 400 or not 12 <= len(text) - text.rfind(" ") - 1 <= 26 or text.count(" ") > 12 or \
                (m := _LONE_RECORD.match(text)) is None or not _random_alone(m.group("v")):
            return text
        return text[:m.start("v")] + mark + text[m.end("v"):]
    return sub


# Mechanism 1b: `Secret ID    = <v>` / `Client Secret:   <v>` at a line's start (raw, escaped, Docker record)
_PADDED = re.compile(r"(?:^|(?<=\n)|(?<=\\n)|(?<=\{\"log\":\"))(?:[ \t]|\\t)*(?P<name>[A-Za-z][A-Za-z]*(?: [A-Za-z][A-Za-z]*){0,3}"
                     r"(?: \d{1,2})?)(?:[ \t]|\\t)*[=:](?:[ \t]|\\t)+(?P<v>[^\s\"'\\]{6,512})(?=(?:[ \t]|\\t)*(?:\r?\n|\\[rn]|\"|$))")
_PADDING = ("  =", "  :", ":  ", "=  ", "\t", "\\t")  # a column: two blanks or a tab on one side of the sign
PADDED_HINTS = ("secret", "token", "password", "passphrase", "key")


def padded_label_sub(mark: str) -> Callable[[str], str]:
    """Mark the value of a multi-word secret label in a Go CLI's key/value output (mechanism 1b)."""
    def sub(text: str) -> str:
        if not any(p in text for p in _PADDING):
            return text  # (C-level substring tests first: the pattern below tries every position)
        spans = [m.span("v") for m in _PADDED.finditer(text)
                 if (" " in m.group("name") or not m.group("name")[1:].islower())  # one lowercase word: kv_sub's
                 and is_secret_name("_".join(w for w in m.group("name").split() if not w.isdigit()))
                 and _value(m.group("v")) and not _kept_value(m.group("v"))
                 and not public_at(text, m.start("v"), m.group("v"))
                 and not _NOT_A_SECRET_LABEL.search(m.group("name"))]
        return mark_spans(text, spans, mark)
    return sub


# Mechanism 1d (CLASSES14.md B25, A74, A76): the banner and its value on ONE line, the value closing it after a colon.
# A generator's sentence that hands over what it made: "A temporary password is generated for root@localhost: <v>"
# (mysqld --initialize, MySQL manual "Initializing the Data Directory"), "GENERATED ROOT PASSWORD: <v>" (the MySQL and
# MariaDB images' entrypoints), "Your new API token is: <v>", "Wormhole code is: <nameplate>-<word>-<word>"
# (magic-wormhole: the code IS the PAKE password), "Pairing code: <v>". The sentence names a secret (or a code that
# grants: pairing, transfer, one-time, verification, activation, invite, enrolment, join) and says it was made or
# handed over (generated, created, set, reset, new, temporary, initial, default, random, "is:"); a sentence that
# reports a failure ("password authentication failed for user: <name>", "token expired for account: <id>", "invalid
# key for user: <name>") names a WHO, not the secret, and is kept.
_INLINE = re.compile(r":(?:[ \t]|\\t)+(?P<v>[^\s\"'\\]{6,512})(?:[ \t]|\\t)*(?=\r?\n|\\[rn]|\"|$)")
_CODE_NOUN = re.compile(r"(?i)\b(?:wormhole|pairing|transfer|one[ -]time|verification|activation|invit(?:e|ation)"
                        r"|enrol(?:l?ment)?|join|setup|login|access|recovery|backup) codes?\b")
_HANDED = re.compile(r"(?i)\b(?:generated|created|set|reset|new|temporary|initial|default|random|is|are)\b")
_FAILURE = re.compile(r"(?i)\b(?:fail\w*|invalid|incorrect|wrong|expired?|missing|denied|error|mismatch\w*|reject\w*|"
                      r"required|unable|cannot|can't|could not|not|no|bad|unknown|revoked|locked|too)\b")
# "... for user: <v>", "... for account: <v>": the value names the role the sentence ends on, not the secret
_FOR_WHOM = re.compile(r"(?i)\bfor (?:the |this )?(?:user|account|tenant|client|host|service|project|org|organi[sz]ation|team"
                       r"|app|application|role|customer|member|node|server|instance|database|db|realm|domain|namespace|id)$")
INLINE_HINTS = ("password", "passphrase", "passcode", "token", "secret", " code", "pin")


# The noun must HEAD its phrase: the word after it hands the value over ("password is", "secret created for",
# "password set to", "code:"), never another noun the secret modifies ("token model is:", "token limit (default) is:",
# "password hashing scheme is:", "secret store backend is:": an attribute's value, review r13).
_AFTER_NOUN = frozenset({"is", "was", "are", "has", "have", "set", "generated", "created", "reset", "for", "to", "now",
                         "default", "follows", "below", "here", "of", "changed", "updated", "issued", "assigned"})


def _heads_phrase(head: str, noun: re.Match[str]) -> bool:
    after = head[noun.end():].split()
    return not after or after[0].lower().strip("():,") in _AFTER_NOUN


# A sentence's end inside the line: `.`/`!`/`?` then blanks, then a capital (qBittorrent-nox's "The WebUI administrator
# password was not set. A temporary password is provided for this session: <v>": the failure word of the sentence
# before is no failure of the one that hands the value over; a dotted name `v2.1` or `e.g. x` is no sentence end).
_SENTENCE_END = re.compile(r"[.!?](?:[ \t]|\\t)+(?=[A-Z])")


def _line_head(text: str, colon: int) -> str:
    """The last sentence of the line that ends at `colon` (raw or JSON-escaped break, a Docker record, a JSON string's
    start)."""
    head = text[max(0, colon - 400):colon]
    cut = max(head.rfind("\n") + 1, head.rfind("\\n") + 2 if "\\n" in head else 0, head.rfind('"') + 1)
    ends = [m.end() for m in _SENTENCE_END.finditer(head, cut)] if "." in head or "!" in head or "?" in head else []
    return head[ends[-1] if ends else cut:].strip()


def inline_banner_sub(mark: str) -> Callable[[str], str]:
    """Mark the value that closes a line whose sentence hands over a secret (mechanism 1d)."""
    def sub(text: str) -> str:
        if ": " not in text and ":\\t" not in text:
            return text
        spans = []
        for m in _INLINE.finditer(text):
            head = _line_head(text, m.start())
            # The LAST secret noun that heads its phrase introduces the value: `Token rotation finished, the new
            # token is: <v>` opens with a noun that describes something else (review r13, finding 2).
            heading = [n for n in _SECRET_NOUN.finditer(head) if _heads_phrase(head, n)]
            noun = heading[-1] if heading else _CODE_NOUN.search(head)
            if not heading and noun is not None and not _heads_phrase(head, noun):  # a heading noun passed it
                continue  # `token model is: kimi-k2`, `password hashing scheme is: argon2id` (review r13)
            if noun is None or len(head.split()) > 24 or _FAILURE.search(head) or _NOT_SECRET_AFTER.search(head + ":") \
                    or _FOR_WHOM.search(head) or _HANDED.search(head) is None and not (
                        noun.re is _CODE_NOUN and noun.end() == len(head)):  # `Pairing code: <v>`: the label alone
                continue
            val = m.group("v")
            if "://" in val or not _value(val) or _kept_value(val) or public_at(text, m.start("v"), val) or \
                    not _qualified_key_is_secret(head, noun):
                continue
            spans.append(m.span("v"))
        return mark_spans(text, spans, mark) if spans else text
    return sub
