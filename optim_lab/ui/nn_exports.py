"""Download buttons of the "Training networks" pages; they live in :mod:`optim_lab.ui.export`."""

from .export import export_row, to_json

__all__ = ["export_row", "to_json"]
