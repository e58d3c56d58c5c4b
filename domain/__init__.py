"""Business rules of the dealer policy: pure Python, no I/O."""
