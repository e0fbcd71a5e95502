"""PledgeWatch: keeps watch on facial-recognition policy and reports it to Discord."""

__version__ = "0.1.0"
