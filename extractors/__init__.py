"""Pure extraction logic: bytes or text in, typed records out. No network, database or Prefect."""
