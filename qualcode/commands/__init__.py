"""Click commands, one module per area; each module registers its commands on ``qualcode.cli.cli``."""
