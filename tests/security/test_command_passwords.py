"""Password arguments of commands whose man pages document them (OpenLDAP `-w`, ldappasswd `-a`/`-s`, openssl
`pass:` and enc `-k`, wpa_passphrase's second argument) as a shell line and as a Python argv list, and the
WPA pre-shared key and `pswd` spellings of the name class; with the references that stay (`env:`, `file:`,
`$VAR`, `key_mgmt=WPA-PSK`). Generated over commands, forms and seeds."""

from __future__ import annotations

import random

import pytest

from sidecar.redaction import redact
from sidecar.redaction.carriers import AUTH_PAIR, AUTH_PAIR_HINTS

from .secret_gen import password


def _forms(r: random.Random, argv: list[str]) -> list[str]:
    return [" ".join(argv), f"Command '{argv!r}' returned non-zero exit status 49.",
            f"exec: {' '.join(argv)} {r.choice(['', '(uid=bob)', '-b dc=x,dc=y'])}"]


@pytest.mark.parametrize("seed", range(8))
def test_a_documented_password_argument_goes_in_a_shell_line_and_an_argv_list(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(10):
        pw = password(r).replace("'", "")
        ldap = r.choice(["ldapsearch", "ldapmodify", "ldapadd", "ldapdelete", "ldapwhoami", "ldappasswd"])
        argvs = [
            [ldap, "-x", "-H", "ldaps://ldap.example.org", "-D", "cn=gw,dc=example,dc=org", "-w", pw],
            ["ldappasswd", "-x", "-D", "cn=admin", r.choice(["-a", "-s"]), pw, "uid=bob"],
            ["openssl", r.choice(["pkcs12", "rsa", "req", "pkey"]), "-in", "gw.key",
             r.choice(["-passin", "-passout", "-pass"]), "pass:" + pw],
            ["openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-in", "b.enc", "-k", pw],
            ["wpa_passphrase", r.choice(["exai-edge", "office"]), pw],
        ]
        for argv in argvs:
            for line in _forms(r, argv):
                assert pw not in redact(line), line


@pytest.mark.parametrize("line", [
    "openssl pkcs12 -export -passin file:/run/secrets/p12 -passout env:P12_PASS",
    "openssl rsa -in key.pem -passin stdin",
    "ldapsearch -x -w $LDAP_PASSWORD -b dc=example,dc=org",
    "ldapsearch -x -s sub -b dc=example,dc=org (uid=bob)",
    "network={ key_mgmt=WPA-PSK proto=RSN }",
    "nmcli con modify uplink wifi-sec.key-mgmt wpa-psk",
])
def test_references_and_algorithms_stay(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize("seed", range(6))
def test_a_wpa_psk_and_a_pswd_in_their_spellings(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(20):
        pw = password(r) + "7"
        line = r.choice([
            f'network={{ ssid="exai-edge" psk="{pw}" }}',
            f"nmcli con modify uplink wifi-sec.key-mgmt wpa-psk wifi-sec.psk {pw}",
            f"wpa_psk={pw}",
            f'{{"network": {{"ssid": "office", "psk": "{pw}"}}}}',
            f"PSWD: {pw}",
            f"db_pswd={pw}",
            f"MYSQL_ROOT_PSWD={pw}",
        ])
        assert pw not in redact(line), line


@pytest.mark.parametrize("seed", range(6))
def test_an_imap_login_password_goes(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(20):
        pw = password(r).replace('"', "") + "!"
        tag = r.choice(["HNGO1", "a001", "A7"])
        user = r.choice(["alerts@example.org", '"ops"', "bob"])
        quoted = r.choice([f'"{pw}"', pw])
        line = r.choice([f"  21:04.11 > b'{tag} LOGIN {user} {quoted}'",
                         json_escaped(f"> b'{tag} LOGIN {user} {quoted}'"),
                         f"imaplib.IMAP4.error: b'[AUTHENTICATIONFAILED] Invalid credentials' after LOGIN {user} {pw}"])
        assert pw not in redact(line), line


def json_escaped(text: str) -> str:
    import json
    return json.dumps({"log": text})


@pytest.mark.parametrize("seed", range(6))
def test_recovery_codes_go_one_or_a_list(seed: int) -> None:
    r = random.Random(seed)
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    for _ in range(20):
        shape = r.choice(["github", "google", "hyphen3"])
        codes = []
        for _ in range(r.randint(1, 4)):
            if shape == "github":
                codes.append("".join(r.choice("0123456789abcdef") for _ in range(5)) + "-"
                             + "".join(r.choice("0123456789abcdef") for _ in range(5)))
            elif shape == "google":
                codes.append("".join(r.choice("0123456789") for _ in range(8)))
            else:
                codes.append("-".join("".join(r.choice(alnum) for _ in range(4)) for _ in range(3)) + "9")
        name = r.choice(["recovery code", "backup_codes", "recovery_codes", "Backup codes", "scratch-codes"])
        line = r.choice([f"user bob used {name} {codes[0]}; 7 left", f"{name}: {codes[0]}",
                         json_escaped(f"{name}: {', '.join(codes)}"),
                         '{"' + name + '": [' + ", ".join(f'"{c}"' for c in codes) + "]}"])
        out = redact(line)
        assert not any(c in out for c in codes), line


@pytest.mark.parametrize("line", [
    "recovery codes: 7 left",
    "backup code already used",
    "backup codes regenerated at 2026-12-01",
    "LOGIN FAILED for user bob",
    "a1 LOGIN bob $IMAP_PASS",
    "otp code sent to +1 555 0100",
])
def test_login_and_code_prose_stays(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize("seed", range(6))
def test_a_numeric_pin_after_pin_and_a_qualifier_goes(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(20):
        pin = str(r.randint(10 ** 3, 10 ** 12 - 1)).zfill(r.randint(4, 12))
        name = r.choice(["PIN", "pin", "PIN code", "user PIN", "SO pin", "pin_code"])
        qual = r.choice(["", " for HSM slot 0", " for token slot 2", " of card 7"])
        sep = r.choice([" is ", " was ", ": ", "=", " '", ' "'])
        close = sep.strip()[-1:] if sep.strip() in ("'", '"') else ""
        line = r.choice(["DEBUG src.signing.hsm: ", "PyKCS11Error: CKR_PIN_INCORRECT (0x000000A0) for "]) + (
            f"{name}{qual}{sep}{pin}{close}")
        assert pin not in redact(line), line


@pytest.mark.parametrize("line", [
    "PIN length is 6", "pinned 20241201", "PIN code expires in 3600 seconds", "pin_code=2024-12-01",
    "pinned to version 1.2.3456", "spinning 12345 workers", "pin count: 3",
])
def test_pin_prose_and_short_numbers_stay(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize("seed", range(8))
def test_archiver_gpg_bundler_and_net_use_passwords_go(seed: int) -> None:
    """7-Zip/RAR `-p<pw>` glued, Info-ZIP `-P pw`, gpg `--passphrase pw` (and `echo pw | gpg --passphrase-fd 0`),
    Bundler `bundle config <host> user:pass`, Windows `net use \\\\host\\share pw /user:x` in either order."""
    r = random.Random(seed)
    for _ in range(10):
        pw = password(r).replace("'", "").replace('"', "")
        host = r.choice(["fs01", "nas.corp.local", "10.0.0.5"])
        argvs = [
            [r.choice(["7z", "7za", "rar"]), r.choice(["a", "x"]), "-t7z", "arch.7z", "-p" + pw, "/app/data"],
            [r.choice(["zip", "unzip", "zipcloak"]), "-r", "-P", pw, "out.zip", "data"],
            ["gpg", "--batch", "--pinentry-mode", "loopback", r.choice(["--yes", "-q"]), "--passphrase", pw,
             "-d", "s.gpg"],
            ["bundle", "config", "set", "--global", r.choice(["gems.contribsys.com", "gems.example.org"]),
             "u" + str(r.randint(1, 99)) + ":" + pw],
            ["net", "use", r.choice(["Z:", "*:"]), f"\\\\{host}\\backups", pw, "/user:CORP\\svc"],
            ["net", "use", f"\\\\{host}\\backups", "/user:CORP\\svc", pw, "/persistent:no"],
        ]
        for argv in argvs:
            for line in _forms(r, argv):
                assert pw not in redact(line), line
        line = f"+ echo {pw} | gpg --batch --passphrase-fd 0 --decrypt s.gpg"
        assert pw not in redact(line), line


@pytest.mark.parametrize("line", [
    "7z x -o/tmp/restore backup.7z -y",
    "7z a -t7z -mhe=on -p /backups/x.7z /app/data",
    "zip -r -q out.zip data/",
    "unzip -p archive.zip README.md",
    "gpg --batch --passphrase-file /run/secrets/gpg --decrypt s.gpg",
    "gpg --batch --passphrase-fd 3 --decrypt s.gpg",
    "gpg --batch --pinentry-mode loopback --passphrase-fd=0 -d s.gpg",
    "bundle config set --local path vendor/bundle",
    "bundle config set --global gems.example.org $BUNDLE_GEMS__EXAMPLE__ORG",
    "net use Z: \\\\fs01\\backups * /user:CORP\\svc",
    "net use Z: \\\\fs01\\backups /user:CORP\\svc /persistent:yes",
    "net use Z: /delete",
])
def test_archiver_and_net_use_lines_without_a_password_stay(line: str) -> None:
    assert redact(line) == line


def _spelled(r: random.Random, name: str) -> str:
    """`name` in a spelling re.IGNORECASE reads as it: any case, and the non-ASCII letters that fold to an ASCII one
    (`İ` U+0130 and `ı` U+0131 to i, `ſ` U+017F to s: hintscan._FOLDS)."""
    folds = {"i": ("İ", "ı"), "s": ("ſ",)}
    return "".join(r.choice(folds[c]) if c in folds and r.random() < 0.4 else r.choice([c, c.upper()]) for c in name)


@pytest.mark.parametrize("seed", range(3))
def test_a_user_password_pair_call_goes_in_every_spelling_the_pattern_reads(seed: int) -> None:
    """carriers.AUTH_PAIR (`smtp.login('u', '<pw>')`, `HTTPBasicAuth('u', '<pw>')`, `auth=('u', '<pw>')`): its hints
    are derived from its names in every spelling its IGNORECASE pattern matches; `logİn('u', '<pw>')` escaped the
    hand-kept ASCII hints (re-read r15). Twins: a name inside a longer word (`blogin(`), one argument only."""
    r = random.Random(f"auth-pair-{seed}")
    names = ["login", "auth", "HTTPBasicAuth", "BasicAuth", "DigestAuth", "authenticate", "credentials",
             "NetworkCredential", "PlainCredentials", "UsernamePasswordCredentials", "PasswordAuthentication"]
    for _ in range(20):
        name, user, pw = _spelled(r, r.choice(names)), r.choice(["svc-user", "alice", "gw_mail"]), password(r) + "7"
        name = name.lower() if name.isupper() else name  # `AUTH = (...)` is also Redis AUTH's line grammar (left over)
        pw = pw.replace("'", "").replace('"', "")
        q = r.choice(["'", '"'])
        call = r.choice([f"{name}({q}{user}{q}, {q}{pw}{q})", f"{name}=({q}{user}{q}, {q}{pw}{q})",
                         f"{name} = ({q}{user}{q}, {q}{pw}{q})"])
        line = r.choice(["smtp.", "client.", "requests.get(url, ", ""]) + call + r.choice(["", " failed", ")"])
        out = redact(line)
        assert pw not in out and user in out, (line, out)
        assert any(h in line.lower() for h in AUTH_PAIR_HINTS), line  # the hints: a necessary condition, never narrower
        for twin in (f"b{name}({q}{user}{q}, {q}{pw}{q})", f"{name}({q}{pw}{q})"):  # not the pair's grammar
            assert AUTH_PAIR.search(twin) is None, twin
