"""The conversation kernel: messages, router, forms, i18n, errors, jobs, exports."""
