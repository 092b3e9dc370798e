"""The web calculator: a FastAPI app over the CLI's schemas and a static page."""
