"""Policy Q&A: documents as clauses, segmentation and search."""
