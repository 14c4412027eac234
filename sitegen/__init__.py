"""sitegen: a static site generator for safeguarding partnerships' Learning from Practice pages."""

__version__ = "0.1.0"
