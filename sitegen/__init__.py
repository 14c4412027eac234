"""sitegen: a static site generator for safeguarding partnerships' Learning from Practice pages."""

from pathlib import Path

__version__ = "0.1.0"

# The package's own folder: its default theme (themes/), the files `sitegen init` writes (starter/)
# and, in a wheel, the deployment files (deploy/) are found from here, wherever a module sits in it.
PACKAGE_FOLDER = Path(__file__).resolve().parent
