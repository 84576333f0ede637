"""The pipeline engine: inline vs threaded, pass-through, errors, backpressure and shutdown."""

from __future__ import annotations

import itertools
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from anivault.core.pipeline import Pipeline, Stage, interrupt_between_steps
from anivault.utils.codec import RowCodec

SETTLE_SECONDS = 2.0


class StageFailedError(Exception):
    """A distinctive type, so the test sees the worker's own exception and not a wrapper."""


def thread_count() -> int:
    return len(threading.enumerate())


def wait_for_threads(baseline: int) -> int:
    """The thread count once it is back to ``baseline``, or whatever it is after a short wait."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while thread_count() > baseline and time.monotonic() < deadline:
        time.sleep(0.01)
    return thread_count()


def double(item: int) -> int:
    return item * 2


def label(item: int) -> str:
    return f"n{item}"


STAGES = [Stage("double", double, int, workers=3), Stage("label", label, int, workers=2)]


def test_inline_runs_in_order() -> None:
    results = list(Pipeline(range(5), STAGES, workers=0).run())
    assert results == ["n0", "n2", "n4", "n6", "n8"]


def test_threaded_gives_the_same_multiset_as_inline() -> None:
    source = list(range(200))
    inline = list(Pipeline(source, STAGES, workers=0).run())
    threaded = list(Pipeline(source, STAGES, workers=4, queue_size=8).run())
    assert Counter(threaded) == Counter(inline)
    assert len(threaded) == 200


@pytest.mark.parametrize("workers", [0, 2])
def test_items_not_accepted_pass_through_untouched(workers: int) -> None:
    source: list[object] = [1, "skip-me", 2, None]
    results = list(Pipeline(source, [Stage("double", double, int)], workers=workers).run())
    assert Counter(map(repr, results)) == Counter(map(repr, [2, "skip-me", 4, None]))


@pytest.mark.parametrize("workers", [0, 2])
def test_counters_count_every_item_per_stage(workers: int) -> None:
    pipeline = Pipeline(range(10), STAGES, workers=workers)
    list(pipeline.run())
    assert pipeline.counters.snapshot() == {"source": 10, "double": 10, "label": 10}


def test_empty_source_finishes() -> None:
    baseline = thread_count()
    assert list(Pipeline([], STAGES, workers=2).run()) == []
    assert wait_for_threads(baseline) == baseline


def explode_on_seven(item: int) -> int:
    if item == 7:
        raise StageFailedError("item 7 is cursed")
    return item


def test_inline_worker_exception_propagates() -> None:
    with pytest.raises(StageFailedError, match="cursed"):
        list(Pipeline(range(20), [Stage("explode", explode_on_seven, int)], workers=0).run())


def test_threaded_worker_exception_is_reraised_and_threads_end() -> None:
    baseline = thread_count()
    stages = [Stage("explode", explode_on_seven, int, workers=3), Stage("double", double, int, workers=2)]
    pipeline = Pipeline(itertools.count(), stages, workers=2, queue_size=4)
    with pytest.raises(StageFailedError, match="cursed") as caught:
        list(pipeline.run())
    assert pipeline.stop.is_set()
    # The original traceback survives: the innermost frame is the stage function itself.
    frames = []
    tb = caught.value.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    assert frames[-1] == "explode_on_seven"
    assert wait_for_threads(baseline) == baseline


def test_source_exception_is_reraised() -> None:
    def broken_source() -> Iterator[int]:
        yield 1
        raise StageFailedError("source broke")

    baseline = thread_count()
    with pytest.raises(StageFailedError, match="source broke"):
        list(Pipeline(broken_source(), STAGES, workers=2).run())
    assert wait_for_threads(baseline) == baseline


@pytest.mark.parametrize(("queue_size", "chunk"), [(2, 1), (8, 4)])
def test_backpressure_keeps_the_source_close_to_the_consumer(queue_size: int, chunk: int) -> None:
    produced = 0
    consumed = 0
    max_lead = 0

    def source() -> Iterator[int]:
        nonlocal produced
        for item in range(120):
            produced += 1
            yield item

    def slow(item: int) -> int:
        time.sleep(0.005)
        return item

    stages = [Stage("slow", slow, int, workers=1)]
    pipeline = Pipeline(source(), stages, workers=1, queue_size=queue_size, chunk=chunk)
    for _ in pipeline.run():
        consumed += 1
        max_lead = max(max_lead, produced - consumed)
    assert consumed == 120
    # Two queues of queue_size items (in chunks), a chunk in the worker's hands, one held by the
    # blocked producer, and the rest of the chunk the consumer is being handed.
    bound = queue_size * 2 + chunk + chunk + (chunk - 1)
    assert max_lead <= bound
    assert max_lead >= 1  # the producer did run ahead: the measurement is live, not vacuous


def test_consumer_stopping_early_ends_the_run() -> None:
    baseline = thread_count()
    pulled = 0

    def endless() -> Iterator[int]:
        nonlocal pulled
        for item in itertools.count():
            pulled += 1
            yield item

    pipeline = Pipeline(endless(), STAGES, workers=2, queue_size=4)
    results = pipeline.run()
    first = [next(results) for _ in range(5)]
    assert len(first) == 5
    results.close()  # type: ignore[attr-defined]
    assert pipeline.stop.is_set()
    assert wait_for_threads(baseline) == baseline
    after_close = pulled
    time.sleep(0.3)
    assert pulled == after_close  # nothing keeps pulling from the source
    assert pulled < 100


def test_interrupt_between_steps_sets_its_flag_and_restores_the_handler() -> None:
    previous = signal.getsignal(signal.SIGINT)
    with interrupt_between_steps() as requested:
        assert signal.getsignal(signal.SIGINT) is not previous
        assert not requested.is_set()
        signal.raise_signal(signal.SIGINT)
        assert requested.is_set()
    assert signal.getsignal(signal.SIGINT) is previous


def test_interrupt_between_steps_outside_the_main_thread_leaves_signals_alone() -> None:
    previous = signal.getsignal(signal.SIGINT)
    seen: list[object] = []

    def body() -> None:
        with interrupt_between_steps() as requested:
            seen.append(signal.getsignal(signal.SIGINT))
            seen.append(requested.is_set())

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(timeout=5)
    assert seen == [previous, False]


def test_interrupt_between_steps_keeps_an_inherited_ignored_sigint() -> None:
    """Started under ``nohup`` or as a script's ``command &``: Ctrl+C stays ignored while files
    move, as it is during lookup, instead of stopping the apply halfway."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with interrupt_between_steps() as requested:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            signal.raise_signal(signal.SIGINT)
            assert not requested.is_set()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_slow_source_still_flows_in_partial_chunks() -> None:
    """A chunk is not held back waiting to fill: a trickling source's items arrive one by one."""
    arrived: list[float] = []

    def trickle() -> Iterator[int]:
        for item in range(3):
            time.sleep(0.2)
            yield item

    started = time.monotonic()
    for _ in Pipeline(trickle(), STAGES, workers=2, chunk=16).run():
        arrived.append(time.monotonic() - started)
    assert len(arrived) == 3
    assert arrived[0] < 0.35  # it did not wait for the second item, produced at 0.4 s


