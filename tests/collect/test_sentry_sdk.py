"""The real `sentry-sdk`, configured with a DSN pointing at a running sidecar, raising real
exceptions: they become groups with their context, secrets redacted, and the SDK's own transport
reports no failed delivery."""

from __future__ import annotations

import asyncio
import json
import textwrap

import aiohttp
import pytest

from .conftest import SDK_FAILURES, TOKEN, Running, run_client

SECRET = "sk-live-AbCdEf0123456789AbCdEf0123456789"

# A module of "the gateway": real code in a file under src/, so frames are application frames.
GATEWAY_APP = textwrap.dedent('''
    import logging

    log = logging.getLogger("src.providers.kimi")


    def upload(path):
        api_token = "SECRET_HERE"
        files = {"name": path}
        return files["file_id"]


    def parse(text):
        try:
            return int(text)
        except ValueError as exc:
            raise RuntimeError("model response is not a number") from exc


    def handler(n):
        try:
            return 10 / n
        except ZeroDivisionError:
            logging.getLogger("src.daemon.ws_server").exception("Tool call failed")
''').replace("SECRET_HERE", SECRET)

CLIENT = SDK_FAILURES + textwrap.dedent('''
    import json, logging, sys
    sys.path.insert(0, sys.argv[2])
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration


    logging.getLogger("sentry_sdk.errors").addHandler(Failures())
    logging.basicConfig(level=logging.INFO, handlers=[logging.NullHandler()])
    if sys.argv[3] != "-":  # the gateway's own log file, in its format
        fh = logging.FileHandler(sys.argv[3])
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
        logging.getLogger("src").addHandler(fh)
    sentry_sdk.init(dsn=sys.argv[1], release="gateway@2.4.1", environment="staging", debug=True,
                    include_local_variables=True, send_client_reports=True,
                    integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)])
    import gateway_app

    scenario = sys.argv[4]
    if scenario == "errors":
        sentry_sdk.set_tag("provider", "kimi")
        gateway_app.log.info("calling kimi model=kimi-k2 for upload")
        for name in ("a.pdf", "b.pdf"):
            try:
                gateway_app.upload(name)
            except KeyError:
                sentry_sdk.capture_exception()
        try:
            gateway_app.parse("forty-two")
        except RuntimeError:
            sentry_sdk.capture_exception()
        sentry_sdk.capture_message("Kimi balance exhausted for account 42", level="error")
        sentry_sdk.capture_message("cache warmed", level="info")
    elif scenario == "twins":
        for _ in range(3):
            gateway_app.handler(0)
    sentry_sdk.flush(10)
    print(json.dumps({"failures": failures}))
''')


@pytest.fixture
def gateway_dir(tmp_path):
    d = tmp_path / "gw" / "src"
    d.mkdir(parents=True)
    (d / "gateway_app.py").write_text(GATEWAY_APP)
    return d


async def test_sdk_exceptions_and_messages_become_groups_with_their_context(running: Running, gateway_dir):
    result = await run_client(CLIENT, running.dsn, str(gateway_dir), "-", "errors")
    assert result["failures"] == [], "the SDK's transport reported failed deliveries"
    groups = await running.wait_groups(3, count=4)
    assert len(groups) == 3  # KeyError x2, RuntimeError from ValueError, the error message; not the info one
    by_type = {g.get("error_type"): g for g in groups}
    key_error = by_type["KeyError"]
    assert int(key_error["occurrence_count"]) == 2
    assert "RuntimeError" in by_type
    detail = await running.api(f"/api/groups/{key_error['fingerprint']}")
    sample = detail["samples"][0]
    data = sample["data"] if isinstance(sample["data"], dict) else json.loads(sample["data"])
    sdk = data["sdk"]
    assert sdk["release"] == "gateway@2.4.1" and sdk["environment"] == "staging"
    assert sdk["tags"]["provider"] == "kimi"
    assert any("calling kimi" in (b.get("message") or "") for b in sdk["breadcrumbs"])
    upload_frame = next(f for f in sdk["locals"] if f["function"] == "upload")
    assert upload_frame["vars"]["path"] in ("'a.pdf'", "'b.pdf'")
    assert 'File "' in sample["raw"] and "gateway_app.py" in sample["raw"] and "in upload" in sample["raw"]
    everything = json.dumps(await running.api("/api/groups?limit=100")) + json.dumps(detail)
    assert SECRET not in everything, "a local variable's secret reached the API"
    async with aiohttp.ClientSession(cookies={"sidecar_token": TOKEN}) as http:
        async with http.get(f"{running.base}/errors/{key_error['fingerprint']}") as r:
            page = await r.text()
    assert "gateway@2.4.1" in page and "Local variables" in page and "Breadcrumbs" in page
    assert "Began in release" in page
    assert [(r["release"], r["count"]) for r in detail["releases"]] == [("gateway@2.4.1", 2)]
    assert SECRET not in page
    assert running.sidecar.stages.collect.stats.client_discarded == 0


@pytest.mark.parametrize("running", [{"dedup_window": 30.0}], indirect=True)
async def test_the_same_error_from_the_sdk_and_the_log_file_counts_once(running: Running, gateway_dir):
    result = await run_client(CLIENT, running.dsn, str(gateway_dir), str(running.log), "twins")
    assert result["failures"] == []
    assert running.log.read_text().count("Traceback (most recent call last):") == 3
    duplicates = running.sidecar.telemetry.collect_duplicates
    for _ in range(400):  # until the tailer has read the log's three copies
        if duplicates._value.get() >= 3:
            break
        await asyncio.sleep(0.05)
    assert duplicates._value.get() == 3
    [group] = await running.wait_groups(1, count=3)
    assert group["error_type"] == "ZeroDivisionError" and int(group["occurrence_count"]) == 3


async def test_without_dedup_both_copies_land_in_one_group(running: Running, gateway_dir):
    await run_client(CLIENT, running.dsn, str(gateway_dir), str(running.log), "twins")
    groups = await running.wait_groups(1, count=6)
    assert len(groups) == 1 and int(groups[0]["occurrence_count"]) == 6
