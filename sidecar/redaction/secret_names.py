"""Which field names say their value is a secret (`DB_PASS`, `clientSecret`, `x-api-key`), and which
secret-like names announce a nonce or a cursor instead (`Sec-WebSocket-Key`, `next_page_token`).

The name vocabulary on its own: keep.py (announced identifiers) and names.py (the assignment carriers)
both ask it, so it lives below them and the package has no import cycle. The rules are names.py's
docstring's: words split at separators and camelCase, a secret word or a joined pair or an ALLCAPS run's
end, unless the last word says the value is metadata about a secret.
Also a value that is a secret's NAME or says where one is (`names_a_secret`, `names_where`: CLASSES17 D43).
"""

from __future__ import annotations

import functools
import re

from .textstats import shannon, switch_rate, wordlike

TOKEN_OF = frozenset({"page", "next", "continuation", "pagination", "sync", "cursor", "resume", "prev", "previous",
                      "marker", "delta", "watermark", "change", "changes"})
KEY_OF = frozenset({"socket", "websocket", "idempotency", "idem", "dedup", "dedupe", "cache", "partition", "sort",
                    "row", "object", "range", "shard", "lookup"})


def announces_nonce(words: list[str]) -> bool:
    """`page_token`, `NextToken`, `Sec-WebSocket-Key`, `idempotency_key`: a cursor or a nonce, named like a secret."""
    if len(words) < 2:
        return False
    last, prev = words[-1], words[-2]
    return last == "token" and prev in TOKEN_OF or last == "key" and prev in KEY_OF


SECRET_WORDS = frozenset({
    "pass", "passwd", "password", "passphrase", "passcode", "pwd", "pw", "pword", "secret", "secrets", "token",
    "key", "apikey", "auth", "authorization", "credential", "credentials", "cred", "creds", "sig", "signature",
    "cookie", "privatekey", "accountkey", "accesskey", "secretkey", "sessionid", "sessiontoken", "pin", "jwt",
    "bearer", "sas", "otp", "totp", "hmac", "authtoken", "apitoken", "accesstoken", "refreshtoken",
    "idtoken", "clientsecret", "passwort", "kennwort", "contrasena", "contraseña", "senha", "wachtwoord",
    "motdepasse", "salasana", "haslo", "geheim", "parol", "parola",
    # a WPA pre-shared key (wpa_supplicant.conf(5) `psk=`, NetworkManager `wifi-sec.psk`, hostapd `wpa_psk`)
    "psk",
    "masterauth",  # redis.conf / CONFIG SET: the password a replica authenticates to its master with
    "hotp",  # RFC 4226 (TOTP, RFC 6238, and OTP are above)
    # a personal access token (GitHub, GitLab, Azure DevOps `AZURE_DEVOPS_EXT_PAT`, `az devops login`, Docker Hub)
    "pat",
    # a wallet's BIP-39 mnemonic (the seed words ARE the private key: BIP-39 "Mnemonic code for generating
    # deterministic keys"; MetaMask's "Secret Recovery Phrase"), also spelled as two words joined
    "mnemonic", "seedphrase", "walletseed", "recoveryphrase",
    # abbreviations of password seen in config keys and prompts
    "pswd", "psswd", "pssw", "passw",
    # and of token (`api_tok`, `auth_tkn`: set 11 had `s:7:"api_tok"` in a PHP session); `toks` (a count) is not. No hint
    # of their own (a `tok` hint would fire on every `token` twice): such names hold `api`/`auth`/`access`, hints already
    "tok", "tkn",
    # bearer credentials named after their construction (CLASSES15 A91): a macaroon (lnd `Grpc-Metadata-macaroon`,
    # `--macaroonpath` aside; Loop/Pool/Taproot Assets the same header) and a Core Lightning rune (`lightning-createrune`
    # JSON `"rune"`, clnrest `Rune:` header)
    "macaroon", "rune",
    # Etsy Open API v3's own word for its API key (`x-api-key: <keystring>:<shared secret>`; CLASSES19 B38: a vendor's
    # config word with no secret word in it); `key_string_length` ends in a metadata word and stays
    "keystring",
})
# The end of an ALLCAPS or lowercase run like PGPASSWORD, dbpass, MYSQLROOTPWD, apikey.
_SECRET_SUFFIXES = ("password", "passwd", "pass", "pwd", "pswd", "pw", "secret", "token", "apikey", "accesskey", "secretkey",
                    "privatekey", "accountkey", "authkey", "passphrase", "passcode", "passwort", "signature")
