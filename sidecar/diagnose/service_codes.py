"""Supabase Storage and Auth error codes -> the doctrine's category and what the code names.

Sources:
- Storage: storage-api's `ErrorCode` enum, whole, with each code's legacy `error` value (supabase/storage
  src/internal/errors/codes.ts `ErrorCode` and `ERRORS`; the table in
  https://supabase.com/docs/guides/storage/debugging/error-codes). storage3 (storage3/exceptions.py
  `_parse_storage_api_error`) raises `StorageApiError(message, code, status)` whose str() is
  "{'statusCode': 404, 'error': NoSuchKey, 'message': Object not found}": the code is the `error` field.
- Auth: supabase_auth/errors.py `ErrorCode` (the Literal list, GoTrue's internal/api/errorcodes.go). str() of an
  `AuthApiError` is its message alone (auth_messages.py maps GoTrue's messages); the code is in the record only
  when the app logs `e.code` or `e.to_dict()` ("'code': 'over_request_rate_limit'").

Category by the doctrine (doctrine.py), the question being what the on-call engineer must change:
- storage: the service itself at runtime (internal/database errors and timeouts, a read-only database, its rate
  limit SlowDown, an object or upload that does not exist, an object over the size limit, an expired token,
  Auth's own rate limits and hooks timing out, a session it no longer has);
- config: a project setting, key, policy or name (a bucket or tenant that does not exist, a provider or feature
  disabled, a signature/key refused, a MIME type the bucket's settings refuse, the admin API without the
  service-role key);
- code: the request the gateway built (an invalid key/name/range/argument, a missing parameter, a write over an
  existing object without upsert, a malformed JSON body or bearer token, a PKCE verifier that does not match);
- concurrency: another writer holds the resource (ResourceLocked, LockTimeout, TransactionError);
- capacity: a connection or resource-count limit (DatabaseConnectionLimit, the maximum buckets/indexes);
- network: the request was aborted on the way (Aborted: the client disconnected);
- unknown: the end user's own input or state (a wrong password, an existing e-mail, an expired one-time code,
  an MFA challenge failed): nothing for the on-call engineer; it stays <= 0.4 (taxonomy caps unknowns).
"""

from __future__ import annotations

import re

from .entry import Text
from .model import Category, Severity

