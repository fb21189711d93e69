"""peacegraph: a linked-data knowledge graph of documents about the Syria peace process."""

__version__ = "0.1.0"