_NOT_SECRET_RUNS = frozenset({"bypass", "compass", "surpass", "overpass", "underpass", "trespass", "monkey",
                              "turkey", "hockey", "jockey", "donkey", "whiskey", "passkey", "encompass", "impass"})
# A last word that makes the name metadata about a secret, not the secret itself.
META_WORDS = frozenset({
    "count", "counts", "length", "len", "size", "type", "types", "name", "names", "file", "path", "paths", "url",
    "uri", "limit", "limits", "max", "min", "expiry", "expires", "expired", "expiration", "ttl", "usage", "used",
    "left", "remaining", "error", "errors", "exception", "headers", "field", "fields", "prefix", "hint",
    "required", "missing", "invalid", "format", "kind", "version", "policy", "scope", "scopes", "endpoint",
    "provider", "source", "store", "manager", "service", "env", "var", "rotation", "id", "ids", "index", "idx",
    "mode", "method", "methods", "enabled", "disabled", "set", "status", "state", "ok", "valid", "check",
    "checks", "fingerprint", "algorithm", "alg", "location", "dir", "budget", "rate", "tokens", "per",
    "estimate", "estimated", "total", "mismatch", "failed", "failure", "refresh", "refreshed", "rotated",
    "validation", "verify", "verified", "ref", "reference", "age", "at", "time", "timeout", "class", "module",
    "handler", "backend", "strategy", "label", "labels", "column", "columns", "bytes",
    "chars", "counter", "pattern", "regex", "map", "list", "board", "pad", "word", "words", "note", "notes", "event",
    "stroke", "strokes", "press", "code", "codes", "ring", "chain", "space", "spaces", "frame", "vault",
    "alias", "pair", "attempts", "attempt", "retries", "reset", "resets", "expire", "lifetime",
    "duration", "interval", "window", "quota", "flow", "flows", "urls", "host", "port",
    "user", "username", "login", "account", "issuer", "audience", "subject", "claims", "claim",
    "spend", "spent", "cost", "costs",  # LiteLLM `x-litellm-key-spend: 0.02`: what a key spent, not the key
    "days", "day", "hours", "hour", "minutes", "mins", "seconds", "secs", "ms", "weeks", "months",  # durations
    # the mechanism that stores or checks a secret: PostgreSQL `password_encryption = scram-sha-256`, MySQL
    # `auth_plugin=caching_sha2_password`, `password_hashing: argon2id`
    "plugin", "plugins", "encryption", "hashing", "hasher",
    "fd",  # gpg(1) `--passphrase-fd 3`, `--password-fd`: the file descriptor the secret is read from
    "stdin",  # `docker login --password-stdin <registry>`: the secret is read from standard input
    "authentication", "mgmt", "management",  # `key_mgmt=WPA-PSK` (wpa_supplicant.conf(5)): the key management algorithm
})
# Hints that gate the name rule's regex (any of these inside a name makes it a candidate).
NAME_HINTS = ("pass", "pwd", "pw", "secret", "token", "key", "auth", "cred", "sig", "cookie", "session", "pin", "api",
              "access", "sessid", "connect.sid",
              "jwt", "bearer", "sas", "contrase", "otp", "hmac", "wort", "senha", "wachtwoord", "parol",
              "haslo", "geheim", "salasana", "psk", "pswd", "pssw", "mnemonic", "phrase", "walletseed", "macaroon", "rune",
              # `pat` only before a separator: as a bare hint it would run the rule on every `path` and `pattern`
              "pat=", "pat:", "pat ", "pat\t", "pat'", 'pat"', "pat\\", "pat%")
# A word before `key` that makes it a key OF something (gitleaks' generic-api-key allowlist: bucket, foreign,
# hot, idx, natural, primary, pub(lic), schema, sequence; and the same idea for ids of requests and records).
_KEY_OF = frozenset({"bucket", "foreign", "hot", "idx", "natural", "primary", "pub", "public", "schema", "sequence",
                     "idempotency", "cache", "partition", "sort", "dedup", "dedupe", "lookup", "row", "object",
                     "group", "alert", "range", "hash", "shard", "composite", "unique", "index", "message",
                     "record", "map", "dict", "translation", "i18n", "cursor", "page", "idem", "order", "join",
                     "parameter", "param", "config", "setting", "env", "field", "column", "label", "tag",
                     "site"})  # a CAPTCHA site key is served in the page (reCAPTCHA/hCaptcha/Turnstile docs)
# `Pass_Word`, `passWord`, `pass-code`: a secret word split in two, whose second half alone is metadata.
_JOINED = frozenset({"password", "passcode", "passphrase", "passwd"})
_DIGIT_RUNS = re.compile(r"\d+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+")
_SPLIT = re.compile(r"[_.\-\s/:\[\]]+")


