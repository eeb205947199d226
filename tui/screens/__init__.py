"""Screens of the desk: main, review, help and small modals."""
