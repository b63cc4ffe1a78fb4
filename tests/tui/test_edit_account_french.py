"""The account form in French (issue 10): its source, risk and potential start in the rep's
words ("recommandation", "moyen", "25 942,00" as "25942,00"), its hints list the French
choices, and a change saved from it reads them back (the service reads both languages)."""

from __future__ import annotations

from french_helpers import SIZE, french_app, french_demo_copy, speaking_french_then_english
from routine_helpers import press, settle, type_text
from textual.widgets import Input

from portfolio_tui.tui.modals.forms import EditAccountForm

from conftest import open_portfolio


def _account_with_source_and_risk(db) -> str:
    with open_portfolio(db) as pf, pf.db.raw() as conn:
        conn.execute(
            "UPDATE account SET source = 'referral', risk_level = 'medium', potential = 2594200 "
            "WHERE id = (SELECT id FROM account WHERE deleted_at IS NULL ORDER BY id LIMIT 1)"
        )
        conn.commit()
        return conn.execute(
            "SELECT id FROM account WHERE deleted_at IS NULL ORDER BY id LIMIT 1"
        ).fetchone()[0]


async def test_the_account_form_speaks_french_and_saves_what_it_shows(tmp_path):
    db = french_demo_copy(tmp_path)
    account_id = _account_with_source_and_risk(db)
    with speaking_french_then_english():
        app = french_app(db)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_account(account_id)
            await settle(pilot)
            await press(pilot, "E")
            form = app.screen
            assert isinstance(form, EditAccountForm)
            field = {name: form.query_one(f"#f-{name}", Input)
                     for name in ("source", "risk_level", "potential", "city")}  # fmt: skip
            assert field["source"].value == "recommandation"
            assert field["risk_level"].value == "moyen"
            assert field["potential"].value == "25942,00"
            assert "recommandation" in field["source"].placeholder
            assert field["risk_level"].placeholder == "faible / moyen / élevé"
            field["risk_level"].focus()
            await type_text(pilot, "élevé")
            await press(pilot, "ctrl+s")
            assert not isinstance(app.screen, EditAccountForm)
    with open_portfolio(db) as pf, pf.db.raw() as conn:
        row = conn.execute(
            "SELECT source, risk_level, potential FROM account WHERE id = ?", (account_id,)
        ).fetchone()
    assert row == ("referral", "high", 2594200)