def name_words(name: str) -> list[str]:
    """`X-Db-PassWord2` -> ['x', 'db', 'pass', 'word']: lowercased words without digits (a fresh list)."""
    return list(_name_words(name))


@functools.lru_cache(maxsize=8192)
def _name_words(name: str) -> tuple[str, ...]:
    words: list[str] = []
    for part in _SPLIT.split(name.strip("\"'`$@-_&;%")):
        words.extend(w.lower() for w in _CAMEL.findall(part))
    return tuple(w for w in words if not w.isdigit())


# An ALLCAPS run (an environment variable: SMTPAUTH, PRODMASTERKEY, REDISCREDENTIALS) may also end in these;
# a lowercase run may not (`primarykey`, `hotkey`, `oauth` are words of their own).
_UPPER_RUN_SUFFIXES = _SECRET_SUFFIXES + ("key", "auth", "credentials", "credential", "creds", "cred", "sig")


def _secret_word(w: str, upper: bool = False) -> bool:
    if w in SECRET_WORDS:
        return True
    return w not in _NOT_SECRET_RUNS and len(w) > (3 if upper else 4) and w.endswith(
        _UPPER_RUN_SUFFIXES if upper else _SECRET_SUFFIXES)


# gitleaks' generic-api-key keywords also count `access` and `api` (`MY_API=...`, `accessCode: ...`); alone they
# are weak (api_base, access_level), so their value must also look random (gitleaks: entropy >= 3.5).
_WEAK_WORDS = frozenset({"access", "api"})


# A lowercase run ending in `key` (`registrationkey`: BLS v2's JSON body, `licensekey`, `subscriptionkey`; CLASSES21
# A172): a word of its own is no secret word (`monkey`, `hotkey`, `primarykey`, `routingkey`), so such a run is weak
# like `api` - its value must also look generated, and it must be assigned - unless the part before `key` is short
# (`monkey`, `turkey`) or a "key of" word.
_GLUED_KEY_OF = KEY_OF | _KEY_OF | {"routing", "search", "shortcut", "pass", "whis", "jockey"}


def _glued_key(w: str) -> bool:
    return len(w) >= 8 and w.endswith("key") and w[:-3] not in _GLUED_KEY_OF and w not in _NOT_SECRET_RUNS


@functools.lru_cache(maxsize=4096)
def is_weak_secret_name(name: str) -> bool:
    words = name_words(name)
    return bool(words) and words[-1] not in META_WORDS and any(w in _WEAK_WORDS for w in words)


@functools.lru_cache(maxsize=4096)
def glued_key_name(name: str) -> bool:
    """`registrationkey`, `licensekey` (see _GLUED_KEY_OF): weak, and only in an assignment (the caller's: `name=`,
    JSON, kwargs - not `NAME value`, where `trustedkey 1 2 3` is chrony's list of key ids)."""
    words = name_words(name)
    return bool(words) and name.islower() and _glued_key(words[-1])


_RANDOM_CHARS = re.compile(r"[A-Za-z0-9_\-+/=.]+")
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_RANDOM_PARTS = re.compile(r"[-_./+=]+")


def random_value(val: str) -> bool:
    """A value that reads as generated: 10+ characters of a token charset, letters and digits, not words."""
    if len(val) < 10 or not _RANDOM_CHARS.fullmatch(val) or val.count(".") >= 2:
        return False
    if not (_LETTER.search(val) and _DIGIT.search(val)):
        return False
    parts = [p for p in _RANDOM_PARTS.split(val) if p]
    return not all(wordlike(p) for p in parts) and shannon(val) >= 3.0


# Web frameworks' session cookies (the cookie's value IS the session, a bearer credential: OWASP Session Management
# Cheat Sheet): Rails `_<app>_session` (ActionDispatch cookie store key, e.g. GitLab's `_gitlab_session`) and
# `_session_id`, Laravel `laravel_session`, CodeIgniter `ci_session`, PHP `PHPSESSID`, Java servlet `JSESSIONID`,
# express-session `connect.sid`, ASP.NET `ASP.NET_SessionId`, Rack `rack.session`. A `session` that is not such a
# cookie's name (`session_count`, `user_session`) is not a secret name by itself.
_SESSION_COOKIE = re.compile(
    r"_[a-z0-9]+(?:_[a-z0-9]+)*_session|_session_id|laravel_session|ci_session|PHPSESSID|JSESSIONID|connect\.sid"
    r"|ASP\.NET_SessionId|rack\.session", re.IGNORECASE)


