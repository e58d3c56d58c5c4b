"""Storage of the conversation kernel: forms, dedupe keys, audit, outbox, job runs."""
