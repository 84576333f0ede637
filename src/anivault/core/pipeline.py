"""The pipeline engine: stages on thread pools joined by bounded queues (beets-style).

This is the only module in ``core`` that touches ``queue``, ``threading`` or
``concurrent.futures``. A stage is a plain function of one item. Contract:

* the source iterator runs on its own thread and feeds the first bounded queue, so a fast scan
  waits for slower stages instead of filling memory (backpressure);
* items travel between stages in chunks of up to ``chunk`` (the source passes a partial chunk on
  when ``CHUNK_SECONDS`` have gone by since its last one, so a slow source's items are not held
  back): a queue hand-off costs a lock, a notify and often a thread switch, too much to pay
  once per item;
* each stage runs ``workers`` copies on a ``ThreadPoolExecutor``; the last worker of a stage to
  see the end-of-stream marker passes it on, so every queue closes exactly once;
* every put and get is timed and re-checks the stop ``Event``; the first worker exception stops
  everything and is re-raised in the caller with its original traceback;
* results are yielded on the caller's thread, which waits in short timed gets so Ctrl+C arrives;
* ``workers=0`` runs the same stages inline, in order, for deterministic tests and tracebacks;
* a stage may expand an item into several (``expands``): the scan hands over whole folders and the
  parse stage turns each into its files;
* the stage counters, and the size of a process batch, count ``size(item)`` per item (files, not
  folders, when items are folders);
* a stage with ``processes > 0`` hands batches of items to a process pool instead: CPU-bound work
  (parsing) is serialised by the GIL on threads. Its workers are spawned,
  not forked (forking while the logging and HTTP threads hold locks can deadlock the child),
  ignore SIGINT so that Ctrl+C reaches only this process, which then stops the pool, and die with
  this process: a kill -9 of the run must not leave a worker behind (one blocked in a read, or
  waiting forever on a call queue that its siblings keep open).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from anivault.utils.codec import PLAIN, RowCodec

POLL_SECONDS = 0.1
DEFAULT_QUEUE_SIZE = 256
"""Items a queue holds at most (as ``DEFAULT_QUEUE_SIZE // chunk`` chunks)."""
DEFAULT_CHUNK = 16
"""Items per hand-off: 16x fewer queue operations, while a match thread waiting on TMDB holds up
at most 15 others (it takes a chunk at a time)."""
CHUNK_SECONDS = 0.05
"""A partial chunk is passed on after this long, so a slow source (a network share) still flows."""
PROCESS_BATCH = 64
"""Size (``size(item)`` summed) per round trip to a worker process: large enough that pickling and
the pipe's wake-ups are a small share of the work, small enough that both workers stay busy to
the end. A run counts videos."""


@dataclass(frozen=True, slots=True)
class Stage:
    """``func`` is applied to items of type ``accepts``; other items pass through untouched."""

    name: str
    func: Callable[[Any], Any]
    accepts: type | tuple[type, ...]
    workers: int = 1
    processes: int = 0
    """When > 0 (and the pipeline is threaded), ``func`` runs in this many worker processes, fed
    in batches by the stage's ``workers`` threads; ``func`` must then be a module-level function
    (or a ``functools.partial`` of one), and its items and results picklable as the rows below."""
    item_rows: RowCodec[Any] = PLAIN
    """How items travel to the worker processes (``utils/codec.py``): as rows, built here."""
    result_rows: RowCodec[Any] = PLAIN
    """How ``func``'s results travel back: as rows, built in the worker."""
    expands: bool = False
    """``func`` returns a list of items, each passed on by itself."""

    def outputs(self, item: Any) -> list[Any]:
        """What this stage passes on for ``item``."""
        if not isinstance(item, self.accepts):
            return [item]
        return self.passed_on(self.func(item))

    def passed_on(self, result: Any) -> list[Any]:
        """``func``'s result as the items it stands for."""
        return list(result) if self.expands else [result]


class _EndOfStream:
    pass


_END = _EndOfStream()


class StageCounters:
    """Items finished per stage, read by the caller's thread to draw progress."""

    def __init__(self, names: Iterable[str]) -> None:
        self._lock = threading.Lock()
        self._done = dict.fromkeys(names, 0)

    def bump(self, name: str, count: int = 1) -> None:
        with self._lock:
            self._done[name] += count

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._done)