# storage-api ErrorCode -> (category, severity, what the code means)
STORAGE_CODES: dict[str, tuple[Category, Severity, str]] = {
    "NoSuchBucket": ("config", "high", "the bucket named in the request does not exist in this project"),
    "NoSuchKey": ("storage", "medium", "the object named in the request does not exist (deleted, never uploaded)"),
    "NoSuchUpload": ("storage", "medium", "the resumable upload no longer exists (expired or aborted)"),
    "InvalidUploadId": ("storage", "medium", "the resumable upload id is not known (expired or aborted)"),
    "InvalidJWT": ("storage", "high", "the JWT sent is invalid or expired"),
    "ExpiredToken": ("storage", "high", "the token or signed URL sent has expired"),
    "EntityTooLarge": ("storage", "medium", "the object is larger than the bucket's or project's upload size limit"),
    "InternalError": ("storage", "high", "Storage failed internally"),
    "DatabaseError": ("storage", "high", "Storage's database failed the operation"),
    "DatabaseTimeout": ("storage", "high", "the connection from Storage to its database timed out"),
    "DatabaseReadOnly": ("storage", "high", "Storage's database is in read-only mode"),
    "DatabaseInvalidObjectDefinition": ("storage", "high", "Storage's database schema is invalid or incompatible"),
    "DatabaseSchemaMismatch": ("storage", "high", "Storage's database schema is out of sync with the service"),
    "S3Error": ("storage", "high", "Storage's object backend (S3) failed the operation"),
    "TusError": ("storage", "medium", "the resumable (TUS) upload failed in Storage"),
    "SlowDown": ("storage", "medium", "too many requests: Storage asks the client to slow down (rate limit)"),
    "NoAvailableShard": ("storage", "high", "Storage has no shard available for the resource"),
    "ShardNotFound": ("storage", "high", "Storage cannot find the shard of the resource"),
    "NotFoundException": ("storage", "medium", "the vector resource named does not exist"),
    "DatabaseConnectionLimit": ("capacity", "high", "Storage's database has reached its maximum number of connections"),
    "IcebergMaximumResourceLimit": ("capacity", "medium", "the project reached its number of this analytics resource"),
    "S3VectorMaxBucketsExceeded": ("capacity", "medium", "the project reached its number of vector buckets"),
    "S3VectorMaxIndexesExceeded": ("capacity", "medium", "the vector bucket reached its number of indexes"),
    "Aborted": ("network", "medium", "the request was aborted before Storage finished it (the client disconnected)"),
    "AbortedTerminate": ("network", "medium", "the request was aborted and Storage closed the connection"),
    "TenantNotFound": ("config", "critical", "the project (tenant) in the Storage URL does not exist or has no config"),
    "AccessDenied": ("config", "high", "the key or the storage policy (RLS on storage.objects) does not allow this"),
    "InvalidSignature": ("config", "high", "the signature of the request or signed URL is invalid"),
    "SignatureDoesNotMatch": ("config", "high", "the request's signature does not match the key (S3 credentials)"),
    "InvalidAccessKeyId": ("config", "high", "the S3 access key id is not known to this project"),
    "MaximumCredentialsLimit": ("config", "medium", "the project has reached its number of S3 credentials"),
    "InvalidMimeType": ("config", "medium", "the bucket's allowed MIME types refuse the object's content type"),
    "FeatureNotEnabled": ("config", "medium", "the Storage feature used is not enabled for this resource"),
    "NoSuchCatalog": ("config", "high", "the analytics catalog named does not exist"),
    "InvalidRequest": ("code", "medium", "the request the gateway built is invalid"),
    "InvalidParameter": ("code", "medium", "a parameter of the request is invalid"),
    "MissingParameter": ("code", "medium", "a required parameter is missing from the request"),
    "MissingContentLength": ("code", "medium", "the upload has no Content-Length header"),
    "InvalidKey": ("code", "medium", "the object key (path) the gateway built has characters Storage does not accept"),
    "InvalidBucketName": ("code", "medium", "the bucket name in the request is not a valid name"),
    "InvalidRange": ("code", "medium", "the byte range requested is outside the object"),
    "InvalidChecksum": ("code", "medium", "the uploaded bytes do not match the checksum sent"),
    "MissingPart": ("code", "medium", "a multipart upload was completed with a part missing"),
    "InvalidUploadSignature": ("code", "medium", "the signed upload URL's token is invalid for this upload"),
    "ResourceAlreadyExists": ("storage", "medium", "the object or bucket already exists (a write without upsert)"),
    "KeyAlreadyExists": ("storage", "medium", "an object already exists at that key (an upload without upsert=true)"),
    "BucketAlreadyExists": ("storage", "medium", "a bucket of that name already exists"),
    "ResourceNotEmpty": ("code", "medium", "the bucket is not empty, so it cannot be deleted"),
    "IcebergResourceNotEmpty": ("code", "medium", "the analytics resource is not empty, so it cannot be deleted"),
    "VectorBucketNotEmpty": ("code", "medium", "the vector bucket is not empty, so it cannot be deleted"),
    "ConflictException": ("code", "medium", "the vector resource already exists"),
    "NotSupported": ("code", "medium", "the operation is not supported by Storage"),
    "ResourceLocked": ("concurrency", "medium", "another operation holds the resource's lock"),
    "LockTimeout": ("concurrency", "medium", "waiting for the resource's lock timed out (another writer holds it)"),
    "TransactionError": ("concurrency", "medium", "Storage's transaction conflicted with another"),
}
# storage-api's legacy `error` field (StorageBackendError's `error` option; codes.ts ERRORS), which the installed
# storage3 shows instead of the code ("'error': Duplicate"); codes without one carry the code itself there
STORAGE_LEGACY: dict[str, str] = {
    "Bucket not found": "NoSuchBucket", "not_found": "NoSuchKey", "Unauthorized": "AccessDenied",
    "Duplicate": "KeyAlreadyExists", "invalid_mime_type": "InvalidMimeType", "invalid_range": "InvalidRange",
    "Payload too large": "EntityTooLarge", "Invalid Input": "InvalidBucketName",
    "acquiring_lock_timeout": "LockTimeout", "invalid_x_robots_tag": "InvalidRequest",
    "invalid_header_char": "InvalidRequest",
}