# Vault's AppRole login takes a public `role_id` and a `secret_id` credential (developer.hashicorp.com/vault/docs/auth/
# approle); S3-protocol keys come as an access key id and a secret (Supabase Storage's is 32 hex, unlike AWS's AKIA).
_PAIR_HALF = frozenset({"access", "aws", "s3", "approle", "vault"})
# boto3's `SecretId=` (Secrets Manager, get_secret_value) is the secret's NAME or ARN: a parameter in CamelCase is an
# SDK's argument naming a resource, not the credential half Vault's snake_case `secret_id` is.
_CAMEL_SECRET_ID = re.compile(r"SecretId|secretId")
# A digest of a key or token names it and cannot be used (LiteLLM stores `hashed_token`); a password's hash is not
# kept by this (an offline guess target).
_HASHED = frozenset({"hash", "hashed", "digest", "sha256", "sha"})
PASSWORD_WORDS = frozenset({"password", "passwd", "pass", "pwd", "passphrase", "passcode", "pw"})


# HashiCorp Vault's own accessor names (Vault docs, "Tokens" > "Token accessors": a reference to the token that can
# only look it up, renew, revoke or list its capabilities, never authenticate; `vault token lookup` prints `accessor`,
# `vault login`/`vault token create` `token_accessor`, auth and secret mounts `accessor`/`mount_accessor`, AppRole's
# `secret-id` `secret_id_accessor`), whole, with at most a leading `vault`/`auth`: any other name ENDING in `accessor`
# (`AWS_SECRET_ACCESSOR`, `storage_accessor`) is judged by its words (review r17).
_VAULT_ACCESSORS = frozenset({("accessor",), ("token", "accessor"), ("mount", "accessor"),
                              ("secret", "id", "accessor")})


def vault_accessor_name(words: list[str]) -> bool:
    """`words` (name_words) are one of Vault's accessor names."""
    return tuple(words) in _VAULT_ACCESSORS or len(words) > 1 and words[0] in ("vault", "auth") and \
        tuple(words[1:]) in _VAULT_ACCESSORS


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """True when a field/variable name says its value is a secret (`DB_PASS`, `clientSecret`, `x-api-key`)."""
    if _SESSION_COOKIE.fullmatch(name):
        return True
    words = name_words(name)
    if not words or any(len(p) >= 12 and switch_rate(p) >= 0.25 or len(p) >= 16 and len(_DIGIT_RUNS.findall(p)) >= 2
                        and shannon(p) >= 3.5 for p in _SPLIT.split(name)):
        return False  # no name at all: a random id or key body that happens to hold "pw" or "key" (`qwbnipw2cnbn55k..`)
    if words[-1] == "id" and (words[-2:] == ["secret", "id"] and (len(words) == 2 or words[-3] in _PAIR_HALF) or
                              words[-3:] == ["access", "key", "id"]) and not _CAMEL_SECRET_ID.search(name):
        return True  # Vault AppRole `secret_id`, an S3 `access_key_id`: the half of a credential pair, not an id
    if words[-1] in META_WORDS and not (len(words) >= 2 and words[-2] + words[-1] in _JOINED) or \
            vault_accessor_name(words):
        return False
    if words[-2:] == ["api", "hash"]:
        return True  # MTProto's application secret (my.telegram.org; Telethon, Pyrogram, TDLib `api_hash`, gramjs
        # `apiHash`): named a hash, used as a credential beside the public `api_id` (set 14 spec-out)
    if not _HASHED.isdisjoint(words) and PASSWORD_WORDS.isdisjoint(words):
        return False  # LiteLLM `key_hash`, `hashed_token`: a digest that names a key (CLASSES10.md D2)
    if announces_nonce(words):
        return False  # `Sec-WebSocket-Key`, `next_page_token`: a nonce or a cursor (keep.py)
    upper = name.isupper()
    if words[-1] == "key" and len(words) > 1 and words[-2] in _KEY_OF and not any(
            _secret_word(w, upper) for w in words[:-2]):
        return False  # `idempotency_key`, `primaryKey`, `cache-key`, `public_key`: a key of something, not a secret
    if any(_secret_word(w, upper) for w in words):
        return True
    # two pieces of one word split by a separator (`pass_wd`, `api-key`); a one-letter piece is no word's half
    # (`S0As` read as `s` + `as` = `sas`: a random name, and one no gate hint spells, test_rule_hints)
    return any(a + b in SECRET_WORDS for a, b in zip(words, words[1:], strict=False) if len(a) > 1 and len(b) > 1)


