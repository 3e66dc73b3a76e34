"""Error collection endpoints: the gateway's own SDKs send errors straight to the sidecar.

- `sentry`: Sentry's ingestion protocol (envelopes, legacy store), so `sentry_sdk.init(dsn=...)`
  pointed at the sidecar works unchanged;
- `otlp`: OpenTelemetry logs over OTLP/HTTP;
- `service`: auth, rate limits and delivery to the same sink the log tailer uses;
- `dedup`: one error sent by the SDK and logged to a file counts once.
"""

from .bodies import CollectError
from .dedup import Deduplicator, DedupSink
from .service import CollectService

__all__ = ["CollectError", "CollectService", "DedupSink", "Deduplicator"]
