"""The "still alive after an await" helper: a slot whose widget is deleted while it awaits ends
quietly instead of touching the deleted widget; a living widget gets the result or the error."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtWidgets import QLabel
from readtick.core import ErrorCode, ReceiptError
from readtick.ui.alive import Gone, alive_slot, is_alive, survive


class Waiting(QLabel):
    """A label whose slot waits for ``gate`` and then writes on itself."""

    def __init__(self, gate: asyncio.Future) -> None:
        super().__init__("waiting")
        self.gate = gate
        self.steps: list[str] = []

    @alive_slot()
    async def fetch(self) -> None:
        self.steps.append("awaiting")
        try:
            value = await survive(self, self.gate)
        except ReceiptError as error:
            self.setText(f"refused: {error.message}")
            return
        self.steps.append("after the await")
        self.setText(value)


def test_a_living_widget_gets_the_result(qtbot, run_async) -> None:
    gate = asyncio.get_event_loop().create_future()
    label = Waiting(gate)
    qtbot.addWidget(label)
    task = label.fetch()
    gate.set_result("done")
    run_async(task)
    assert label.text() == "done"


def test_a_living_widget_gets_the_error(qtbot, run_async) -> None:
    gate = asyncio.get_event_loop().create_future()
    label = Waiting(gate)
    qtbot.addWidget(label)
    task = label.fetch()
    gate.set_exception(ReceiptError(ErrorCode.NETWORK_UNAVAILABLE, "offline"))
    run_async(task)
    assert label.text() == "refused: offline"


@pytest.mark.parametrize("outcome", ["result", "error"])
def test_a_widget_deleted_while_its_slot_awaits_is_not_touched(qtbot, run_async, outcome: str) -> None:
    gate = asyncio.get_event_loop().create_future()
    label = Waiting(gate)
    steps = label.steps
    task = label.fetch()
    qtbot.waitUntil(lambda: steps == ["awaiting"])
    label.deleteLater()
    qtbot.waitUntil(lambda: not is_alive(label))
    if outcome == "result":
        gate.set_result("too late")
    else:
        gate.set_exception(ReceiptError(ErrorCode.NETWORK_UNAVAILABLE, "offline"))
    assert run_async(task) is None  # ended quietly: the loop fixture fails the test on any error
    assert steps == ["awaiting"]


def test_a_slot_of_a_deleted_widget_does_not_start(qtbot, run_async) -> None:
    gate = asyncio.get_event_loop().create_future()
    label = Waiting(gate)
    task = label.fetch()  # scheduled: it starts on the loop's next turn
    shiboken_delete(label)
    gate.set_result("never read")
    assert run_async(task) is None
    assert label.steps == []


def test_survive_raises_gone_for_a_deleted_owner_and_lets_bugs_through(qtbot, run_async) -> None:
    label = QLabel()
    shiboken_delete(label)

    async def value() -> int:
        return 1

    async def bug() -> int:
        raise KeyError("a bug, not a refusal")

    with pytest.raises(Gone):
        run_async(survive(label, value()))
    with pytest.raises(KeyError):
        run_async(survive(label, bug()))


def shiboken_delete(widget: QLabel) -> None:
    import shiboken6

    shiboken6.delete(widget)
    assert not is_alive(widget)
