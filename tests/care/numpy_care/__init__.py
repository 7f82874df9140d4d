"""The care processes as they were before the fused kernel: numpy passes over the whole population, one arm at a time."""
