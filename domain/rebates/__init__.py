"""Rebates (返利): tiered programs per period, accrued from confirmed sales, settled once."""
