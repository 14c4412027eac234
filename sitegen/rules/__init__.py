"""The rules every step obeys, pure: when a report is live (the window rule), what one entry may
cost, web addresses and the files they are written to, and how a date is written."""
