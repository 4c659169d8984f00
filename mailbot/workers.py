"""Pipeline worker processes, so that classification and case work use every core.

Each worker handles the senders of its share (`inbound_mail.partition % workers`): one
person's mail is always handled in order, by one worker. The daemon's own pipeline thread is
share 0; workers 1..n-1 are separate processes, each with its own database connections and
its own copy of the model.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event

from mailbot.config import Settings
from mailbot.logs import setup_logging

log = logging.getLogger("mailbot.pipeline")
SAFETY_NET_SECONDS = 5.0


def _serve(settings_json: str, index: int, workers: int, stop: Event, arrivals: Synchronized, once: bool) -> None:
    from mailbot.pipeline import Pipeline
    from mailbot.runtime import Runtime

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    settings = Settings.model_validate_json(settings_json)
    setup_logging(settings.log.level)
    rt = Runtime(settings)
    pipeline = Pipeline(settings, rt.factory, rt.classifier, rt.directory, rt.executor, rt.clock,
                        skip_locked=rt.is_postgres, share=(index, workers))
    try:
        if once:  # drain while intake stores; after `stop`, one last drain and exit
            while not stop.is_set():
                if not pipeline.drain():
                    stop.wait(0.05)
            pipeline.drain()
            return
        seen, idle = -1, 0.0
        while not stop.is_set():
            current = arrivals.value
            if current != seen or idle >= SAFETY_NET_SECONDS:
                seen, idle = current, 0.0
                pipeline.drain(stop=stop)
            else:
                stop.wait(0.05)
                idle += 0.05
    except Exception:
        log.exception("pipeline worker %d failed", index)
        raise
    finally:
        rt.close()


class WorkerPool:
    """Workers 1..n-1 (share 0 stays in the daemon's own process)."""

    def __init__(self, settings: Settings, *, once: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self.stop_event = context.Event()
        self.arrivals: Synchronized = context.Value("Q", 0)  # type: ignore[assignment]
        workers = settings.pipeline.workers
        payload = settings.model_dump_json()
        self.processes: list[BaseProcess] = [
            context.Process(target=_serve, name=f"pipeline-{index}",
                            args=(payload, index, workers, self.stop_event, self.arrivals, once))
            for index in range(1, workers)
        ]

    def start(self) -> None:
        for process in self.processes:
            process.start()

    def notify(self) -> None:
        """New mail was stored: wake the workers."""
        with self.arrivals.get_lock():
            self.arrivals.value += 1

    def alive(self) -> bool:
        return all(p.is_alive() for p in self.processes)

    def join(self, timeout: float = 60.0) -> bool:
        """Wait for the workers (after `stop()`, or for a one-shot drain); True if all ended well."""
        for process in self.processes:
            process.join(timeout)
            if process.is_alive():
                process.terminate()
                process.join(5)
        return all(p.exitcode == 0 for p in self.processes)

    def stop(self) -> None:
        self.stop_event.set()
