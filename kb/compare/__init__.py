"""Compare: one question across jurisdictions, themes and jurisdiction profiles."""
