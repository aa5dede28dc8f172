"""``python -m app.cli``, as the local service helpers (tests/support/localserver.py) start it."""

from __future__ import annotations

from app.cli.commands import main

if __name__ == "__main__":
    main()
