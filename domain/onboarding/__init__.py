"""A new dealer's application, reviewed along the policy's chain and filed as a dealer."""
