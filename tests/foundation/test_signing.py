"""Webhook signing (sidecar/signing.py): a receiver that verifies with the `standardwebhooks`
package's own `Webhook.verify` accepts what rollout hooks and webhook alerts send, and rejects a
tampered body, an old timestamp, a wrong secret; plain (pre-Standard-Webhooks) secrets keep working
through their documented `whsec_` form."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from sidecar.alerts.delivery import FAILED, SENT, Sender
from sidecar.config import ConfigError, HookConfig, ReceiverConfig, load_config
from sidecar.rollout.hooks import post_webhook
from sidecar.signing import SigningSecretError, receiver_secret, sign_headers, signing_key

PLAIN = "s3cret-from-an-old-config"  # a secret configured before Standard Webhooks
NATIVE = "whsec_" + base64.b64encode(b"\x00\x01binary key\xff").decode()


@dataclass
class Receiver:
    """A webhook consumer as its docs tell it to be written: verify, then act; 401 otherwise."""

    secret: str  # the `whsec_` form the receiver configures
    url: str = ""
    accepted: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            Webhook(self.secret).verify(body, dict(request.headers))
        except WebhookVerificationError as exc:
            self.rejected.append(str(exc))
            return web.Response(status=401, text="bad signature")
        self.accepted.append((body, dict(request.headers)))
        return web.Response(status=204)


@pytest.fixture
async def serve(free_port: int) -> AsyncIterator[object]:
    runners: list[web.AppRunner] = []

    async def start(receiver: Receiver) -> Receiver:  # one receiver per test
        app = web.Application()
        app.router.add_post("/{tail:.*}", receiver.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", free_port).start()
        runners.append(runner)
        receiver.url = f"http://127.0.0.1:{free_port}/hook"
        return receiver

    yield start
    for runner in runners:
        await runner.cleanup()


PAYLOAD = {"kind": "rollback", "idempotency_key": "checkout:2:rollback", "rollout": "checkout"}


@pytest.mark.parametrize("secret", [PLAIN, NATIVE])
async def test_a_rollout_hook_verifies_with_the_librarys_own_verify(serve, secret: str) -> None:
    rx = await serve(Receiver(receiver_secret(secret)))
    hook = HookConfig(kind="rollback", name="pager", url=rx.url, secret=secret)
    async with aiohttp.ClientSession() as session:
        first = await post_webhook(session, hook, PAYLOAD, 1, name="pager", now=time.time())
        retry = await post_webhook(session, hook, PAYLOAD, 2, name="pager", now=time.time() + 1)
    assert first.ok and retry.ok and rx.rejected == []
    (body, h1), (_, h2) = rx.accepted
    assert json.loads(body) == PAYLOAD
    assert h1["webhook-id"] == h2["webhook-id"] == "checkout:2:rollback/pager"  # a retry is the same message
    assert h1["webhook-signature"].startswith("v1,")


async def test_a_webhook_alert_verifies_and_a_coalesced_payload_is_a_new_message(serve) -> None:
    rx = await serve(Receiver(receiver_secret(PLAIN)))
    receiver = ReceiverConfig(name="hook", kind="webhook", url=rx.url, secret=PLAIN)
    sender = Sender(lambda text: text)
    try:
        now = time.time()
        assert (await sender.send(receiver, {"status": "firing"}, now, 7)).outcome == SENT
        assert (await sender.send(receiver, {"status": "firing"}, now + 30, 7)).outcome == SENT
        assert (await sender.send(receiver, {"status": "resolved"}, now + 60, 7)).outcome == SENT
    finally:
        await sender.close()
    ids = [h["webhook-id"] for _, h in rx.accepted]
    assert ids[0] == ids[1] != ids[2] and all(i.startswith("alert-7-") for i in ids)


async def test_the_receiver_rejects_an_old_timestamp_and_a_wrong_secret(serve) -> None:
    rx = await serve(Receiver(receiver_secret(PLAIN)))
    async with aiohttp.ClientSession() as session:
        stale = HookConfig(kind="rollback", url=rx.url, secret=PLAIN)
        old = await post_webhook(session, stale, PAYLOAD, 1, name="a", now=time.time() - 3600)
        wrong = HookConfig(kind="rollback", url=rx.url, secret="not-the-secret")
        forged = await post_webhook(session, wrong, PAYLOAD, 1, name="a", now=time.time())
    assert (old.ok, old.code, forged.ok, forged.code) == (False, 401, False, 401)
    assert rx.rejected == ["Message timestamp too old", "No matching signature found"]


def test_a_tampered_body_or_header_is_rejected() -> None:
    body = json.dumps(PAYLOAD).encode()
    headers = sign_headers(PLAIN, "m1", time.time(), body)
    wh = Webhook(receiver_secret(PLAIN))
    assert wh.verify(body, headers) == PAYLOAD
    for bad_body, bad_headers in [
        (body.replace(b"rollback", b"promote"), headers),
        (body + b" ", headers),
        (body, {**headers, "webhook-id": "m2"}),
        (body, {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) + 1)}),
        (body, {k: v for k, v in headers.items() if k != "webhook-signature"}),
    ]:
        with pytest.raises(WebhookVerificationError):
            wh.verify(bad_body, bad_headers)


@given(st.text(min_size=1).filter(lambda s: not s.startswith("whsec_")), st.binary(max_size=2000))
def test_any_plain_secret_maps_to_its_utf8_bytes(secret: str, body: bytes) -> None:
    """Also plain secrets that happen to be valid base64 ("c2VjcmV0"): only `whsec_` is decoded."""
    assert signing_key(secret) == secret.encode()
    headers = sign_headers(secret, "id", time.time(), body)
    Webhook(receiver_secret(secret)).verify(body, headers, json_parse=False)


@given(st.binary(min_size=1, max_size=64))
def test_a_whsec_secret_is_its_base64_key_padded_or_not(key: bytes) -> None:
    encoded = base64.b64encode(key).decode()
    assert signing_key("whsec_" + encoded) == signing_key("whsec_" + encoded.rstrip("=")) == key
    assert receiver_secret("whsec_" + encoded) == "whsec_" + encoded


@pytest.mark.parametrize("bad", ["whsec_", "whsec_not base64!", "whsec_abc$def", "whsec_A"])
def test_a_broken_whsec_secret_is_an_error_not_another_key(bad: str) -> None:
    with pytest.raises(SigningSecretError):
        signing_key(bad)


def test_a_broken_secret_fails_the_config_at_load_with_its_path(tmp_path) -> None:
    rules = tmp_path / "rollouts.yaml"
    rules.write_text("rollouts:\n  - name: r\n    flag: F\n    stages: [{percent: 1}]\n    hooks:\n"
                     "      - {kind: rollback, url: 'http://127.0.0.1:9/x', secret: 'whsec_%%%'}\n")
    conf = tmp_path / "sidecar.yaml"
    conf.write_text(f"rollouts_file: {rules}\n")
    with pytest.raises(ConfigError, match=r"hooks.*secret.*base64"):
        load_config(conf, {})


async def test_a_sender_given_a_broken_secret_fails_the_delivery_without_raising() -> None:
    receiver = ReceiverConfig.model_construct(name="hook", kind="webhook", url="http://127.0.0.1:9/x",
                                              secret=SecretStr("whsec_%%%"),
                                              headers={}, timeout=1.0)
    sender = Sender(lambda text: text)
    try:
        result = await sender.send(receiver, {"status": "firing"}, time.time(), 1)
    finally:
        await sender.close()
    assert result.outcome == FAILED and "signing secret" in (result.error or "")
