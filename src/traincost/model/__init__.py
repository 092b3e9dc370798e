"""Model stage: a Hugging Face config.json (or a catalog entry) becomes a typed architecture with exact parameter and FLOP counts."""