# supabase_auth/errors.py ErrorCode (supabase-auth 2.x), whole; tests/diagnose keeps it equal to the installed list
AUTH_CODES: frozenset[str] = frozenset({
    "unexpected_failure", "validation_failed", "bad_json", "email_exists", "phone_exists", "bad_jwt", "not_admin",
    "no_authorization", "user_not_found", "session_not_found", "flow_state_not_found", "flow_state_expired",
    "signup_disabled", "user_banned", "provider_email_needs_verification", "invite_not_found", "bad_oauth_state",
    "bad_oauth_callback", "oauth_provider_not_supported", "unexpected_audience", "single_identity_not_deletable",
    "email_conflict_identity_not_deletable", "identity_already_exists", "email_provider_disabled",
    "phone_provider_disabled", "too_many_enrolled_mfa_factors", "mfa_factor_name_conflict", "mfa_factor_not_found",
    "mfa_ip_address_mismatch", "mfa_challenge_expired", "mfa_verification_failed", "mfa_verification_rejected",
    "insufficient_aal", "captcha_failed", "saml_provider_disabled", "manual_linking_disabled", "sms_send_failed",
    "email_not_confirmed", "phone_not_confirmed", "reauth_nonce_missing", "saml_relay_state_not_found",
    "saml_relay_state_expired", "saml_idp_not_found", "saml_assertion_no_user_id", "saml_assertion_no_email",
    "user_already_exists", "sso_provider_not_found", "saml_metadata_fetch_failed", "saml_idp_already_exists",
    "sso_domain_already_exists", "saml_entity_id_mismatch", "conflict", "provider_disabled", "user_sso_managed",
    "reauthentication_needed", "same_password", "reauthentication_not_valid", "otp_expired", "otp_disabled",
    "identity_not_found", "weak_password", "over_request_rate_limit", "over_email_send_rate_limit",
    "over_sms_send_rate_limit", "bad_code_verifier", "anonymous_provider_disabled", "hook_timeout",
    "hook_timeout_after_retry", "hook_payload_over_size_limit", "hook_payload_invalid_content_type",
    "request_timeout", "mfa_phone_enroll_not_enabled", "mfa_phone_verify_not_enabled", "mfa_totp_enroll_not_enabled",
    "mfa_totp_verify_not_enabled", "mfa_webauthn_enroll_not_enabled", "mfa_webauthn_verify_not_enabled",
    "mfa_verified_factor_exists", "invalid_credentials", "email_address_not_authorized", "email_address_invalid",
    "invalid_jwt",
})

_CONFIG_AUTH = ("signup_disabled", "email_provider_disabled", "phone_provider_disabled", "saml_provider_disabled",
                "manual_linking_disabled", "provider_disabled", "anonymous_provider_disabled", "otp_disabled",
                "mfa_phone_enroll_not_enabled", "mfa_phone_verify_not_enabled", "mfa_totp_enroll_not_enabled",
                "mfa_totp_verify_not_enabled", "mfa_webauthn_enroll_not_enabled", "mfa_webauthn_verify_not_enabled",
                "not_admin", "oauth_provider_not_supported", "unexpected_audience", "saml_idp_not_found",
                "sso_provider_not_found", "saml_metadata_fetch_failed", "email_address_not_authorized",
                "hook_payload_invalid_content_type")
_STORAGE_AUTH = ("unexpected_failure", "over_request_rate_limit", "over_email_send_rate_limit",
                 "over_sms_send_rate_limit", "session_not_found", "request_timeout", "hook_timeout",
                 "hook_timeout_after_retry", "sms_send_failed", "bad_jwt", "invalid_jwt")
_CODE_AUTH = ("bad_json", "no_authorization", "bad_code_verifier", "reauth_nonce_missing",
              "hook_payload_over_size_limit")
