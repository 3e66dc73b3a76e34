"""Every Supabase Storage ErrorCode and every supabase_auth ErrorCode, raised by the real client (storage3,
supabase_auth) against a local server answering the service's documented error body, lands in the doctrine's
category (diagnose/service_codes.py) and names its code.

The expected categories below are the doctrine's reading of each code's documented meaning (what must the on-call
engineer change?), grouped here by hand from the services' docs; the storage answer is never `storage` for a
code that names a setting, the gateway's own request, or another writer.
"""

from __future__ import annotations

import typing
from typing import Any

import pytest
import storage3
import supabase_auth
from aiohttp import web

from sidecar.diagnose.service_codes import AUTH_CODES, STORAGE_CODES
from tests.diagnose.logged import diagnose, logged, text_of
from tests.helpers import serving

# storage-api codes by the doctrine: a setting/key/policy/name (config), the request the gateway built (code),
# another writer (concurrency), a count or connection limit (capacity), an aborted request (network); the rest is
# the service at runtime or its constraints (an existing key: storage, as SQLSTATE 23505, round 6)
STORAGE_CONFIG = {"NoSuchBucket", "TenantNotFound", "AccessDenied", "InvalidSignature", "SignatureDoesNotMatch",
                  "InvalidAccessKeyId", "MaximumCredentialsLimit", "InvalidMimeType", "FeatureNotEnabled",
                  "NoSuchCatalog"}
STORAGE_CODE = {"InvalidRequest", "InvalidParameter", "MissingParameter", "MissingContentLength", "InvalidKey",
                "InvalidBucketName", "InvalidRange", "InvalidChecksum", "MissingPart", "InvalidUploadSignature",
                "ResourceNotEmpty",
                "IcebergResourceNotEmpty", "VectorBucketNotEmpty", "ConflictException", "NotSupported"}
STORAGE_RACE = {"ResourceLocked", "LockTimeout", "TransactionError"}
STORAGE_LIMIT = {"DatabaseConnectionLimit", "IcebergMaximumResourceLimit", "S3VectorMaxBucketsExceeded",
                 "S3VectorMaxIndexesExceeded"}
STORAGE_PATH = {"Aborted", "AbortedTerminate"}
# the wire values of storage-api's ErrorCode enum (supabase/storage src/internal/errors/codes.ts), whole
STORAGE_ENUM = STORAGE_CONFIG | STORAGE_CODE | STORAGE_RACE | STORAGE_LIMIT | STORAGE_PATH | {
    "ResourceAlreadyExists", "KeyAlreadyExists", "BucketAlreadyExists", "NoSuchKey", "NoSuchUpload", "InvalidUploadId", "InvalidJWT", "ExpiredToken", "EntityTooLarge", "InternalError",
    "DatabaseError", "DatabaseTimeout", "DatabaseReadOnly", "DatabaseInvalidObjectDefinition",
    "DatabaseSchemaMismatch", "S3Error", "TusError", "SlowDown", "NoAvailableShard", "ShardNotFound",
    "NotFoundException"}
# codes.ts ERRORS: the legacy `error` value a code is sent with (the installed storage3 shows that field)
LEGACY = {"NoSuchBucket": "Bucket not found", "NoSuchKey": "not_found", "AccessDenied": "Unauthorized",
          "ResourceAlreadyExists": "Duplicate", "KeyAlreadyExists": "Duplicate", "BucketAlreadyExists": "Duplicate",
          "InvalidMimeType": "invalid_mime_type", "InvalidRange": "invalid_range", "EntityTooLarge": "Payload too large",
          "InvalidBucketName": "Invalid Input", "LockTimeout": "acquiring_lock_timeout"}

AUTH_CONFIG = {c for c in AUTH_CODES if c.endswith(("_disabled", "_not_enabled"))} | {
    "not_admin", "oauth_provider_not_supported", "unexpected_audience", "saml_idp_not_found", "sso_provider_not_found",
    "saml_metadata_fetch_failed", "email_address_not_authorized", "hook_payload_invalid_content_type"}
AUTH_STORAGE = {"unexpected_failure", "session_not_found", "request_timeout", "sms_send_failed", "bad_jwt",
                "invalid_jwt"} | {c for c in AUTH_CODES if c.startswith(("over_", "hook_timeout"))}
AUTH_CODE = {"bad_json", "no_authorization", "bad_code_verifier", "reauth_nonce_missing",
             "hook_payload_over_size_limit"}


def _expected_storage(code: str) -> str:
    return ("config" if code in STORAGE_CONFIG else "code" if code in STORAGE_CODE else
            "concurrency" if code in STORAGE_RACE else "capacity" if code in STORAGE_LIMIT else
            "network" if code in STORAGE_PATH else "storage")


def _expected_auth(code: str) -> str:
    return ("config" if code in AUTH_CONFIG else "storage" if code in AUTH_STORAGE else
            "code" if code in AUTH_CODE else "unknown")  # the end user's own input or account state


def _answering(status: int, body: dict[str, Any]) -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


def test_the_tables_hold_the_libraries_whole_lists() -> None:
    assert set(STORAGE_CODES) == STORAGE_ENUM
    assert AUTH_CODES == frozenset(typing.get_args(supabase_auth.errors.ErrorCode))


