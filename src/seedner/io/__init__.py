"""Reading and writing: inputs (files, folders, stdin, JSON Lines) decoded into documents, and
results written as JSON Lines, CSV, tables or an HTML page, to stdout or a checked file."""
