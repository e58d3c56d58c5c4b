"""Sales targets and how far a dealer is along them."""
