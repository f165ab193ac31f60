"""haguard: prove that AWS infrastructure keeps the promises of its architecture document.

The package is organised as a one-way pipeline (see ``README.md``):
sources (``scanner.collectors``, ``scanner.iac``) -> ``scanner.model.Snapshot`` ->
``scanner.graph`` -> ``scanner.policy`` -> ``scanner.model.Finding`` -> ``reports``.
Importing this package is cheap: submodules are imported only when used.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
