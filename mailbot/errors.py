"""Every outcome mailbot reports is an exception under one `MailbotError`."""


class MailbotError(Exception):
    """Base of every error mailbot raises on purpose."""


class ConfigError(MailbotError):
    """The settings are invalid; the message names the key."""


class NotMigratedError(MailbotError):
    """The database schema is missing or older than this code."""


class ModelNotTrainedError(MailbotError):
    """The intent model has not been built yet."""


class TransitionError(MailbotError):
    """A case was asked to move along an edge the state machine does not have."""


class NotFoundError(MailbotError):
    """A case, action or token that was asked for does not exist."""


class ActionError(MailbotError):
    """An approval-queue operation is not allowed in the action's current state."""


class TokenError(MailbotError):
    """A confirmation token is unknown, expired, used up or forged; `reason` names which."""

    def __init__(self, message: str, *, reason: str = "unknown") -> None:
        super().__init__(message)
        self.reason = reason


class DeliveryError(MailbotError):
    """An outbound mail could not be delivered."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent
