"""Payroll output: tables and explain text, JSON and CSV documents, the terminal and progress."""
