"""Rosters: who is paid, read from CSV or JSON, and the balances a payroll carries into the next."""
