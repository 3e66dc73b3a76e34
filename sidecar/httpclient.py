"""The one way the sidecar opens an outgoing HTTP session (alerts, hooks, scrapes).

`trust_env=True` makes aiohttp honour `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` (and
`~/.netrc`), as the openai SDK (httpx) already does for Kimi: a sidecar in a network whose only
way out is a proxy must reach Slack and the hook receivers the same way it reaches Kimi.
"""

from __future__ import annotations

from typing import Any

import aiohttp


def client_session(**kwargs: Any) -> aiohttp.ClientSession:
    """An aiohttp session that follows the proxy environment variables."""
    kwargs.setdefault("trust_env", True)
    return aiohttp.ClientSession(**kwargs)
