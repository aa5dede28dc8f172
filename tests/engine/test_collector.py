"""collector_paused: the collector is off inside, back as it was after, and nothing leaks."""

from __future__ import annotations

import gc
import weakref

import pytest

from app.engine.collector import PROMOTE_FROM, collector_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


pytestmark = pytest.mark.usefixtures("collector_restored")


def test_paused_inside_and_enabled_again_after() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_stays_disabled_when_it_was_disabled() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_restored_when_the_block_raises() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_objects_made_inside_are_not_left_to_a_pass_and_not_frozen() -> None:
    gc.enable()
    passes: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(record)
    try:
        with collector_paused():
            made = [[i] for i in range(PROMOTE_FROM + 1000)]  # tracked objects, a large result
        after = list(passes)  # an allocation: a pending pass would start here
    finally:
        gc.callbacks.remove(record)
    assert after == []  # no pass over the 100 000 objects on the way out
    assert gc.get_freeze_count() == 0  # moved to the oldest generation, not left frozen
    assert gc.is_tracked(made[0])


def test_a_cycle_made_inside_is_still_collected() -> None:
    gc.enable()
    with collector_paused():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        watch = weakref.ref(first)
    del first, second
    assert watch() is not None  # a cycle: reference counting alone does not free it
    gc.collect()
    assert watch() is None


def test_objects_frozen_by_the_process_stay_frozen() -> None:
    gc.enable()
    kept = [[i] for i in range(10)]
    gc.freeze()
    frozen = gc.get_freeze_count()
    with collector_paused():
        [[i] for i in range(1_000)]
    assert gc.get_freeze_count() == frozen
    assert kept


def test_a_small_block_leaves_its_objects_young() -> None:
    gc.enable()
    with collector_paused():
        made = [[i] for i in range(100)]
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert id(made) not in oldest  # the collector looks at them as it would have
    assert gc.isenabled()
