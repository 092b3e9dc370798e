"""Plan and throughput stage: memory and step time of parallel layouts (TP/PP/DP/CP/EP/ZeRO/recompute), and the vectorised search for the fastest layout that fits."""
