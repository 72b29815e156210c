"""The job engine's machinery: supervised stage loops over leased jobs, and a steady clock."""
