"""What the onboarding forms accept as a document: a photo or a PDF."""

from __future__ import annotations

from handlers.core.messages import Attachment

PDF = "application/pdf"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def accepted_type(file: Attachment) -> str | None:
    """The file's type when it is a photo or a PDF."""
    name = file.filename.lower()
    if file.mime.startswith("image/") or name.endswith(IMAGE_SUFFIXES):
        return file.mime if file.mime.startswith("image/") else "image/jpeg"
    if file.mime == PDF or name.endswith(".pdf"):
        return PDF
    return None
