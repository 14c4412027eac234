"""The documents an entry publishes: what a document is and the document cache, what makes a PDF
unsafe and the cleaned copy published, and a Word original checked and made into a web page."""
