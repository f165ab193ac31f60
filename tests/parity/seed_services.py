"""The live side of the parity architecture: ``Seeder.primary`` plus the services this architecture adds.

``ParitySeeder.primary`` creates, through boto3 against moto, what ``data/architecture.yaml`` declares
on top of ``tests/e2e/seed.py``'s us-east-1 part, and records the ids AWS gives back for resources
that have no name of their own (``aliases``: id or DNS name -> the name the other sources use).
"""

from __future__ import annotations

from typing import Any

from parity_sources import REGION, seed_module

Seeder: Any = seed_module().Seeder


class ParitySeeder(Seeder):  # type: ignore[misc, valid-type]
    """``Seeder.primary`` and the parity architecture's additions, in us-east-1."""

    def __init__(self, session: Any, endpoint_url: str | None = None) -> None:
        super().__init__(session, endpoint_url)
        self.aliases: dict[str, str] = {}

    def primary(self) -> dict[str, str]:
        ids: dict[str, str] = super().primary()
        self.settle(ids)
        return ids

    def settle(self, ids: dict[str, str]) -> None:
        """Settings the other sources state explicitly, given their AWS value here."""
        rds = self.client("rds", REGION)
        # Aurora members: PubliclyAccessible omitted means false with a private subnet group in
        # CloudFormation but true in the Terraform state; the template states false, so does the account.
        for identifier in ("ledger-0", "ledger-1", "ledger-single-0"):
            rds.modify_db_instance(DBInstanceIdentifier=identifier, PubliclyAccessible=False, ApplyImmediately=True)
