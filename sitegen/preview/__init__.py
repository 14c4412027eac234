"""The live preview (sitegen serve): serving it, watching the site's files, and rebuilding only what
an edit touches."""
