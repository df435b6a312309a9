"""HTTP clients for third parties: business interfaces called from flows."""
