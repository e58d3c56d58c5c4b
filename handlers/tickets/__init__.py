"""Complaints and after-sales tickets in chat, their notices, SLA and exports."""
