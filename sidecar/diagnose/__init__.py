"""Diagnoses: the rules engine (offline, always), Kimi through the openai SDK (when a key is set),
redaction before anything leaves the machine (`sidecar.redaction.redact`), and the stage
that diagnoses each new or regressed group once (`sidecar.diagnose.service.build`)."""

from .model import Diagnosis, DiagnosisInput

__all__ = ["Diagnosis", "DiagnosisInput"]
