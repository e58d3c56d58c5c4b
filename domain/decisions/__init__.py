"""Decisions that cannot simply be taken back: recorded, undone by their author for a short
while, reopened by an admin with a reason after that; every step appended, none erased."""
