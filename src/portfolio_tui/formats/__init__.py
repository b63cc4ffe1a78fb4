"""Files in and out: sync bundles, spreadsheets (CSV, .xlsx, .ods), address books (vCard)
and calendars (iCalendar). Formats only: the use cases that read and write the database live
in the service (`service/imports.py`, `service/exports.py`, `service/sync.py`)."""
