"""Classes generalised from the spent held-out set 10's `spec-out` cases that `sidecar eval` still failed at the
start of round 11 (10037, 10038, 10039, 10044): each case's SITUATION made a class, varied as CLASSES10 varies
its classes (library raise site, value source, carrier, logger), with a twin whose deciding record flips it.
Spec id `h10`; class ids `h10-<name>`.
"""

from __future__ import annotations

import base64
import datetime as dt
import pwd
from random import Random
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from cryptography.fernet import Fernet, MultiFernet

from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame, run_chain
from evals.gen.registry import REGISTRY, klass
from evals.gen.render import Record


def _logger(path: str) -> str:
    return path.removeprefix("/app/").removesuffix(".py").replace("/", ".")


# --- h10-fernet (from 10044) -----------------------------------------------------------------------------------
# Source: cryptography/fernet.py (`decrypt` -> `_verify_signature` raises InvalidToken for a token signed with
# another key), `MultiFernet` (the documented way to rotate keys). Config when every stored row fails right after
# the key setting changed without the old key kept; twin: one user's uploaded blob is corrupt -> unknown.
@klass("h10", "h10-fernet")
def fernet(rng: Random, twin: bool) -> dict[str, Any]:
    """InvalidToken decrypting stored secrets: a rotated key setting (config) vs one user's corrupt blob (unknown)."""
    old, new = (base64.urlsafe_b64encode(rng.randbytes(32)) for _ in range(2))
    use_multi = rng.random() < 0.5
    token = Fernet(old).encrypt(b"sk-stored-credential")
    if twin:
        token = token[:40] + (b"A" if token[40:41] != b"A" else b"B") + token[41:]
        key = old
    else:
        key = new
    box: Any = MultiFernet([Fernet(key)]) if use_multi else Fernet(key)
    path = rng.choice(("/app/src/cache/credential_store.py", "/app/src/storage/secrets.py", "/app/tools/vault.py"))
    exc = run_chain([Frame(path, "get", "secret = self._decrypt(row.blob)", {"row": type("R", (), {"blob": token})()}),
                     Frame(path, "_decrypt", "return box.decrypt(blob)", {"box": box, "blob": token})], rng)
    setting = rng.choice(("CACHE_ENCRYPTION_KEY", "EXAI_SECRET_KEY", "CREDENTIALS_FERNET_KEY"))
    project, carrier = rng.randint(3, 90), rng.choice(("exception", "message"))
    others = [rng.randint(3, 90) for _ in range(3)]
    records = noise(rng, rng.randint(2, 5), 0, 60, project_ref(rng))
    if twin:
        records.append(Record(0.5, "INFO", "src.core.env_config", f"crypto: {setting}=<set, version 4>"))
        records += [Record(10.0 + i, "INFO", _logger(path), f"decrypted stored credential for project {p}")
                    for i, p in enumerate(others)]
        records.append(Record(29.0, "INFO", "ws_daemon", f"[req:{req_id(rng)}] import_credentials: user upload "
                                                         f"for project {project} (blob pasted by the user)"))
    else:
        records.append(Record(0.0, "INFO", "ops", f"secret {setting} rotated (version 4 -> 5)"))
        records.append(Record(0.5, "INFO", "src.core.env_config", f"crypto: {setting}=<set, version 5> "
                                                                  f"{setting}_OLD=<unset>"))
        records += [Record(10.0 + i, "ERROR", _logger(path), f"cannot decrypt stored credential for project {p}")
                    for i, p in enumerate(others)]
        req_id(rng)
    records += carry(rng, exc, 30.0, _logger(path), f"cannot decrypt stored credential for project {project}",
                     carrier)
    axes = {"multi": str(use_multi), "carrier": carrier, "setting": setting}
    if twin:
        return make_case(rng, cls="h10-fernet", kind="near-miss", records=records, category="unknown",
                         severity="low", description="One user's pasted blob is corrupt; other rows decrypt fine: "
                         "unknown.", must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="h10-fernet", kind="known", records=records, category="config", severity="high",
                     description=f"Every stored row fails to decrypt since {setting} was rotated without keeping "
                                 "the old key: config.", must_mention=[setting], must_not=[], axes=axes)


