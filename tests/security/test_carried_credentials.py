"""Credentials carried by structures the name rule cannot see, generated over services, tools, libraries and
seeds; the texts come from the REAL libraries where one prints them (urllib.parse, pydantic, aiohttp, Go-style
JSON escapes), and each class has kept counterparts of the same shape.

- a credential as a path segment of an ingest/webhook URL (locations.CREDENTIAL_PATH);
- an authority without its scheme: `netloc='u:pw@host'` reprs, `user:pw@proxy:3128` (locations.SCHEMELESS_USERINFO);
- documented password/token arguments of commands and SDK calls (arguments.py);
- a validation report that names the field apart from its echoed input (reports.py);
- a verdict between the name and the value (`Provided API key is invalid: <v>`, names.VERDICT);
- documented key prefixes of this round (formats.py), planted in every log shape;
- an escape glued to a word (`\\u003eSignatureDoesNotMatch`) and a `file:` announcer before a key body (entropy).
"""

from __future__ import annotations

import json
import random
import shlex
import string
import urllib.parse
import uuid

import pydantic
import pytest

from sidecar.redaction import redact

from .corpus import shapes
from .secret_gen import AN, HEX, URLSAFE, leaked, password, rnd

LOWER_D = string.ascii_lowercase + string.digits


def _uuid(r: random.Random) -> str:
    return str(uuid.UUID(bytes=r.randbytes(16)))


# -- credential path segments ----------------------------------------------------------------------------------
PATH_URLS = [
    lambda r, t: f"https://logs-01.loggly.com/inputs/{t}/tag/http/",
    lambda r, t: f"https://logs-01.loggly.com/bulk/{t}/tag/bulk/",
    lambda r, t: f"https://endpoint{r.randint(1, 9)}.collection.us2.sumologic.com/receiver/v1/http/{t}",
    lambda r, t: f"https://http-intake.logs.datadoghq.eu/v1/input/{t}?ddsource=python",
    lambda r, t: f"https://hooks.zapier.com/hooks/catch/{r.randint(10**5, 10**8)}/{t}/",
    lambda r, t: f"https://maker.ifttt.com/trigger/deploy_failed/with/key/{t}",
    lambda r, t: f"https://hc-ping.com/{t}",
    lambda r, t: f"https://open.feishu.cn/open-apis/bot/v2/hook/{t}",
    lambda r, t: f"https://open.larksuite.com/open-apis/bot/v2/hook/{t}",
    lambda r, t: f"https://webexapis.com/v1/webhooks/incoming/{t}",
    lambda r, t: f"https://acme.bitrix24.com/rest/{r.randint(1, 99)}/{t}/",
]


@pytest.mark.parametrize("seed", range(3))
def test_a_credential_in_an_ingest_or_webhook_path_goes(seed: int) -> None:
    r = random.Random(seed)
    for make in PATH_URLS:
        token = r.choice([_uuid(r), rnd(r, LOWER_D, 16), rnd(r, AN, 24), rnd(r, URLSAFE, 40) + "=="])
        url = make(r, token)
        for line in shapes(f"POST {url} -> 403").values():
            out = redact(line)
            assert not leaked(token, out), out
            assert urllib.parse.urlsplit(url).hostname in out  # the host stays: which service failed


@pytest.mark.parametrize("url", [
    "https://www.loggly.com/docs/http-endpoint/", "https://hc-ping.com/", "https://healthchecks.io/docs/",
    "https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot", "https://api.github.com/repos/o/r/hooks/12",
])
def test_the_same_services_documentation_urls_stay(url: str) -> None:
    assert redact(f"see {url}") == f"see {url}"


# -- an authority without its scheme ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_urllib_reprs_of_a_url_with_userinfo_lose_the_password(seed: int) -> None:
    r = random.Random(seed)
    for scheme in ["socks5h", "http", "redis", "postgresql", "amqp", "mongodb", "ftp"]:
        pw = password(r)
        user = r.choice(["u", "svc_backup", "", "bob.k"])
        host = r.choice(["10.0.0.9:1080", "db.internal", "[fd00::2]:5432", "cache:6379"])
        url = f"{scheme}://{user}:{urllib.parse.quote(pw, safe='!*')}@{host}/0"
        for parsed in (urllib.parse.urlsplit(url), urllib.parse.urlparse(url)):
            for text in (repr(parsed), json.dumps({"log": repr(parsed) + "\n"}), f"proxy={parsed.netloc}"):
                out = redact(text)
                assert not leaked(urllib.parse.quote(pw, safe="!*"), out), out