def countdown(item: int) -> list[int]:
    """An expanding stage: ``n`` becomes ``n, n-1, …, 1`` (and 0 becomes nothing)."""
    return list(range(item, 0, -1))


EXPANDING = [Stage("expand", countdown, int, expands=True), Stage("label", label, int, workers=2)]


@pytest.mark.parametrize("workers", [0, 3])
def test_an_expanding_stage_passes_each_item_on_and_counts_by_size(workers: int) -> None:
    source: list[object] = [3, 0, "kept", 2]
    pipeline = Pipeline(source, EXPANDING, workers=workers, chunk=2, size=lambda item: 2)
    results = list(pipeline.run())
    assert Counter(map(str, results)) == Counter(["n3", "n2", "n1", "kept", "n2", "n1"])
    assert pipeline.counters.snapshot() == {"source": 8, "expand": 12, "label": 12}


def test_an_expanding_stage_in_worker_processes_keeps_the_items_it_does_not_accept() -> None:
    source: list[object] = [4, "kept", 1, 0, 2]
    stages = [Stage("expand", countdown, int, workers=2, processes=2, expands=True)]
    pipeline = Pipeline(
        source, stages, workers=2, chunk=2, size=lambda item: item if isinstance(item, int) else 1
    )
    results = list(pipeline.run())
    assert Counter(map(str, results)) == Counter(["4", "3", "2", "1", "kept", "1", "2", "1"])
    assert pipeline.counters.snapshot() == {"source": 8, "expand": 4 + 3 + 2 + 1 + 1 + 1 + 2 + 1}


def counting_down(item: int) -> Iterator[int]:
    """Like ``countdown``, but a generator: not picklable, so only its row can cross back."""
    yield from range(item, 0, -1)


def test_a_process_stage_sends_rows_and_gets_rows_back() -> None:
    """``item_rows`` are built here and read in the worker (``counting_down`` cannot count down
    from a string); ``result_rows`` are built in the worker and read here."""
    stages = [
        Stage(
            "expand",
            counting_down,
            int,
            workers=2,
            processes=2,
            expands=True,
            item_rows=RowCodec(str, int),
            result_rows=RowCodec(tuple, list),
        )
    ]
    results = list(Pipeline([3, "kept", 2], stages, workers=2, chunk=2).run())
    assert Counter(map(str, results)) == Counter(["3", "2", "1", "kept", "2", "1"])
