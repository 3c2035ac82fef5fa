"""Team mode on a real PostgreSQL server: two clients (two sessions) editing one plan.

Each client is what one app window holds: a PlanDocument, commands applied to it, and a
TeamSession that saves its pending edits and refreshes it. The multi-process tests are in
``test_team_processes.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from gtm_planner.model import commands
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.entities import Plan
from gtm_planner.model.persistence import (
    PlanFileError,
    PlanFileProblem,
    create_plan_file,
    load_plan,
)
from gtm_planner.model.persistence.team import TeamSession, reapply_command
from gtm_planner.model.snapshots import restore_scenario, take_snapshot
from tests.model.persistence.plan_factory import plan_differences
from tests.pg_server import database_role


class Client:
    """One user's window, without the window."""

    def __init__(self, url: str) -> None:
        self.session, plan = TeamSession.open(url)
        self.document = PlanDocument(plan)

    @property
    def plan(self) -> Plan:
        return self.document.plan

    def set(self, field: str, cell: tuple[int, ...], value: float, scenario: int = 0) -> None:
        """One cell typed in: one step of the user's, as the undo stack makes it."""
        self.document.begin_step("Edit")
        sid = self.plan.scenarios[scenario].id
        commands.SetValues(
            "edit", sid, field, np.array([cell]), np.array([value], dtype=np.float64)
        ).apply(self.document)

    def value(self, field: str, cell: tuple[int, ...], scenario: int = 0) -> float:
        return float(getattr(self.plan.scenarios[scenario].inputs, field)[cell])

    def close(self) -> None:
        self.session.close()


@pytest.fixture
def url(pg_url: str) -> str:
    create_plan_file(pg_url, build_demo_plan())
    return pg_url


@pytest.fixture
def two(url: str) -> Iterator[tuple[Client, Client]]:
    a, b = Client(url), Client(url)
    yield a, b
    a.close()
    b.close()


def test_an_edit_is_saved_as_itself_not_as_a_whole_plan(
    url: str, two: tuple[Client, Client]
) -> None:
    a, _ = two
    a.set("win_rate", (0, 1), 0.31)
    engine = create_engine(url)
    with engine.connect() as c:
        before = c.execute(text("SELECT count(*) FROM budget_cells")).scalar_one()
        c.execute(text("SELECT pg_stat_reset()"))
    result = a.session.save(a.document)
    assert result.saved == 1 and not result.refused
    with engine.connect() as c:
        # Exactly one funnel row carries the new revision; nothing else was rewritten.
        rows = c.execute(text("SELECT revision, win_rate FROM funnel WHERE revision > 0")).all()
        after = c.execute(
            text("SELECT count(*) FROM budget_cells WHERE revision > 0")
        ).scalar_one()
        log = c.execute(
            text('SELECT "user", db_user, revision, what FROM change_log ORDER BY id DESC LIMIT 1')
        ).one()
    engine.dispose()
    assert rows == [(result.revision, 0.31)]
    assert after == 0 and before > 0
    assert log.db_user == "postgres" and log.user and log.revision == result.revision
    assert "Win rate" in log.what
    assert plan_differences(load_plan(url), a.plan) == []


def test_disjoint_edits_from_two_clients_both_land_and_each_sees_the_others(
    url: str, two: tuple[Client, Client]
) -> None:
    a, b = two
    a.set("win_rate", (0, 0), 0.41)
    b.set("asp", (0, 0), 77_000.0)  # same stored row (funnel region 0 / source 0), other column
    b.set("budget", (0, 1, 2), 12_345.0)
    assert a.session.save(a.document).saved == 1
    result = b.session.save(b.document)
    assert result.saved == 2 and not result.refused
    assert result.remote_cells == 1  # a's win rate came in with b's save
    assert b.value("win_rate", (0, 0)) == 0.41
    refreshed = a.session.refresh(a.document)
    assert refreshed.remote_cells == 2
    assert a.value("asp", (0, 0)) == 77_000.0 and a.value("budget", (0, 1, 2)) == 12_345.0
    stored = load_plan(url)
    assert plan_differences(stored, a.plan) == [] and plan_differences(stored, b.plan) == []


