"""Records a rep keeps by hand, on a real demo database (issue 8, points 12 to 16): a new
account with its first contact from any screen, a contact edited, copied and deleted, a sale
entered, a prospect marked lost with a reason, a timeline entry read whole, the notes shown.
Each test drives the keys with Pilot and checks the database afterwards."""

from __future__ import annotations

from pathlib import Path

from routine_helpers import SIZE, build_app, press, settle, type_text
from textual.widgets import Select, Static

from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.modals.contact import EditContactForm
from portfolio_tui.tui.modals.entry import EntryModal
from portfolio_tui.tui.modals.help import screen_keys
from portfolio_tui.tui.modals.lost import LostForm
from portfolio_tui.tui.modals.new_account import NewAccountForm
from portfolio_tui.tui.modals.sale import SaleForm
from portfolio_tui.tui.screens.account import AccountScreen, best_account
from portfolio_tui.tui.screens.today import TodayScreen

from conftest import open_portfolio

PHONE = "+33 (0)4 78 12 34 56 poste 2201"
EMAIL = "jean-baptiste.delacroix-fontaine@groupe-exemple-industries.example"


def _row(db: Path, sql: str, *args: object) -> tuple | None:
    with open_portfolio(db) as pf, pf.db.raw() as conn:
        return conn.execute(sql, args).fetchone()


def _static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _key_ids(screen) -> set[str]:
    own, everywhere = screen_keys(screen)
    return {k.binding_id for k in (*own, *everywhere)}


# --- 12: a new account with its first contact, from any screen --------------------------------


async def test_A_on_today_creates_a_prospect_with_its_first_contact(demo_db_path: Path) -> None:
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "app.new_account" in _key_ids(app.screen)
        await pilot.press("A", *"Boulangerie [Éclair]")  # typed ahead: lands in the name
        await settle(pilot)
        assert isinstance(app.screen, NewAccountForm)
        await pilot.press("tab", "tab", *"Lyon", "tab", "tab", *"Marie Curie", "tab", *"DAF")
        await pilot.press("tab", *"marie@eclair.example", "tab", *"04 78 00 00 01")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.card is not None
        assert app.screen.card.account.name == "Boulangerie [Éclair]"
    account = _row(demo_db_path, "SELECT id, stage, city FROM account WHERE name = ?",
                   "Boulangerie [Éclair]")  # fmt: skip
    assert account is not None and account[1:] == ("suspect", "Lyon")
    sql = "SELECT name, role, email, phone FROM contact WHERE account_id = ?"
    contact = _row(demo_db_path, sql, account[0])
    assert contact == ("Marie Curie", "DAF", "marie@eclair.example", "04 78 00 00 01")


async def test_the_palette_lists_new_account_and_a_role_without_a_name_is_refused(
    demo_db_path: Path,
) -> None:
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        await press(pilot, "ctrl+p")
        await pilot.press(*"new account")
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, NewAccountForm)
        await pilot.press(*"Garage Martin", "tab", "tab", "tab", "tab", "tab", *"Gérant")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, NewAccountForm)  # the contact has no name: stays open
        assert "name the contact" in _static_text(app.screen, "#form-error")
    assert _row(demo_db_path, "SELECT id FROM account WHERE name = 'Garage Martin'") is None


# --- 13: a contact edited, copied, deleted; its phone and e-mail shown whole -----------------


async def _account_with_contact(pilot, db: Path) -> tuple[str, str]:
    with open_portfolio(db) as pf:
        account_id = best_account(pf)
        contact_id = pf.routine.add_contact(account_id, "Jean-Baptiste Delacroix", role="Achats",
                                            phone=PHONE, email=EMAIL)  # fmt: skip
        index = [c.contact_id for c in pf.reports.account_card(account_id).contacts].index(
            contact_id
        )
    await press(pilot, "3")
    pilot.app.screen.query_one("#contacts").move_cursor(row=index)
    await settle(pilot)
    return account_id, contact_id


