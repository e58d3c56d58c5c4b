"""Chat transports behind one contract (base.py), sharing the inbox, lanes and outbox."""
