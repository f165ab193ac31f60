"""Test-suite root: puts ``tests/`` on ``sys.path`` for shared helpers such as ``snapshot_factory``."""