def test_the_same_cell_edited_from_stale_data_is_refused_naming_who_and_keeping_the_value(
    url: str, two: tuple[Client, Client]
) -> None:
    a, b = two
    original = a.value("win_rate", (1, 0))
    a.set("win_rate", (1, 0), 0.25)
    a.session.save(a.document)
    b.set("win_rate", (1, 0), 0.30)  # b still shows the original value
    result = b.session.save(b.document)
    assert result.saved == 0 and len(result.refused) == 1
    message = result.refused[0].message
    region = a.plan.regions[1].name
    assert "Win rate" in message and region in message
    assert "25%" in message and "30%" in message and f"{original * 100:.4g}%" in message
    assert "database user postgres" in message
    assert b.value("win_rate", (1, 0)) == 0.25  # b shows what is stored …
    assert load_plan(url).scenarios[0].inputs.win_rate[1, 0] == 0.25  # … nothing overwritten
    kept = result.refused[0].kept
    assert [k.value for k in kept] == [0.30]
    again = reapply_command(b.plan, result.refused[0])  # … and the user's value is kept
    assert again is not None
    again.apply(b.document)
    assert b.session.save(b.document).saved == 1
    assert load_plan(url).scenarios[0].inputs.win_rate[1, 0] == 0.30


def test_a_stale_paste_is_refused_whole_and_a_later_edit_still_lands(
    url: str, two: tuple[Client, Client]
) -> None:
    a, b = two
    a.set("budget", (2, 0, 5), 999.0)
    a.session.save(a.document)
    sid = b.plan.scenarios[0].id
    cells = np.array([(2, 0, 4), (2, 0, 5), (2, 0, 6)])
    before = b.plan.scenarios[0].inputs.budget[2, 0, 4:7].copy()
    b.document.begin_step("Paste 3 cells")
    commands.SetValues("Paste 3 cells", sid, "budget", cells, np.array([1.0, 2.0, 3.0])).apply(
        b.document
    )
    b.set("win_rate", (2, 1), 0.19)
    result = b.session.save(b.document)
    assert result.saved == 1 and len(result.refused) == 1
    message = result.refused[0].message
    assert "so your «Paste 3 cells» was not saved: its 3 values are kept" in message
    # The paste is undone whole: the stored values everywhere, a's 999 included.
    np.testing.assert_array_equal(
        b.plan.scenarios[0].inputs.budget[2, 0, 4:7], [before[0], 999.0, before[2]]
    )
    assert plan_differences(load_plan(url), b.plan) == []


def test_scenarios_and_snapshots_work_as_in_a_file_and_make_others_reload(
    url: str, two: tuple[Client, Client]
) -> None:
    a, b = two
    base = a.plan.plan_of_record
    clone = base.__class__(
        a.document.next_id(RecordKind.SCENARIO), "Team clone", base.inputs.copy()
    )
    commands.InsertScenario("Clone", len(a.plan.scenarios), clone).apply(a.document)
    a.set("win_rate", (0, 0), 0.5, scenario=len(a.plan.scenarios) - 1)
    assert a.session.save(a.document).saved == 2
    refreshed = b.session.refresh(b.document)
    assert refreshed.reloaded
    assert [s.name for s in b.plan.scenarios] == [s.name for s in a.plan.scenarios]
    assert b.value("win_rate", (0, 0), scenario=-1) == 0.5
    assert plan_differences(load_plan(url), b.plan) == []


