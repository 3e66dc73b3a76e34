"""Supabase Auth errors from the real supabase_auth client against a local server answering GoTrue's
documented error bodies ({"code", "error_code", "msg"}): the logged AuthApiError shows the message only, and
the answer must still name the ErrorCode and its cause by the doctrine - a project setting (config), a call
without a token (code), the service's rate limits (storage), an end user's own input (an honest unknown at
<= 0.4, never blamed on the gateway)."""

from __future__ import annotations

from typing import Any

import pytest
import supabase_auth
from aiohttp import web

from tests.diagnose.logged import diagnose, logged, text_of
from tests.helpers import serving

BODIES = [
    # (status, error_code, GoTrue's message, expected category)
    (422, "signup_disabled", "Signups not allowed for this instance", "config"),
    (400, "email_provider_disabled", "Email logins are disabled", "config"),
    (422, "anonymous_provider_disabled", "Anonymous sign-ins are disabled", "config"),
    (403, "not_admin", "User not allowed", "config"),
    (401, "no_authorization", "This endpoint requires a valid Bearer token", "code"),
    (429, "over_email_send_rate_limit", "Email rate limit exceeded", "storage"),
    (429, "over_request_rate_limit", "Request rate limit reached", "storage"),
    (400, "invalid_credentials", "Invalid login credentials", "unknown"),
    (422, "user_already_exists", "User already registered", "unknown"),
    (400, "email_not_confirmed", "Email not confirmed", "unknown"),
    (403, "otp_expired", "Token has expired or is invalid", "unknown"),
    (422, "same_password", "New password should be different from the old password.", "unknown"),
]


def _gotrue(status: int, code: str, msg: str) -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        return web.json_response({"code": status, "error_code": code, "msg": msg}, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


async def _raised(app: web.Application, call: str = "sign_in") -> str:
    async with serving(app) as port:
        client = supabase_auth.AsyncGoTrueClient(url=f"http://127.0.0.1:{port}/auth/v1", headers={"apikey": "anon"})
        try:
            if call == "sign_in":
                await client.sign_in_with_password({"email": "user@example.com", "password": "pw"})
            else:
                await client.admin.list_users()
        except supabase_auth.errors.AuthError:
            return logged("src.auth.session", "sign-in failed for the dashboard user")
    raise AssertionError("the client did not raise")


@pytest.mark.parametrize(("status", "code", "msg", "category"), BODIES, ids=[b[1] for b in BODIES])
async def test_gotrue_error_bodies_through_the_real_client(status: int, code: str, msg: str, category: str) -> None:
    d = diagnose(await _raised(_gotrue(status, code, msg)))
    assert d.category == category, (code, d.rule, d.summary)
    # the ErrorCode the logged message no longer shows (a 429 may be answered by the Supabase rate-limit rule)
    assert code in d.summary or (status == 429 and "rate" in d.summary.lower())
    if category == "unknown":
        assert d.confidence <= 0.4
    for wrong in ("Kimi", "GLM", "row-level security", "PostgREST"):
        assert wrong not in text_of(d)


async def test_session_and_refresh_token_messages_are_not_taken_as_user_input() -> None:
    """Near-miss: GoTrue's refresh-token message is the session machinery, not a user's typo."""
    d = diagnose(await _raised(_gotrue(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")))
    assert d.category != "unknown" and "refresh" in text_of(d).lower()


async def test_a_message_outside_the_table_keeps_the_auth_class_answer() -> None:
    body: Any = ("validation_failed", "Unable to validate email address: invalid format")
    d = diagnose(await _raised(_gotrue(400, *body)))
    assert d.rule == "class:supabase.auth" and "Unable to validate email address" in d.root_cause
