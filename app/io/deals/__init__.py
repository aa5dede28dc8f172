"""Deals files: the deals credited to employees, read from CSV or JSON."""