def test_a_structure_change_by_another_client_refuses_a_record_edit_and_reloads(
    url: str, two: tuple[Client, Client]
) -> None:
    a, b = two
    goal = a.plan.goals[0]
    commands.SetAttribute("Rename", RecordKind.GOAL, goal.id, "name", "A's goal").apply(a.document)
    a.session.save(a.document)
    commands.SetAttribute("Rename", RecordKind.GOAL, goal.id, "name", "B's goal").apply(b.document)
    b.set("win_rate", (0, 2), 0.22)
    result = b.session.save(b.document)
    assert result.reloaded and result.saved == 0 and len(result.refused) == 2
    assert "reloaded" in result.refused[0].message
    assert b.plan.goals[0].name == "A's goal"
    cell = reapply_command(b.plan, result.refused[1])
    assert cell is not None
    cell.apply(b.document)
    assert b.session.save(b.document).saved == 1
    assert load_plan(url).scenarios[0].inputs.win_rate[0, 2] == 0.22


def test_a_lost_connection_keeps_the_edits_and_says_so(url: str) -> None:
    client = Client(url)
    client.set("win_rate", (0, 0), 0.33)
    engine = create_engine(url)
    with engine.connect() as c:
        c.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'gtm-planner'"
            )
        )
        c.commit()
    engine.dispose()
    # The pool notices the dead connection and reconnects: the edit is saved.
    assert client.session.save(client.document).saved == 1
    client.close()


def test_a_server_that_cannot_be_reached_keeps_edits_pending() -> None:
    with pytest.raises(PlanFileError) as caught:
        TeamSession.open("postgresql+psycopg://someone:s3cretpw@127.0.0.1:1/plan")
    assert caught.value.problem is PlanFileProblem.UNREACHABLE
    assert "s3cretpw" not in str(caught.value)


def test_a_snapshot_taken_by_one_client_is_restored_by_another(
    url: str, two: tuple[Client, Client]
) -> None:
    a, b = two
    scenario = a.plan.plan_of_record
    snapshot = take_snapshot(
        a.plan, scenario, a.document.result(scenario.id), a.document.next_id(RecordKind.SNAPSHOT),
        "Offsite v1",
    )  # fmt: skip
    commands.InsertRecord("Snapshot", RecordKind.SNAPSHOT, len(a.plan.snapshots), snapshot).apply(
        a.document
    )
    a.session.save(a.document)
    a.set("win_rate", (0, 0), 0.11)  # the scenario moves on after the snapshot
    a.session.save(a.document)
    assert b.session.refresh(b.document).reloaded
    taken = next(s for s in b.plan.snapshots if s.name == "Offsite v1")
    assert taken.inputs.equals(scenario.inputs) is False  # a's later edit is not in it
    restored = restore_scenario(b.plan, taken, b.document.next_id(RecordKind.SCENARIO))
    commands.InsertScenario("Restore", len(b.plan.scenarios), restored).apply(b.document)
    assert b.session.save(b.document).saved == 1
    stored = load_plan(url)
    again = stored.scenario(restored.name).inputs
    assert again.win_rate[0, 0] == snapshot.inputs.win_rate[0, 0] != 0.11
    assert plan_differences(stored, b.plan) == []


def test_credentials_are_never_stored_in_the_plan(url: str) -> None:
    with_password = url.replace("postgres@", "postgres:n0t-in-the-plan@")
    assert with_password != url
    client = Client(with_password)
    assert "n0t-in-the-plan" not in client.session.label
    client.set("win_rate", (0, 0), 0.2)
    client.session.save(client.document)
    goal = client.plan.goals[0]
    commands.SetAttribute("Rename", RecordKind.GOAL, goal.id, "name", "Renamed").apply(
        client.document
    )
    client.session.save(client.document)
    client.close()
    engine = create_engine(url)
    with engine.connect() as c:
        dump = []
        for (table_name,) in c.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ):
            dump += [str(row) for row in c.execute(text(f'SELECT * FROM "{table_name}"'))]
    engine.dispose()
    assert dump and not any("n0t-in-the-plan" in row for row in dump)


def test_all_or_nothing_refuses_every_edit_when_one_is_stale(
    url: str, two: tuple[Client, Client]
) -> None:
    a, b = two
    a.set("win_rate", (0, 0), 0.61)
    a.session.save(a.document)
    before = b.value("asp", (1, 1))
    b.set("asp", (1, 1), 55_555.0)  # would land on its own …
    b.set("win_rate", (0, 0), 0.62)  # … but this one is stale
    result = b.session.save(b.document, all_or_nothing=True)
    assert result.saved == 0 and len(result.refused) == 1
    assert b.value("asp", (1, 1)) == before and b.value("win_rate", (0, 0)) == 0.61
    assert b.document.pending_edits == []
    assert plan_differences(load_plan(url), b.plan) == []


