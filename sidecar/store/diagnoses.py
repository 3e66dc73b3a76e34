"""Diagnoses: their history, the current diagnosis on the group row, and the claims that make
diagnosis single-flight across replicas and retried from durable state.

Claim life cycle (one row per group, `attempts` doubles as the optimistic version):

    (none) --claim_pending--> pending --take--> running --finish--> done
                                 ^                 |  \\--finish--> failed (next_attempt_at set)
                                 |                 |                  |
                                 +----reopen-------+------take--------+   (regression, model change, manual)

`take` is one UPDATE ... WHERE state IN (pending, failed) RETURNING: of any number of workers or
replicas racing for a claim, exactly one gets the row back.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .database import Database, Row

if TYPE_CHECKING:
    from ..diagnose.model import Diagnosis

_CLAIM_COLUMNS = (
    "error_hash, claimed_by, claimed_at, state, attempts, reason, generation, cache_key, outcome, "
    "last_error, next_attempt_at, updated_at"
)


class DiagnosisRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _returning(self, sql: str, params: tuple[Any, ...]) -> Row | None:
        """A write with RETURNING: in a write transaction (SQLite reads run on a separate reader)."""
        async with self.db.transaction() as tx:
            return await tx.fetchone(sql, params)

    # --- history ------------------------------------------------------------------------------

    async def add(self, fingerprint: str, cache_key: str, diagnosis: Diagnosis, at: datetime) -> None:
        d = diagnosis
        await self.db.execute(
            "INSERT INTO diagnoses (error_hash, cache_key, source, model, prompt_version, rule, category, "
            "severity, confidence, result, duration_ms, tokens_in, tokens_out, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (fingerprint, cache_key, d.source, d.model, d.prompt_version, d.rule, d.category, d.severity,
             d.confidence, d.to_json(), d.duration_ms, d.tokens.input, d.tokens.output, at),
        )

    async def llm_spend(self, since: datetime, day_start: datetime) -> tuple[list[datetime], int]:
        """LLM diagnoses made since `since` (their times), and tokens spent since `day_start`.

        Used to re-seed the in-memory budgets at start; every replica's calls count, since they
        share one API key's quota.
        """
        rows = await self.db.fetchall(
            "SELECT created_at FROM diagnoses WHERE source <> 'rules' AND created_at >= ? ORDER BY created_at",
            (since,),
        )
        tokens = await self.db.fetchone(
            "SELECT COALESCE(SUM(COALESCE(tokens_in, 0) + COALESCE(tokens_out, 0)), 0) AS n FROM diagnoses "
            "WHERE source <> 'rules' AND created_at >= ?",
            (day_start,),
        )
        return [r["created_at"] for r in rows], int(tokens["n"]) if tokens else 0

    async def history(self, fingerprint: str, limit: int = 20) -> list[Row]:
        return await self.db.fetchall(
            "SELECT id, error_hash, cache_key, source, model, prompt_version, rule, category, severity, "
            "confidence, result, duration_ms, tokens_in, tokens_out, created_at FROM diagnoses "
            "WHERE error_hash = ? ORDER BY id DESC LIMIT ?",
            (fingerprint, limit),
        )

    async def cached(self, cache_key: str) -> Row | None:
        """The latest LLM diagnosis made with this exact (fingerprint, model, prompt version)."""
        return await self.db.fetchone(
            "SELECT id, result, created_at FROM diagnoses WHERE cache_key = ? AND source <> 'rules' "
            "ORDER BY id DESC LIMIT 1",
            (cache_key,),
        )

    async def set_current(self, fingerprint: str, diagnosis: Diagnosis, at: datetime, *,
                          replace_llm: bool = True) -> bool:
        """Write the diagnosis into the group's row (the gateway team's planned columns).

        A rules diagnosis never replaces an LLM one (`replace_llm=False`): on a regression the
        old LLM answer stays current until the new one arrives. Returns False when the group row
        does not exist (yet) or was not replaced.
        """
        d = diagnosis
        guard = "" if replace_llm else " AND (diagnosis_source IS NULL OR diagnosis_source = 'rules')"
        changed = await self.db.execute(
            "UPDATE error_investigations SET investigation_result = ?, fix_recommendation = ?, model_used = ?, "
            "investigation_duration_ms = ?, category = ?, severity = ?, diagnosis_source = ?, diagnosed_at = ? "
            "WHERE error_hash = ?" + guard,
            (d.to_json(), list(d.suggested_fix), d.model or d.source, d.duration_ms, d.category, d.severity,
             d.source, at, fingerprint),
        )
        return changed > 0

    # --- reading the group (owned by the errors stage) ----------------------------------------

    async def group(self, fingerprint: str) -> Row | None:
        return await self.db.fetchone(
            "SELECT error_hash, error_message, error_type, error_context, occurrence_count, created_at, "
            "last_occurrence_at, status, level, logger, title, regression_count, investigation_result, "
            "diagnosis_source, category, severity, diagnosed_at FROM error_investigations WHERE error_hash = ?",
            (fingerprint,),
        )

    async def latest_sample(self, fingerprint: str) -> Row | None:
        return await self.db.fetchone(
            "SELECT seen_at, source, file, line, level, logger, message, raw, data FROM error_samples "
            "WHERE error_hash = ? ORDER BY id DESC LIMIT 1",
            (fingerprint,),
        )

    # --- claims -------------------------------------------------------------------------------

    async def claim(self, fingerprint: str) -> Row | None:
        return await self.db.fetchone(f"SELECT {_CLAIM_COLUMNS} FROM diagnosis_claims WHERE error_hash = ?",
                                      (fingerprint,))

    async def claim_pending(self, fingerprint: str, owner: str, reason: str, generation: int,
                            at: datetime) -> bool:
        """Create the claim (state pending, due now); False when a claim already exists."""
        row = await self._returning(
            "INSERT INTO diagnosis_claims (error_hash, claimed_by, claimed_at, state, attempts, reason, "
            "generation, next_attempt_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?) "
            "ON CONFLICT (error_hash) DO NOTHING RETURNING error_hash",
            (fingerprint, owner, at, reason, generation, at, at),
        )
        return row is not None

    async def reopen(self, fingerprint: str, owner: str, reason: str, generation: int, at: datetime,
                     *, expect_attempts: int) -> bool:
        """Make a finished claim pending again (regression, new model/prompt, manual re-run).

        Optimistic on `attempts`: of replicas reopening the same claim at once, one succeeds.
        """
        row = await self._returning(
            "UPDATE diagnosis_claims SET state = 'pending', claimed_by = ?, reason = ?, generation = ?, "
            "outcome = NULL, last_error = NULL, next_attempt_at = ?, updated_at = ?, attempts = 0 "
            "WHERE error_hash = ? AND attempts = ? AND state IN ('done', 'failed') RETURNING error_hash",
            (owner, reason, generation, at, at, fingerprint, expect_attempts),
        )
        return row is not None

    async def take(self, fingerprint: str, owner: str, at: datetime, *,
                   stale_attempts: int | None = None, stale_before: datetime | None = None) -> Row | None:
        """Atomically move a due claim to running for `owner`; None when someone else has it.

        With `stale_attempts`, take over a `running` claim whose owner died (claimed before
        `stale_before`, not re-taken since).
        """
        if stale_attempts is None:
            where = "error_hash = ? AND state IN ('pending', 'failed')"
            params: tuple[Any, ...] = (fingerprint,)
        else:
            where = "error_hash = ? AND state = 'running' AND attempts = ? AND claimed_at < ?"
            params = (fingerprint, stale_attempts, stale_before)
        return await self._returning(
            "UPDATE diagnosis_claims SET state = 'running', claimed_by = ?, claimed_at = ?, "
            f"attempts = attempts + 1, updated_at = ? WHERE {where} RETURNING {_CLAIM_COLUMNS}",
            (owner, at, at, *params),
        )

    async def finish(self, fingerprint: str, owner: str, at: datetime, *, state: str, outcome: str,
                     cache_key: str | None = None, last_error: str | None = None,
                     next_attempt_at: datetime | None = None) -> bool:
        changed = await self.db.execute(
            "UPDATE diagnosis_claims SET state = ?, outcome = ?, cache_key = ?, last_error = ?, "
            "next_attempt_at = ?, updated_at = ? WHERE error_hash = ? AND claimed_by = ? AND state = 'running'",
            (state, outcome, cache_key, last_error, next_attempt_at, at, fingerprint, owner),
        )
        return changed > 0

    async def due(self, at: datetime, stale_before: datetime, limit: int = 50) -> list[Row]:
        """Claims to work on now: pending/failed whose time has come, and running ones abandoned."""
        return await self.db.fetchall(
            f"SELECT {_CLAIM_COLUMNS} FROM diagnosis_claims WHERE "
            "(state IN ('pending', 'failed') AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?) "
            "OR (state = 'running' AND claimed_at < ?) ORDER BY updated_at LIMIT ?",
            (at, stale_before, limit),
        )

    async def counts(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT state, COUNT(*) AS n FROM diagnosis_claims GROUP BY state")
        return {r["state"]: int(r["n"]) for r in rows}
