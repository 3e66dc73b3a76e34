"""Values in a secret's slot that say WHERE or WHICH a credential is, or hash a public value (CLASSES14.md D30-D31,
CLASSES16.md D39, D41): each by its tool's documented grammar, so the slot's real value stays judged.

- A `file://` URL to a local file (Pulsar `authParams=file:///path/token.jwt`, pulsar-client `client.conf` docs;
  Kafka/NATS credential-file switches): the secret's location, like a plain path (keep._file_path).
- An algorithm-prefixed digest of the length its algorithm makes (`sha256:<64 hex>`): Teleport `--ca-pin`, kubeadm
  `--discovery-token-ca-cert-hash` (the SHA-256 of the cluster CA's PUBLIC key, kubeadm join docs), OCI digests. The
  name may hold a secret word (`pin`); the value is a digest of something public. OpenShift's `sha256~<token>` is a
  token (a `~`, not a `:`) and stays judged.
- A Proxmox VE API token ID `USER@REALM!TOKENID` (pve docs "API Tokens": the ID names the token, the secret is the
  UUID beside it; Terraform `pm_api_token_id`).
- A JSON object of settings with no credential member in a secret's slot (Hasura's JWT secret given as `jwk_url`).
- A Kubernetes Secret's NAME as kustomize's secretGenerator writes it, in the kind's slot (`secret "<name>" not
  found`, `kubectl get secret <name>`): kustomize appends `-` and 10 characters of the SHA-256 hex of the object
  with 0, 1, 3, a, e mapped to g, h, k, m, t (kustomize api/hasher/hasher.go `encode`, copied from kubectl's
  hash.go), so the suffix alphabet is `2456789bcdfghkmt`. A value outside that grammar, or in a password's or a
  token's slot (the value's own name, or the name before the kind: `token: secrets "<v>"`), stays judged; unquoted,
  the kind word is kubectl's/oc's argument only on their command line (`echo secret <v>` is a label).
- A WS-Security `#PasswordDigest` (OASIS UsernameToken Profile 1.1 s3.1: Base64(SHA-1(nonce + created + password)),
  bound to a one-time nonce and a timestamp): the Password element says so in its Type attribute.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from .clientkeys import named_shape, public_by_name
from .hashed import digest_shaped, named_digest, verifier_at
from .secret_names import PASSWORD_WORDS, is_secret_name, name_words
from .textstats import wordlike

_FILE_URL = re.compile(r"file://(?:localhost)?(/(?:[A-Za-z0-9_.@-]+/)*[A-Za-z0-9_.@-]+)")
_ALGO_DIGEST = re.compile(r"(?i:sha1:[0-9a-f]{40}|sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})"
                          r"(?![0-9A-Za-z])")
_PVE_TOKEN_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}@[a-z][a-z0-9-]{1,31}![A-Za-z][A-Za-z0-9_.-]{1,63}")
_WORD = re.compile(r"[a-z]{2,}\d*|\d{1,6}|[A-Z][a-z]+\d*")
_PASSWORD_DIGEST = re.compile(r"#PasswordDigest\\{0,3}[\"'][^<>]{0,80}>$")
_PIECES = re.compile(r"[/_.@-]+")
# an RFC 1123 name (Kubernetes object names), then kustomize's suffix (module doc)
_KUSTOMIZE_NAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,240}[a-z0-9])?-[2456789bcdfghkmt]{10}")
# The Secret kind word, the blank after it and a quote (perhaps JSON-escaped) as kubectl/oc write `secret "<name>"`:
# spelled once here, read by this module (a kustomize name kept after it) and by names.py (the kind phrase as the whole
# of a secret name's slot, `api_token: secrets "<v>"`).
KIND_WORD = r"(?i:secrets?)"
KIND_BLANK = r"[ \t]+"
KIND_QUOTE = r"\\{0,3}[\"']"
_SECRET_KIND = re.compile(r"(?<![\w-])" + KIND_WORD + KIND_BLANK + r"(?P<q>" + KIND_QUOTE + r")?$")  # perhaps a quote
# An unquoted name after the kind is kubectl's/oc's argument (`kubectl get secret <name>`); elsewhere (`echo secret
# <v>`, `my secret <v>`) the word is a label and its value stays judged.
_KUBECTL = re.compile(r"(?<![\w-])(?:kubectl|oc)(?![\w-])")
# The name before the kind (`token: secrets "<v>"`, `password=secret <v>`): a password's or a token's slot stays judged.
_NAME_BEFORE_KIND = re.compile(r"(?P<name>[A-Za-z_][\w.-]{0,60})\\{0,3}[\"']?[ \t]*(?:[:=][ \t]*)?\\{0,3}[\"']?$")
_SLOT_WORDS = PASSWORD_WORDS | {"token", "tokens"}


# What a name that `public_in_slot` can keep by holds (lowercased): a hash word (hashed.named_digest: `hash`, `hashed`,
# `pbkdf`, `bcrypt`, `crypt`, `argon`, `scrypt`, `sha`, `digest`) or a client-side key's (clientkeys.public_by_name:
# `client` + `side`, `frontend`, `clientKey`, `environment`). The name is read within 72 characters before the value
# (identified.announcer_name's window); a value with none of them before it needs no name: the scan is skipped.
_NAME_WORDS = ("hash", "pbkdf", "crypt", "argon", "sha", "digest", "side", "frontend", "clientkey", "environment")
_NAME_WINDOW = 80


def public_in_slot(text: str, pos: int, value: str, name_at: Callable[[], str | None]) -> bool:
    """True when the value at `pos` after the name `name_at()` reads (identified.announcer_name, asked only when the value's
    shape needs it: a backward scan per value) is not the secret its slot is for: a stored verifier (hashed.py), a
    client-side key its name marks public (clientkeys.py), or a reference below."""
    if verifier_at(text, pos, value, None) or kustomize_secret_name(text, pos, value):
        return True
    ref = public_reference(text, pos, value)
    if not ref:
        w = text[max(0, pos - _NAME_WINDOW):pos].lower()  # (an `in` per word, in C: cheaper than one regex search)
        if not any(map(w.__contains__, _NAME_WORDS)):
            return False  # no name there can keep a digest or a client-side key (see _NAME_WORDS)
    named = digest_shaped(value) or named_shape(value)
    if not named and not ref:
        return False
    name = name_at()
    return named and (named_digest(name, value) or public_by_name(name, value)) or ref and (
        name is None or PASSWORD_WORDS.isdisjoint(name_words(name)))  # a password slot holds a password


def kustomize_secret_name(text: str, pos: int, value: str) -> bool:
    """True when the value at `pos` is a kustomize hash-suffixed name after the Secret kind word (module doc)."""
    v = value.strip("\"'")
    if not (len(v) >= 12 and v[-11] == "-" and _KUSTOMIZE_NAME.fullmatch(v) is not None):
        return False
    kind = _SECRET_KIND.search(text, max(0, pos - 16), pos)
    if kind is None:
        return False
    line = text.rfind("\n", 0, kind.start()) + 1
    if kind.group("q") is None and _KUBECTL.search(text, line, kind.start()) is None:
        return False
    name = _NAME_BEFORE_KIND.search(text, max(line, kind.start() - 80), kind.start())
    return name is None or _SLOT_WORDS.isdisjoint(name_words(name.group("name")))


def public_reference(text: str, pos: int, value: str) -> bool:
    """True when the value at `pos` names a credential's file or id, or is a digest of a public value."""
    v = value.strip("\"'")
    # (each grammar read only where its literal is: `file://`, `sha` (IGNORECASE: `ſ` too), `@` and `!`)
    f = _FILE_URL.fullmatch(v) if v.startswith("file://") else None
    if f is not None:
        return all(wordlike(p) for p in _PIECES.split(f.group(1)) if p)
    if text.startswith(("s", "S", "\u017f"), pos) and _ALGO_DIGEST.match(text, pos) is not None:
        return True
    pve = _PVE_TOKEN_ID.fullmatch(v) if "!" in v and "@" in v else None
    if pve is not None and all(_WORD.fullmatch(w) for w in _PIECES.split(v.replace("!", ".")) if w):
        return True  # every piece a word (`gw-sidecar@pve!metrics`), not a password with a `@` and a `!` in it
    if v.startswith("{") and _plain_object(v):
        return True
    return text.startswith(">", pos - 1) and _PASSWORD_DIGEST.search(text, max(0, pos - 100), pos) is not None


