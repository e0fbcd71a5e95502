"""One root exception and its family.

Expected failures (a broken feed, a bad config file, a lost Discord channel) are
subclasses of :class:`PledgeWatchError`; anything else escaping is a bug.
"""


class PledgeWatchError(Exception):
    """Root of every error PledgeWatch raises on purpose."""


class ConfigError(PledgeWatchError):
    """A settings value or config file is invalid; the message names file, entry and field."""


class FeedError(PledgeWatchError):
    """A feed could not be fetched or parsed. Recorded on the feed; the cycle goes on."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BlockedAddressError(FeedError):
    """The feed's host resolves to an address the SSRF guard refuses."""


class StorageError(PledgeWatchError):
    """The store failed; driver errors are translated into this at the storage boundary."""


class NotFoundError(PledgeWatchError):
    """A pledge, bill, feed or subscription id that does not exist."""


class DeliveryError(PledgeWatchError):
    """An alert could not be delivered.

    ``permanent``: retrying this message cannot help (Discord refused it). ``target_lost``:
    the destination itself is gone or closed to us (channel deleted, permission lost, webhook
    revoked), so nothing more should be sent there. ``outage``: the sink itself is failing
    (Discord 5xx, unreachable, timing out), not this one channel, so one probe stands for
    every channel until it succeeds.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        target_lost: bool = False,
        outage: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent or target_lost
        self.target_lost = target_lost
        self.outage = outage and not self.permanent
