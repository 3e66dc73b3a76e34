"""Our serialiser refusing a value that came unchanged from the provider's reply: the provider broke its schema.

CLASSES10 G4's twin (and CLASSES9 P1): json.dumps refuses a value the format cannot hold (`LIB/json/encoder.py`:
"Object of type X is not JSON serializable" from `default`, "Out of range float values are not JSON compliant" with
`allow_nan=False`, "keys must be str, int, float, bool or None, not X"). Written by our code the value is ours (code,
the rules' answer); when a record of the same request shows the provider's REPLY carrying a value of exactly that
kind (a bytes literal, a set, a datetime, a non-finite float) the provider's reply broke the API's JSON schema - no
JSON reply can hold such a value as the SDK hands it over - and the fix is on the provider side (or our validation of
its reply): provider.

The reply record is tied by the request id, concerns an LLM provider (situation.py: its logger, host or model), and
speaks of its reply (reply, response, choices, completion, message, delta).
"""

from __future__ import annotations

import re

from .excerpt import split_records
from .following import request_id
from .model import Diagnosis, DiagnosisInput, one_line
from .situation import situation

CONFIDENCE = 0.45
_REFUSED = re.compile(r"Object of type '?(?P<t>\w+)'? is not JSON serializable|"
                      r"(?P<f>Out of range float values are not JSON compliant)|"
                      r"keys must be str, int, float, bool or None, not (?P<k>\w+)")
# a value of each refused kind as a record prints it (repr or str)
_SHAPES: dict[str, re.Pattern[str]] = {
    "bytes": re.compile(r"(?<![\w'\"])b['\"]"), "bytearray": re.compile(r"\bbytearray\("),
    "set": re.compile(r"=\s*\{[^{}:\n]{1,200}\}|\bset\(|\bfrozenset\("), "frozenset": re.compile(r"\bfrozenset\("),
    "datetime": re.compile(r"=\s*\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\bdatetime\.datetime\("),
    "date": re.compile(r"=\s*\d{4}-\d\d-\d\d\b|\bdatetime\.date\("),
    "Decimal": re.compile(r"\bDecimal\('"), "float": re.compile(r"=\s*-?(?:Infinity|inf|NaN|nan)\b"),
}
_REPLY = re.compile(r"\b(?:reply|response|choices?|completion|message|delta|tool_calls?)\b", re.I)


def reply_value_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or provider when the value our serialiser refused is shown in the provider's reply of the same request."""
    if d.category != "code":
        return d
    m = next((m for text in (*inp.messages(), inp.traceback[-4096:]) if (m := _REFUSED.search(text)) is not None), None)
    if m is None:
        return d
    kind = "float" if m.group("f") else (m.group("t") or m.group("k") or "")
    shape = _SHAPES.get(kind)
    ours = request_id("\n".join(inp.messages()) + "\n" + inp.traceback[:4096])
    if shape is None or ours is None:
        return d
    for line in reversed(inp.context[-40:]):
        text = line[:4096]
        if request_id(text) != ours or not _REPLY.search(text) or not shape.search(text):
            continue
        header = split_records([text])
        logger = header[0][0].logger if header else None
        remote = situation(DiagnosisInput(fingerprint="", message=text, traceback=text, logger=logger)).remote
        if remote not in ("kimi", "glm"):
            continue
        return d.model_copy(update={
            "category": "provider", "severity": "medium", "confidence": CONFIDENCE, "rule": f"{d.rule}+reply-value",
            "summary": (f"The provider's reply carried a value JSON cannot hold ({kind}); our writer copied it "
                        "unchanged and failed"),
            "root_cause": (f"Our serialiser refused a {kind} ({one_line(m.group(0), 120)}), and the provider's reply "
                           f"of the same request shows that value (\"{one_line(text, 200)}\"): the reply broke the "
                           "API's schema and our code passed it on unchecked."),
            "suggested_fix": ["Validate the provider's reply fields against the API schema before caching/writing "
                              "them; drop or coerce values of the wrong type.",
                              "Report the malformed reply to the provider with its request id."],
            "evidence": list(dict.fromkeys([text.strip()[:300], *d.evidence[:2]]))})
    return d
