"""Supabase Edge Functions errors by who failed: the platform's relay, or our function (CLASSES9 S2).

supabase_functions/_sync/functions_client.py `_request`: a response carrying `x-relay-error: true` raises
FunctionsRelayError - the relay (the Edge Runtime in front of the function) could not run it: the platform at
runtime (storage, transient). Any other non-2xx raises FunctionsHttpError with the function's own body: our function
ran and answered the status. Its category follows the status (Supabase Edge Functions docs, troubleshooting): 404 -
no function of that name/region is deployed (the name or URL setting, every time: config); 401/403 - the key/JWT the
function verifies (config); 429 and 502-504 - the platform's limits and gateway (storage); other 4xx/5xx - our
function's code or the request our code sent it (code).
"""

from __future__ import annotations

from .entry import Text


def functions_text(family: str, cls: str, status: int | None, said: str) -> Text | None:
    """The text of an Edge Functions error (see the module docstring), or None for another family."""
    quoted = f": {said[:160]}" if said else ""
    if family == "supabase.functions_relay":
        return ("storage", "medium", f"Supabase's Edge Functions relay could not run the function ({cls}, HTTP "
                f"{status or '?'})".replace(", HTTP ?", ""),
                f"The Edge Runtime relay answered with x-relay-error{quoted}: the platform failed to start or reach the "
                "function (a runtime restart, a boot failure on its side); the function's code did not answer.",
                ("Retry with backoff; check the project's Edge Functions status and logs for a boot error.",))
    if family != "supabase.functions_http" or status is None:
        return None
    if status == 404:
        return ("config", "high", f"No Edge Function answers at the name/URL the gateway calls ({cls}, HTTP 404)",
                "The Functions endpoint answered 404: no function of that name is deployed in this project/region - "
                "the function name or the Functions URL setting is wrong, or the function was never deployed.",
                ("Check the function name and the project URL the client uses; deploy the function.",))
    if status in (401, 403):
        return ("config", "high", f"The Edge Function refused the caller's key or JWT ({cls}, HTTP {status})",
                "The function verifies a JWT/key and the one the gateway sends is not accepted: the key setting (anon "
                "vs service role) or the function's verify-JWT setting disagree with the caller.",
                ("Send the key the function expects, or change the function's JWT verification setting.",))
    if status in (429, 502, 503, 504):
        return ("storage", "medium", f"The Edge Functions platform limited or failed the call ({cls}, HTTP {status})",
                "The platform in front of the function answered a rate-limit or gateway status: its runtime limits "
                "or a transient failure, not the function's code.",
                ("Retry with backoff; check the project's Edge Functions limits and status.",))
    return ("code", "medium", f"Our Edge Function answered HTTP {status} ({cls}){quoted}",
            "The function ran and answered an error status with its own body: its code failed on this request, or "
            "the request the gateway built is one the function rejects.",
            ("Read the function's logs for this invocation and fix the function or the payload the gateway sends.",))
