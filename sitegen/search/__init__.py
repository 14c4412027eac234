"""The site's search index: what is indexed, kept in parts, and how Pagefind is run."""
