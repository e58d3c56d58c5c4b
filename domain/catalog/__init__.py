"""The catalog the policy speaks of: regions, terminals, products, prices, dealers, imports."""
