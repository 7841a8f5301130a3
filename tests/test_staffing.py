"""A smaller or larger district keeps the office in proportion: staff per adult stays the same."""

import pytest

import simulation as ms
from simulation import report
from simulation.scenario import apply_settings, share_out

from conftest import ORGANISATIONS, SCENARIOS


def _load(name, *overrides):
    return ms.load_scenario(SCENARIOS / f"{name}.toml", list(overrides))


@pytest.mark.parametrize("citizens", [2_500, 6_500, 8_000, 12_345, 20_000, 33_333, 100_000])
def test_set_citizens_keeps_staff_per_adult_equal_across_organisations(citizens):
    scenarios = [_load(n, f"population.citizens={citizens}") for n in ORGANISATIONS]
    files = [_load(n) for n in ORGANISATIONS]
    assert len({(f.total_staff, f.population.citizens) for f in files}) == 1, "the files share one staffing"
    expected = round(files[0].total_staff * citizens / files[0].population.citizens)
    assert [s.total_staff for s in scenarios] == [expected] * len(scenarios)
    assert all(s.population.citizens == citizens for s in scenarios)
    assert all(u.staff >= 1 for s in scenarios for u in s.office.units)
    assert len({report.staff_per_1000(s) for s in scenarios}) == 1
    assert not any(line.startswith("warning") for line in report.staffing_note(scenarios))


def test_scaled_shares_staff_by_largest_remainder():
    specialist = _load("specialist")
    staff = [u.staff for u in specialist.office.units]
    double = specialist.scaled(2 * specialist.population.citizens)
    assert [u.staff for u in double.office.units] == [2 * n for n in staff]
    assert share_out(22, [5, 9, 20, 10]) == [3, 4, 10, 5]   # 2.5, 4.5, 10, 5: the tie goes to the first unit
    assert share_out(6, [1, 3, 8, 4]) == [1, 1, 2, 2]       # reception would round to 0: it keeps one
    assert specialist.scaled(specialist.population.citizens) == specialist


def test_every_unit_keeps_a_caseworker_so_tiny_districts_warn():
    teams = _load("target_group_teams", "population.citizens=1000")
    generalist = _load("generalist", "population.citizens=1000")
    assert [u.staff for u in teams.office.units] == [1] * 5 and generalist.total_staff < 5
    lines = report.staffing_note([generalist, teams])
    low = report.staff_per_1000(generalist)
    assert lines[-1].startswith(f"warning: staff per 1,000 adults differ ({low:.2f} to 5.00)")
    assert len([line for line in lines if line.startswith("warning")]) == 1


def test_explicit_staff_wins():
    s = _load("generalist", "population.citizens=5000", 'office.units=[{name="g", staff=12}]')
    assert s.total_staff == 12 and s.population.citizens == 5000
    specialist = _load("specialist")
    assert apply_settings(specialist, citizens=5000, caseworkers=16).total_staff == 16
    assert apply_settings(specialist, citizens=specialist.population.citizens // 2).total_staff == \
        round(specialist.total_staff / 2)


def test_the_old_behaviour_is_gone_a_small_district_no_longer_keeps_the_full_staff():
    """The README's way to make runs smaller used to keep every caseworker (4x the staffing at a quarter)."""
    full = _load("generalist")
    quarter = _load("generalist", f"population.citizens={full.population.citizens // 4}")
    assert quarter.total_staff == round(full.total_staff / 4)
    model = ms.WelfareModel(full, citizens=full.population.citizens // 4, rng=1, weeks=1, warmup_weeks=0)
    assert len(model.caseworkers) == round(full.total_staff / 4)


def test_bad_population_on_the_command_line_names_the_flag():
    with pytest.raises(ms.ScenarioError, match="out of range") as err:
        _load("specialist", "population.citizens=3")
    assert err.value.source.endswith("(--set)") and err.value.key == "population.citizens"


def test_compare_prints_staff_per_1000_adults_and_warns_once(tmp_path):
    from test_cli import marginsim
    proc = marginsim("compare", SCENARIOS / "generalist.toml", SCENARIOS / "target_group_teams.toml",
                     "--replications", 2, "--weeks", 8, "--jobs", 1, "--set", "population.citizens=1000",
                     "--set", "run.warmup_weeks=4", "--out", tmp_path / "cmp")
    assert proc.returncode == 0, proc.stderr
    staff = _load("generalist", "population.citizens=1000").total_staff
    assert f"generalist: {staff} caseworkers for 1,000 adults = {staff:.2f} per 1,000 adults" in proc.stdout
    assert "target_group_teams: 5 caseworkers for 1,000 adults = 5.00 per 1,000 adults" in proc.stdout
    assert proc.stdout.count("warning: staff per 1,000 adults differ") == 1


def test_a_reorganisation_is_scaled_with_the_office():
    s = _load("specialist_to_generalist", "population.citizens=8000")
    full = _load("specialist_to_generalist")
    for before, after in zip(full.reorganisation, s.reorganisation, strict=True):
        total = sum(u.staff for u in before.units)
        expected = max(len(before.units), round(total * 8000 / full.population.citizens))
        assert sum(u.staff for u in after.units) == expected
    assert s.total_staff == round(full.total_staff * 8000 / full.population.citizens)
