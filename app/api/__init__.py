"""HTTP shell around the engine: routers parse the request, call, and return.

No business rule lives here; routers translate between HTTP and the engine's plain values.
"""
