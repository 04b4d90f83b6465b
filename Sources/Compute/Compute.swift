// Compute: filled in by later work.
