"""Policy checks of a sale and managers' decisions on violations."""
