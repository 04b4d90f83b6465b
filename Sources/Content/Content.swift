// Content: filled in by later work.