_URL = re.compile(r"https?://[\w.-]+(?::\d+)?(?:/[\w./%-]*)?(?:\?[\w=&.-]*)?")


def _plain_object(v: str) -> bool:
    """A JSON object of settings and no credential (Hasura `HASURA_GRAPHQL_JWT_SECRET='{"jwk_url": "https://..."}'`,
    CLASSES16 D41): no member with a secret's name, and every value a URL, a number, a boolean or one word."""
    try:
        obj = json.loads(v.replace('\\"', '"'))
    except ValueError:
        return False
    if not isinstance(obj, dict) or not obj:
        return False
    return all(isinstance(k, str) and not is_secret_name(k) and (
        isinstance(x, bool | int | float) or isinstance(x, str) and (_URL.fullmatch(x) is not None or len(x) <= 32
                                                                      and wordlike(x))) for k, x in obj.items())


# the entropy fallback's view: the digest and the nonce beside it (the Nonce element, UsernameToken Profile s3.1)
# (`<` and `>` as a Docker json-file record writes them: `\u003c`, `\u003e`)
_WSSE_VALUE = re.compile(r"#PasswordDigest\\{0,3}[\"'][^<>]{0,80}?(?:>|\\u003e)(?P<d>[A-Za-z0-9+/=]{8,200})(?:<|\\u003c)"
                         r"|(?:<|\\u003c)(?:\w{1,20}:)?Nonce(?:\s[^<>]{0,200}?)?(?:>|\\u003e)(?P<n>[A-Za-z0-9+/=]{8,200})"
                         r"(?:<|\\u003c)")


def reference_spans(text: str) -> list[tuple[int, int]]:
    """Where a WS-Security password digest or its nonce is."""
    if "PasswordDigest" not in text and "Nonce" not in text:
        return []
    return [m.span("d") if m.group("d") else m.span("n") for m in _WSSE_VALUE.finditer(text)]
