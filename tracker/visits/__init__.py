"""visits: the social worker's statutory visits (CPPCR reg 28), the care plan (reg 4)
and placement plans (reg 9)."""
