"""Sales and stock reporting in chat: commands, forms, drafts, uploads, reminders."""
