"""Hook-call claim heartbeat on both backends: renewing extends only this replica's live claims."""

from __future__ import annotations

from datetime import timedelta

from sidecar.clock import utc
from sidecar.store.rollouts import Decision, Event, HookCallRow


async def test_renew_claims_extends_only_live_claims_of_this_replica(store) -> None:
    repo = store.rollouts
    now = utc(1_763_900_000.0)
    await repo.ensure("r", now)
    ev = Event("rollback", "running", "rolling_back", 0, 0, 10.0, 0.0, "a", [])
    call = HookCallRow("flip", "rollback", 3, {"k": 1})
    version = (await repo.get("r"))["version"]
    assert await repo.commit("r", version, {"state": "rolling_back"}, now, ev, 1, Decision(1, "rollback", "r:1:rollback", "a", []),
                             [call], claim=("a", now + timedelta(seconds=6)))
    later = now + timedelta(seconds=4)
    assert await repo.renew_claims("b", later, later + timedelta(seconds=6)) == 0  # not b's
    assert await repo.renew_claims("a", later, later + timedelta(seconds=6)) == 1
    # b cannot take it at 8 s (renewed to 10 s) but can once a stops renewing and it lapses.
    assert await repo.due_hook_calls(now + timedelta(seconds=8), "b") == []
    assert len(await repo.due_hook_calls(now + timedelta(seconds=11), "b")) == 1
    # a lapsed claim is not revived by a late heartbeat of the dead replica
    assert await repo.renew_claims("a", now + timedelta(seconds=11), now + timedelta(seconds=17)) == 0
