"""Finding scheme test files: ``*.test.yaml`` (``.yml``) files named or under a directory."""

from __future__ import annotations

from typing import Final

from app.io.schemes.validation import collect_paths

__all__ = ["TEST_SUFFIXES", "CollectError", "collect_test_files"]

TEST_SUFFIXES: Final = (".test.yaml", ".test.yml")


class CollectError(Exception):
    """A path on the command line that names no test file."""


def collect_test_files(paths: list[str]) -> list[str]:
    """Files named in ``paths``; a directory stands for every ``*.test.yaml`` (``.yml``)
    file under it, sorted, hidden files and directories skipped.

    Only files named ``*.test.yaml`` are collected from a directory so that tests can
    sit next to the scheme files they test.
    """
    return collect_paths(paths, TEST_SUFFIXES, CollectError)
