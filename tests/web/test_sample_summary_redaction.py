"""A sample's one-line summary on the error page is cut to 140 characters: the cut must come after
redaction, never before. A name can FOLLOW its value (`if "<value>" == Api-Key`, `<value> is the
password`): cut first, the name is gone and the value left alone reads as nothing secret (round-8
fresh-clone CI: the secret generator's value-then-name plantings leaked through "Other samples").

The class is taken from the secret generator itself (tests/security/secret_gen.py, three seeds): every
planting whose whole message the redactor cleans but whose first 140 characters it does not.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from jinja2 import Environment
from jinja2.filters import do_truncate

from sidecar.redaction import redact

from ..errors.conftest import make_event
from ..security.secret_gen import cases
from .conftest import TOKEN

pytestmark = pytest.mark.asyncio(loop_scope="session")
CUT = 140  # error_detail.html: `| truncate(140)` on each other sample's message


def cut_sensitive(cut: int, head_of: Callable[[str], str], limit: int = 25) -> list[tuple[str, str]]:
    """The first `limit` (message, secret) pairs, in the generator's order, where the cut `head_of` makes,
    redacted alone, would show the secret. The search stops there: the pages check `limit` cases, and
    searching on found 63 at the 500-character cut, ~60% of this file's CPU for cases never checked."""
    lead = "request failed after "
    found = []
    for seed in (1819, 2011, 2013):
        for _, text, secret in cases(seed, per_class=40):
            line = " ".join(text.split("\n")[0].split())
            at = line.find(secret)
            if at < 0:
                continue
            # filler before the line moves the cut across the words after the value, as a JSON log
            # line's leading fields do
            end = cut - len(lead) - 1 - at - len(secret)
            for fill in range(max(0, end - 40), end + 6):
                msg = lead + "x" * fill + " " + line + " " + "x" * cut
                head = head_of(msg)
                if secret in head and secret not in redact(msg) and secret in redact(head):
                    found.append((msg, secret))
                    break
            if len(found) == limit:
                return found
    return found


async def _pages(start_sidecar: Any, tmp_path: Path, items: list[tuple[str, str]], paths: list[str]) -> str:
    """The text of `paths` (and of each group's page when "{fp}" is in them) after each message was logged
    twice, under a logger of its own (one group per case, whose page lists its second sample)."""
    assert items, "the generator produced no planting this cut exposes: the test would check nothing"
    running = await start_sidecar(store={"keep_raw": True, "path": str(tmp_path / "raw.db")})
    for i, (msg, _) in enumerate(items):
        await running.record([make_event(f"{msg} attempt {k}", logger=f"app.case{i}", offset=(2 * i + k) * 10_000)
                              for k in (0, 1)])
    rows, _ = await running.sidecar.store.groups.list(limit=200)
    assert len(rows) == len(items)
    out = []
    async with aiohttp.ClientSession(running.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        for path in paths:
            for fp in [r["error_hash"] for r in rows] if "{fp}" in path else [""]:
                async with http.get(path.format(fp=fp)) as resp:
                    assert resp.status == 200, path
                    out.append(await resp.text())
    return "\n".join(out)


async def test_other_samples_summaries_never_show_what_the_whole_message_redacts(start_sidecar, tmp_path):
    env = Environment(autoescape=True)
    items = cut_sensitive(CUT, lambda msg: do_truncate(env, msg, CUT))  # Jinja cuts at a word boundary
    body = await _pages(start_sidecar, tmp_path, items, ["/errors/{fp}"])
    assert body.count("Other samples") == len(items), "a page listed no other sample: that case was not checked"
    assert [secret for _, secret in items if secret in body] == []


async def test_titles_cut_to_one_line_never_show_what_the_whole_message_redacts(start_sidecar, tmp_path):
    # the list's and the API's title: the latest message on one line, cut to 500 characters
    items = cut_sensitive(500, lambda msg: " ".join(msg.split())[:500])
    body = await _pages(start_sidecar, tmp_path, items, ["/errors?limit=100", "/api/groups?limit=100", "/errors/{fp}"])
    assert all(msg[:60] in body for msg, _ in items), "a case's title was not shown: it was not checked"
    assert [secret for _, secret in items if secret in body] == []
