// Store: filled in by later work.
