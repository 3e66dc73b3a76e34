"""CLASSES12 B16 switches GLUED to their value (review, round 10): getopt(3) accepts `-P<pw>` for `-P <pw>`.

B16 (tests/data/secrets/CLASSES12.md: "single-letter, glued and vendor switches") passes on classes12_gen.b16, which
draws `mysql -p<pw>` and `7z -p<pw>` glued and the other tools spaced. The tools below parse their options with
getopt(3) (ipmitool(1) `-P password`, net-snmp snmpcmd(1) `-c`/`-A`/`-X`, OpenLDAP ldapsearch(1) `-w passwd`), so the
glued spelling is the same switch. Generated: tool, switch, value and carrier per seed; twins: the same tools' glued
switches that take no secret (`-Ilanplus`, `-v2c`, `-Uadmin`, `-lauthPriv`, `-x`) stay as written.
"""

from __future__ import annotations

import random

from sidecar.redaction import redact

from .classes11_gen import pw, shape
from .secret_gen import leaked

SEEDS = range(1250, 1253)


def _glued(r: random.Random, v: str) -> str:
    host = f"10.0.{r.randrange(256)}.{r.randrange(1, 255)}"
    k = r.randrange(4)
    if k == 0:
        return f"ipmitool -I lanplus -H {host} -U {r.choice(['admin', 'ADMIN', 'root'])} -P{v} {r.choice(['chassis status', 'power cycle', 'sel list'])}"
    if k == 1:
        return f"{r.choice(['snmpwalk', 'snmpget', 'snmpbulkwalk'])} -v{r.choice(['1', '2c'])} -c{v} {host} {r.choice(['sysDescr.0', 'ifTable', '.1.3.6.1.2.1.1'])}"
    if k == 2:
        sw = r.choice(["A", "X"])
        return f"snmpwalk -v3 -l authPriv -u gw -a SHA {'-A' + v + ' -x AES -X other1Pass' if sw == 'A' else '-A other1Pass -x AES -X' + v} {host}"
    return f"ldapsearch -x -H ldap://{host} -D cn=admin,dc=example,dc=net -w{v} -b dc=example,dc=net"


def _twin(r: random.Random) -> tuple[str, str]:
    host = f"10.0.{r.randrange(256)}.{r.randrange(1, 255)}"
    word = r.choice(["-Ilanplus", "-v2c", "-Uadmin", "-lauthPriv", "-aSHA", "-xAES"])
    return f"{r.choice(['ipmitool', 'snmpwalk'])} {word} -H {host} status", word


def test_glued_password_switch_goes() -> None:
    leaks = []
    for s in SEEDS:
        r = random.Random(f"b16-review:{s}")
        for _ in range(25):
            v = pw(r)
            text = shape(r, "exec: " + _glued(r, v))
            if leaked(v, redact(text)):
                leaks.append(text[:140])
    assert not leaks, (len(leaks), leaks[:2])


def test_glued_switch_without_a_secret_stays() -> None:
    lost = []
    for s in SEEDS:
        r = random.Random(f"b16-review-twin:{s}")
        for _ in range(25):
            text, word = _twin(r)
            if word not in redact(text):
                lost.append(text)
    assert not lost, (len(lost), lost[:2])
