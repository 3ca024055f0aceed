"""The pure partnership model: values, records, events, the fold and the timeline.

Nothing in this package does I/O. Import from :mod:`alliance` rather than from here.
"""
