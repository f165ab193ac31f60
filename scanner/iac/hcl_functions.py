"""Terraform's built-in functions, for ``hcl_eval``: each evaluates, or gives ``Unknown`` with the reason.

Functions whose result depends on the machine or the moment (``file``, ``timestamp``, ``uuid``) or
that would run a user's regular expression are not registered: calling them is unknown.
"""

from __future__ import annotations

from . import hcl_collections, hcl_network, hcl_strings
from .hcl_builtins import FUNCTIONS

_MODULES = (hcl_collections, hcl_network, hcl_strings)  # importing them registers their functions

__all__ = ["FUNCTIONS"]
