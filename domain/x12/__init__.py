"""X12 5010 interchanges: 835 remittances read, 837P claims written."""
