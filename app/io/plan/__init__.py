"""Plan design output: charts and reports of how a scheme pays (app.engine.plan).

Each module is imported by its own name; the package itself loads nothing (matplotlib is
imported only when a chart is drawn).
"""
