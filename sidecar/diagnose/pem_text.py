"""A PEM key or certificate whose TEXT the loader mangled (CLASSES10 F8: a credential loaded with characters it must
not have), read from cryptography's own refusal.

cryptography's PEM loaders (load_pem_private_key / load_pem_x509_certificate; PyJWT's algorithms.py prepare_key calls
them) raise ValueError "Unable to load PEM file. See https://cryptography.io/... InvalidData(Invalid symbol B, offset
N.)" when the body between the BEGIN/END lines holds a byte B that is not base64 (the Rust base64 decoder's
InvalidByte), and "... MalformedFraming" when the BEGIN/END lines are missing or cut. Measured on the installed
cryptography: a key whose newlines are the two characters backslash-n (a one-line env value or .env entry keeping
them escaped) gives symbol 92 at offset 0; surrounding quotes, CRLF, a BOM or spaces for newlines load fine; a key
cut short gives MalformedFraming; through PyJWT's RSA loader the same texts give InvalidKeyError "Could not parse the
provided public key." (cryptography's reason dropped). The key's text comes from a setting or secret, so the answer is config; it names
the byte's meaning and the printed *KEY/*PEM/*CERT setting when a record before shows one.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import settings_before

_PEM = re.compile(r"Unable to load PEM file\b.*?(?:InvalidData\(Invalid symbol (?P<b>\d{1,3}), offset (?P<o>\d{1,6})"
                  r"|(?P<frame>MalformedFraming))", re.S)
# PyJWT's RSA prepare_key (jwt/algorithms.py) tries the private then the public PEM loader and raises
# InvalidKeyError("Could not parse the provided public key.") `from None`: cryptography's byte is lost, the class is not
_PYJWT_PEM = re.compile(r"Could not parse the provided public key|Could not parse the provided private key")
_KEY_SETTING = re.compile(r"KEY|PEM|CERT|SECRET|PRIVATE", re.I)


def _meaning(byte: int | None, pyjwt: bool = False) -> str:
    if pyjwt:
        return ("its text is not a loadable PEM (PyJWT hides cryptography's reason): escaped newlines (\\n text "
                "in a one-line env value), a value cut at its first newline, or a key of another type")
    if byte is None:
        return ("its BEGIN/END lines are missing or cut (MalformedFraming): a multi-line value truncated at its "
                "first newline by the env loader, or only part of the file mounted")
    if byte == 92:
        return ("its newlines are the two characters backslash-n (\\n, symbol 92 = '\\\\'): a one-line env value "
                "kept them escaped instead of real newline characters")
    shown = chr(byte) if 32 < byte < 127 else f"byte {byte}"
    return f"it holds {shown!r} (symbol {byte}), which is not base64: characters pasted into the key's body"


def pem_text_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or config naming what is wrong with the PEM text (see the module docstring)."""
    if d.confidence >= 0.6:
        return d
    m = _PEM.search(inp.exception_message or "") if inp.exception_type in ("ValueError", "builtins.ValueError") \
        else None
    pyjwt = m is None and (inp.exception_type or "").endswith("InvalidKeyError") and \
        bool(_PYJWT_PEM.search(inp.exception_message or ""))
    if m is None and not pyjwt:
        return d
    byte = int(m.group("b")) if m is not None and m.group("b") else None
    setting = next((st for st in settings_before(inp) if _KEY_SETTING.search(st.name)), None)
    whose = f"the key in {setting.name}" if setting else "the PEM key/certificate text"
    fix = ("Store the PEM with real newlines (a secret file / multi-line value) or convert '\\n' to newlines when "
           "loading it, then restart." if byte == 92 else
           "Restore the full PEM text (BEGIN/END lines included) in the setting or secret and restart.")
    return d.model_copy(update={
        "category": "config", "severity": "high", "confidence": max(d.confidence, 0.5 if setting else 0.45),
        "rule": f"{d.rule}+pem-text",
        # "NAME: text" reads as a secret's value to the redactor (second_looks redacts): the name is never followed
        # by a colon here
        "summary": f"cryptography cannot load {whose}, because {_meaning(byte, pyjwt).split(':')[0]}",
        "root_cause": f"cryptography refused to load {whose}, because {_meaning(byte, pyjwt)}. The key's text comes from configuration"
                      + (f" ({setting.line[:160]})" if setting else "") + ", so every use fails until it is fixed.",
        "suggested_fix": [fix],
        "evidence": list(dict.fromkeys([*d.evidence, *([setting.line] if setting else [])]))})
