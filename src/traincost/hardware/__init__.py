"""Hardware stage: accelerators as typed, validated data (peak FLOP/s per precision, memory, interconnect tiers)."""
