"""compcalc: a sales-compensation calculator.

The package root stays import-light on purpose: importing ``app`` must not pull in the web
framework, the database layer or settings, so the pure engine can be used (and tested) alone.
"""

__all__ = ["__version__"]

# Single source of the release number: the distribution metadata, the OpenAPI document and the
# engine version stamped on every calculation all read it from here.
__version__ = "0.1.0"
