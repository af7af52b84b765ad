"""The wiki importer: sources (dumps, files, the API) -> converter -> writer."""
