"""Chat transports behind one contract (base.py), with the outbox dispatcher and per-user lanes."""
