"""A service's error class raised by its client before any request is the code's misuse (before_request.py).

supabase_auth raises AuthSessionMissingError itself when the client holds no session (gotrue_client.py); the same
words from the Auth server (a 4xx `session_not_found` answered through the real client) are the service's state and
keep their answer. Both raised for real: the first with no server at all, the second against a loopback GoTrue.
"""

from __future__ import annotations

import pytest
import supabase_auth
from aiohttp import web

from tests.diagnose.logged import diagnose, logged, text_of
from tests.helpers import serving

LOGGERS = ["src.storage.supabase_auth", "utils.monitoring.activity", "src.daemon.ws_server"]


@pytest.mark.parametrize("logger", LOGGERS)
@pytest.mark.parametrize("call", ["update_user", "get_user_identities", "reauthenticate", "refresh_session",
                                  "sign_in_without_credentials"])
async def test_a_client_with_no_session_refuses_before_any_request(call: str, logger: str) -> None:
    # port 9 (discard) is never contacted: the client checks its own session first
    client = supabase_auth.AsyncGoTrueClient(url="http://127.0.0.1:9/auth/v1", headers={"apikey": "anon"})
    try:
        if call == "update_user":
            await client.update_user({"data": {"last_seen": "now"}})
        elif call == "get_user_identities":
            await client.get_user_identities()
        elif call == "reauthenticate":
            await client.reauthenticate()
        elif call == "refresh_session":
            await client.refresh_session()
        else:
            await client.sign_in_with_password({"password": "pw"})  # type: ignore[typeddict-item]
    except supabase_auth.errors.AuthError:
        d = diagnose(logged(logger, "could not update user metadata"))
    else:
        raise AssertionError("the client did not raise")
    assert d.category == "code" and d.confidence <= 0.4, (call, d.rule, d.summary)
    assert "before sending any request" in text_of(d) and "expired" not in text_of(d), text_of(d)


async def test_the_same_words_from_the_auth_server_keep_the_service_answer() -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.json_response({"code": 403, "error_code": "session_not_found",
                                  "msg": "Session from session_id claim in JWT does not exist"}, status=403)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    async with serving(app) as port:
        client = supabase_auth.AsyncGoTrueClient(url=f"http://127.0.0.1:{port}/auth/v1", headers={"apikey": "anon"})
        try:
            await client.get_user("eyJhbGciOiJIUzI1NiJ9.e30.x")
        except supabase_auth.errors.AuthError:
            d = diagnose(logged("src.storage.supabase_auth", "could not read the user"))
        else:
            raise AssertionError("the client did not raise")
    assert d.category != "code" and "before-request" not in (d.rule or ""), (d.rule, d.summary)
