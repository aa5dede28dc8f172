"""Scheme files: loading and validating them, and their reports as text, GitHub or JSON."""
