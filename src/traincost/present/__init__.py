"""Presentation stage: terminal tables, HTML/Markdown reports, charts and the web calculator. Nothing here computes a number."""