class Pipeline:
    """Runs ``source`` through ``stages``; iterate ``run()`` to receive results."""

    def __init__(
        self,
        source: Iterable[Any],
        stages: list[Stage],
        *,
        workers: int,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        chunk: int = DEFAULT_CHUNK,
        size: Callable[[Any], int] | None = None,
    ) -> None:
        """``size(item)``: what an item counts for in the counters and process batches (1 if None)."""
        self._source = source
        self._stages = stages
        self._size = size
        self._threaded = workers > 0
        self._chunk = max(1, min(chunk, queue_size))
        self._queue_size = max(1, queue_size // self._chunk)
        self.stop = threading.Event()
        self.counters = StageCounters(["source", *(s.name for s in stages)])

    def run(self) -> Iterator[Any]:
        return self._run_threaded() if self._threaded else self._run_inline()

    def _run_inline(self) -> Iterator[Any]:
        for item in self._source:
            self.counters.bump("source", self._weight([item]))
            yield from self._inline_from(0, item)

    def _inline_from(self, index: int, item: Any) -> Iterator[Any]:
        if index == len(self._stages):
            yield item
            return
        stage = self._stages[index]
        for result in stage.outputs(item):
            self.counters.bump(stage.name, self._weight([result]))
            yield from self._inline_from(index + 1, result)

    def _weight(self, items: list[Any]) -> int:
        return len(items) if self._size is None else sum(map(self._size, items))

    def _run_threaded(self) -> Iterator[Any]:
        queues: list[queue.Queue[Any]] = [queue.Queue(self._queue_size) for _ in range(len(self._stages) + 1)]
        pools: list[Executor] = [ThreadPoolExecutor(max_workers=1, thread_name_prefix="anivault-source")]
        futures: list[Future[None]] = [pools[0].submit(self._feed, queues[0])]
        try:
            for index, stage in enumerate(self._stages):
                process_pool = _process_pool(stage.processes) if stage.processes > 0 else None
                if process_pool is not None:
                    pools.append(process_pool)
                threads = ThreadPoolExecutor(stage.workers, thread_name_prefix=f"anivault-{stage.name}")
                pools.append(threads)
                remaining = _Countdown(stage.workers)
                futures += [
                    threads.submit(
                        self._work, stage, queues[index], queues[index + 1], remaining, process_pool
                    )
                    for _ in range(stage.workers)
                ]
            yield from self._drain(queues[-1], futures)
        finally:
            self.stop.set()
            for pool in reversed(pools):  # threads first: they wait on the process pools
                pool.shutdown(wait=True, cancel_futures=True)

    def _drain(self, results: queue.Queue[Any], futures: list[Future[None]]) -> Iterator[Any]:
        while True:
            for future in futures:
                if future.done() and future.exception() is not None:
                    raise _reraisable(future)
            try:
                item = results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            if item is _END:
                for future in futures:
                    future.result()
                return
            yield from item

    def _feed(self, out: queue.Queue[Any]) -> None:
        try:
            chunk: list[Any] = []
            last_put = time.monotonic()
            for item in self._source:
                chunk.append(item)
                now = time.monotonic()
                if len(chunk) >= self._chunk or now - last_put >= CHUNK_SECONDS:
                    if not self._put(out, chunk):
                        return
                    self.counters.bump("source", self._weight(chunk))
                    chunk, last_put = [], now
            if chunk and self._put(out, chunk):
                self.counters.bump("source", self._weight(chunk))
        finally:
            self._put(out, _END)

    def _work(
        self,
        stage: Stage,
        inbox: queue.Queue[Any],
        out: queue.Queue[Any],
        remaining: _Countdown,
        process_pool: ProcessPoolExecutor | None,
    ) -> None:
        try:
            while not self.stop.is_set():
                try:
                    chunk = inbox.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    continue
                if chunk is _END:
                    inbox.put(_END)  # let this stage's other workers see it too
                    return
                if process_pool is None:
                    results = self._in_thread(stage, chunk)
                else:
                    results = self._in_process_pool(stage, process_pool, self._batch_after(chunk, inbox))
                for start in range(0, len(results), self._chunk):
                    passed_on = results[start : start + self._chunk]
                    if not self._put(out, passed_on):
                        return
                    self.counters.bump(stage.name, self._weight(passed_on))
        except BaseException:
            self.stop.set()
            raise
        finally:
            if remaining.last_one_out():
                self._put(out, _END)

    def _in_thread(self, stage: Stage, chunk: list[Any]) -> list[Any]:
        results = []
        for item in chunk:
            if self.stop.is_set():
                return []
            results += stage.outputs(item)
        return results

    def _in_process_pool(self, stage: Stage, pool: ProcessPoolExecutor, batch: list[Any]) -> list[Any]:
        """``batch`` through ``stage.func`` in a worker process; items it does not accept stay here."""
        chosen = [i for i, item in enumerate(batch) if isinstance(item, stage.accepts)]
        if not chosen:
            return batch
        rows = [stage.item_rows.to_row(batch[i]) for i in chosen]
        future = pool.submit(_apply_each, stage.func, rows, stage.item_rows, stage.result_rows)
        while True:
            try:
                done = future.result(timeout=POLL_SECONDS)
                break
            except FutureTimeout:
                if self.stop.is_set():
                    future.cancel()
                    return []
        outputs = [[item] for item in batch]
        for index, row in zip(chosen, done, strict=True):
            outputs[index] = stage.passed_on(stage.result_rows.from_row(row))
        return [item for passed_on in outputs for item in passed_on]

    def _batch_after(self, first: list[Any], inbox: queue.Queue[Any]) -> list[Any]:
        """The chunk ``first`` plus the chunks already waiting, up to a batch; never waits for more."""
        batch = list(first)
        size = self._weight(batch)
        while size < PROCESS_BATCH:
            try:
                chunk = inbox.get_nowait()
            except queue.Empty:
                break
            if chunk is _END:
                inbox.put(_END)  # seen by the next get, after this batch is passed on
                break
            batch.extend(chunk)
            size += self._weight(chunk)
        return batch

    def _put(self, out: queue.Queue[Any], item: Any) -> bool:
        while not self.stop.is_set():
            try:
                out.put(item, timeout=POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False


def _apply_each(
    func: Callable[[Any], Any], rows: list[Any], item_rows: RowCodec[Any], result_rows: RowCodec[Any]
) -> list[Any]:
    """In a worker process: ``func`` of each item, items and results as rows."""
    return [result_rows.to_row(func(item_rows.from_row(row))) for row in rows]


ORPHAN_EXIT_STATUS = 70
"""A parse worker's exit status when it outlived the run that started it."""


def _process_pool(processes: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=processes, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start
    )


def _worker_start() -> None:
    """In each worker process: leave Ctrl+C to the parent, and exit as soon as the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with_parent, args=(parent.sentinel,), name="anivault-parent-watch", daemon=True
        ).start()


def _exit_with_parent(sentinel: int) -> None:
    """Wait on the spawn sentinel, a pipe (a handle on Windows) that the parent holds open for as
    long as it lives: it turns ready when the parent dies, however it died. A portable stand-in for
    Linux's PR_SET_PDEATHSIG; ``os._exit`` because the worker's main thread may be blocked."""
    multiprocessing.connection.wait([sentinel])
    os._exit(ORPHAN_EXIT_STATUS)


class _Countdown:
    def __init__(self, count: int) -> None:
        self._count = count
        self._lock = threading.Lock()

    def last_one_out(self) -> bool:
        with self._lock:
            self._count -= 1
            return self._count == 0


def _reraisable(future: Future[None]) -> BaseException:
    error = future.exception()
    assert error is not None
    return error


@contextmanager
def interrupt_between_steps() -> Iterator[threading.Event]:
    """Turn Ctrl+C into a flag checked between file operations, so a move is never cut in half.

    Outside the main thread (where signal handlers cannot be installed) the flag is simply never
    set and KeyboardInterrupt keeps its default behaviour. A process started with SIGINT ignored
    (``nohup``, a script's ``command &``) keeps ignoring it here as it does during lookup: the
    caller asked for a run that Ctrl+C does not stop.
    """
    requested = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()
    if not in_main or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield requested
        return

    def _on_sigint(_signum: int, _frame: FrameType | None) -> None:
        requested.set()

    previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield requested
    finally:
        signal.signal(signal.SIGINT, previous)
