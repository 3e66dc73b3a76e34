"""The JSON API, one module per stage."""
