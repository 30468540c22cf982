"""The citizens' API, /api/citizen/v1/: its own tokens, permission and schema."""
