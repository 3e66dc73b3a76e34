"""Supabase Auth (GoTrue) errors by their documented message: str(AuthApiError) keeps only the message.

supabase_auth raises `AuthApiError(message, status, code)` (supabase_auth/helpers.py handle_exception) and
its `__str__` is the message alone, so a logged record shows "Invalid login credentials", not the
`ErrorCode` (supabase_auth/errors.py). GoTrue's own texts (supabase/auth internal/api: apierrors with
ErrorCode*) map the message back to its code, categorised by the doctrine:
- config: a project setting refuses every call (sign-ups or a login method disabled, the admin API called
  without a service-role key);
- code: the call carries no bearer token;
- storage: the auth service's own rate limits at runtime;
- unknown: the end user's own input (wrong password, an existing account, an unconfirmed email, an expired
  link, a weak password) - nothing the on-call engineer changes; it stays <= 0.4 (taxonomy caps unknowns).
Session, JWT and refresh-token messages are left to taxonomy.py's Auth branch.
"""

from __future__ import annotations

import re

from .codes import Text

# (GoTrue's message, its ErrorCode, category, severity, what it means, what to do)
_AUTH: tuple[tuple[str, str, str, str, str, str], ...] = (
    (r"Signups not allowed for this instance", "signup_disabled", "config", "medium",
     "sign-ups are disabled in the project's Auth settings, so creating a user fails every time",
     "Enable sign-ups in the project's Auth settings, or create users with the admin API (service key)."),
    (r"Email (?:logins|signups) are disabled", "email_provider_disabled", "config", "medium",
     "the Email provider is disabled in the project's Auth settings",
     "Enable the Email provider in Auth settings, or use the login method the project has enabled."),
    (r"Anonymous sign-ins are disabled", "anonymous_provider_disabled", "config", "medium",
     "anonymous sign-ins are disabled in the project's Auth settings",
     "Enable anonymous sign-ins in Auth settings, or do not call sign_in_anonymously()."),
    (r"Unsupported provider: provider is not enabled", "provider_disabled", "config", "medium",
     "the OAuth provider the call names is not enabled in the project's Auth settings",
     "Enable and configure that provider in Auth settings (client id/secret), or use an enabled one."),
    (r"^User not allowed\b", "not_admin", "config", "high",
     "the admin API was called with a token that has no service_role (the anon key or a user's JWT)",
     "Call auth.admin with a client created from the service-role key (server side only)."),
    (r"This endpoint requires a (?:valid )?Bearer token", "no_authorization", "code", "medium",
     "the request reached an endpoint that needs a user's session but carried no Authorization bearer token",
     "Pass the user's access token (set the session on the client) before calling this endpoint."),
    (r"Email rate limit exceeded", "over_email_send_rate_limit", "storage", "medium",
     "the project's limit on auth emails per hour is reached (the built-in mailer's low default)",
     "Wait for the window, or configure custom SMTP / raise the email rate limit in Auth settings."),
    (r"Request rate limit reached", "over_request_rate_limit", "storage", "medium",
     "the auth service's request rate limit for this client/IP is reached",
     "Back off and retry later; avoid auth calls per request (reuse sessions)."),
    (r"Invalid login credentials", "invalid_credentials", "unknown", "low",
     "the email/phone and password the user typed do not match an account",
     "Nothing to fix on the server: tell the user the credentials are wrong."),
    (r"User already registered|already been registered", "user_already_exists", "unknown", "low",
     "an account with this email/phone exists already",
     "Nothing to fix on the server: offer sign-in or password reset."),
    (r"Email not confirmed", "email_not_confirmed", "unknown", "low",
     "the user has not confirmed the email address yet",
     "Nothing to fix on the server: ask the user to confirm (or resend the confirmation)."),
    (r"Token has expired or is invalid|Email link is invalid or has expired", "otp_expired", "unknown", "low",
     "the one-time code or email link the user used has expired or was used already",
     "Nothing to fix on the server: send a new code/link."),
    (r"New password should be different from the old password", "same_password", "unknown", "low",
     "the user chose the same password again", "Nothing to fix on the server: ask for a different password."),
    (r"Password should be at least \d+ characters|Password should contain", "weak_password", "unknown", "low",
     "the password the user chose is below the project's password policy",
     "Nothing to fix on the server: show the policy to the user."),
)
_COMPILED = tuple((re.compile(rx, re.I | re.M), rest) for rx, *rest in _AUTH)


def auth_message_text(said: str, cls: str, status: int | None) -> Text | None:
    """The GoTrue entry whose message `said` holds, as a text naming its ErrorCode, or None."""
    head = said[:4096]
    for rx, (code, category, severity, meaning, fix) in _COMPILED:
        if (m := rx.search(head)) is not None:
            shown = f"HTTP {status}, {code}" if status else code
            return (category, severity, f"Supabase Auth: {meaning.split(',')[0]} ({cls}: {shown})",  # type: ignore[return-value]
                    f"Supabase Auth (GoTrue) answered '{m.group(0)}' ({code}): {meaning}.", (fix,))
    return None
