// Fuzz entry: see scripts/fuzz.sh
