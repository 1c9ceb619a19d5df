"""Import and export of programs, results and engagement data as .xlsx and .csv."""
