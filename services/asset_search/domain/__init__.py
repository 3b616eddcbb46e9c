"""asset_search's rules: pure functions over commands and a case's search file (no I/O)."""
