"""Editing and deleting a contact (issue 8, point 13) on a real demo database: fields as typed,
an empty one cleared, the name kept, one undo step each, a deleted contact gone from the card."""

from __future__ import annotations

import pytest

from portfolio_tui.errors import FieldError, NotFound

from conftest import open_portfolio


def _first_contact(pf):
    account_id = pf.search_accounts("", limit=1)[0][0]
    contact_id = pf.routine.add_contact(
        account_id, "Anne Martin", email="anne@martin.example", phone="06 12 34 56 78", role="DAF"
    )
    return account_id, contact_id


def _contact(pf, account_id, contact_id):
    return next(
        c for c in pf.reports.account_card(account_id).contacts if c.contact_id == contact_id
    )


def test_edit_changes_the_fields_given_and_clears_an_empty_one(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id, contact_id = _first_contact(pf)
        old = pf.routine.edit_contact(contact_id, phone="+33 6 98 76 54 32", role="")
        assert old == {"phone": "06 12 34 56 78", "role": "DAF"}
    with open_portfolio(demo_db_path) as pf:
        contact = _contact(pf, account_id, contact_id)
        assert (contact.name, contact.email) == ("Anne Martin", "anne@martin.example")
        assert (contact.phone, contact.role) == ("+33 6 98 76 54 32", None)


def test_edit_is_one_undo_step(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id, contact_id = _first_contact(pf)
        pf.routine.edit_contact(contact_id, name="Anne Martin-Roy", email="anne@roy.example")
        pf.undo()
        contact = _contact(pf, account_id, contact_id)
        assert (contact.name, contact.email) == ("Anne Martin", "anne@martin.example")


def test_edit_refuses_an_empty_name_a_bad_email_and_an_unknown_field(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id, contact_id = _first_contact(pf)
        with pytest.raises(FieldError, match="name"):
            pf.routine.edit_contact(contact_id, name="  ")
        with pytest.raises(FieldError, match="e-mail"):
            pf.routine.edit_contact(contact_id, email="anne at martin")
        with pytest.raises(FieldError, match="not a contact field"):
            pf.routine.edit_contact(contact_id, city="Lyon")
        assert _contact(pf, account_id, contact_id).email == "anne@martin.example"


def test_delete_removes_the_contact_and_undo_brings_it_back(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id, contact_id = _first_contact(pf)
        assert pf.routine.delete_contact(contact_id) == "Anne Martin"
        ids = [c.contact_id for c in pf.reports.account_card(account_id).contacts]
        assert contact_id not in ids
        with pytest.raises(NotFound):
            pf.routine.delete_contact(contact_id)
        with pytest.raises(NotFound):
            pf.routine.edit_contact(contact_id, role="PDG")
        pf.undo()
        assert _contact(pf, account_id, contact_id).name == "Anne Martin"


def test_a_channel_sync_would_refuse_is_refused_when_typed(demo_db_path):
    """Issue 9: sync refuses a bundle with an unknown preferred channel; so does the form."""
    with open_portfolio(demo_db_path) as pf:
        account_id, contact_id = _first_contact(pf)
        with pytest.raises(FieldError, match="pigeon"):
            pf.routine.add_contact(account_id, "Paul Roux", preferred_channel="pigeon")
        with pytest.raises(FieldError, match="pigeon"):
            pf.routine.edit_contact(contact_id, preferred_channel="pigeon")
        assert [c.name for c in pf.reports.account_card(account_id).contacts].count(
            "Paul Roux"
        ) == 0
        pf.routine.edit_contact(contact_id, preferred_channel="Email")
        assert _contact(pf, account_id, contact_id).preferred_channel == "email"
