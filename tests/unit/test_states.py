"""The one transitions table: every edge allowed, every other refused, terminals final."""

from __future__ import annotations

import itertools

import pytest

from mailbot.cases.states import TERMINAL, TRANSITIONS, CaseState, check_transition
from mailbot.errors import TransitionError


def test_table_covers_every_state() -> None:
    assert set(TRANSITIONS) == set(CaseState)


@pytest.mark.parametrize(("source", "target"), list(itertools.product(CaseState, CaseState)))
def test_edges(source: CaseState, target: CaseState) -> None:
    if target in TRANSITIONS[source]:
        check_transition(source, target)
    else:
        with pytest.raises(TransitionError):
            check_transition(source, target)


def test_terminal_states_have_no_exit_and_all_are_reachable() -> None:
    assert all(not TRANSITIONS[s] for s in TERMINAL)
    seen, frontier = {CaseState.RECEIVED}, [CaseState.RECEIVED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(CaseState)
