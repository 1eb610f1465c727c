"""The real window on a scenario's world, shared by the headless and the paced player: loading
a scenario by name (one line if it cannot be played), building the window on its clients, and
turning each panel to the conversation a step acted on.
"""

from __future__ import annotations

import sys

from readtick.app.membership import join_groups_of_first_panel
from readtick.app.scenario import (
    Read,
    ReadConversation,
    Scenario,
    ScenarioError,
    Send,
    Step,
    load_scenario,
    resolve_scenario_path,
)
from readtick.app.scenarioworld import ScenarioWorld
from readtick.app.world import CLIENT_NAMES
from readtick.core import ConversationType
from readtick.ui.displaytime import set_display_zone
from readtick.ui.mainwindow import MainWindow


def load_named_scenario(name: str) -> Scenario | None:
    """The scenario file or built-in ``name``; None once its problems are printed."""
    try:
        return load_scenario(resolve_scenario_path(name))
    except ScenarioError as error:
        print(f"readtick: the scenario cannot be played. {error}", file=sys.stderr)
        return None


def scenario_window(
    world: ScenarioWorld, scenario: Scenario, screen: tuple[int, int] | None = None
) -> MainWindow:
    """The window with one panel per scenario user (users with ``panel = false`` are on the
    timeline's shared lane instead), titled after the scenario, showing times in the scenario's
    zone (not the machine's: pictures are the same everywhere). ``screen`` (width, height) stands
    in for the screen's available size (offscreen pictures: the same layout everywhere)."""
    from PySide6.QtCore import QRect

    set_display_zone(scenario.zone)
    window = MainWindow(
        world.engine,
        world.panel_clients(scenario),
        join_policy=join_groups_of_first_panel,
        client_names=CLIENT_NAMES,
        available_geometry=None if screen is None else (lambda: QRect(0, 0, *screen)),
    )
    for user in scenario.users:
        if not user.panel:
            for client_id in user.client_ids:
                window.timeline.watch_without_panel(world.clients[client_id])
    window.setWindowTitle(f"readtick — {scenario.title}")
    return window


def follow_step(window: MainWindow, world: ScenarioWorld, scenario: Scenario, step: Step) -> None:
    """Show, in each affected panel, the conversation the step acted on.

    The player calls clients directly; each panel mirrors its client's cache, so it already
    holds the step's effect and only needs to show the right conversation. A send from an
    offline client failed, so only the sender's panel turns to it.
    """
    sends = {s.action.name: s.action for s in scenario.steps if isinstance(s.action, Send) and s.action.name}
    views: list[tuple[str, str, ConversationType]] = []
    action = step.action
    if isinstance(action, Send) and not world.clients[action.sender].online:
        target = action.group if action.group is not None else action.to
        kind = ConversationType.GROUP if action.group is not None else ConversationType.PEER
        views.append((action.sender, str(target), kind))
    elif isinstance(action, Send):
        if action.group is not None:
            members = next(g.members for g in scenario.groups if g.id == action.group)
            views += [(m, action.group, ConversationType.GROUP) for m in members]
        elif action.to is not None:
            views += [
                (world.user_of(action.sender), action.to, ConversationType.PEER),
                (action.to, world.user_of(action.sender), ConversationType.PEER),
            ]
    elif isinstance(action, Read):
        sent = sends.get(action.messages[0])
        if sent is not None and sent.group is not None:
            views.append((world.user_of(action.who), sent.group, ConversationType.GROUP))
        elif sent is not None:
            views.append((world.user_of(action.who), world.user_of(sent.sender), ConversationType.PEER))
            views.append((world.user_of(sent.sender), world.user_of(action.who), ConversationType.PEER))
    elif isinstance(action, ReadConversation):
        views += [
            (world.user_of(action.who), action.peer, ConversationType.PEER),
            (action.peer, world.user_of(action.who), ConversationType.PEER),
        ]
    # a user's name stands for all its devices' panels: what one device does shows on the others
    for name, conversation, kind in views:
        for client_id in world.clients_of(name):
            try:
                panel = window.panel(client_id)
                if panel.current_conversation() != (conversation, kind):
                    panel.select_conversation(conversation, kind)
            except KeyError:
                pass  # no panel or no such conversation offered: leave the panel as it is
