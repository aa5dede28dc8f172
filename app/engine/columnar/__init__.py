"""The columnar batch engine: exact pay in integer minor units on numpy arrays, beside the
Decimal engine."""
