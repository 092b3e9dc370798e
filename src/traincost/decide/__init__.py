"""Decision stage: compare candidate runs, expected quality from scaling laws, serving cost, deadline and budget solving."""
