"""Small behaviours the panel's widgets share: values that change only on purpose, tooltips
that wrap, form rows whose fields take the width they are given."""
import html

from qgis.PyQt.QtCore import QEvent, QObject, Qt
from qgis.PyQt.QtWidgets import QAbstractSpinBox, QComboBox, QFormLayout, QWidget

# Tooltips longer than this many characters are wrapped (Qt wraps only rich-text tooltips).
TOOLTIP_WRAP = 60


class _WheelGuard(QObject):
    """Passes a wheel event over an unfocused combo box or spin box on to the widgets
    below it (the panel scrolls) instead of letting it change the value."""

    def eventFilter(self, watched, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Wheel and not watched.hasFocus():
            # Ignored and filtered: Qt offers the event to the parent widgets in turn.
            event.ignore()
            return True
        return False


def change_only_on_purpose(widget: QWidget) -> QWidget:
    """Scrolling the panel over ``widget`` leaves its value; a click (or Tab) gives it the
    focus, after which the wheel steps it as usual."""
    # Qt's default for these widgets, WheelFocus, would hand the focus to the wheel first.
    widget.setFocusPolicy(Qt.StrongFocus)
    guard = _WheelGuard(widget)
    widget.installEventFilter(guard)
    return widget


def guard_value_widgets(root: QWidget) -> None:
    """``change_only_on_purpose`` for every combo box and spin box inside ``root``."""
    for widget in root.findChildren(QComboBox) + root.findChildren(QAbstractSpinBox):
        if not widget.findChildren(_WheelGuard):
            change_only_on_purpose(widget)


def wrapped(text: str) -> str:
    """``text`` as a tooltip that wraps at Qt's tooltip width instead of running across the
    screen in one line; short texts stay plain."""
    if len(text) <= TOOLTIP_WRAP or text.startswith("<"):
        return text
    return "<p>" + html.escape(text, quote=False).replace("\n", "<br>") + "</p>"


def narrow_form(form: QFormLayout) -> QFormLayout:
    """Labels above their fields, which take the panel's whole width: at its default width a
    label beside a drop-down left too little room for the choice ("Detectar automaticamen"),
    all the more in languages with longer words than English."""
    form.setRowWrapPolicy(QFormLayout.WrapAllRows)
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    return form


def compact_combo(combo: QComboBox, characters: int = 8) -> QComboBox:
    """Elide long entries (band names, sensors, model folders) instead of widening the
    panel beyond the width the user gives it."""
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo
