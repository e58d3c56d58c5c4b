"""Complaint and after-sales tickets and their SLA clock."""
