"""missing: episodes of a looked-after child missing from care or away without
authorisation, and return home interviews (rules.md §9 "Missing from care")."""
