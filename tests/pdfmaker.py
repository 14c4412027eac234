"""The PDF writer now lives in the package (`sitegen init` uses it); kept so `from pdfmaker import ...` still works."""
from sitegen.pdfmaker import filler_pages, make_pdf, make_pdf_bytes  # noqa: F401
