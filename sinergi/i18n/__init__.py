"""What users read: the texts of both languages and numbers, money and dates in the reader's language."""
