"""The daemon: intake (IMAP and/or SMTP), pipeline, outbox sender, sweeper and HTTP server.

`run_once()` drains what is waiting and returns; `run()` keeps going until SIGTERM/SIGINT,
then finishes the current mail, commits, logs out and stops.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from mailbot.cases.context import CaseContext
from mailbot.cases.db import transaction
from mailbot.cases.sweep import sweep
from mailbot.mail.imap import ImapWatcher
from mailbot.mail.smtp import Sender, make_transport
from mailbot.pipeline import Pipeline
from mailbot.runtime import Runtime
from mailbot.workers import WorkerPool

log = logging.getLogger("mailbot.daemon")


class Daemon:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        settings = runtime.settings
        self.stop = threading.Event()
        self.mail_waiting = threading.Event()
        self.replies_waiting = threading.Event()
        self.pipeline = Pipeline(settings, runtime.factory, runtime.classifier, runtime.directory,
                                 runtime.executor, runtime.clock, skip_locked=runtime.is_postgres,
                                 share=(0, settings.pipeline.workers))
        transport = make_transport(settings.smtp, settings.outbox, settings.var_dir)
        self.sender = Sender(runtime.factory, transport, settings=settings.outbox,
                             envelope_from=settings.org.address, clock=runtime.clock,
                             skip_locked=runtime.is_postgres)
        self.pool: WorkerPool | None = None
        self.watcher = (
            ImapWatcher(settings.imap, runtime.factory, clock=runtime.clock, on_stored=self.mail_stored)
            if settings.imap.host else None
        )

    def mail_stored(self) -> None:
        """Intake committed new mail: wake the pipeline thread and the worker processes."""
        self.mail_waiting.set()
        if self.pool is not None:
            self.pool.notify()

    # -- one pass -------------------------------------------------------------------------------
    def sweep_once(self) -> int:
        rt = self.runtime
        with transaction(rt.factory) as session:
            ctx = CaseContext(session=session, settings=rt.settings, now=rt.clock(),
                              directory=rt.directory, executor=rt.executor, actor="sweeper")
            return sweep(ctx)

    def run_once(self, *, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
        """Drain intake, pipeline and outbox once; what is deferred stays queued.

        The three overlap: the pipeline works on what intake has committed so far and the
        sender delivers what the pipeline has committed, each until the stage before it is done.
        """
        counts = {"processed": 0, "sent": 0}
        tried: set[int] = set()  # the whole run is one pass of the sender
        intake_done, pipeline_done = threading.Event(), threading.Event()
        failures: list[Exception] = []

        def until(done: threading.Event, key: str, work: Callable[[], int]) -> Callable[[], None]:
            def loop() -> None:
                try:
                    while True:
                        finished = done.is_set()  # read first: what was stored before it is drained
                        handled = work()
                        counts[key] += handled
                        if finished:
                            return
                        if not handled:
                            done.wait(0.05)
                except Exception as exc:  # noqa: BLE001 - raised again once the stages are joined
                    failures.append(exc)
            return loop

        pool = WorkerPool(self.runtime.settings, once=True) if self.runtime.settings.pipeline.workers > 1 else None
        stages = [
            threading.Thread(target=until(intake_done, "processed", lambda: self.pipeline.drain(progress=progress)),
                             name="pipeline"),
            threading.Thread(target=until(pipeline_done, "sent", lambda: self.sender.drain(tried=tried)),
                             name="outbox"),
        ]
        if pool is not None:
            pool.start()
        for thread in stages:
            thread.start()

        def pipeline_finished() -> None:
            if intake_done.is_set():
                return
            intake_done.set()
            stages[0].join()
            if pool is not None:
                pool.stop()
                if not pool.join(timeout=24 * 3600):
                    log.error("a pipeline worker failed; its mail stays pending for the next run")

        try:
            fetched = self.watcher.once(between=pipeline_finished) if self.watcher else 0
        finally:
            pipeline_finished()
            pipeline_done.set()
            stages[1].join()
        if failures:
            raise failures[0]
        swept = self.sweep_once()
        counts["sent"] += self.sender.drain(tried=tried)
        self.sender.close()
        return {"fetched": fetched, "swept": swept, **counts}

    # -- forever --------------------------------------------------------------------------------
    def run(self) -> None:
        rt, settings = self.runtime, self.runtime.settings
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop.set())
        threads = [
            threading.Thread(target=self._pipeline_loop, name="pipeline"),
            threading.Thread(target=self._sender_loop, name="outbox"),
            threading.Thread(target=self._sweeper_loop, name="sweeper"),
        ]
        if self.watcher:
            threads.append(threading.Thread(target=self.watcher.run, args=(self.stop,), name="imap"))
        controller = None
        if settings.intake.enabled:
            from mailbot.mail.smtp_in import IntakeController, IntakeHandler

            handler = IntakeHandler(rt.factory, recipients=settings.intake_recipients,
                                    max_size=settings.intake.max_size, clock=rt.clock,
                                    on_stored=self.mail_stored)
            controller = IntakeController(handler, settings.intake)
            controller.start()
            log.info("SMTP intake listening on %s:%s", settings.intake.host, settings.intake.port)
        server = None
        if settings.web.enabled:
            server = self._web_server()
            threads.append(threading.Thread(target=server.run, name="web"))
        if settings.pipeline.workers > 1:
            self.pool = WorkerPool(settings, once=False)
            self.pool.start()
        for thread in threads:
            thread.start()
        log.info("mailbot running (database %s, %d pipeline workers)", rt.engine.dialect.name,
                 settings.pipeline.workers)
        try:
            while not self.stop.wait(1.0):
                if not all(t.is_alive() for t in threads) or (self.pool is not None and not self.pool.alive()):
                    log.error("a worker died; stopping")
                    self.stop.set()
        finally:
            self.stop.set()
            self.mail_waiting.set()
            self.replies_waiting.set()
            if self.pool is not None:
                self.pool.stop()
            if controller is not None:
                controller.stop()
            if server is not None:
                server.should_exit = True
            for thread in threads:
                thread.join(timeout=30)
            if self.pool is not None:
                self.pool.join(timeout=30)
            self.sender.close()
            log.info("mailbot stopped")

    def _web_server(self) -> Any:
        import uvicorn

        from mailbot.web.app import create_app

        rt = self.runtime
        app = create_app(rt.settings, rt.factory, directory=rt.directory, executor=rt.executor, clock=rt.clock)
        config = uvicorn.Config(app, host=rt.settings.web.host, port=rt.settings.web.port,
                                log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        return server

    def _pipeline_loop(self) -> None:
        while not self.stop.is_set():
            self.mail_waiting.clear()
            try:
                if self.pipeline.drain(stop=self.stop):
                    self.replies_waiting.set()
                    if self.watcher:
                        self.watcher.marks_waiting.set()
            except Exception:
                log.exception("pipeline pass failed")
            self.mail_waiting.wait(1.0)

    def _sender_loop(self) -> None:
        while not self.stop.is_set():
            self.replies_waiting.clear()
            try:
                self.sender.drain()
            except Exception:
                log.exception("outbox pass failed")
            # Worker processes cannot set this thread's event: look again soon when they exist.
            self.replies_waiting.wait(0.1 if self.pool is not None else 2.0)

    def _sweeper_loop(self) -> None:
        interval = self.runtime.settings.cases.sweep_interval
        while not self.stop.is_set():
            try:
                if self.sweep_once():
                    self.replies_waiting.set()
            except Exception:
                log.exception("sweep failed")
            self.stop.wait(interval)