# --- h10-epoch (from 10038) ------------------------------------------------------------------------------------
# Source: Lib/datetime.py `fromtimestamp` ("year N is out of range" / OverflowError for very large values). Our
# parser reads milliseconds as seconds (every event fails the same way) -> code; twin: a user's own value in a tool
# call is absurd -> unknown.
@klass("h10", "h10-epoch")
def epoch(rng: Random, twin: bool) -> dict[str, Any]:
    """A timestamp out of datetime's range: our unit mistake on a feed (code) vs a user's absurd value (unknown)."""
    ms = rng.randint(1_760_000_000_000, 1_770_000_000_000)
    tz = rng.choice(("dt.timezone.utc", "None"))
    path = rng.choice(("/app/src/monitoring/auditor_ingest.py", "/app/src/metrics/event_reader.py",
                       "/app/tools/timeline.py"))
    field = rng.choice(("ts", "created_at", "t"))
    exc = run_chain([Frame(path, "handle", "event = self._parse(raw)"),
                     Frame(path, "_parse", f"when = dt.datetime.fromtimestamp(raw[{field!r}], tz={tz})",
                           {"dt": dt, "raw": {field: ms}})], rng)
    carrier, rid = rng.choice(("exception", "message", "block")), req_id(rng)
    records = noise(rng, rng.randint(2, 5), 0, 60, project_ref(rng))
    if twin:
        records.append(Record(29.0, "INFO", "ws_daemon", f"[req:{rid}] tool call timeline args={{{field!r}: {ms}}}"))
        records.append(Record(12.0, "INFO", _logger(path), "parsed 214 events from the auditor feed"))
    else:
        records.append(Record(0.5, "INFO", _logger(path), f"auditor feed: {field} in epoch milliseconds (v2 format)"))
        records += [Record(12.0 + i, "WARNING", _logger(path), f"dropping auditor event ({field}={ms + 997 * i})")
                    for i in range(3)]
    records += carry(rng, exc, 30.0, _logger(path), f"[req:{rid}] dropping event", carrier)
    axes = {"field": field, "carrier": carrier, "tz": tz}
    if twin:
        return make_case(rng, cls="h10-epoch", kind="near-miss", records=records, category="unknown",
                         severity="low", description="A user's absurd timestamp in a tool call; the feed parses: "
                         "unknown.", must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="h10-epoch", kind="known", records=records, category="code", severity="medium",
                     description="Our parser reads the feed's milliseconds as seconds: every event out of range: "
                                 "code.", must_mention=[], must_not=[], axes=axes)


# --- h10-schema (from 10037) -----------------------------------------------------------------------------------
# Source: jsonschema/validators.py (`check_schema` validates a schema against its metaschema -> SchemaError).
# Our own tool definition's schema is invalid (at registration) -> code; twin: a user-supplied schema -> unknown.
_SCHEMAS = ({"type": "object", "properties": {"n": {"type": "int"}}},
            {"type": "object", "required": "query"},
            {"type": "array", "items": {"minLength": "3"}},
            {"type": "object", "properties": {"mode": {"enum": "fast"}}})


