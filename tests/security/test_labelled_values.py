"""Values that follow their secret name through a label or a tag: Spring Boot's bind failure report (`Property:
<name>` then `Value: "<v>"`), a YAML node tag between a key and its value (`password: !!str <v>`, `!vault`),
a setter call whose first argument names a secret (PHP define(), os.environ.setdefault, System.setProperty), and
URL userinfo before an invalid port (Go's `parse "<url>": invalid port`, Node's ERR_INVALID_URL `input:`).
Generated over spellings and seeds, with the non-secret counterparts of the same shape."""

from __future__ import annotations

import random

import pytest

from sidecar.redaction import redact

from .secret_gen import password

NAMES = ["spring.mail.password", "app.smtp.password", "spring.datasource.password", "db.secret", "api.token",
         "oauth.client-secret"]


@pytest.mark.parametrize("seed", range(6))
def test_spring_bind_failure_value_of_a_secret_property_goes(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(10):
        pw = password(r).replace('"', "")
        name = r.choice(NAMES)
        for text in [f'Property: {name}\n    Value: "{pw}"\n    Origin: class path resource [application.yml]',
                     f'Property: {name} Value: "{pw}" Origin: System Environment Property "X"',
                     f'Property: {name} | Value: "{pw}" | Origin: "DB" from property source "systemEnvironment"',
                     f'"description": "Property: {name}\\n    Value: \\"{pw}\\"\\n    Origin: x"']:
            assert pw not in redact(text), text


@pytest.mark.parametrize("text", [
    'Property: server.port Value: "80x80" Origin: class path resource [application.yml]',
    'Property: spring.mail.host\n    Value: "smtp.example.org"\n    Origin: System Environment Property',
])
def test_spring_bind_failure_value_of_other_properties_stays(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("seed", range(6))
def test_a_yaml_tag_between_a_secret_key_and_its_value(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(10):
        pw = password(r).replace('"', "").replace("'", "")
        name = r.choice(["smtp_password", "api_secret", "db_pass", "token", "client_secret"])
        tag = r.choice(["!!str", "!vault", "!secret", "!<tag:yaml.org,2002:str>"])
        for text in [f"  {name}: {tag} {pw}", f'{{"log":"  {name}: {tag} {pw}\\n","stream":"stderr"}}']:
            assert pw not in redact(text), text


@pytest.mark.parametrize("text", ["  port: !!int 5432", "  host: !!str db.internal", "  enabled: !!bool true",
                                  "  password_file: !!str /run/secrets/db"])
def test_a_yaml_tag_before_a_non_secret_value_stays(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("seed", range(6))
def test_url_userinfo_before_an_invalid_port_goes(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(10):
        pw = password(r).replace("@", "x").replace("/", "x").replace("'", "").replace('"', "")
        scheme = r.choice(["postgres", "redis", "mysql", "amqp"])
        port = r.choice(["5432x", "63x79", "abc", ""])
        url = f"{scheme}://{r.choice(['exai', '', 'app'])}:{pw}@{r.choice(['db', 'db-primary', 'cache'])}:{port}/x"
        for text in [f'parse "{url}": invalid port ":{port}" after host', f"  input: '{url}'"]:
            assert pw not in redact(text), text


SETTERS = ["define( '{n}', '{v}' );", "define('{n}', \"{v}\");", "ini_set('{n}', '{v}')", 'setenv("{n}", "{v}", 1)',
           'os.environ.setdefault("{n}", "{v}")', 'System.setProperty("{n}", "{v}")',
           'Environment.SetEnvironmentVariable("{n}", "{v}")', "os.putenv('{n}', '{v}')"]


@pytest.mark.parametrize("seed", range(6))
def test_a_setter_call_on_a_secret_name_hides_its_value(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(10):
        pw = password(r).replace('"', "").replace("'", "").replace("\\", "")
        name = r.choice(["DB_PASSWORD", "AUTH_KEY", "SECURE_AUTH_SALT", "API_TOKEN", "smtp.password", "CLIENT_SECRET"])
        line = r.choice(SETTERS).format(n=name, v=pw)
        for text in [f"PHP Warning: in wp-config.php: {line}", f'{{"log":"{line.replace(chr(34), chr(92) + chr(34))}\\n"}}',
                     f"unexpected token near {line} at line 23"]:
            assert pw not in redact(text), text


@pytest.mark.parametrize("seed", range(4))
def test_a_setter_call_on_another_name_or_a_reference_stays(seed: int) -> None:
    r = random.Random(seed)
    for form in SETTERS:
        name, val = r.choice([("DB_NAME", "wordpress"), ("DB_HOST", "db-primary:3306"), ("WP_DEBUG_LOG", "/var/log/wp"),
                              ("DB_PASSWORD", "${DB_PASSWORD}"), ("API_TOKEN", "{{ api_token }}")])
        line = form.format(n=name, v=val)
        assert redact(line) == line


@pytest.mark.parametrize("seed", range(4))
def test_mechanism_names_and_flutterwave_public_keys_stay_their_secrets_go(seed: int) -> None:
    """The mechanism that stores a secret is metadata (PostgreSQL password_encryption, MySQL auth_plugin); a
    Flutterwave FLWPUBK- key is public by design, its FLWSECK- secret key is not."""
    r = random.Random(seed)
    hexes = "".join(r.choice("0123456789abcdef") for _ in range(32))
    for line in [f"connect failed: auth_plugin={r.choice(['caching_sha2_password', 'mysql_native_password'])} not supported",
                 f"password_encryption = {r.choice(['scram-sha-256', 'md5'])}",
                 'parameter "password_encryption" changed: password_encryption = scram-sha-256',
                 f"PASSWORD_HASHING: {r.choice(['argon2id', 'bcrypt'])}",
                 f"checkout initialised with public key FLWPUBK{r.choice(['', '_TEST'])}-{hexes}-X"]:
        assert redact(line) == line
    secret = f"FLWSECK{r.choice(['', '_TEST'])}-{hexes}-X"
    assert secret not in redact(f"charge with {secret}")
    pw = password(r)
    assert pw not in redact(f"password_encryption_key = {pw}")


@pytest.mark.parametrize("seed", range(6))
def test_one_quoted_password_like_token_after_a_secret_word_in_prose(seed: int) -> None:
    """`bad password '<v>' for bob`, `bad creds 'user:<v>'`, `ogiltigt lösenord '<v>' för bob` (any language)."""
    r = random.Random(seed)
    for _ in range(10):
        pw = password(r).replace("'", "").replace('"', "").replace(" ", "") + "Q7"
        word = r.choice(["password", "creds", "credentials", "token", "secret", "lösenord", "contraseña", "Passwort",
                         "wachtwoord", "пароль"])
        val = r.choice([pw, "svc_upload:" + pw])
        q = r.choice("'\"")
        text = f"{r.choice(['bad', 'invalid', 'ogiltigt', 'rejected'])} {word} {q}{val}{q} {r.choice(['for bob', 'för bob', ''])}"
        assert pw not in redact(text), text


@pytest.mark.parametrize("text", [
    'refresh_token "HTTP/2 400 Bad Request"', "token 'expired'", "password 'wrong'", "api_key 'OPENAI_API_KEY'",
    "token 'v1.2.3-beta'", "secret 'db-password' not found", "lösenord 'fel' för bob", "password \"${DB_PASSWORD}\"",
])
def test_a_quoted_word_name_or_version_after_a_secret_word_stays(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("seed", range(6))
def test_rust_debug_some_of_a_secret_field(seed: int) -> None:
    """Rust's derived Debug of `Option<String>`: `password: Some("<v>")` on one line or pretty-printed `{:#?}`."""
    r = random.Random(seed)
    for _ in range(10):
        pw = password(r).replace('"', "").replace("\\", "")
        name = r.choice(["password", "api_key", "client_secret", "token", "db_pass"])
        for text in [f'Opts {{ url: "redis://cache:6379", {name}: Some("{pw}") }}',
                     f'Opts {{\n    {name}: Some(\n        "{pw}",\n    ),\n}}',
                     f'"panic": "Opts {{\\n    {name}: Some(\\n        \\"{pw}\\",\\n    ),\\n}}"']:
            assert pw not in redact(text), text


@pytest.mark.parametrize("text", ['Opts { password: None, host: Some("db"), port: Some(5432) }',
                                  'Opts { password_file: Some("/run/secrets/db"), token_ttl: Some(3600) }'])
def test_rust_debug_some_of_other_fields_stays(text: str) -> None:
    assert redact(text) == text
