"""Pure domain logic: no I/O, no clock, no Discord, no database."""