async def test_contact_shown_whole_copied_edited_and_deleted(demo_db_path: Path) -> None:
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _account_id, contact_id = await _account_with_contact(pilot, demo_db_path)
        screen = app.screen
        assert {"account.edit_contact", "account.delete_contact", "account.copy_phone"} <= (
            _key_ids(screen)
        )
        detail = _static_text(screen, "#contact-detail")
        assert PHONE in detail and EMAIL in detail
        await press(pilot, "y")
        assert app.clipboard == PHONE
        await press(pilot, "Y")
        assert app.clipboard == EMAIL
        await press(pilot, "K")
        assert isinstance(app.screen, EditContactForm)
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "06 11 22 33 44")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
        row = _row(demo_db_path, "SELECT phone, email FROM contact WHERE id = ?", contact_id)
        assert row == ("06 11 22 33 44", EMAIL)
        await press(pilot, "X", "n")
        assert _row(demo_db_path, "SELECT deleted_at FROM contact WHERE id = ?", contact_id) == (
            None,
        )
        await press(pilot, "X", "y")
        deleted = _row(demo_db_path, "SELECT deleted_at FROM contact WHERE id = ?", contact_id)
        assert deleted is not None and deleted[0] is not None
        await press(pilot, "ctrl+z")
        assert _row(demo_db_path, "SELECT deleted_at FROM contact WHERE id = ?", contact_id) == (
            None,
        )


# --- 14: a sale entered by hand ---------------------------------------------------------------


async def test_s_enters_a_sale_on_the_account_shown(demo_db_path: Path) -> None:
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "3")
        account_id = app.screen.card.account.account_id
        assert "account.sale" in _key_ids(app.screen)
        await pilot.press("s", *"1 234,50")  # typed ahead into the amount
        await settle(pilot)
        assert isinstance(app.screen, SaleForm)
        await pilot.press("tab")
        await type_text(pilot, "2026-11-20")
        await pilot.press("tab", *"256,10", "tab", *"BC-0042")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
    sale = _row(demo_db_path, "SELECT account_id, sold_on, amount, margin FROM sale "
                "WHERE order_ref = 'BC-0042'")  # fmt: skip
    assert sale == (account_id, "2026-11-20", 123450, 25610)


async def test_a_sale_amount_it_cannot_read_is_refused_inline(demo_db_path: Path) -> None:
    sales = _row(demo_db_path, "SELECT count(*) FROM sale")
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "3")
        await pilot.press("s", *"douze euros")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, SaleForm)
        assert "douze euros" in _static_text(app.screen, "#form-error")
    assert _row(demo_db_path, "SELECT count(*) FROM sale") == sales


# --- 15: a prospect marked lost with a reason from the list -----------------------------------


def _a_prospect(db: Path) -> str:
    with open_portfolio(db) as pf:
        return next(c.account_id for c in pf.reports.pipeline() if c.stage == "warm")


async def test_L_marks_a_prospect_lost_with_a_reason_the_settings_added(demo_db_path: Path) -> None:
    prospect = _a_prospect(demo_db_path)
    settings = Settings(extra_account_lost_reasons=("moved abroad",))
    app = build_app(demo_db_path, settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_account(prospect)
        await settle(pilot)
        assert "account.lost" in _key_ids(app.screen)
        await press(pilot, "L")
        assert isinstance(app.screen, LostForm)
        await press(pilot, "ctrl+s")  # no reason chosen: refused, nothing written
        assert isinstance(app.screen, LostForm)
        reasons = app.screen.query_one("#f-reason", Select)
        assert app.screen.focused is reasons
        await press(pilot, "enter", "end", "enter")  # the list's last reason: the rep's own
        assert app.screen.choice("reason") == "moved abroad"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
    row = _row(demo_db_path, "SELECT stage, lost_reason FROM account WHERE id = ?", prospect)
    assert row == ("lost", "moved abroad")


# --- 16: a timeline entry read whole; the notes shown ------------------------------------------


async def test_r_and_enter_open_the_timeline_entry_whole_and_the_notes_show(
    demo_db_path: Path,
) -> None:
    summary = ("Rappel [b]important[/b]: " + "le client veut revoir tout le contrat " * 8).strip()
    with open_portfolio(demo_db_path) as pf:
        account_id = best_account(pf)
        pf.routine.log_interaction("call", account_id, summary)
        pf.routine.edit_account(account_id, notes="Appeler après 14h [VIP]")
        index = next(
            n
            for n, e in enumerate(pf.reports.account_card(account_id).timeline)
            if e.text == summary
        )
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "3")
        screen = app.screen
        assert "account.entry" in _key_ids(screen)
        assert "Appeler après 14h [VIP]" in _static_text(screen, "#account-notes")
        screen.query_one("#timeline").move_cursor(row=index)
        await press(pilot, "r")
        assert isinstance(app.screen, EntryModal)
        shown = " ".join(_static_text(app.screen, "#entry-text").split())
        assert " ".join(summary.split()) in shown
        await press(pilot, "escape")
        assert app.screen is screen
        await press(pilot, "enter")
        assert isinstance(app.screen, EntryModal) and app.screen.entry.text == summary