# A token that starts with a secret name, or metadata about one, and its own assignment (`token:` cut before a
# space or a quote, `password=...`): whatever took it as a value or a credential was only an introducer
# (`auth: token: <v>`, `OTP key=<v>`, `pw (password=<v>`, `Bearer password=<v>`, `token: token_count=12`).
# Not `arn:aws:...` (not such a name), not `user:pass` (a colon inside a value), not base64 padding.
_INTRODUCED = re.compile(r"[(\[{<]?([A-Za-z_][\w.\-]{0,80})(?:=|:$)")


def introduced_name(token: str) -> int:
    """Where the inner name starts when `token` is itself the start of an assignment, else -1."""
    n = _INTRODUCED.match(token)
    if n is None:
        return -1
    words = name_words(n.group(1))
    # metadata only when its last part is that word as written (`token_count=`), not a random value's tail that
    # splits into one (`cq-b_24fd=m3o...`: base64url with a `=` inside, `fd` from `24fd`)
    meta = bool(words) and (words[-1] in META_WORDS or vault_accessor_name(words)) and \
        _SPLIT.split(n.group(1))[-1].isalpha()
    return n.start(1) if is_secret_name(n.group(1)) or meta else -1


# A secret's NAME written where its value would be (CLASSES17.md D43, a reference that holds no secret):
# - an environment variable's name (POSIX.1-2017 section 8.1: upper-case letters, digits and `_`; `ANTHROPIC_API_KEY`);
# - a key of a secret map: a Kubernetes `secretKeyRef.key` / `configMapKeyRef.key` (the Kubernetes API reference,
#   SecretKeySelector: "The key of the secret to select from"; Secret data keys are `[-._a-zA-Z0-9]+`:
#   `openai-api-key`, `db.password`), Helm charts' `existingSecretPasswordKey: redis-password`.
# Words joined by `_`, `-` or `.`, at least two of them, and a secret name by
# is_secret_name, each word in one case (or capitalised): a generated value is no such run of words, so it stays judged.
# A version number is an upper-case word's (`KEY_V2`) or a part of its own (`api-key-2`): `hunter2-db-password`, a
# lower-case word with a digit glued on, reads as a human's password (tests/diagnose/test_redact.py).
_NAMED = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+")
_WORD = re.compile(r"[a-z]+|[A-Z]+\d{0,3}|[A-Z][a-z]+|\d{1,3}")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def names_a_secret(val: str) -> bool:
    """`ANTHROPIC_API_KEY`, `openai-api-key`, `db.password`: the value is a secret's name (see above)."""
    return _NAMED.fullmatch(val) is not None and all(_WORD.fullmatch(p) for p in re.split(r"[-_.]", val)) and \
        is_secret_name(val)


def env_var_name(val: str) -> bool:
    """An UPPER_SNAKE environment variable's name that names a secret (`AZURE_OPENAI_API_KEY`)."""
    return _ENV_NAME.fullmatch(val) is not None and names_a_secret(val)


# `<password|token|...> key` names the key of a secret map a value is stored under (Helm charts' `passwordKey`,
# `existingSecretPasswordKey`); not `secret key`, which is a secret itself (Flask/Django `SECRET_KEY`).
_STORED_UNDER = (["password"], ["passwd"], ["pwd"], ["passphrase"], ["token"], ["credential"], ["credentials"])
ESCAPED_END = re.compile(r"(?:\\[rn])+$")  # JSON-escaped line ends closing a value (a Docker json-file record)

# Kubernetes object names (RFC 1123 DNS subdomain, the API reference's "Object Names and IDs"): a Secret's name.
_OBJECT_NAME = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")


def names_where(name: str, val: str) -> bool:
    """The value says where a secret is, not what it is (CLASSES17.md D43): a secret's name as a map key
    (`secretKeyRef: {name: gw-keys, key: ANTHROPIC_API_KEY}`, `existingSecretPasswordKey: redis-password`:
    names_a_secret) or a Helm chart's `existingSecret: <Secret object name>` (Bitnami charts' convention:
    "name of an existing secret" holding the credentials)."""
    words = name_words(name)
    if not words or words[-1] not in ("key", "secret", "secrets"):
        return False
    v = ESCAPED_END.sub("", val) if "\\" in val[-2:] else val  # a JSON-escaped line end in a Docker record
    if words[-1] == "key":
        return (len(words) == 1 or words[-2:-1] in _STORED_UNDER) and (
            names_a_secret(v) or v.isalpha() and is_secret_name(v))
    # an RFC 1123 name is also any lowercase-and-digits string: a random one (`q8wz3kf9x2mv7bt4nc6pl1`, 32 hex) is the
    # secret itself, not the name of the object holding it (review r16)
    return words[0] == "existing" and _OBJECT_NAME.fullmatch(v) is not None and not random_value(v)