@pytest.mark.parametrize("line", [
    "mailto:ops@example.com", "sip:alice@pbx.example.com", "meeting at 10:30@hq", "git:main@origin",
    "netloc='bob@host:22'", "proxy=${PROXY_USER}:${PROXY_PASS}@proxy:3128", "user:***@db.internal",
])
def test_addresses_without_a_password_stay(line: str) -> None:
    assert "[REDACTED:password]" not in redact(line)


# -- arguments of commands and SDK calls ----------------------------------------------------------------------
COMMANDS = [
    "smbclient //fs01/backups -U 'CORP\\\\svc_backup%{v}' -c ls", "rpcclient -U admin%{v} 10.0.0.5",
    "smbclient //fs/share --user=bob%{v}", "wbinfo -a bob%{v}", "codecov upload-process -t {v} -f coverage.xml",
    "codecov -t {v}", "vercel deploy --prod -t {v}", "flyctl deploy --access-token {v}", "doctl auth init -t {v}",
    "netlify deploy --auth {v}", "ngrok config add-authtoken {v}", "ngrok authtoken {v}", "vault login {v}",
    "snyk auth {v}", "podman login -u bob -p {v} quay.io", "helm registry login ghcr.io -u bob -p {v}",
    "az login --service-principal -u {u} -p {v} --tenant t", "cqlsh 10.0.0.3 -u cassandra -p {v}",
    "psexec \\\\\\\\host -u admin -p {v} cmd", "xfreerdp /v:10.0.0.8 /u:admin /p:{v}", "ssh-keygen -p -P {v} -N x -f k",
    "lftp -u bob,{v} sftp://h", "rabbitmqctl add_user svc {v}", "rabbitmqctl change_password svc {v}",
    "net user backup {v} /add", "mc alias set s3 https://minio:9000 AKMINIO {v}",
    "$pw = ConvertTo-SecureString '{v}' -AsPlainText -Force", "echo '{v}' | sudo -S systemctl restart app",
    "echo {v} | passwd --stdin deploy", "echo 'deploy:{v}' | chpasswd",
]


@pytest.mark.parametrize("seed", range(3))
def test_a_documented_password_or_token_argument_goes(seed: int) -> None:
    r = random.Random(seed)
    for command in COMMANDS:
        value = r.choice([password(r).replace("'", "").replace(",", "").replace("%", ""), _uuid(r), rnd(r, HEX, 32)])
        text = command.format(v=value, u=_uuid(r))
        # an argv list as subprocess prints it; a pipeline or a PowerShell line runs under a shell
        argv = repr(["bash", "-c", text] if "|" in text or "$pw" in text else shlex.split(text.replace("\\\\", "\\")))
        for line in [f"2026-12-06 03:53:46,469 WARNING src.ci.run: {text}: exit 1",
                     f"subprocess.CalledProcessError: Command '{argv}' returned non-zero exit status 255."]:
            out = redact(line)
            assert not leaked(value, out), out


@pytest.mark.parametrize("line", [
    "vault login -method=userpass username=bob", "codecov -t $CODECOV_TOKEN -f coverage.xml",
    "echo 'done' && sudo systemctl restart app", "net user backup /delete", "smbclient -L //fs01 -U guest",
    "podman login --password-stdin quay.io", "ssh-keygen -t ed25519 -f key", "lftp -u bob sftp://h",
])
def test_arguments_that_are_no_credential_stay(line: str) -> None:
    assert redact(line) == line


SDK_CALLS = ["rollbar.init('{v}', environment='prod')", "Rollbar.init(\"{v}\")", "Bugsnag.start('{v}')",
             "Github('{v}')", "WebClient('{v}')", "AsyncWebClient(\"{v}\")", "SendGridAPIClient('{v}')",
             "Bot('{v}')", "Application.builder().token('{v}').build()", "client.run('{v}')", "bot.run(\"{v}\")",
             "cohere.ClientV2('{v}')", "Client('AC" + "0" * 32 + "', '{v}')"]


