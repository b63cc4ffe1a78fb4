"""Files in and out: sync bundles, spreadsheets (CSV), address books (vCard) and calendars
(iCalendar). Formats only: the use cases that read and write the database live in the
Portfolio service (`portfolio_files.py`, `portfolio_sync.py`)."""
