"""Bill stage: prices, energy, carbon, storage, staff and ownership, as priced lines with sources, and their P10/P50/P90 ranges."""
