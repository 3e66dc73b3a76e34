"""Diagnoses: the rules engine (offline, always), Kimi through the openai SDK (when a key is set),
redaction before anything leaves the machine, and the stage that diagnoses each new or regressed
group once. Public names: `Diagnosis`, `DiagnosisInput`, `redact`; the stage is `service.build`."""

from .model import Diagnosis, DiagnosisInput
from .redact import redact

__all__ = ["Diagnosis", "DiagnosisInput", "redact"]
