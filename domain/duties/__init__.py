"""Duties: a dealer's recurring reports (sales, stock, financial statements) and their deadlines."""
