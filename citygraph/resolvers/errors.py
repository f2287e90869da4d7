class InputError(ValueError):
    """A request argument the service cannot act on. Its message is shown to the caller as it is, so it
    names the argument and says what would be accepted."""
