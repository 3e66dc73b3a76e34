"""Values bound to their name by reference: the template names the slot, the value travels apart (CLASSES11.md A27).

- PostgreSQL server logs (docs "Error Reporting and Logging", log_statement / log_parameter_max_length): `execute
  <name>: <SQL with $1, $2>` then `DETAIL:  parameters: $1 = '...', $2 = '...'`. A parameter is secret when the SQL
  binds it to a secret name (`password = $2`, `SET pw_hash = crypt($2, ...)`: crypt(3)/pgcrypto hash a password) or
  an INSERT puts it in a secret column (`INSERT INTO t (user, password) VALUES ($1, $2)`).
- GraphQL (spec, "Variables"): `login(user: $u, password: $p)` in the query, `"variables": {"p": "..."}` beside it.
- JSON-RPC 2.0 (spec section 4.2, positional params): a method whose name says it logs in (`auth.login`,
  `user.authenticate`, `signIn`) takes the credential as its LAST positional string param.
Only the bound slot goes: the other parameters (user names, ids) are the diagnosis.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .secret_names import is_secret_name, name_words
from .spans import mark_spans

_PG_STATEMENT = re.compile(r"(?:execute|statement)[^:\n]{0,40}:[ \t]+(?P<sql>[^\n]{1,4000})")
_PG_PARAMS = re.compile(r"DETAIL:[ \t]+[Pp]arameters:[ \t]+(?P<list>[^\n]{1,4000})")
_PG_PARAM = re.compile(r"\$(?P<n>\d{1,3})[ \t]*=[ \t]*'(?P<val>(?:[^'\\]|''|\\.){1,512})'")
_BOUND = re.compile(r"(?P<name>[A-Za-z_][\w.]{0,60})[ \t]*(?:=|:=)[ \t]*(?:(?:crypt|digest|md5|hmac|"
                    r"pgp_sym_encrypt|encode|decode)\([ \t]*)?\$(?P<n>\d{1,3})\b"
                    r"|(?P<fn>crypt|pgp_sym_encrypt)\([ \t]*\$(?P<n2>\d{1,3})\b")
_INSERT = re.compile(r"\((?P<cols>[\w\s,\"]{1,400})\)[ \t]*VALUES[ \t]*\((?P<vals>[$\d\s,]{1,400})\)", re.IGNORECASE)
_GQL_ARG = re.compile(r"(?P<name>[A-Za-z_]\w{0,60})[ \t]*:[ \t]*\$(?P<var>[A-Za-z_]\w{0,60})")
_GQL_VARS = re.compile(r"\\{0,3}\"variables\\{0,3}\"[ \t]*:[ \t]*\{")
_RPC = re.compile(r"\\{0,3}\"method\\{0,3}\"[ \t]*:[ \t]*\\{0,3}\"(?P<method>[\w./:-]{1,80})\\{0,3}\"[^\n]{0,200}?"
                  r"\\{0,3}\"params\\{0,3}\"[ \t]*:[ \t]*\[(?P<params>[^\]\n]{0,1000})\]")
_RPC_STRING = re.compile(r"\\{0,3}\"(?P<val>(?:[^\"\\]|\\.){1,512}?)\\{0,3}\"")
_LOGIN_WORDS = frozenset({"login", "logon", "signin", "authenticate", "auth", "password", "passwd", "unlock"})
# CLASSES11.md B10, name and value in generic fields: a secret-named key holding `{"value": <v>}` (Azure Resource Manager
# parameter files, `terraform show -json` variables), AWS SSM GetParameter(s) --with-decryption (`"Type":
# "SecureString"` beside `"Value"`), CloudFormation `ParameterKey`/`ParameterValue` pairs.
_Q = r"\\{0,3}\""
_WRAPPED = re.compile(_Q + r"(?P<name>[\w.-]{1,80})" + _Q + r"[ \t]*:[ \t]*\{[ \t]*" + _Q
                      + r"(?:value|Value|stringValue|secretValue|plaintext)" + _Q + r"[ \t]*:[ \t]*" + _Q
                      + r"(?P<val>(?:[^\"\\]|\\[^\"]){1,512}?)" + _Q)
_SECURE = re.compile(_Q + r"Type" + _Q + r"[ \t]*:[ \t]*" + _Q + r"SecureString" + _Q)
_SSM_VALUE = re.compile(_Q + r"Value" + _Q + r"[ \t]*:[ \t]*" + _Q + r"(?P<val>(?:[^\"\\]|\\[^\"]){1,4096}?)" + _Q)
_CFN = re.compile(_Q + r"ParameterKey" + _Q + r"[ \t]*:[ \t]*" + _Q + r"(?P<name>[\w.-]{1,80})" + _Q + r"[ \t]*,[ \t]*"
                  + _Q + r"ParameterValue" + _Q + r"[ \t]*:[ \t]*" + _Q + r"(?P<val>(?:[^\"\\]|\\[^\"]){1,512}?)" + _Q)
# CLASSES11.md A24, the name a value of a sibling field: ArcSight CEF custom fields (`cs1Label=<name> ... cs1=<v>`,
# also cn/flexString/deviceCustomString; CEF implementation standard), Windows Event Log XML (`<Data Name="<name>">
# <v></Data>`, the EventData schema).
_CEF_LABEL = re.compile(r"\b(?P<field>cs\d|cn\d|flexString\d|deviceCustomString\d)Label=(?P<name>[\w.-]{1,80})")
# CLASSES12.md A36, element text named by a sibling attribute: Android `<string name="api_key">v</string>`, Java
# properties XML `<entry key="db.password">v</entry>` (java.util.Properties.loadFromXML DTD), .NET `<setting name=..>`
# `<value>`-less forms; `<` `>` raw or as a Docker record writes them (`\u003c`), quotes raw or JSON-escaped
_LT, _GT = r"(?:<|\\u003[cC])", r"(?:>|\\u003[eE])"
_XQ = r"\\{0,3}[\"']"
_NAMED_ELEMENT = re.compile(_LT + r"(?P<tag>[\w:.-]{1,40})[ \t]+(?:[\w:.-]{1,40}=" + _XQ + r"[^\"'<>\n\\]{0,80}" + _XQ
                            + r"[ \t]+){0,4}(?:name|key|Name|Key)=" + _XQ + r"(?P<name>[^\"'<>\n\\]{1,80})" + _XQ
                            + r"[ \t]*" + _GT + r"(?P<val>(?:(?!\\u003[cC])[^<\n]){1,512}?)" + _LT + r"/(?P=tag)" + _GT)
_EVENT_DATA = re.compile(r"<Data Name=\\{0,3}[\"'](?P<name>[\w.-]{1,80})\\{0,3}[\"']>(?P<val>[^<\n]{1,512})</Data>")
HINTS = ("parameters:", "variables", "params", "value\"", "value\\\"", "securestring", "parameterkey", "label=",
         "<data name=", "name=\"", "key=\"", "name=\\\"", "key=\\\"", "name='", "key='")


def _sql_secret_slots(sql: str) -> set[str]:
    slots = {m.group("n") or m.group("n2") for m in _BOUND.finditer(sql)
             if m.group("fn") is not None or is_secret_name(m.group("name").split(".")[-1])}
    for ins in _INSERT.finditer(sql):
        cols = [c.strip().strip('"') for c in ins.group("cols").split(",")]
        vals = [v.strip() for v in ins.group("vals").split(",")]
        slots |= {v[1:] for c, v in zip(cols, vals, strict=False) if v.startswith("$") and is_secret_name(c)}
    return slots


def bound_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        if "arameters:" in text:
            for d in _PG_PARAMS.finditer(text):
                statements = list(_PG_STATEMENT.finditer(text, max(0, d.start() - 4200), d.start()))
                st = statements[-1] if statements else None  # the last statement before the DETAIL line
                slots = _sql_secret_slots(st.group("sql")) if st is not None else set()
                spans += [p.span("val") for p in _PG_PARAM.finditer(text, d.start("list"), d.end("list"))
                          if p.group("n") in slots]
        if "variables" in text:
            secret_vars = {m.group("var") for m in _GQL_ARG.finditer(text) if is_secret_name(m.group("name"))}
            for v in _GQL_VARS.finditer(text) if secret_vars else ():
                for var in secret_vars:
                    m = re.compile(r"\\{0,3}\"" + re.escape(var) + r"\\{0,3}\"[ \t]*:[ \t]*\\{0,3}\"(?P<val>(?:[^\"\\]|\\.)"
                                   r"{1,512}?)\\{0,3}\"").search(text, v.end(), v.end() + 2000)
                    if m is not None:
                        spans.append(m.span("val"))
        if "params" in text:
            for m in _RPC.finditer(text):
                if _LOGIN_WORDS.isdisjoint(name_words(m.group("method"))):
                    continue
                strings = list(_RPC_STRING.finditer(text, m.start("params"), m.end("params")))
                if len(strings) >= 2:
                    spans.append(strings[-1].span("val"))
        spans += _generic_fields(text)
        return mark_spans(text, spans, mark)
    return sub


@functools.lru_cache(maxsize=64)
def _cef_value(field: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])" + field + r"=(?P<val>(?:[^\s\\=]|\\.)+)")


def _generic_fields(text: str) -> list[tuple[int, int]]:
    spans = [m.span("val") for m in _WRAPPED.finditer(text) if is_secret_name(m.group("name"))] if "alue" in text else []
    if "SecureString" in text:
        for t in _SECURE.finditer(text):  # the Value of the same parameter object, before or after its Type
            lo, hi = text.rfind("{", 0, t.start()), text.find("}", t.end())
            v = _SSM_VALUE.search(text, max(lo, 0), hi if hi >= 0 else len(text))
            if v is not None:
                spans.append(v.span("val"))
    if "Label=" in text:
        for lab in _CEF_LABEL.finditer(text):
            if is_secret_name(lab.group("name")):
                # the field's value in the same CEF record: searched in a bounded window around its label (a line of
                # thousands of labels must not be rescanned from its start for each: review r9, 180 KB took 20 s)
                lo, hi = max(0, lab.start() - 2000), min(len(text), lab.end() + 2000)
                v = _cef_value(lab.group("field")).search(text, lo, hi)
                if v is not None:
                    spans.append(v.span("val"))
    if "ame=" in text or "ey=" in text:
        spans += [m.span("val") for m in _NAMED_ELEMENT.finditer(text) if is_secret_name(m.group("name"))]
    if "<Data Name=" in text:
        spans += [m.span("val") for m in _EVENT_DATA.finditer(text) if is_secret_name(m.group("name"))]
    if "ParameterKey" in text:
        spans += [m.span("val") for m in _CFN.finditer(text) if is_secret_name(m.group("name"))]
    return spans
