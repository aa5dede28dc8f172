"""The collector pause for large payrolls: only for large bodies, shared, always undone."""

from __future__ import annotations

import gc

import pytest

from app.api.gcpause import LARGE_BODY, paused_for


def test_small_bodies_leave_the_collector_alone() -> None:
    assert gc.isenabled()
    with paused_for(LARGE_BODY - 1):
        assert gc.isenabled()


def test_large_bodies_pause_it_until_the_last_one_ends() -> None:
    with paused_for(LARGE_BODY):
        assert not gc.isenabled()
        with paused_for(LARGE_BODY * 10):
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer request is still running
    assert gc.isenabled()


def test_it_is_restored_after_an_error() -> None:
    with pytest.raises(RuntimeError), paused_for(LARGE_BODY):
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_disabled() -> None:
    gc.disable()
    try:
        with paused_for(LARGE_BODY):
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_release_empties_lists_a_chunk_at_a_time_and_leaves_the_rest() -> None:
    from app.api.gcpause import release

    big, small, other = list(range(12_345)), [1, 2], {"roster": [1]}
    release(big, small, other, None)

    assert big == [] and small == [] and other == {"roster": [1]}
