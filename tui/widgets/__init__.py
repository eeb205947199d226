"""Widgets of the desk; untrusted text reaches them only through :mod:`tui.widgets.safe`."""
