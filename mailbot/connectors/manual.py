"""The executor used when no connector to the company's systems is configured."""

from __future__ import annotations

from typing import Any

from mailbot.cases.models import Action, Case


class NoConnectorError(RuntimeError):
    pass


class ManualExecutor:
    """Refuses clearly: the action fails, the case is escalated, a person does it by hand."""

    def execute(self, action: Action, case: Case) -> dict[str, Any]:
        raise NoConnectorError(
            f"no connector is configured for {action.kind} on the company's systems; "
            "carry it out by hand and close the case"
        )
