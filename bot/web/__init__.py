"""The web front end served by `make run` (the chat page; the widget and console build on it)."""
