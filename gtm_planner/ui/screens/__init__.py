"""The window's screens: one QWidget per navigation entry, each over the current scenario."""
