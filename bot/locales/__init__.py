"""Message catalogs, one module per language; every language has every key."""
