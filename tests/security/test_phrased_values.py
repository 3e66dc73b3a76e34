"""A secret word, a phrase, then the value: the qualified-name rule (names.QUALIFIED: `for`/`of`/`from`, a quoted
qualifier, a change of value `... to <v>`) and the foreign-word rule with a phrase between the word and `:`
(languages.PHRASE_TAIL), generated over names, qualifiers, languages and seeds; and the prose of the same
shape, which stays."""

from __future__ import annotations

import random
import string

import pytest

from sidecar.redaction import redact
from sidecar.redaction.languages import PASSWORD_WORDS

from .secret_gen import AN, rnd


def _value(r: random.Random) -> str:
    """A generated password: mixed case and a digit, sometimes a symbol."""
    return (r.choice(string.ascii_uppercase) + r.choice(string.ascii_lowercase) + r.choice(string.digits)
            + rnd(r, AN + r.choice(["", "!#$%@"]), r.randint(7, 18)))


_NAMES = ["password", "Password", "db password", "API key", "admin token", "passphrase", "client secret"]
_QUALIFIERS = ["for user {u}", "of user {u}", "for {u}", "for '{url}'", "of tenant {u}", "from old value"]
_SEPS = [" to ", " was ", " is ", ": "]


@pytest.mark.parametrize("seed", range(6))
def test_a_value_after_a_qualified_secret_name_goes(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(40):
        user = r.choice(["bob", "svc-report", "alice.k", "ops_42"])
        url = f"https://{user}@{r.choice(['github.com', 'git.example.org'])}"
        qual = r.choice(_QUALIFIERS).format(u=user, url=url)
        secret = _value(r)
        verb = r.choice(["admin reset ", "could not set ", "changed the ", ""])
        line = f"{verb}{r.choice(_NAMES)} {qual}{r.choice(_SEPS)}{secret}{r.choice(['', ' (ticket OPS-1)', ': policy'])}"
        assert secret not in redact(line), line


@pytest.mark.parametrize("line", [
    "reset password for user bob to default",
    "password for user bob is incorrect",
    "token for user bob to expire soon",
    "changed password from old value to new one",
    "Password for 'https://bob@github.com' was rejected",
    "moved the key of tenant acme to vault",
    "diagnosis.api_key from secret_env: KIMI_API_KEY",
    "password of tenant acme from env: DB_PASSWORD",
])
def test_prose_of_the_same_shape_stays(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize("seed", range(6))
def test_a_foreign_password_word_then_a_phrase_then_the_value(seed: int) -> None:
    r = random.Random(seed)
    for word in PASSWORD_WORDS:
        phrase = " ".join(r.choice(["do", "banco", "inválida", "пользователя", "admin", "refusé", "pour", "jdupont",
                                    "올바르지", "않습니다", "für", "konto"]) for _ in range(r.randint(1, 3)))
        secret = _value(r)
        line = f"ConfigError: {r.choice([word, word.capitalize()])}{r.choice(['', '가'])} {phrase}{r.choice([':', ' :'])} {secret}"
        assert secret not in redact(line), line


@pytest.mark.parametrize("seed", range(4))
def test_a_multiword_foreign_name_spelled_as_a_config_key(seed: int) -> None:
    r = random.Random(seed)
    for word in (w for w in PASSWORD_WORDS if " " in w):
        secret = _value(r)
        name = word.replace(" ", r.choice("_-"))
        line = f"{r.choice([name, name.upper()])}={secret}"
        assert secret not in redact(line), line


@pytest.mark.parametrize("line", [
    "senha do usuário alterada em: 2026-12-02T03:15:00Z",
    "пароль пользователя admin: не задан",
    "Mot de passe refusé pour jdupont : trop court",
    "Passwort für Konto bob: abgelaufen",
    "contraseña del usuario: 12345678",
])
def test_a_foreign_word_then_a_phrase_then_prose_stays(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize("seed", range(6))
def test_a_value_in_parentheses_after_a_secret_name_goes(seed: int) -> None:
    r = random.Random(seed)
    b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    for _ in range(30):
        pw = _value(r) + r.choice(["", "#", "!4"])
        uid = str(__import__("uuid").UUID(bytes=r.randbytes(16)))
        b32key = rnd(r, b32, 32)
        secret, line = r.choice([
            (pw, f"AssertionError: login as svc-report with the old {r.choice(['password', 'passphrase', 'API key'])}"
                 f" ({pw}) should fail, got 200"),
            (uid, f"MailError: Request does not contain a valid Server {r.choice(['token', 'Token', 'API key'])} ({uid})"),
            (b32key, f'    totp = pyotp.{r.choice(["TOTP", "HOTP"])}("{b32key}")'),
            (b32key, f"    f = otp_secret('{b32key}')"),
        ])
        assert secret not in redact(line), line


@pytest.mark.parametrize("line", [
    "password (hidden)", "token (expired)", "get_token(\"default\")", "load_key(\"server.pem\")", "hmac(\"sha256\")",
    "os.getenv(\"API_KEY\")", "check_password(user_input)", "token (v2.1-beta)", "verify_token(request_id_2)",
    "KeyError(\"api_key_missing\")", "password (8 chars)", "api_key (sk-...Ab12)",
])
def test_a_parenthesised_word_reference_or_mask_stays(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize("seed", range(4))
def test_a_secret_name_quoted_as_a_value_is_still_judged_as_a_name(seed: int) -> None:
    """`"msg": "Incorrect sudo password", "ansible_become_pass": "<pw>"`: the first pair is no assignment, the
    second one is."""
    r = random.Random(seed)
    for _ in range(20):
        pw = _value(r) + "#5"
        msg = r.choice(["Incorrect sudo password", "bad api key", "token"])
        name = r.choice(["ansible_become_pass", "db_password", "apiKey", "ansible_ssh_pass"])
        line = f'fatal: [gw-1]: FAILED! => {{"msg": "{msg}", "{name}": "{pw}"}}'
        assert pw not in redact(line), line
