"""Writing the output: downloads, feeds, sitemap, the Netlify files, the open data, the build
marker, the file store, putting the site in place at once, and the takedown when a build fails."""
