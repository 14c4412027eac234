"""What every step relies on: problems as values and how a list of them is told, the files kept
between builds (sealed, checked before use) and what earlier builds made from each text, and sharing
pure steps between forked processes."""