@pytest.mark.parametrize("seed", range(3))
def test_a_positional_credential_of_an_sdk_call_goes(seed: int) -> None:
    r = random.Random(seed)
    for call in SDK_CALLS:
        value = r.choice([rnd(r, HEX, 32), rnd(r, AN, 40), rnd(r, URLSAFE, 24) + "1a"])
        line = f"2026-12-06 03:57:53,473 ERROR src.obs: {call.format(v=value)} failed: invalid access token"
        assert not leaked(value, redact(line)), line


@pytest.mark.parametrize("line", ["Github(token)", "client.run('main')", "Bot(\"default\")", "WebClient(token)",
                                  "rollbar.init(settings.ROLLBAR_TOKEN)"])
def test_sdk_calls_with_a_variable_or_a_name_stay(line: str) -> None:
    assert redact(line) == line


# -- validation reports (the real pydantic) ----------------------------------------------------------------------
class _Settings(pydantic.BaseModel):
    password: str = pydantic.Field(min_length=40)
    api_key: str = pydantic.Field(pattern=r"^kimi-")
    client_secret: int
    port: int


@pytest.mark.parametrize("seed", range(3))
def test_pydantic_echoes_a_secret_fields_input_and_it_goes(seed: int) -> None:
    r = random.Random(seed)
    values = {"password": password(r), "api_key": rnd(r, AN, 32), "client_secret": rnd(r, URLSAFE, 20) + "x"}
    try:
        _Settings(**values, port=r.randint(1, 9))
    except pydantic.ValidationError as e:
        texts = [str(e), json.dumps({"level": "error", "msg": str(e)}), e.json(),
                 json.dumps({"detail": json.loads(e.json())})]
    else:
        raise AssertionError("the model accepted invalid input")
    for text in texts:
        out = redact(text)
        for value in values.values():
            assert not leaked(value, out), out


def test_pydantic_keeps_the_input_of_other_fields() -> None:
    try:
        _Settings(password="x" * 40, api_key="kimi-1", client_secret=1, port="eighty")
    except pydantic.ValidationError as e:
        out = redact(str(e))
    assert "input_value='eighty'" in out


# -- a verdict between the name and the value -----------------------------------------------------------------
VERDICTS = ["Provided API key is invalid: {v}", "Incorrect API key provided: {v}", "Invalid API Key provided: {v}",
            "token has been revoked: {v}", "access token expired: {v}", "api_key not valid: {v}",
            "password is incorrect: {v}", "secret key rejected: {v}"]


@pytest.mark.parametrize("seed", range(3))
def test_a_verdict_between_a_secret_name_and_its_value(seed: int) -> None:
    r = random.Random(seed)
    for verdict in VERDICTS:
        value = r.choice([password(r), rnd(r, AN, 40), "pa-" + rnd(r, URLSAFE, 43)])
        line = f"voyageai.error.AuthenticationError: {verdict.format(v=value)}"
        assert not leaked(value, redact(line)), line


@pytest.mark.parametrize("line", ["token is invalid: signature mismatch", "API key provided: none",
                                  "password is incorrect: try again", "token expired: 2026-12-06T04:00:00Z"])
def test_a_verdict_before_prose_stays(line: str) -> None:
    assert redact(line) == line


