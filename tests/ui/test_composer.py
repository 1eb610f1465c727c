"""The composer sends checked text with the receipt choice, and says why it will not send."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton
from readtick.ui.composer import MAX_TEXT_LENGTH, Composer


def make_composer(qtbot, conversation: str | None = "bob") -> Composer:
    composer = Composer()
    composer.set_conversation(conversation)
    qtbot.addWidget(composer)
    composer.show()
    qtbot.waitExposed(composer)
    return composer


def text_box(composer: Composer) -> QLineEdit:
    return composer.findChild(QLineEdit, "composer")


def click_send(qtbot, composer: Composer) -> None:
    qtbot.mouseClick(composer.findChild(QPushButton, "sendButton"), Qt.MouseButton.LeftButton)


def test_send_reports_the_stripped_text_with_a_receipt_by_default(qtbot) -> None:
    composer = make_composer(qtbot)
    assert text_box(composer).placeholderText() == "Message bob…"
    qtbot.keyClicks(text_box(composer), "  hello bob  ")
    with qtbot.waitSignal(composer.sendRequested, timeout=1000) as sent:
        click_send(qtbot, composer)
    assert sent.args == ["hello bob", True]
    assert text_box(composer).text() == "  hello bob  "  # kept until the send succeeded


def test_return_sends_and_the_toggle_turns_the_receipt_off(qtbot) -> None:
    composer = make_composer(qtbot)
    qtbot.mouseClick(composer.findChild(QCheckBox, "receiptToggle"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(text_box(composer), "no receipt")
    with qtbot.waitSignal(composer.sendRequested, timeout=1000) as sent:
        qtbot.keyClick(text_box(composer), Qt.Key.Key_Return)
    assert sent.args == ["no receipt", False]


def test_what_is_not_sent_gets_a_reason(qtbot) -> None:
    composer = make_composer(qtbot)
    with qtbot.assertNotEmitted(composer.sendRequested):
        with qtbot.waitSignal(composer.sendRefused, timeout=1000) as empty:
            qtbot.keyClicks(text_box(composer), "   ")
            click_send(qtbot, composer)
        text_box(composer).setText("x" * (MAX_TEXT_LENGTH + 1))
        with qtbot.waitSignal(composer.sendRefused, timeout=1000) as long:
            click_send(qtbot, composer)
    assert empty.args == ["Type a message first: empty messages are not sent."]
    assert f"limit is {MAX_TEXT_LENGTH}" in long.args[0]


def test_without_a_conversation_nothing_is_sent(qtbot) -> None:
    composer = make_composer(qtbot, conversation=None)
    qtbot.keyClicks(text_box(composer), "to nobody")
    with qtbot.waitSignal(composer.sendRefused, timeout=1000) as refused:
        click_send(qtbot, composer)
    assert refused.args == ["Pick a conversation first."]
