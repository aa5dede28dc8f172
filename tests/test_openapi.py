"""The committed openapi.json must match what the code generates.

Clients and reviewers read the committed file; this test stops it drifting from the routes.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from app.main import openapi_document


def test_committed_openapi_matches_the_code(repo_root: Path) -> None:
    committed_path = repo_root / "openapi.json"
    assert committed_path.is_file(), "openapi.json is missing: run `make openapi` and commit it"

    committed = committed_path.read_text(encoding="utf-8")
    generated = openapi_document()

    if committed != generated:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                generated.splitlines(keepends=True),
                fromfile="openapi.json (committed)",
                tofile="openapi.json (generated)",
                n=2,
            )
        )
        raise AssertionError(
            "openapi.json is out of date with the code: run `make openapi` and commit the "
            f"result.\n{diff[:4000]}"
        )


def test_openapi_document_is_deterministic() -> None:
    first = openapi_document()

    assert first == openapi_document()
    assert first.endswith("}\n")
