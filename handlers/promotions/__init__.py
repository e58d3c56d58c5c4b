"""Promotions and notices in chat: the form, delivery, acknowledgements."""
