"""Scenario files: loading, extends, overrides, validation errors, generated docs."""

import pytest

import simulation as ms
from simulation import scenario as sc

from conftest import ORGANISATIONS, ROOT, SCENARIOS


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_organisation_files_load_and_differ_only_in_units(organisations):
    base = ms.load_scenario(SCENARIOS / "base.toml")
    for name, s in organisations.items():
        assert s.name == name
        assert s.population == base.population and s.follow_up == base.follow_up
        assert s.total_staff == base.total_staff, "organisations are compared at equal staff"
    units = [u.name for u in organisations["specialist"].office.units]
    assert units == ["reception", "economic", "work", "housing_social"]


def test_base_file_is_the_schema_defaults():
    assert ms.load_scenario(SCENARIOS / "base.toml") == ms.Scenario()


def test_generated_docs_are_current():
    assert (SCENARIOS / "base.toml").read_text(encoding="utf-8") == sc.template_toml(), "run `make docs`"
    reference = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert reference == sc.reference_markdown(), "run `make docs`"


def test_every_parameter_is_documented_with_a_source():
    import dataclasses
    for _, cls in list(sc._sections()) + [("unit", sc.Unit)]:
        for f in dataclasses.fields(cls):
            if f.name == "units":
                continue
            assert f.metadata["doc"], f"{cls.__name__}.{f.name} has no description"
            assert f.metadata["source"], f"{cls.__name__}.{f.name} has no source"


def test_extends_merges_tables_and_replaces_arrays(tmp_path):
    write(tmp_path, "parent.toml", 'name = "p"\n[office]\npriority_rule = "creaming"\nhandoff_loss = 0.2\n')
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\nname = "c"\n[office]\nhandoff_loss = 0.3\n'
                  '[[office.units]]\nname = "all"\nstaff = 5\n')
    s = ms.load_scenario(child)
    assert (s.name, s.office.priority_rule, s.office.handoff_loss) == ("c", "creaming", 0.3)
    assert [(u.name, u.staff) for u in s.office.units] == [("all", 5)]


def test_overrides_parse_values_as_toml(tmp_path):
    s = ms.load_scenario(SCENARIOS / "generalist.toml",
                         ["office.priority_rule=creaming", "run.weeks=52", "office.handoff_loss=0.25"])
    assert (s.office.priority_rule, s.run.weeks, s.office.handoff_loss) == ("creaming", 52, 0.25)
    duty = ms.load_scenario(SCENARIOS / "generalist.toml", {"caseworkers.duty_share": 0.4}).caseworkers.duty_share
    assert duty == 0.4


