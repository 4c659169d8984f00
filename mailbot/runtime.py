"""Build the long-lived parts once from the settings: engine, sessions, model, connectors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from mailbot.cases.accounts import Directory, Executor
from mailbot.cases.db import check_migrated, make_engine, session_factory
from mailbot.classify.model import Classifier, load_classifier
from mailbot.clock import Clock, utcnow
from mailbot.config import Settings
from mailbot.connectors.demo import DemoExecutor
from mailbot.connectors.directory import SqlDirectory
from mailbot.connectors.manual import ManualExecutor


@dataclass
class Runtime:
    settings: Settings
    clock: Clock = utcnow

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database.url, echo=self.settings.database.echo)

    @cached_property
    def factory(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def check(self) -> None:
        """Refuse to start on an unmigrated database."""
        check_migrated(self.engine)

    @cached_property
    def classifier(self) -> Classifier:
        cfg = self.settings.classify
        return load_classifier(cfg.model_path, cfg.review_threshold, cfg.risky_review_threshold)

    @cached_property
    def directory(self) -> Directory:
        return SqlDirectory(self.settings.directory_url, self.settings.directory)

    @cached_property
    def executor(self) -> Executor:
        if self.settings.directory.url is None:
            directory = self.directory
            assert isinstance(directory, SqlDirectory)  # noqa: S101
            return DemoExecutor(directory.engine)
        return ManualExecutor()

    def close(self) -> None:
        if "directory" in self.__dict__ and isinstance(self.directory, SqlDirectory):
            self.directory.close()
        if "engine" in self.__dict__:
            self.engine.dispose()
