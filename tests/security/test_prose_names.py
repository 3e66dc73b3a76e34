"""Secret names as people write them in sentences, generated over spellings, languages and seeds: a name in two
words (`pass phrase <v>`, `API key: <v>`), a word cut at its apostrophe (`doesn't`, Italian `dell'utente`, French
`d'accès`), a password word then a phrase and the language's copula (`kata sandi untuk budi adalah <v>`,
`la password dell'utente mario è <v>`), or a bare value after the word in a verb-final language (Hindi
`पासवर्ड <v> गलत है`). And the prose of the same shapes, which stays."""

from __future__ import annotations

import random
import string

import pytest

from sidecar.redaction import redact
from sidecar.redaction.languages import PASSWORD_WORDS

from .secret_gen import AN, leaked, rnd


def _value(r: random.Random) -> str:
    return (r.choice(string.ascii_uppercase) + r.choice(string.ascii_lowercase) + r.choice(string.digits)
            + rnd(r, AN + r.choice(["", "!#$%^-."]), r.randint(7, 16)))


# A secret word spelled as two words, from the keyword lists of detect-secrets' KeywordDetector and gitleaks'
# generic rule (passphrase, passcode, password, apikey, secret key, access key, private key, auth token ...).
TWO_WORDS = ["pass phrase", "Pass Phrase", "pass word", "pass code", "api key", "API Key", "API KEY", "secret key",
             "access key", "access token", "private key", "auth token", "client secret", "signing key",
             "master key", "encryption key", "app secret", "app token"]
LEAD = ["unlock failed with {n} {v}", "the {n} is {v}", "{n}: {v}", "enter {n} {v} to continue",
        "{n} = {v}", "wrong {n} '{v}' for bob"]


@pytest.mark.parametrize("seed", range(4))
def test_a_two_word_secret_name_hides_its_value(seed: int) -> None:
    r = random.Random(seed)
    leaks = []
    for name in TWO_WORDS:
        for lead in LEAD:
            value = _value(r)
            line = f"2026-12-06 04:07:33,255 ERROR src.crypto.keys: {lead.format(n=name, v=value)}"
            if leaked(value, redact(line)):
                leaks.append(line)
    assert leaks == []


@pytest.mark.parametrize("line", [
    "the api key is invalid",
    "private key file: /etc/ssl/private/server.pem",
    "the primary key 12345 already exists",
    "app password=[hidden]",
    "pass phrase required",
    "access token expired at 2026-12-06T04:00:00Z",
    "secret key rotation days: 30",
])
def test_two_word_prose_stays(line: str) -> None:
    assert redact(line) == line


# Contractions (English) and elided articles (Italian, French, Catalan) after a secret word: the apostrophe is
# inside a word, not a quote opening a value.
@pytest.mark.parametrize("line", [
    "password doesn't match", "the password isn't set", "Token wasn't refreshed", "secret hasn't rotated",
    "api_key won't load", "passphrase can't be empty", "la password dell'utente non è valida",
    "mot de passe d'administrateur incorrect", "token d'accès expiré", "contrasenya d'usuari incorrecta",
    "password’s length is 8",
])
def test_a_word_cut_at_its_apostrophe_is_prose(line: str) -> None:
    assert redact(line) == line


# The copulas of the languages whose password words the redactor lists, as a sentence `<word> <qualifier>
# <copula> <v>`; the English loanword `password` in the same sentences (Italian, Indonesian).
SENTENCES = [
    ("kata sandi", "untuk {u}", "adalah"), ("password", "untuk {u}", "adalah"), ("password", "dell'utente {u}", "è"),
    ("parola d'ordine", "di {u}", "è"), ("contraseña", "de {u}", "es"), ("mot de passe", "de {u}", "est"),
    ("Passwort", "für {u}", "ist"), ("senha", "do usuário {u}", "é"), ("wachtwoord", "voor {u}", "is"),
    ("hasło", "użytkownika {u}", "jest"), ("lösenord", "för {u}", "är"), ("heslo", "uživatele {u}", "je"),
    ("пароль", "пользователя {u}", "это"), ("mật khẩu", "của {u}", "là"), ("salasana", "käyttäjän {u}", "oli"),
]


@pytest.mark.parametrize("seed", range(4))
def test_a_password_word_a_phrase_and_a_copula_then_the_value(seed: int) -> None:
    r = random.Random(seed)
    for word, qual, copula in SENTENCES:
        value = _value(r)
        user = r.choice(["budi", "mario", "bob", "svc-report"])
        line = f"login failed: {r.choice([word, word.capitalize()])} {qual.format(u=user)} {copula} {value}"
        assert not leaked(value, redact(line)), line


@pytest.mark.parametrize("line", [
    "la password dell'utente mario è scaduta",
    "kata sandi untuk budi adalah salah",
    "das Passwort für bob ist abgelaufen",
    "password rotated on db-primary-01",
    "la contraseña de bob es incorrecta",
    "password for user bob is incorrect",
])
def test_a_copula_before_a_word_stays(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize("seed", range(3))
def test_a_bare_value_after_a_foreign_password_word(seed: int) -> None:
    """Verb-final languages (Hindi, Japanese, Korean, Turkish) put the verdict after the value."""
    r = random.Random(seed)
    for word in PASSWORD_WORDS:
        value = _value(r)
        line = f"लॉगिन विफल: {word} {value} {r.choice(['गलत है', 'が違います', '틀렸습니다', 'yanlış'])}"
        assert not leaked(value, redact(line)), line


@pytest.mark.parametrize("line", ["पासवर्ड गलत है", "パスワード 2026-12-06 に変更", "şifre 12345678 değil"])
def test_a_foreign_word_before_prose_or_a_number_stays(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize("seed", range(3))
def test_a_structure_logged_as_one_string_field_keeps_its_names(seed: int) -> None:
    """`"session_kwargs": "{'auth': BasicAuth(login=..., password=...)}"`: a field named with a hint word (not a
    secret name) whose value is a repr: the names inside it are read."""
    r = random.Random(seed)
    fields = ["session_kwargs", "api_params", "token_usage_ctx", "access_log_extra", "pin_config", "auth_state"]
    inner = ["{{'auth': BasicAuth(login='svc', password='{v}', encoding='latin1')}}", "{{'password': '{v}'}}",
             "Settings(api_key='{v}', timeout=3)", "client_secret={v} scope=read", "{{'headers': {{'X-Api-Key': '{v}'}}}}"]
    for field in fields:
        for shape in inner:
            value = _value(r)
            line = '{"level": "error", "message": "delivery failed", "' + field + '": "' + shape.format(v=value) + '"}'
            assert not leaked(value, redact(line)), line
