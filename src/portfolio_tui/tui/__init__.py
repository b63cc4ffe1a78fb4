"""The Textual app: presentation only. Every read and write goes through `app.portfolio`."""
