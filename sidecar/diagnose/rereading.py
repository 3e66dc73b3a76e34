"""The answer re-read by where its failing value came from, in a fixed order (each reader changes the answer only on
its own evidence, and says so in the rule id: `+origin:...`, `+setting:...`):
1. before_request.py - a service's error raised by its own client before any request -> code;
2. origin.py - the offending value from a setting (config), the client's input (unknown), another field (code);
3. transport_setting.py - a transport failure whose endpoint/timeout/proxy is a setting's wrong value -> config;
4. credential_origin.py - a refused key that our code took from another remote's setting -> code;
5. user_files.py - a data parser refusing a file of the user's project -> an honest unknown (the user's content).
"""

from __future__ import annotations

from .before_request import before_request
from .credential_origin import by_credential_origin
from .model import Diagnosis, DiagnosisInput
from .origin import by_origin
from .situation import Situation
from .transport_setting import by_transport_setting
from .user_files import BY_USER_FILE, user_data_refused, user_file_text


def reread(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """`d` after every origin reader (see the module docstring)."""
    d = by_origin(before_request(d, inp, sit), inp, sit)
    d = by_transport_setting(d, inp, sit)
    d = by_credential_origin(d, inp, sit)
    if d.category not in ("unknown",) and "+origin" not in (d.rule or "") and (path := user_data_refused(inp)):
        cat, sev, summary, cause, fixes = user_file_text(inp.exception_type or "error", path,
                                                         inp.exception_message or inp.message)
        return d.reanswered(category=cat, severity=sev, summary=summary, root_cause=cause,
                                    suggested_fix=list(fixes), confidence=min(d.confidence, BY_USER_FILE),
                                    rule=f"{d.rule}+input:user_file")
    return d
