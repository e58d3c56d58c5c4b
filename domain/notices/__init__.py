"""Notices and training: materials sent to dealers, acknowledged, with optional quizzes."""
