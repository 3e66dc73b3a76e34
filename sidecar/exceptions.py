"""The root of the sidecar's own errors: `except SidecarError` catches what the sidecar raises on
purpose (a bad config, a store that is down, a refused API request), never a bug.

Each stage keeps its errors next to its code and derives them from `SidecarError`:

    SidecarError
    ├── ConfigError (configfile)            ├── StoreError (store.base) ── StoreUnavailable, MigrationError
    ├── StartupError (app)                  ├── SpoolError, SpoolCodecError (store)
    ├── SigningSecretError (signing)        ├── CheckpointError (ingest), CollectError (ingest.collect)
    ├── MetricsError (metrics) ── ScrapeError, PromQLError
    ├── RolloutError (rollout.state) ── UnknownRollout, InvalidTransition, Conflict; HookError (rollout.hooks)
    ├── LLMError (diagnose.kimi) ── LLMUnavailable, LLMRejected, InvalidAnswerError
    ├── AlertsError (alerts.delivery), MatcherError (alerts.matchers)
    └── ApiError: a request the API refuses, with its HTTP status

Errors that are also a builtin kind keep that base too (`SigningSecretError(SidecarError,
ValueError)`), so pydantic validators and `except LookupError` callers still see them.
`web/server.py`'s one error middleware turns `ApiError` (and `StoreError`, as 503) into JSON under
`/api/` and into a short HTML page elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping


class SidecarError(Exception):
    """Base class of every error the sidecar raises on purpose."""


class ApiError(SidecarError):
    """A request the HTTP API refuses: `status` and a message the client can act on."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
