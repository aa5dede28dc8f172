"""Plan design: how a scheme pays across outcomes, before anyone is paid by it.

Each module is imported by its own name (``app.engine.plan.curves``); the package itself
loads nothing.
"""
