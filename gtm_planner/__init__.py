"""GTM Planner: one joint go-to-market plan for the CRO and the CMO."""