@pytest.mark.parametrize("text, key, words", [
    ('[office]\npriority_rul = "creaming"\n', "office.priority_rul", "did you mean 'priority_rule'"),
    ('[ofice]\n', "ofice", "did you mean 'office'"),
    ('[office]\nhandoff_loss = "high"\n', "office.handoff_loss", "must be a number"),
    ('[office]\nhandoff_loss = 1.5\n', "office.handoff_loss", "out of range"),
    ('[population]\ncitizens = 10.5\n', "population.citizens", "whole number"),
    ('[office]\npriority_rule = "creamin"\n', "office.priority_rule", "did you mean 'creaming'"),
    ('[[office.units]]\nname = "x"\ntasks = ["work"]\n', "office.units", "no unit"),
    ('[[office.units]]\nname = "x"\ntasks = ["wrok"]\n', "office.units[0].tasks", "not allowed"),
    ('[[office.units]]\nname = "x"\ntarget_group = "elderly"\n', "office.units[0].target_group", "not allowed"),
    ('run = 3\n', "run", "must be a table"),
])
def test_bad_values_name_file_key_and_what_is_allowed(tmp_path, text, key, words):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ms.ScenarioError) as err:
        ms.load_scenario(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert words in message and "\n" not in message


def test_missing_malformed_and_circular_files(tmp_path):
    with pytest.raises(ms.ScenarioError, match="not found"):
        ms.load_scenario(tmp_path / "nope.toml")
    with pytest.raises(ms.ScenarioError, match="not valid TOML"):
        ms.load_scenario(write(tmp_path, "broken.toml", "[office\n"))
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    with pytest.raises(ms.ScenarioError, match="circular"):
        ms.load_scenario(write(tmp_path, "b.toml", 'extends = "a.toml"\n'))
    with pytest.raises(ms.ScenarioError, match="not found"):
        ms.load_scenario(write(tmp_path, "orphan.toml", 'extends = "missing.toml"\n'))


def test_set_on_a_key_that_does_not_exist():
    with pytest.raises(ms.ScenarioError, match="did you mean 'handoff_loss'"):
        ms.load_scenario(SCENARIOS / "specialist.toml", ["office.handof_loss=0.1"])
    with pytest.raises(ms.ScenarioError, match="is a value, not a table"):
        ms.load_scenario(SCENARIOS / "specialist.toml", ["office.handoff_loss.x=0.1"])
    with pytest.raises(ms.ScenarioError, match="expected key.path=value"):
        ms.load_scenario(SCENARIOS / "specialist.toml", ["office.handoff_loss"])


def test_a_bad_value_given_with_set_is_blamed_on_the_set():
    with pytest.raises(ms.ScenarioError) as bad_type:
        ms.load_scenario(SCENARIOS / "specialist.toml", ["office.handoff_loss=abc"])
    assert bad_type.value.source.endswith("(--set)") and bad_type.value.key == "office.handoff_loss"
    with pytest.raises(ms.ScenarioError, match="out of range") as too_big:
        ms.load_scenario(SCENARIOS / "specialist.toml", ["office.handoff_loss=7"])
    assert too_big.value.source.endswith("(--set)")


def test_scaled_keeps_staff_per_citizen():
    s = ms.Scenario().scaled(100_000)
    assert s.population.citizens == 100_000
    assert s.total_staff == round(ms.Scenario().total_staff * 100_000 / ms.Scenario().population.citizens)


def test_plain_settings_for_the_dashboard():
    s = sc.apply_settings(ms.load_scenario(SCENARIOS / "specialist.toml"), caseworkers=32, caseload_cap=40,
                          priority_rule="creaming", citizens=4000)
    assert s.total_staff == 32 and all(u.caseload_cap == 40 for u in s.office.units)
    assert (s.office.priority_rule, s.population.citizens) == ("creaming", 4000)
    with pytest.raises(ms.ScenarioError, match="did you mean 'priority_rule'"):
        sc.apply_settings(ms.Scenario(), priority_rules="creaming")


@pytest.mark.parametrize("name", ORGANISATIONS)
def test_scenario_round_trips_through_its_dict(name, organisations):
    s = organisations[name]
    assert sc.from_dict(s.to_dict()) == s


def test_set_caseworkers_to_a_number_sets_the_offices_total_staff():
    """``--set caseworkers=N`` is the total staff shared among the units in proportion (as in a
    sweep or ``apply_settings``); with a new population size the given staff still wins."""
    path = SCENARIOS / "specialist.toml"
    base = ms.load_scenario(path)
    s = ms.load_scenario(path, ["caseworkers=40"])
    assert sum(u.staff for u in s.office.units) == 40 != sum(u.staff for u in base.office.units)
    assert s == sc.apply_settings(base, caseworkers=40)
    small = ms.load_scenario(path, ["caseworkers=12", "population.citizens=5000"])
    assert sum(u.staff for u in small.office.units) == 12 and small.population.citizens == 5000
    assert ms.load_scenario(path, ["caseworkers.duty_share=0.2"]).caseworkers.duty_share == 0.2   # the table still
    with pytest.raises(ms.ScenarioError, match=r"\(--set\).*caseworkers.*out of range"):
        ms.load_scenario(path, ["caseworkers=-5"])
    capped = ms.load_scenario(path, ["caseload_cap=30"])                    # the other total: every unit's cap
    assert all(u.caseload_cap == 30 for u in capped.office.units) and capped == sc.apply_settings(base, caseload_cap=30)


def test_values_derived_from_a_scenario_follow_the_scenario_asked_about():
    # scenario.derived recognises the last scenario by identity: two models stepping in turn, or a
    # scenario changed with replace(), must never get the other's rates
    from simulation.population import drift_rates, life_rates

    a, b = ms.Scenario(), ms.Scenario().replace(**{"population.move_away_per_year": 0.2,
                                                   "arenas.work_rate_employed": 0.05})
    for s in (a, b, a, b, ms.Scenario()):
        assert life_rates(s).move == s.population.move_away_per_year / 52
        assert drift_rates(s)[0][2] == s.arenas.work_rate_employed
    assert life_rates(a) is life_rates(a)