# every other ErrorCode is the end user's own input or state (unknown)
_AUTH_MEANING = {
    "unexpected_failure": "Auth failed internally", "over_request_rate_limit": "the auth request rate limit is reached",
    "over_email_send_rate_limit": "the project's limit on auth e-mails per hour is reached",
    "over_sms_send_rate_limit": "the project's limit on auth SMS is reached",
    "session_not_found": "the session the token refers to no longer exists (signed out or revoked)",
    "request_timeout": "Auth timed out processing the request", "hook_timeout": "an Auth hook timed out",
    "hook_timeout_after_retry": "an Auth hook timed out after retries", "sms_send_failed": "Auth's SMS provider failed",
    "bad_jwt": "the JWT sent is invalid or expired", "invalid_jwt": "the JWT sent is invalid or expired",
    "bad_json": "the request body is not valid JSON", "no_authorization": "the call carries no bearer token",
    "bad_code_verifier": "the PKCE code verifier does not match the challenge",
    "reauth_nonce_missing": "a reauthentication nonce is required and was not sent",
    "hook_payload_over_size_limit": "the payload sent to an Auth hook is over its size limit",
    "not_admin": "the admin API was called without a service-role key",
    "email_address_not_authorized": "the built-in mailer sends only to the project team's addresses (no custom SMTP)",
    "hook_payload_invalid_content_type": "an Auth hook answered with a content type Auth does not accept",
    "unexpected_audience": "the token's audience is not this project's",
}


def auth_category(code: str) -> Category:
    if code in _CONFIG_AUTH:
        return "config"
    if code in _STORAGE_AUTH:
        return "storage"
    if code in _CODE_AUTH:
        return "code"
    return "unknown"


# storage3's str(): "'error': NoSuchKey,"; a body or to_dict(): "code": "NoSuchKey" / 'code': 'x'; e.code logged: code=x
_STORAGE_CODE = re.compile(r"""['"](?:error|code)['"]\s*:\s*['"]?(?P<c>[A-Z][A-Za-z0-9]{2,40})\b|\bcode=['"]?(?P<d>[A-Z][A-Za-z0-9]{2,40})\b""")
# storage3's str(): "{'statusCode': 409, 'error': Duplicate, 'message': ...}"
_STORAGE_LEGACY = re.compile(r"""['"]error['"]\s*:\s*['"]?(?P<e>""" + "|".join(re.escape(k) for k in STORAGE_LEGACY) +
                             r""")['"]?\s*[,}]""")
_AUTH_CODE = re.compile(r"""['"](?:error_)?code['"]\s*:\s*['"](?P<c>[a-z][a-z0-9_]{2,50})['"]|\b(?:error_)?code=['"]?(?P<d>[a-z][a-z0-9_]{2,50})\b""")


def storage_code_text(said: str, cls: str, status: int | None) -> Text | None:
    """The storage-api ErrorCode the record names (or its legacy `error` value), as a text, or None."""
    head = said[:16384]
    for m in _STORAGE_CODE.finditer(head):
        code = m.group("c") or m.group("d")
        if code in STORAGE_CODES:
            category, severity, meaning = STORAGE_CODES[code]
            shown = f"HTTP {status}, {code}" if status else code
            return (category, severity, f"Supabase Storage: {meaning} ({cls}: {shown})",
                    f"Supabase Storage answered the error code {code}: {meaning}.",
                    (_STORAGE_FIX_FOR.get(code, _STORAGE_FIX[category]).format(code=code),))
    if (legacy := _STORAGE_LEGACY.search(head)) is not None:
        return storage_code_text(f"'code': {STORAGE_LEGACY[legacy.group('e')]}", cls, status)
    return None


