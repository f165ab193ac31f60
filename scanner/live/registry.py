"""The explicit list of collector modules a live scan runs, and how their declarations are read.

Collector modules live in ``scanner.collectors`` and follow ``scanner/collectors/base.py``. The list
is explicit (no discovery by import side effects); modules are imported lazily when a scan starts.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

COLLECTOR_PACKAGE = "scanner.collectors"
COLLECTORS: tuple[str, ...] = (
    "ec2", "elb", "autoscaling", "appautoscaling", "rds", "elasticache", "dynamodb", "s3", "backup", "cloudwatch",
    "logs", "efs", "containers", "route53", "cloudfront", "cloudformation",
)
GLOBAL_COLLECTORS: frozenset[str] = frozenset({"s3", "route53", "cloudfront"})
"""Collectors whose API is global (S3 ListBuckets sees every Region): run once per account."""
METRICS_MODULE = "metrics"


@dataclass
class CollectorSet:
    """The collector modules of a scan and the (optional) metrics enrichment module."""

    collectors: list[ModuleType] = field(default_factory=list)
    metrics: ModuleType | None = None

    def all_modules(self) -> list[ModuleType]:
        """Every module whose ``OPERATIONS`` a scan may call."""
        return [*self.collectors, *([self.metrics] if self.metrics is not None else [])]


def load_collectors(names: tuple[str, ...] = COLLECTORS, metrics: str | None = METRICS_MODULE,
                    package: str = COLLECTOR_PACKAGE) -> CollectorSet:
    """Import the named collector modules (a module not written yet is skipped)."""
    modules = [m for m in (_import(package, name) for name in names) if m is not None]
    return CollectorSet(collectors=modules, metrics=_import(package, metrics) if metrics else None)


def _import(package: str, name: str) -> ModuleType | None:
    qualified = f"{package}.{name}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name == qualified:
            return None
        raise


def module_name(module: ModuleType) -> str:
    """The short name of a collector module (``scanner.collectors.rds`` -> ``rds``)."""
    return module.__name__.rsplit(".", 1)[-1]


def operations(module: ModuleType) -> dict[tuple[str, str], tuple[str, ...]]:
    """``OPERATIONS`` as ``(boto3 service, Operation) -> types``.

    Keys may be ``"service:Operation"`` or a bare ``"Operation"`` of the module's ``SERVICE``.
    """
    declared: dict[str, tuple[str, ...]] = getattr(module, "OPERATIONS", {})
    default_service = getattr(module, "SERVICE", None)
    result: dict[tuple[str, str], tuple[str, ...]] = {}
    for key, types in declared.items():
        service, _, operation = key.rpartition(":")
        service = service or default_service
        if not service:
            raise ValueError(f"{module.__name__}: operation {key!r} names no service and the module has no SERVICE")
        result[(service, operation)] = tuple(types)
    return result


def context_operations(module: ModuleType) -> dict[str, tuple[str, ...]]:
    """``OPERATIONS`` keyed by bare operation name, as ``CallContext`` looks them up (types merged)."""
    merged: dict[str, tuple[str, ...]] = {}
    for (_, operation), types in operations(module).items():
        merged[operation] = tuple(dict.fromkeys((*merged.get(operation, ()), *types)))
    return merged


def resource_types(module: ModuleType) -> tuple[str, ...]:
    """Every vocabulary type the module's collection produces (gap scope when the module fails)."""
    return tuple(dict.fromkeys(t for types in operations(module).values() for t in types))


BASE_COLLECTORS: frozenset[str] = frozenset({"ec2"})
"""Always collected: the graph derives placement and routing facts (zones, public subnets) from them."""


def select_collectors(collectors: CollectorSet, needed_types: set[str]) -> tuple[CollectorSet, list[str]]:
    """The collectors producing ``needed_types`` (plus the base ones) and the types left uncollected."""
    kept = [m for m in collectors.collectors
            if module_name(m) in BASE_COLLECTORS or set(resource_types(m)) & needed_types]
    metrics = collectors.metrics
    if metrics is not None and not set(resource_types(metrics)) & needed_types:
        metrics = None
    collected = {t for m in [*kept, *([metrics] if metrics else [])] for t in resource_types(m)}
    every = {t for m in collectors.all_modules() for t in resource_types(m)}
    return CollectorSet(collectors=kept, metrics=metrics), sorted(every - collected)
