"""Errors a handler raises to answer the user; everything done so far is rolled back."""


class UserError(Exception):
    """Bad input or a refused action: the user is told `key` (a catalog key) with params."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotAllowed(UserError):
    def __init__(self) -> None:
        super().__init__("error.not_allowed")
