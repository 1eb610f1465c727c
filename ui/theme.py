"""Colours, fonts and the Fusion style of readtick's two themes (light and dark).

Everything that paints reads its colours from the current ``Theme``, so switching theme is one
``apply_theme`` call plus a repaint; fonts are pinned by family and pixel size so screenshots
come out the same on every machine that has DejaVu Sans.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

#: The UI font and, in order, the fallbacks tried for characters it lacks (CJK, colour emoji).
UI_FONT_FAMILY = "DejaVu Sans"
FALLBACK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Noto Color Emoji",
)
MONO_FONT_FAMILY = "DejaVu Sans Mono"
BASE_PIXEL_SIZE = 13
SMALL_PIXEL_SIZE = 11

# Found through the import system, so a wheel installed anywhere finds its own copy. Wheels are
# always unpacked, so the traversable is a real directory (the style sheet names icon files by path).
RESOURCES = Path(str(files("readtick.resources")))
_STYLE_SHEET = RESOURCES / "styles" / "readtick.qss"


@dataclass(frozen=True)
class Theme:
    """One colour scheme. Field names say where a colour is used."""

    name: str
    window: str
    panel: str
    panel_border: str
    header: str
    text: str
    muted_text: str
    accent: str
    accent_text: str
    input_background: str
    chat_background: str
    bubble_outgoing: str
    bubble_outgoing_text: str
    bubble_incoming: str
    bubble_incoming_text: str
    bubble_selected_ring: str
    tick_grey: str
    tick_blue: str
    failed: str
    expired: str
    awaiting_read: str
    log_background: str
    log_text: str
    log_event: str
    error_text: str
    info_text: str

    def color(self, field_name: str) -> QColor:
        return QColor(getattr(self, field_name))


LIGHT = Theme(
    name="light",
    window="#e9edf2",
    panel="#ffffff",
    panel_border="#d5dbe3",
    header="#f6f8fa",
    text="#1f2328",
    muted_text="#6b7580",
    accent="#2f7de1",
    accent_text="#ffffff",
    input_background="#ffffff",
    chat_background="#eef3f7",
    bubble_outgoing="#d9fdd3",
    bubble_outgoing_text="#111b21",
    bubble_incoming="#ffffff",
    bubble_incoming_text="#111b21",
    bubble_selected_ring="#2f7de1",
    tick_grey="#8696a0",
    tick_blue="#34b7f1",
    failed="#e5484d",
    expired="#a0a8b0",
    awaiting_read="#2f7de1",
    log_background="#fbfcfd",
    log_text="#3d4650",
    log_event="#8250df",
    error_text="#c62828",
    info_text="#2e7d32",
)

DARK = Theme(
    name="dark",
    window="#0f1419",
    panel="#161b22",
    panel_border="#2b3440",
    header="#1c232c",
    text="#e6edf3",
    muted_text="#8b98a5",
    accent="#3b8eea",
    accent_text="#ffffff",
    input_background="#0d1117",
    chat_background="#0b141a",
    bubble_outgoing="#005c4b",
    bubble_outgoing_text="#e9edef",
    bubble_incoming="#202c33",
    bubble_incoming_text="#e9edef",
    bubble_selected_ring="#53a6ff",
    tick_grey="#8696a0",
    tick_blue="#53bdeb",
    failed="#ff6369",
    expired="#6b7780",
    awaiting_read="#53a6ff",
    log_background="#0d1117",
    log_text="#c9d1d9",
    log_event="#d2a8ff",
    error_text="#ff7b72",
    info_text="#7ee787",
)

THEMES = {"light": LIGHT, "dark": DARK}

_current: Theme = LIGHT


def current_theme() -> Theme:
    """The theme painters should use right now."""
    return _current


def available_fallbacks() -> list[str]:
    """The fallback families from ``FALLBACK_FAMILIES`` that this machine actually has."""
    installed = set(QFontDatabase.families())
    return [family for family in FALLBACK_FAMILIES if family in installed]


def ui_font(pixel_size: int = BASE_PIXEL_SIZE, *, bold: bool = False, mono: bool = False) -> QFont:
    """The pinned UI font: DejaVu first, then whichever CJK/emoji families are installed.

    Missing fallbacks are skipped silently (they only matter for Chinese and emoji); tests assert
    that the primary family resolved, because a missing font draws boxes and raises nothing.
    """
    primary = MONO_FONT_FAMILY if mono else UI_FONT_FAMILY
    font = QFont(primary)
    font.setFamilies([primary, *available_fallbacks()])
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


def _palette(theme: Theme) -> QPalette:
    palette = QPalette()
    c = theme.color
    roles = QPalette.ColorRole
    palette.setColor(roles.Window, c("window"))
    palette.setColor(roles.WindowText, c("text"))
    palette.setColor(roles.Base, c("input_background"))
    palette.setColor(roles.AlternateBase, c("header"))
    palette.setColor(roles.Text, c("text"))
    palette.setColor(roles.PlaceholderText, c("muted_text"))
    palette.setColor(roles.Button, c("header"))
    palette.setColor(roles.ButtonText, c("text"))
    palette.setColor(roles.Highlight, c("accent"))
    palette.setColor(roles.HighlightedText, c("accent_text"))
    palette.setColor(roles.ToolTipBase, c("panel"))
    palette.setColor(roles.ToolTipText, c("text"))
    palette.setColor(roles.Link, c("accent"))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, c("muted_text"))
    return palette


def style_sheet(theme: Theme) -> str:
    """The application style sheet with the theme's colours filled in."""
    template = Template(_STYLE_SHEET.read_text(encoding="utf-8"))
    return template.substitute(
        {name: getattr(theme, name) for name in theme.__dataclass_fields__},
        base_px=BASE_PIXEL_SIZE,
        small_px=SMALL_PIXEL_SIZE,
        icons=(RESOURCES / "icons").as_posix(),
    )


def apply_theme(app: QApplication, name: str) -> Theme:
    """Switch the whole application to theme ``name`` ("light" or "dark")."""
    global _current
    try:
        theme = THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}") from None
    _current = theme
    app.setStyle("Fusion")
    app.setFont(ui_font())
    app.setPalette(_palette(theme))
    app.setStyleSheet(style_sheet(theme))
    return theme