def auth_code_text(said: str, cls: str, status: int | None) -> Text | None:
    """The supabase_auth ErrorCode the record names, as a text, or None."""
    for m in _AUTH_CODE.finditer(said[:16384]):
        code = m.group("c") or m.group("d")
        if code in AUTH_CODES:
            category = auth_category(code)
            meaning = _AUTH_MEANING.get(code, code.replace("_", " "))
            severity: Severity = "low" if category == "unknown" else "high" if category == "config" else "medium"
            shown = f"HTTP {status}, {code}" if status else code
            return (category, severity, f"Supabase Auth: {meaning} ({cls}: {shown})",
                    f"Supabase Auth (GoTrue) answered the error code {code}: {meaning}"
                    + (" - the end user's own input or account state, nothing to change on the server." if category ==
                       "unknown" else "."),
                    (_AUTH_FIX[category].format(code=code),))
    return None


_STORAGE_FIX = {
    "storage": "Check Supabase Storage's status and logs at that time ({code}); retry idempotent calls with backoff.",
    "config": "Fix the setting {code} points at (bucket/tenant name, key, storage policy or bucket settings) in the "
              "project or the gateway's configuration.",
    "code": "Fix how the gateway builds the Storage call ({code}): the key/name/arguments, or upsert=true where an "
            "existing object may be overwritten.",
    "concurrency": "Retry after the other writer finishes ({code}); serialise writes to the same object.",
    "capacity": "Lower the concurrent Storage calls or raise the project's limit ({code}).",
    "network": "Check whether the gateway's client timed out or disconnected during the call ({code}); retry it.",
}
# the existing-key codes are storage (the bucket's unique key refused the write, as SQLSTATE 23505) but their
# fix is the gateway's write, not the service's health
_EXISTS_FIX = ("Upload with upsert=true where an existing object may be replaced, or write to a new key ({code}); "
               "a retried upload that had succeeded meets its own object.")
_STORAGE_FIX_FOR = {"ResourceAlreadyExists": _EXISTS_FIX, "KeyAlreadyExists": _EXISTS_FIX,
                    "BucketAlreadyExists": "Create the bucket once (check it exists first) ({code})."}
_AUTH_FIX = {
    "storage": "Back off and retry ({code}); check Supabase Auth's status, rate limits and hooks at that time.",
    "config": "Change the project's Auth setting or the key the gateway uses ({code}) in the Supabase dashboard.",
    "code": "Fix how the gateway calls Supabase Auth ({code}).",
    "unknown": "Nothing to fix on the server ({code}): answer the user with the error.",
}


# A JWT refused for its SIGNATURE or FORMAT, not its age (CLASSES9 S1's twin). Supabase Auth (GoTrue) says
# "invalid JWT: unable to parse or verify signature, <jwt-go reason>"; Storage (storage-api, node jsonwebtoken/jose)
# says "invalid signature", "jwt malformed", "jwt signature is required", "invalid algorithm", "Invalid Compact JWS".
# Such a token was signed with another secret (another project's anon/service key, a key from before a JWT-secret
# rotation) or is not a JWT at all: the key the gateway is configured with - config, every time. An EXPIRED token
# ("token is expired", "jwt expired", the "exp" claim) stays the session's state (InvalidJWT/bad_jwt's table entry).
_JWT_FOREIGN = re.compile(r"unable to (?:parse or )?verify signature|\binvalid signature\b|signature verification "
                          r"failed|\bjwt malformed\b|jwt signature is required|\binvalid algorithm\b|Invalid Compact JWS",
                          re.I)
_JWT_EXPIRED = re.compile(r"\bexpired\b|\"?exp\"? claim", re.I)


def jwt_signature_text(said: str, cls: str, status: int | None, service: str) -> Text | None:
    """A 401/403 of Supabase Auth/Storage refusing the token's signature or format (see above), or None."""
    if status not in (401, 403) or not _JWT_FOREIGN.search(said) or _JWT_EXPIRED.search(said):
        return None
    return ("config", "high", f"Supabase {service} refused the token's signature or format ({cls}: HTTP {status})",
            f"Supabase {service} could not verify the JWT the gateway sent ({said[:160]}): it was signed with another "
            "secret (another project's anon/service key, a key from before a JWT-secret rotation) or is not a JWT - "
            "the key setting, it fails every time until it changes.",
            ("Check the Supabase key the gateway is configured with against this project's API keys (Settings > "
             "API); after a JWT-secret rotation, deploy the new keys.",))
