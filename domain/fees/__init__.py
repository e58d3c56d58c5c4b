"""Promotion and market-development fees: budgets, requests, claims with proof, payout."""
