"""Policy questions in chat: answers, forwarded questions, FAQ."""
