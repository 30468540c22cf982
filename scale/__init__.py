"""The scale configuration tested against real servers: run by scripts/test_scale.sh."""
