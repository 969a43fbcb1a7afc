"""kg: a knowledge-graph extractor for AI research paper listings."""

__version__ = "0.1.0"
