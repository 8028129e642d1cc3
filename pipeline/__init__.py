"""Polemos: reproducible CAMEO event data from news articles."""

__version__ = "0.1.0"
CODER_VERSION = __version__
