"""The errors netlead raises. The CLI prints them and exits non-zero; the HTTP layer turns them
into its one JSON error shape."""


class NetleadError(Exception):
    """Something the user can fix: `message` says what is wrong, `hint` what to do about it."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class AgreementError(NetleadError):
    """netlead.yaml is not valid; `issues` holds every problem as `FILE:LINE: what — allowed`."""

    def __init__(self, issues: list[str], hint: str | None = None):
        super().__init__("\n".join(issues), hint)
        self.issues = issues


class ImportFileError(NetleadError):
    """A whole file cannot be imported (unreadable, empty, a required column missing)."""


class WorkspaceError(NetleadError):
    """The workspace cannot be opened or created as asked."""
