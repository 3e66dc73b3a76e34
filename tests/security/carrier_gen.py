"""Seeded plantings by CARRIER (where a secret hides in a log), produced by the real libraries where one is
installed: http.client's debuglevel output, httpx/httpcore and urllib3 debug logging, requests' prepared
headers, aiohttp's BasicAuth and RequestInfo reprs, websockets' DEBUG handshake lines (all against a loopback
server), subprocess argv in CalledProcessError, bash's own `declare -x` / `export -p` / `env` dumps, PyYAML
block and flow output, configparser INI, ElementTree XML, .netrc, JAAS, ODBC/ADO/JDBC strings and DSNs, secret
names in other languages, JSON escaped two or three times, percent-encoding and base64, and lines wrapped by
a fixed-width console. A case is (carrier, planted text, the secret that must not survive).
"""

from __future__ import annotations

import base64
import configparser
import contextlib
import io
import json
import logging
import os
import random
import subprocess
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

from .secret_gen import AN, URLSAFE, password, rnd

Case = tuple[str, str, str]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(401)
        cookie = self.headers.get("X-Echo-Cookie")
        if cookie:
            self.send_header("Set-Cookie", f"session={cookie}; Path=/; HttpOnly")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def loopback() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def captured_logs(*names: str) -> Iterator[io.StringIO]:
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(n) for n in names]
    old = [(lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        yield buf
    finally:
        for lg, (level, propagate) in zip(loggers, old, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.propagate = propagate


def http_library_output(r: random.Random, base: str) -> list[Case]:
    """Debug output and reprs of the HTTP client libraries, each carrying a secret."""
    import http.client

    import httpx
    import requests

    out: list[Case] = []
    tok, pw, cookie = rnd(r, AN, 40), password(r).replace("'", "x"), rnd(r, URLSAFE, 32)
    tok2 = rnd(r, AN, 24)
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port))
    conn.set_debuglevel(1)
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        header = r.choice(["X-Api-Key", "Proxy-Authorization", "X-Auth-Token", "Api-Key"])
        value = f"Bearer {tok}" if "Authorization" in header else tok
        scheme2 = r.choice(["Token", "ApiKey", "Bearer"])
        conn.request("GET", "/v1/models", headers={"Authorization": f"{scheme2} {tok2}", header: value})
        conn.getresponse().read()
        conn.request("POST", "/login", body=urllib.parse.urlencode({"username": "svc", "password": pw}),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        conn.getresponse().read()
    conn.close()
    out += [("http.client debuglevel", stdout.getvalue(), tok), ("http.client debuglevel", stdout.getvalue(), tok2),
            ("http.client debuglevel", stdout.getvalue(), urllib.parse.quote_plus(pw))]  # as the form body has it
    with captured_logs("httpx", "httpcore") as buf, httpx.Client() as client:
        client.get(f"{base}/v1/files?api_key={tok}", headers={"X-Echo-Cookie": cookie})
    out += [("httpx/httpcore debug log", buf.getvalue(), tok), ("httpx/httpcore debug log", buf.getvalue(), cookie)]
    headers = requests.Request("GET", f"{base}/x", headers={"Authorization": f"Token {tok}"}).prepare().headers
    out.append(("requests headers repr", f"request headers: {headers!r}", tok))
    with captured_logs("urllib3") as buf:
        requests.get(f"{base}/cb?access_token={tok}&state=1", timeout=5)
    out.append(("urllib3 debug log", buf.getvalue(), tok))
    return out


async def aiohttp_output(r: random.Random, base: str) -> list[Case]:
    import warnings

    import aiohttp

    tok, pw = rnd(r, AN, 40), password(r).replace("'", "x")
    out: list[Case] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        out.append(("aiohttp BasicAuth repr", f"auth={aiohttp.BasicAuth('svc', pw)!r}", pw))
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/v1/x", headers={"Authorization": f"Bearer {tok}"}) as resp:
            out.append(("aiohttp RequestInfo repr", f"failed: {resp.request_info!r}", tok))
        try:
            async with session.get(f"{base}/v1/x?token={tok}", raise_for_status=True):
                pass
        except aiohttp.ClientResponseError as exc:
            out.append(("aiohttp ClientResponseError", f"aiohttp.client_exceptions.ClientResponseError: {exc}", tok))
    return out


async def websockets_output(r: random.Random) -> list[Case]:
    """websockets logs the opening handshake's request headers at DEBUG (`> Authorization: Basic ...`)."""
    import websockets

    cred = base64.b64encode(f"svc:{password(r)}".encode()).decode()

    async def echo(ws: websockets.ServerConnection) -> None:
        await ws.close()

    with captured_logs("websockets.client") as buf:
        async with websockets.serve(echo, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            with contextlib.suppress(websockets.ConnectionClosed):
                async with websockets.connect(f"ws://127.0.0.1:{port}/",
                                              additional_headers={"Authorization": f"Basic {cred}"}) as ws:
                    await ws.recv()
    return [("websockets debug handshake", buf.getvalue(), cred)]


def process_output(r: random.Random) -> list[Case]:
    """argv in a CalledProcessError, and bash's own environment dumps."""
    tok, pw = rnd(r, AN, 36), password(r).replace("'", "x").replace("$", "x").replace("\\", "x")
    flag = r.choice(["--auth-token", "--api-key", "--password", "--token", "--client-secret", "--oauth2-bearer"])
    argv = [r.choice(["sentry-cli", "tool", "deploy", "curl"]), flag, tok, "releases"]
    try:
        subprocess.run(["sh", "-c", "exit 3", *argv], check=True)
    except subprocess.CalledProcessError as exc:
        exc.cmd = argv
        called = str(exc)
    name = r.choice(["DB_PASSWORD", "GITHUB_TOKEN", "KIMI_API_KEY", "SMTP_PASS", "AWS_SECRET_ACCESS_KEY", "MY_SVC_SECRET"])
    env = {"PATH": "/usr/bin:/bin", "HOME": "/root", name: pw}
    dumps = {cmd: subprocess.run(["bash", "-c", cmd], env=env, capture_output=True, text=True, check=True).stdout
             for cmd in ("declare -x", "export -p", "env")}
    return [("argv CalledProcessError", called, tok), ("argv list repr", repr(argv), tok),
            *((f"shell `{cmd}`", text, pw) for cmd, text in dumps.items())]


def config_formats(r: random.Random) -> list[Case]:
    pw = password(r).replace("'", "x").replace('"', "x").replace("\\", "x").replace("%", "x")
    name = r.choice(["password", "db_password", "secret", "apiKey", "client_secret", "token"])
    ini = configparser.ConfigParser(interpolation=None)
    ini["database"] = {"host": "db.internal", name: pw}
    buf = io.StringIO()
    ini.write(buf)
    root = ET.Element("settings")
    ET.SubElement(root, "add", {"key": r.choice(["ClearTextPassword", "Password", "ApiKey"]), "value": pw})
    server = ET.SubElement(root, "server")
    ET.SubElement(server, "password").text = pw
    odbc_pw = pw[:4] + ";x=y}" + pw[4:]
    return [
        ("yaml block", yaml.safe_dump({"db": {"user": "app", name: pw}}, default_flow_style=False), pw),
        ("yaml flow", yaml.safe_dump({"db": {"user": "app", name: pw}}, default_flow_style=True), pw),
        ("yaml folded scalar", f"auth:\n  {name}: >-\n    {pw}\n", pw),
        ("toml", f'[database]\nhost = "db.internal"\n{name} = "{pw}"\n', pw),
        ("ini (configparser)", buf.getvalue(), pw),
        ("xml (ElementTree)", ET.tostring(root, encoding="unicode"), pw),
        ("netrc", f"machine api.example.com\n  login svc\n  password {pw}\n", pw),
        ("jaas", 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required '
                 f'username="svc" password="{pw}";', pw),
        ("odbc braced", "Driver={ODBC Driver 18 for SQL Server};Server=tcp:db,1433;Uid=app;PWD={"
                        + odbc_pw.replace("}", "}}") + "};Encrypt=yes", pw[4:]),
        ("ado.net", f"Server=db;Database=app;User Id=app;Password={pw};Encrypt=true", pw),
        ("jdbc", f"jdbc:sqlserver://db:1433;databaseName=app;user=app;password={pw};", pw),
        ("dsn without scheme", f"app:{pw}@tcp(db.internal:3306)/app?parseTime=true", pw),
        ("libpq conninfo", f"host=db user=app password='{pw} x' dbname=app", pw),
        ("redis (StackExchange)", f"redis.internal:6380,password={pw},ssl=True,abortConnect=False", pw),
    ]


# Common words for "password", "secret key", "token" in other languages (Unicode CLDR / browsers' password
# manager translations), written here independently of the redactor's own list.
FOREIGN_NAMES = ["密码", "数据库密码", "密碼", "パスワード", "비밀번호", "пароль", "Passwort", "Kennwort", "contraseña",
                 "senha", "wachtwoord", "hasło", "heslo", "şifre", "lösenord", "salasana", "jelszó", "mot de passe",
                 "密钥", "令牌", "токен", "ключ_api", "Schlüssel"]


def names_and_encodings(r: random.Random) -> list[Case]:
    pw = password(r).replace('"', "x").replace("\\", "x")
    foreign = r.choice(FOREIGN_NAMES)
    record = {"level": "error", "msg": "login failed", r.choice(["password", "api_key", "clientSecret"]): pw}
    twice = json.dumps({"log": json.dumps(record) + "\n", "stream": "stderr"})
    quoted = urllib.parse.quote(f"/cb?access_token={pw}&x=1", safe="")
    return [
        ("foreign name", f"{foreign}: {pw}", pw),
        ("foreign name (json, \\u-escaped)", json.dumps({foreign: pw}), pw),
        ("foreign name (json, raw)", json.dumps({foreign: pw}, ensure_ascii=False), pw),
        ("json escaped twice", twice, pw),
        ("json escaped three times", json.dumps(twice), pw),
        ("percent-encoded", f"GET /login?return_to={quoted} 302", pw),
        ("percent-encoded twice", f"next={urllib.parse.quote(quoted, safe='')}", pw),
        ("base64 json", "blob " + base64.b64encode(json.dumps(record).encode()).decode(), pw),
    ]


def _docker(lines: list[str]) -> str:
    """Docker's json-file driver: one record per line the application wrote."""
    return "\n".join(json.dumps({"log": ln + "\n", "stream": "stderr", "time": "2026-12-05T10:00:00.123456789Z"})
                     for ln in lines)


def wrapped(r: random.Random) -> list[Case]:
    """A long line with a token, broken by a fixed-width console at its width (60-132) wherever that falls,
    planted as a text log, a traceback, a JSON line and Docker records; and a rich-style locals panel."""
    out: list[Case] = []
    for _ in range(6):
        tok = r.choice(["ghp_", "sk-proj-", "glpat-", "xoxb-", "hf_", ""]) + rnd(r, AN, 40)
        words = " ".join(r.choice(["request", "rejected", "call", "credential", "the", "for", "tenant", "with"])
                         for _ in range(r.randint(2, 6)))
        prefix = r.choice(["2026-12-05 10:00:00,123 ERROR app.client: upstream ", "RuntimeError: upstream "]) + words
        line = f"{prefix} {tok} was revoked by the provider"
        start = len(prefix) + 1
        width = r.randint(max(60, start + 4), min(132, start + len(tok) - 8))
        lines = [line[i:i + width] for i in range(0, len(line), width)]
        frag = tok[width - start:]  # the continuation fragment, which carries no prefix
        shape = r.randrange(4)
        if shape == 0:
            text = "\n".join(lines)
        elif shape == 1:
            text = 'Traceback (most recent call last):\n  File "/app/client.py", line 88, in call\n' + "\n".join(lines)
        elif shape == 2:
            text = json.dumps({"level": "error", "msg": "\n".join(lines)})
        else:
            text = _docker(lines)
        out.append((f"wrapped by a console ({['text', 'traceback', 'json', 'docker'][shape]})", text, frag))
    for depth in (1, 2):  # a token wrapped inside a (nested) panel's border, as rich tracebacks draw them
        tok = r.choice(["ghp_", "glpat-", ""]) + rnd(r, AN, 40)
        inner = r.randint(60, 90)
        line = "ValueError: upstream rejected the request with token " + tok + " for tenant 42"
        rows = [line[i:i + inner] for i in range(0, len(line), inner)]
        left, right = "│ " * depth, " │" * depth
        panel_text = "\n".join(left + row.ljust(inner) + right for row in rows)
        cut = inner - len("ValueError: upstream rejected the request with token ")
        frag = tok[cut:] if len(tok[cut:]) >= 8 else tok[:cut]
        out.append((f"wrapped inside a panel (depth {depth})", panel_text, frag))
    pw = rnd(r, AN, 70)
    cut = r.randint(30, 50)
    panel = [f"│ │   password = '{pw[:cut]}" + " " * 4 + "│ │", f"│ │              {pw[cut:]}'" + " " * 10 + "│ │"]
    out.append(("wrapped by a rich panel", "\n".join(panel), pw[:cut]))
    out.append(("wrapped by a rich panel (docker)", _docker(panel), pw[:cut]))
    return out


def protocols_and_code(r: random.Random) -> list[Case]:
    """Credentials passed positionally by a protocol command or a client constructor."""
    pw = password(r).replace("'", "x").replace('"', "x").replace("\\", "x").replace(" ", "x")
    resp = rnd(r, "0123456789abcdef", 32)
    digest = f'Digest username="svc", realm="api", nonce="{rnd(r, AN, 16)}", uri="/v1", response="{resp}", qop=auth'
    return [
        ("redis AUTH", f"redis> AUTH {pw}", pw),
        ("redis AUTH (ACL, echoed by the server)", f"(error) WRONGPASS invalid username-password pair; cmd: AUTH default {pw}", pw),
        ("ftplib.FTP positional", f"ftplib.FTP('ftp.example.com', 'svc', '{pw}')", pw),
        ("pika PlainCredentials", f"pika.PlainCredentials('guest', '{pw}')", pw),
        ("YAML argv list", f"args:\n  - --password\n  - {pw}\n", pw),
        ("Digest in a JSON header dict", json.dumps({"headers": {"Authorization": digest}}), resp),
    ]


def offline_cases(seed: int) -> list[Case]:
    """The carriers that need no server (argv, shells, config formats, names, encodings, protocols, wrapping)."""
    r = random.Random(seed)
    return process_output(r) + config_formats(r) + names_and_encodings(r) + protocols_and_code(r) + wrapped(r)


def environ_has_bash() -> bool:
    return os.path.exists("/bin/bash") or os.path.exists("/usr/bin/bash")