@pytest.mark.parametrize("code", sorted(STORAGE_ENUM))
async def test_every_storage_error_code_through_the_real_client(code: str) -> None:
    body = {"statusCode": "400", "code": code, "error": LEGACY.get(code, code), "message": "The operation failed"}
    async with serving(_answering(400, body)) as port:
        client = storage3.AsyncStorageClient(f"http://127.0.0.1:{port}/storage/v1/", {"apikey": "k",
                                                                                      "Authorization": "Bearer k"})
        try:
            await client.from_("uploads").upload("conv-1/report.pdf", b"%PDF-1.7")
        except storage3.exceptions.StorageApiError:
            excerpt = logged("src.storage.supabase_storage", "upload failed for conv-1/report.pdf")
        else:
            pytest.fail("no StorageApiError")
        finally:
            await client.session.aclose()
    d = diagnose(excerpt)
    assert d.category == _expected_storage(code), (code, d.rule, d.summary)
    # the code storage3 shows, or the one its legacy value stands for ('Duplicate' is any of the three "exists")
    assert code in d.summary or "KeyAlreadyExists" in d.summary and LEGACY.get(code) == "Duplicate" or \
        (code == "NoSuchBucket" and "bucket" in d.summary.lower()), d.summary
    assert d.confidence <= 0.55
    assert "Kimi" not in text_of(d) and "PostgREST" not in text_of(d)


@pytest.mark.parametrize("code", sorted(AUTH_CODES))
async def test_every_auth_error_code_through_the_real_client(code: str) -> None:
    """GoTrue's body {"code", "error_code", "msg"}; str(AuthApiError) is the message alone, so the app logs the code
    it read from the exception (e.code) with it, as a gateway that wants the code in its log does."""
    body: dict[str, Any] = {"code": 400, "error_code": code, "msg": "The request could not be completed"}
    if code == "weak_password":  # GoTrue sends the reasons with it (supabase_auth raises AuthWeakPasswordError)
        body["weak_password"] = {"reasons": ["length"]}
    async with serving(_answering(400, body)) as port:
        client = supabase_auth.AsyncGoTrueClient(url=f"http://127.0.0.1:{port}/auth/v1", headers={"apikey": "anon"})
        try:
            await client.sign_in_with_password({"email": "user@example.com", "password": "pw"})
        except supabase_auth.errors.AuthError as exc:  # AuthApiError, or AuthWeakPasswordError for weak_password
            assert exc.code == code
            excerpt = logged("src.auth.session", f"sign-in failed (code={exc.code})")
        else:
            pytest.fail("no AuthApiError")
    d = diagnose(excerpt)
    assert d.category == _expected_auth(code), (code, d.rule, d.summary)
    assert code in d.summary, d.summary
    assert d.confidence <= (0.4 if d.category == "unknown" else 0.55)


@pytest.mark.parametrize("said", [
    "sign-in failed (code=NoSuchKey)",  # a Storage code logged under Auth's class is not Auth's
    "sign-in failed (code=invalid_request_error)",  # Moonshot's type, not a GoTrue ErrorCode
])
async def test_codes_of_another_namespace_are_not_read_as_auth_codes(said: str) -> None:
    body = {"code": 400, "error_code": "validation_failed", "msg": "Unable to validate email address: invalid format"}
    async with serving(_answering(400, body)) as port:
        client = supabase_auth.AsyncGoTrueClient(url=f"http://127.0.0.1:{port}/auth/v1", headers={"apikey": "anon"})
        try:
            await client.sign_in_with_password({"email": "user@example.com", "password": "pw"})
        except supabase_auth.errors.AuthApiError:
            excerpt = logged("src.auth.session", said)
    d = diagnose(excerpt)
    assert "NoSuchKey" not in d.summary and "invalid_request_error" not in d.summary, d.summary


# the gateway calling Supabase's REST/Storage paths with httpx directly (raise_for_status): the status and the path
# decide, by the doctrine - the request the code built (code), a table/function missing from the schema cache
# (code), an expired token (storage), the service failing (storage)
RAW = [
    ("/rest/v1/rpc/match_docs", 404, {"code": "PGRST202", "message": "Could not find the function"}, "code", "function"),
    ("/rest/v1/conversation_files", 404, {}, "code", "table"),
    ("/rest/v1/conversation_files", 400, {"code": "PGRST100", "message": "failed to parse filter"}, "code", "request"),
    # a write the table's constraint refuses: storage, as SQLSTATE class 23 (round 6)
    ("/rest/v1/conversation_files", 409, {"code": "23505", "message": "duplicate key value"}, "storage", "exists"),
    ("/storage/v1/object/uploads/a.pdf", 400, {"statusCode": "400", "error": "InvalidJWT",
                                               "message": '"exp" claim timestamp check failed'}, "storage", "expired"),
    ("/rest/v1/conversation_files", 503, {"message": "upstream unavailable"}, "storage", "failed"),
    ("/rest/v1/conversation_files", 422, {}, "code", "request"),  # only httpx's own "Client error '422 ...'" says it
]


@pytest.mark.parametrize(("path", "status", "body", "category", "word"), RAW, ids=[f"{r[1]}{r[0]}" for r in RAW])
async def test_supabase_statuses_met_by_httpx_directly(path: str, status: int, body: dict[str, Any], category: str,
                                                       word: str) -> None:
    import httpx

    async with serving(_answering(status, body)) as port:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            response = await client.get(path)
            try:
                response.raise_for_status()
            except httpx.HTTPStatusError:
                # the gateway's Supabase layer logs the body with it, and names the project URL in an earlier line
                excerpt = logged("src.storage.supabase_client", f"supabase call failed: {response.text}",
                                 ("supabase client ready for https://abcdefghijkl.supabase.co",))
    d = diagnose(excerpt)
    assert d.category == category and word in text_of(d).lower(), (path, status, d.rule, d.summary)
    assert "third-party" not in text_of(d)
