"""peacegraph: publish collections of diplomatic and civil-society documents as linked data."""

__version__ = "0.1.0"
