"""The error every layer raises for bad usage or bad input (the command line exits 2)."""

from __future__ import annotations


class UsageError(Exception):
    """Bad usage or bad input; the message is one line naming the file and the problem."""
