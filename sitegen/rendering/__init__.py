"""The site for one day and its pages: what the site shows, the theme's templates, Markdown bodies,
schema.org data, links in bodies, and every file the output will hold, claimed before anything is
rendered."""
