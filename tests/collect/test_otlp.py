"""The real OpenTelemetry SDK with the OTLP/HTTP (protobuf) log exporter, and OTLP/JSON by hand."""

from __future__ import annotations

import json
import textwrap

import aiohttp

from .conftest import OTLP_KEY, SDK_FAILURES, Running, run_client

CLIENT = SDK_FAILURES + textwrap.dedent('''
    import json, logging, sys
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider


    for name in ("opentelemetry.exporter.otlp.proto.http._log_exporter", "opentelemetry.sdk._logs"):
        logging.getLogger(name).addHandler(Failures())
    resource = Resource.create({"service.name": "exai-gateway", "service.version": "2.4.1",
                                "deployment.environment": "staging"})
    provider = LoggerProvider(resource=resource)
    exporter = OTLPLogExporter(endpoint=sys.argv[1] + "/v1/logs", headers={"Authorization": "Bearer " + sys.argv[2]})
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    handler = LoggingHandler(level=logging.INFO, logger_provider=provider)
    log = logging.getLogger("src.providers.glm")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    tracer = TracerProvider(resource=resource).get_tracer("gateway")
    log.info("GLM request started")
    with tracer.start_as_current_span("tool-call"):
        log.error("GLM 429 code 1302: high concurrency, request %s", "req-77f3")
    try:
        {}["choices"]
    except KeyError:
        log.exception("Invalid model response from glm-4.6")
    provider.shutdown()
    print(json.dumps({"failures": failures}))
''')


async def test_otlp_exporter_error_logs_become_groups(running: Running):
    result = await run_client(CLIENT, running.base, OTLP_KEY)
    assert result["failures"] == [], result
    groups = await running.wait_groups(2, count=2)
    assert len(groups) == 2  # the INFO record is not an error
    by_type = {g.get("error_type"): g for g in groups}
    key_error = by_type["KeyError"]
    detail = await running.api(f"/api/groups/{key_error['fingerprint']}")
    sample = detail["samples"][0]
    data = sample["data"] if isinstance(sample["data"], dict) else json.loads(sample["data"])
    assert data["sdk"]["service"] == "exai-gateway" and data["sdk"]["release"] == "2.4.1"
    assert data["sdk"]["environment"] == "staging"
    assert "Traceback (most recent call last):" in sample["raw"]
    glm = next(g for g in groups if g is not key_error)
    glm_detail = await running.api(f"/api/groups/{glm['fingerprint']}")
    glm_data = glm_detail["samples"][0]["data"]
    glm_data = glm_data if isinstance(glm_data, dict) else json.loads(glm_data)
    assert len(glm_data["sdk"]["trace"]["trace_id"]) == 32  # the span's trace id, hex


def otlp_json(severity: int, body: str, attrs: dict[str, str] | None = None) -> dict:
    return {"resourceLogs": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "gw-json"}}]},
        "scopeLogs": [{"scope": {"name": "src.daemon"}, "logRecords": [{
            "timeUnixNano": "1764900000000000000", "severityNumber": severity, "severityText": "ERROR",
            "body": {"stringValue": body}, "traceId": "5b8efff798038103d269b633813fc60c",
            "spanId": "eee19b7ec3c1b174",
            "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in (attrs or {}).items()],
        }]}],
    }]}


async def test_otlp_json_and_its_refusals(running: Running):
    url = f"{running.base}/v1/logs"
    auth = {"Authorization": f"Bearer {OTLP_KEY}"}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=otlp_json(17, "socket.send() raised exception"), headers=auth) as r:
            assert r.status == 200 and await r.json() == {}
        async with http.post(url, json=otlp_json(9, "routine"), headers=auth) as r:
            assert r.status == 200
        async with http.post(url, json=otlp_json(17, "x"), headers={"Authorization": "Bearer wrong"}) as r:
            assert r.status == 401
        async with http.post(url, data=b"\x00garbage", headers={**auth, "Content-Type": "application/x-protobuf"}) as r:
            assert r.status == 400 and "ExportLogsServiceRequest" in (await r.json())["detail"]
        async with http.post(url, data=b"{}", headers={**auth, "Content-Type": "text/plain"}) as r:
            assert r.status == 415
    [group] = await running.wait_groups(1, count=1)
    assert group["logger"] == "src.daemon" and group["level"] == "ERROR"
