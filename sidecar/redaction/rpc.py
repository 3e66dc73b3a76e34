"""Credentials by POSITION in the documented signatures of RPC methods (CLASSES11.md A27 and B12).

Nothing names the value: the method's signature says which positional argument is the credential. The methods and
positions, from each server's own dispatch code or API reference:
- Odoo external API (odoo/service/model.py `dispatch`: `db, uid, passwd = params[0], int(params[1]), params[2]` for
  `execute`, `execute_kw`, `execute_workflow`; odoo/service/common.py `login(db, login, password)`,
  `authenticate(db, login, password, user_agent_env)`; odoo/service/db.py: the master password is `params[0]` of
  `create_database`, `duplicate_database`, `drop`, `dump`, `restore`, `rename`, `change_admin_password` (the new
  one is `params[1]`), `migrate_databases`; `create_database`'s admin `user_password` is `params[4]`).
- Bitcoin Core RPC help: `walletpassphrase(passphrase, timeout)`, `walletpassphrasechange(old, new)`,
  `encryptwallet(passphrase)`, `importprivkey(privkey, ...)`, `signmessagewithprivkey(privkey, message)`,
  `createwallet(name, disable_private_keys, blank, passphrase, ...)`.
- go-ethereum `personal` namespace: `personal_unlockAccount(address, passphrase, duration)`,
  `personal_sendTransaction(tx, passphrase)`, `personal_signTransaction(tx, passphrase)`, `personal_sign(data,
  address, passphrase)`, `personal_importRawKey(keyhex, passphrase)`, `personal_newAccount(passphrase)`.
The carriers: JSON-RPC (`"method": "<m>"` with `"params": [...]`, or Odoo's `"args": [...]` beside the inner method;
raw, json.dumps'd or escaped once more by a Docker record), XML-RPC (`<methodName><m></methodName>` then `<param>`s
in order: the Odoo docs' own examples use xmlrpc.client) and a call in source (`models.execute_kw(db, uid, 'pw', ...)`
in a traceback). Only string arguments at those positions go: ids, numbers and the model/method names stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .spans import mark_spans

_ODOO_MASTER = ("create_database", "duplicate_database", "drop", "dump", "restore", "rename", "migrate_databases")
POSITIONS: dict[str, tuple[int, ...]] = {
    "execute": (2,), "execute_kw": (2,), "execute_workflow": (2,), "login": (2,), "authenticate": (2,),
    **{m: (0,) for m in _ODOO_MASTER}, "create_database": (0, 4), "change_admin_password": (0, 1),
    "walletpassphrase": (0,), "walletpassphrasechange": (0, 1), "encryptwallet": (0,), "importprivkey": (0,),
    "signmessagewithprivkey": (0,), "createwallet": (3,),
    "personal_unlockAccount": (1,), "personal_sendTransaction": (1,), "personal_signTransaction": (1,),
    "personal_sign": (2,), "personal_importRawKey": (0, 1), "personal_newAccount": (0,),
    # Supabase Vault (docs "Vault"): `vault.create_secret(secret, name, description)`, `vault.update_secret(id, secret,
    # name, description)`, called in SQL
    "create_secret": (0,), "update_secret": (1,),
}
# WordPress XML-RPC (codex "XML-RPC WordPress API"): every `wp.*` and MetaWeblog method is (blog_id, username, password,
# ...), except `wp.getUsersBlogs(username, password)`.
_NAMES = "|".join(sorted(POSITIONS, key=len, reverse=True)) + r"|(?:wp|metaWeblog)\.\w{1,40}"
# Names other APIs use too (Django's `login(request, user, backend)`, a JSON-RPC `rename(old, new)`): taken only where an
# Odoo carrier is near (its JSON-RPC `"service"` key, its `/xmlrpc/2/` endpoints, the `jsonrpc` route, the name).
_GENERIC = frozenset({"execute", "login", "authenticate", "drop", "dump", "restore", "rename"})
_ODOO = re.compile(r"(?i)\\{0,3}\"service\\{0,3}\"|/xmlrpc|jsonrpc|odoo")
_CALL_NAMES = "|".join(n for n in sorted(POSITIONS, key=len, reverse=True) if n not in _GENERIC)
_Q = r"\\{0,3}\""
_METHOD = re.compile(r"(?P<q>\\{0,3}\")method(?P=q)[ \t]*:[ \t]*(?P=q)(?P<m>" + _NAMES + r")(?P=q)")
_ARRAY = re.compile(r"(?P<q>\\{0,3}\")(?:args|params)(?P=q)[ \t]*:[ \t]*\[")
# `<` and `>` as written, or as a Docker record writes them (`\u003c`, Go's encoding/json escapes HTML); line breaks raw
# or escaped in a bytes repr (http.client's `send: b"..."` debug line) and again in JSON
_LT, _GT, _BR = r"(?:<|\\u003[cC])", r"(?:>|\\u003[eE])", r"(?:\s|\\{1,3}[rn])*"
_XML_METHOD = re.compile(_LT + r"methodName" + _GT + r"[ \t]*(?P<m>" + _NAMES + r")[ \t]*" + _LT + r"/methodName" + _GT)
_XML_PARAM = re.compile(_LT + r"param" + _GT + _BR + _LT + r"value" + _GT + _BR + r"(?:" + _LT
                        + r"(?P<t>string|int|i4|i8|boolean|double|nil)[ \t]*/?" + _GT + r")?(?P<val>(?:(?!\\u003[cC])[^<])*)")
_XML_END = re.compile(_LT + r"/params" + _GT)
_CALL = re.compile(r"(?<![\w])(?P<m>" + _CALL_NAMES + r")\(")
_NUMBER = re.compile(r"-?\d[\w.+-]*|true|false|null|None|True|False")
# every carrier holds one of these: JSON-RPC's `"method"` key (raw or escaped), XML-RPC's `<methodName>`, or a call
# name no other API uses (the generic ones are read only in a carrier)
HINTS = ("method\"", "method\\\"", "methodname", "execute_kw", "execute_workflow", "_database", "admin_password",
         "wallet", "privkey", "personal_", "create_secret", "update_secret")
# how far from the method name its argument list may start (keys between them: `"service": "object"`, `"id": 7`)
_NEAR = 400


def _string_at(text: str, pos: int, q: str) -> re.Match[str] | None:
    return re.compile(re.escape(q) + r"(?P<val>(?:[^\"\\]|\\[^\"]){0,2048}?)" + re.escape(q)).match(text, pos)


def _elements(text: str, pos: int, q: str, close: str, sep: str = ",") -> list[tuple[int, int, bool]]:
    """(start, end, is_string) of the top-level elements of a list opened just before `pos`, up to 16; a nested list or
    object is skipped whole (its brackets counted, strings inside it read as strings)."""
    out: list[tuple[int, int, bool]] = []
    n = len(text)
    while pos < n and len(out) < 16:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        if pos >= n or text.startswith(close, pos):
            break
        s = _string_at(text, pos, q) if q else None
        if s is None and not q and text[pos] in "'\"":
            s = _string_at(text, pos, text[pos])
        if s is not None:
            out.append((s.start("val"), s.end("val"), True))
            pos = s.end()
        elif text[pos] in "[{(":
            depth, start = 0, pos
            while pos < n:
                c = text[pos]
                if c in "[{(":
                    depth += 1
                elif c in "]})":
                    depth -= 1
                    if depth == 0:
                        pos += 1
                        break
                pos += 1
            out.append((start, pos, False))
        else:
            m = _NUMBER.match(text, pos) or re.compile(r"[^,\])\n]{1,200}").match(text, pos)
            if m is None:
                break
            out.append((m.start(), m.end(), False))
            pos = m.end()
        while pos < n and text[pos] in " \t":
            pos += 1
        if not text.startswith(sep, pos):
            break
        pos += len(sep)
    return out


def _slots(method: str) -> tuple[int, ...]:
    if method in POSITIONS:
        return POSITIONS[method]
    return (1,) if method == "wp.getUsersBlogs" else (2,)


def _positions(elements: list[tuple[int, int, bool]], method: str, text: str = "", at: int = -1) -> list[tuple[int, int]]:
    """The string elements at the method's credential positions; a generic name only near an Odoo carrier (`at` < 0: the
    carrier is XML-RPC itself, where these names are Odoo's or WordPress')."""
    if at >= 0 and method in _GENERIC and _ODOO.search(text, max(0, at - 2 * _NEAR), at + _NEAR) is None:
        return []
    slots = _slots(method)
    return [(a, b) for i, (a, b, is_string) in enumerate(elements) if i in slots and is_string and b > a]


def rpc_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        if "method" in text:
            for m in _METHOD.finditer(text):
                q = m.group("q")
                arr = _ARRAY.search(text, m.end(), m.end() + _NEAR)
                if arr is None or arr.group("q") != q:
                    arr = next((a for a in _ARRAY.finditer(text, max(0, m.start() - _NEAR), m.start())
                                if a.group("q") == q), None)
                if arr is not None:
                    spans += _positions(_elements(text, arr.end(), q, "]"), m.group("m"), text, m.start())
        if "methodName" in text:
            for m in _XML_METHOD.finditer(text):
                e = _XML_END.search(text, m.end())
                params = [(p.start("val"), p.end("val"), p.group("t") in (None, "string") and bool(p.group("val").strip()))
                          for p in _XML_PARAM.finditer(text, m.end(), e.start() if e is not None else len(text))]
                spans += _positions(params, m.group("m"))
        if "(" in text:
            for m in _CALL.finditer(text):
                spans += _positions(_elements(text, m.end(), "", ")"), m.group("m"), text, m.start())
        return mark_spans(text, spans, mark)
    return sub
