"""Fixtures of the parity tests: the four sources, loaded once per session (moto is seeded once)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws
from parity_sources import (
    REGION,
    Source,
    architecture_keys,
    cloudformation_source,
    hcl_source,
    live_source,
    plan_source,
)
from seed_services import MotoGaps, ParitySeeder

from scanner.live.options import LiveOptions
from scanner.live.scan import collect_live


@pytest.fixture(scope="session")
def seeded() -> tuple[Source, ParitySeeder]:
    """``ParitySeeder.primary`` in an in-process moto account, scanned by ``collect_live`` (moto's gaps
    completed by ``ParitySeeder.moto_gaps``). moto and the environment are left as they were before the
    scan returns: later tests start their own."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        with mock_aws():
            seeder = ParitySeeder(boto3.Session(region_name=REGION))
            seeder.primary()
            snapshot = collect_live(LiveOptions(regions=[REGION]), progress=False,
                                    client_hooks=[seeder.moto_gaps.hook])
    return live_source(snapshot, seeder.aliases), seeder


@pytest.fixture(scope="session")
def live(seeded: tuple[Source, ParitySeeder]) -> Source:
    return seeded[0]


@pytest.fixture(scope="session")
def moto_gaps(seeded: tuple[Source, ParitySeeder]) -> MotoGaps:
    return seeded[1].moto_gaps


@pytest.fixture(scope="session")
def sources(live: Source) -> dict[str, Source]:
    """Every source by name."""
    found = {"cloudformation": cloudformation_source(), "terraform-plan": plan_source(),
             "terraform-hcl": hcl_source(), "live": live}
    keys = architecture_keys(found["cloudformation"])
    for source in found.values():
        source.restrict(keys)
    return found


@pytest.fixture(scope="session")
def keys(sources: dict[str, Source]) -> set[tuple[str, str]]:
    """(type, parity name) of every resource the architecture declares."""
    return architecture_keys(sources["cloudformation"])
