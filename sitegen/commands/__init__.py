"""The sitegen command: cli and the module of each command (new, init, status, report, verify)."""
