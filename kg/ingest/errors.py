"""The one exception ingest raises: bad input, reported to the user as a one-line message."""


class InputError(Exception):
    """An input file that kg cannot read; the message names the file and what is wrong."""
