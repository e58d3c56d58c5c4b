"""Who is talking: chat identities, roles and one-time link codes."""
