"""The policy engine: YAML policies, validated and compiled, evaluated three-valued over the graph."""

from .config import Config, load_config
from .engine import evaluate
from .language import Policy, policy_json_schema
from .pack import LoadedPolicy, Pack, builtin_policy_dir, load_pack, load_policy
from .settings import check_config

__all__ = [
    "Config",
    "LoadedPolicy",
    "Pack",
    "Policy",
    "builtin_policy_dir",
    "check_config",
    "evaluate",
    "load_config",
    "load_pack",
    "load_policy",
    "policy_json_schema",
]
