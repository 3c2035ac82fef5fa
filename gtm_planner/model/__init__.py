"""The plan model: pure Python, no Qt (STYLE.md)."""