# -- documented prefixes of this round ------------------------------------------------------------------------
FORMATS_R6 = [
    lambda r: "pa-" + rnd(r, URLSAFE, 43), lambda r: "tgp_v1_" + rnd(r, URLSAFE, 43), lambda r: "nvapi-" + rnd(r, URLSAFE, 64),
    lambda r: "tvly-dev-" + rnd(r, AN, 32), lambda r: "fc-" + rnd(r, HEX, 32), lambda r: "jina_" + rnd(r, AN, 60),
    lambda r: "e2b_" + rnd(r, HEX, 40), lambda r: "llx-" + rnd(r, AN, 48), lambda r: "rpa_" + rnd(r, AN, 44),
    lambda r: "esecret_" + rnd(r, AN, 26), lambda r: "m0-" + rnd(r, AN, 40), lambda r: "bb_live_" + rnd(r, URLSAFE, 27),
    lambda r: "sk_" + rnd(r, HEX, 48), lambda r: "fw_3" + rnd(r, string.ascii_uppercase, 4) + rnd(r, AN, 20),
    lambda r: _uuid(r) + ":" + rnd(r, HEX, 32), lambda r: "ABSK" + rnd(r, AN + "+/", 132),
    lambda r: "dckr_pat_" + rnd(r, URLSAFE, 27), lambda r: "ATBB" + rnd(r, AN, 32), lambda r: "bkua_" + rnd(r, HEX, 40),
    lambda r: "CCIPAT_" + rnd(r, AN, 22) + "_" + rnd(r, HEX, 40), lambda r: "nfp_" + rnd(r, AN, 36),
    lambda r: "rnd_" + rnd(r, string.ascii_uppercase, 2) + "7" + rnd(r, AN, 28), lambda r: "napi_" + rnd(r, LOWER_D, 64),
    lambda r: "pat." + rnd(r, URLSAFE, 22) + "." + rnd(r, AN, 24) + "." + rnd(r, AN, 20),
    lambda r: rnd(r, AN, 76) + "AZDO" + rnd(r, AN, 4), lambda r: "figd_" + rnd(r, URLSAFE, 40),
    lambda r: "pat-na1-" + _uuid(r), lambda r: "CFPAT-" + rnd(r, URLSAFE, 43), lambda r: "phx_" + rnd(r, AN, 47),
    lambda r: "dG9rOj" + rnd(r, AN, 54) + "=", lambda r: "sdk-" + _uuid(r), lambda r: "ser." + rnd(r, AN, 22),
    lambda r: "secret-" + rnd(r, AN, 40) + "7", lambda r: "pk_" + str(r.randint(10**6, 10**8)) + "_" + rnd(r, string.ascii_uppercase + string.digits, 32),
    lambda r: "xsmtpsib-" + rnd(r, HEX, 64) + "-" + rnd(r, AN, 16), lambda r: "00D" + rnd(r, AN, 12) + "!" + rnd(r, AN + ".", 90),
    lambda r: str(r.randint(10**14, 10**15)) + "|" + rnd(r, URLSAFE, 27), lambda r: "tk_" + rnd(r, LOWER_D, 29),
]


@pytest.mark.parametrize("seed", range(2))
def test_this_rounds_documented_prefixes_go_in_every_shape(seed: int) -> None:
    r = random.Random(seed)
    for make in FORMATS_R6:
        key = make(r)
        for line in shapes(f"calling upstream with {key} failed").values():
            assert not leaked(key, redact(line)), line


@pytest.mark.parametrize("line", ["fw_version=2.1.4 fw_build=nightly", "pa-system ready", "see sdk-docs for details",
                                  "pk_12345 primary key", "ser.Serialize(x)", "secret-manager-enabled",
                                  "tk_mode=fast", "napi_version 9"])
def test_words_that_start_like_a_prefix_stay(line: str) -> None:
    assert redact(line) == line


# -- a name for a personal access token -----------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_a_personal_access_token_named_pat_goes(seed: int) -> None:
    r = random.Random(seed)
    for shape in ["AZURE_DEVOPS_EXT_PAT={v}", "fatal: Authentication failed (pat {v})", "401 for PAT '{v}'",
                  '{{"gitlab_pat": "{v}"}}', "GH_PAT: {v}"]:
        value = rnd(r, "abcdefghijklmnopqrstuvwxyz234567", 52)
        line = "2026-12-06 03:54:00,890 WARNING src.release.ado: " + shape.format(v=value)
        assert not leaked(value, redact(line)), line


@pytest.mark.parametrize("line", ["path=/var/lib/app", "pattern: ^foo$", "compat: true", "pat_expiry_days: 30",
                                  "pat: none"])
def test_words_holding_pat_stay(line: str) -> None:
    assert redact(line) == line


