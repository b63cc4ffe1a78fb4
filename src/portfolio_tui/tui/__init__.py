"""The Textual app: presentation only. Every read and write goes through the service.

- `app.py`: the App (modes, global keys, theme, keymap, undo, where errors go), `make_app`, `run`.
- `screens/`: `base.py` (the typed base screen and the loading protocol, run by
  `refresher.py`), one module per screen with its `.tcss`, and beside a screen what only it
  uses (`portfolio_filter.py`, `account_header.py`, `dashboard_panels.py`, `sync_view.py`).
- `modals/`: every form (`form.py` their base, `forms.py`), `confirm.py`, `help.py`.
- `widgets/`: reusable widgets only.
- Shared by all of them: `context.py` (the app, typed), `failures.py` (errors shown, logged,
  and the crash log), `commands.py` (the palette), `text.py` (amounts, days, changes),
  `badges.py`, `theme.py` (theme colours for Rich), `suggesters.py` (path completion).
"""
