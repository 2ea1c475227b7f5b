"""Bearer tokens: who calls (keys, verification, minting) and what each role may do."""
