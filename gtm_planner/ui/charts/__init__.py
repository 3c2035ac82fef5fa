"""The Dashboard's pyqtgraph charts, their axes, legends and series styles, and its filters.

Each chart builds its plot items once and shows new numbers with ``show_data`` (``setOpts`` /
``setData`` on those same items), so an edit never rebuilds a plot.
"""