# -- escapes glued to words; the content of a key file --------------------------------------------------------
S3_CODES = ["SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "NoSuchBucket", "RequestTimeTooSkewed",
            "ExpiredToken", "InvalidToken", "AuthorizationHeaderMalformed"]


@pytest.mark.parametrize("code", S3_CODES)
def test_an_xml_error_code_inside_go_json_escapes_stays(code: str) -> None:
    body = f"<Error><Code>{code}</Code><Message>The request failed</Message></Error>\n"
    line = json.dumps({"log": body, "stream": "stderr"}).replace("<", "\\u003c").replace(">", "\\u003e")
    assert code in redact(line)


def test_a_key_after_a_glued_escape_still_goes() -> None:
    r = random.Random(6)
    key = rnd(r, AN, 40)
    line = json.dumps({"log": f"token:\n{key}"}).replace("\\n", "\\u000a")
    assert not leaked(key, redact(line))


@pytest.mark.parametrize("seed", range(3))
def test_a_private_key_body_printed_as_the_file_goes(seed: int) -> None:
    r = random.Random(seed)
    body = rnd(r, AN + "+/", 64)
    line = f"paramiko.ssh_exception.SSHException: not a valid DSA private key file: '{body}'"
    assert not leaked(body, redact(line))


@pytest.mark.parametrize("line", ["private key file: /etc/ssl/private/server.key", "key file: ./certs/dev.pem",
                                  "token file: C:\\\\keys\\\\token.txt", "file: 3f2a9c1e7b4d4e8a9f1c2d3e4f5a6b7c.json"])
def test_a_file_name_after_file_stays(line: str) -> None:
    assert redact(line) == line


# -- SQLAlchemy's StatementError with positional parameters ---------------------------------------------------
# StatementError.__str__ (sqlalchemy/exc.py): `(<dbapi error>) <message>` then `[SQL: <statement>]` and
# `[parameters: <repr of the parameters>]`; sqlite3 binds `?`, psycopg2 `%s`, asyncpg `$n`.
STATEMENTS = [
    ("INSERT INTO api_keys (owner, secret) VALUES ({p1}, {p2})", ("bob", "{v}"), "sqlite3.IntegrityError"),
    ("UPDATE users SET password_hash={p1}, api_token={p2} WHERE users.id = {p3}", ("{v}", "{v}", 42),
     "psycopg2.errors.UniqueViolation"),
    ("SELECT * FROM sessions WHERE token = {p1} AND user_id = {p2}", ("{v}", 7), "asyncpg.exceptions.DataError"),
    ("INSERT OR REPLACE INTO creds (name, client_secret, scope) VALUES ({p1}, {p2}, {p3})", ("svc", "{v}", "read"),
     "sqlite3.OperationalError"),
]


@pytest.mark.parametrize("seed", range(3))
def test_a_positional_sql_parameter_bound_to_a_secret_column_goes(seed: int) -> None:
    r = random.Random(seed)
    for sql, params, dbapi in STATEMENTS:
        for style in ("?", "%s", "$"):
            marks = {f"p{i}": (f"${i}" if style == "$" else style) for i in (1, 2, 3)}
            value = r.choice([password(r), rnd(r, AN, 32)])
            bound = tuple(p.format(v=value) if isinstance(p, str) else p for p in params)
            text = (f"sqlalchemy.exc.IntegrityError: ({dbapi}) constraint failed\n[SQL: {sql.format(**marks)}]\n"
                    f"[parameters: {bound!r}]\n(Background on this error at: https://sqlalche.me/e/20/gkpj)")
            out = redact(text)
            assert not leaked(value, out), out
            assert "https://sqlalche.me/e/20/gkpj" in out


@pytest.mark.parametrize("line", [
    "[SQL: INSERT INTO users (name, role) VALUES (?, ?)] [parameters: ('bob', 'admin')]",
    "[SQL: INSERT INTO kv (key_name, value) VALUES (?, ?)] [parameters: ('token', 'abc')]",
    "[SQL: UPDATE users SET password=? WHERE id=?] [parameters: (None, 5)]",
    "[SQL: SELECT 1 WHERE token = $1] [parameters: ()]",
])
def test_sql_parameters_of_other_columns_stay(line: str) -> None:
    assert redact(line) == line