@klass("h10", "h10-schema")
def schema(rng: Random, twin: bool) -> dict[str, Any]:
    """A JSON Schema rejected by its metaschema: our tool definition (code) vs a user's schema (unknown)."""
    bad = rng.choice(_SCHEMAS)
    validator = rng.choice((jsonschema.Draft202012Validator, jsonschema.Draft7Validator))
    tool = rng.choice(("web_search", "file_query", "structured_extract"))
    path = "/app/tools/validate_json.py" if twin else "/app/src/tools/registry.py"
    exc = run_chain([Frame(path, "register" if not twin else "run", "self._check(schema)"),
                     Frame(path, "_check", "Validator.check_schema(schema)", {"Validator": validator,
                                                                              "schema": bad})], rng)
    carrier, rid = rng.choice(("exception", "message")), req_id(rng)
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    if twin:
        records.append(Record(29.0, "INFO", "ws_daemon", f"[req:{rid}] tool call validate_json args={{'schema': "
                                                         f"{bad!r}, 'document': '...'}}"))
        header = f"[req:{rid}] invalid schema from the user"
    else:
        records.append(Record(1.0, "INFO", "src.daemon.ws_server", f"deploy 2026-12.{rng.randint(1, 9)} (tools: "
                                                                   f"{tool} schema updated)"))
        header = f"tool registration failed: {tool}"
    records += carry(rng, exc, 30.0, _logger(path), header, carrier)
    axes = {"validator": validator.__name__, "carrier": carrier}
    if twin:
        return make_case(rng, cls="h10-schema", kind="near-miss", records=records, category="unknown",
                         severity="low", description="A schema the user supplied to a validation tool is invalid: "
                         "unknown.", must_mention=[], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="h10-schema", kind="known", records=records, category="code", severity="high",
                     description="Our own tool definition's JSON Schema is invalid at registration: code.",
                     must_mention=[], must_not=[], axes=axes, deciding="error")


# --- h10-passwd (from 10039) -----------------------------------------------------------------------------------
# Source: Lib/getpass.py `getuser` (falls back to pwd.getpwuid(os.getuid())), Modules/pwdmodule.c
# ("getpwuid(): uid not found: N"). The container runs as a UID with no passwd entry (compose `user:` setting) ->
# config; twin: the uid is the owner of a file inside a user's uploaded archive -> unknown.
@klass("h10", "h10-passwd")
def passwd(rng: Random, twin: bool) -> dict[str, Any]:
    """No passwd entry for a uid: the container's run-as setting (config) vs a user's archive member (unknown)."""
    uid = rng.choice((10001, 1000 + rng.randint(1, 50), 65532))
    while True:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            break
        uid += 7
    startup = rng.choice(("/app/scripts/ws/run_ws_daemon.py", "/app/src/bootstrap/startup.py"))
    path = "/app/tools/archive_inspect.py" if twin else startup
    line = "owner = pwd.getpwuid(member.uid).pw_name" if twin else "user = pwd.getpwuid(os.getuid()).pw_name"
    exc = run_chain([Frame(path, "main" if not twin else "run", "info = describe()"),
                     Frame(path, "describe", line, {"pwd": pwd, "os": type("os", (), {"getuid": staticmethod(
                         lambda: uid)}), "member": type("M", (), {"uid": uid})()})], rng)
    carrier, rid = rng.choice(("exception", "message")), req_id(rng)
    records = noise(rng, rng.randint(1, 4), 0, 30, project_ref(rng))
    if twin:
        records.append(Record(29.0, "INFO", "ws_daemon", f"[req:{rid}] tool call archive_inspect "
                                                         "args={'file': 'backup.tar'}"))
        header = f"[req:{rid}] cannot describe archive member"
    else:
        records.append(Record(0.2, "INFO", "ws_daemon", f"container user: {uid}:{uid} (compose user: setting)"))
        header = "daemon start-up failed"
    records += carry(rng, exc, 30.0, _logger(path) if twin else "ws_daemon", header, carrier)
    axes = {"uid": str(uid), "carrier": carrier}
    if twin:
        return make_case(rng, cls="h10-passwd", kind="near-miss", records=records, category="unknown",
                         severity="low", description="A member of the user's archive is owned by a uid unknown here: "
                         "unknown.", must_mention=[], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="h10-passwd", kind="known", records=records, category="config", severity="high",
                     description="The container runs as a uid without a passwd entry (the compose user setting): "
                                 "config.", must_mention=[], must_not=[], axes=axes, deciding="error")


CLASSES = REGISTRY["h10"]