def test_a_step_of_several_edits_is_refused_whole_and_says_so(
    url: str, two: tuple[Client, Client]
) -> None:
    a, b = two
    a.set("budget", (4, 2, 1), 222_222.0)
    a.session.save(a.document)
    sid = b.plan.plan_of_record.id
    before = (b.value("annual_target", (1, 0)), b.value("budget", (4, 2, 0)))
    b.document.begin_step("Import from Excel (3 changes)")  # one undo step, two arrays
    commands.Macro(
        "Import from Excel (3 changes)",
        (
            commands.SetValues("t", sid, "annual_target", np.array([(1, 0)]), np.array([14e6])),
            commands.SetValues(
                "b", sid, "budget", np.array([(4, 2, 0), (4, 2, 1)]), np.array([250e3, 260e3])
            ),
        ),
    ).apply(b.document)
    b.set("win_rate", (3, 0), 0.27)  # a step of its own: saved
    result = b.session.save(b.document)
    assert result.saved == 1 and len(result.refused) == 1
    refusal = result.refused[0]
    assert "so your «Import from Excel (3 changes)» was not saved: its 3 values" in refusal.message
    assert "222,222" in refusal.message and len(refusal.kept) == 3
    assert (b.value("annual_target", (1, 0)), b.value("budget", (4, 2, 0))) == before
    assert b.value("budget", (4, 2, 1)) == 222_222.0
    stored = load_plan(url)
    assert plan_differences(stored, b.plan) == []
    assert stored.plan_of_record.inputs.win_rate[3, 0] == 0.27


def test_an_edit_in_a_scenario_someone_removed_says_so_and_keeps_nothing_to_reapply(
    url: str, two: tuple[Client, Client]
) -> None:
    a, b = two
    doomed = a.plan.scenarios[-1]
    assert not doomed.is_plan_of_record
    commands.RemoveScenario("Delete", doomed.id).apply(a.document)
    a.session.save(a.document)
    b.set("win_rate", (0, 0), 0.5, scenario=len(b.plan.scenarios) - 1)
    result = b.session.save(b.document)
    assert result.reloaded and len(result.refused) == 1
    message = result.refused[0].message
    assert f"in «{doomed.name}» was not saved: «{doomed.name}» is no longer in the plan" in message
    assert f"Remove scenario «{doomed.name}»" in message
    assert result.refused[0].kept == ()


def test_a_database_user_who_may_only_read_is_told_so_and_saves_nothing(url: str) -> None:
    with database_role(url, "reader_carol", "SELECT") as as_carol:
        carol = Client(as_carol)
        assert not carol.session.writable
        reason = carol.session.read_only_reason
        assert "«reader_carol» may read this plan but not change it" in reason
        assert "(it may not insert, update or delete rows in the plan's tables)" in reason
        assert "grant" in reason
        carol.set("win_rate", (0, 0), 0.3)
        with pytest.raises(PlanFileError) as caught:
            carol.session.save(carol.document)
        assert str(caught.value) == reason
        assert carol.document.pending_edits  # kept (the window opens such a plan read-only)
        carol.close()
    owner = Client(url)
    assert owner.session.writable and owner.session.read_only_reason == ""
    owner.close()


def test_text_that_is_no_url_is_named_as_typed_without_credentials() -> None:
    for typed, shown in (
        ("127.0.0.1:5432/plan", "«127.0.0.1:5432/plan»"),
        ("anna:s3cretpw@db.example.com/plan", "«db.example.com/plan»"),
    ):
        with pytest.raises(PlanFileError) as caught:
            TeamSession.open(typed)
        assert str(caught.value).startswith(f"{shown} is not a database URL")
        assert "s3cretpw" not in str(caught.value)
