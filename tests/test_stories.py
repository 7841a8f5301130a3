"""The teaching story: a citizen chosen for the mechanisms their weeks show, told from the record."""

import pandas as pd

from simulation import stories

from conftest import small


def test_the_chosen_citizen_shows_what_the_story_says(organisations):
    scenario = small(organisations["specialist"], citizens=4000, weeks=104, warmup=52)
    story = stories.find_story(scenario, seed=42, weeks=104)
    record = stories.follow(scenario, seed=42, slot=story.slot, weeks=104)    # a replay of the same run
    assert len(record) == 104 and record.week.tolist() == list(range(104))
    lost = record.arenas_lost
    if "loses arenas one after another" in story.shows:
        if story.first_loss_week > 0:
            assert lost[record.week < story.first_loss_week].max() == 0
        assert lost[record.week == story.first_loss_week].iloc[0] >= 1
        assert lost[record.week == story.second_loss_week].iloc[0] >= 2
        assert story.second_loss_week > story.first_loss_week
    if "is handed off between caseworkers" in story.shows:
        assert record.handoffs.iloc[-1] == story.handoffs >= 1
    assert lost.max() == story.most_lost
    assert story.shows, "at 4,000 adults over two years someone shows at least one mechanism"


def test_narration_is_built_from_the_record():
    base = {"work": 0.8, "activity": 0.7, "housing": 0.9, "economy": 0.8, "position": 0.8, "arenas_lost": 0,
            "employed": True, "benefit": "none", "user": False, "need_level": "standard", "handoffs": 0,
            "contact_points": 0, "units": {}, "work_caseworker": None, "work_caseworker_hours": {}}
    weeks = [base | {"week": 0},
             base | {"week": 1, "employed": False, "work": 0.35, "arenas_lost": 1, "benefit": "unemployment_benefit"},
             base | {"week": 2, "employed": False, "work": 0.35, "arenas_lost": 1, "benefit": "unemployment_benefit",
                     "user": True, "handoffs": 1, "units": {"work follow-up": "work"}}]
    lines = stories.narrate(pd.DataFrame(weeks), threshold=0.4)
    assert lines[0].startswith("Week 0: inside 4 of the four arenas")
    assert "Week 1: lost the work arena (score 0.350, below 0.4); 1 of four lost now." in lines
    assert "Week 1: lost their job." in lines
    assert "Week 1: benefit changed from none to unemployment benefit." in lines
    assert "Week 2: became a user of the office." in lines
    assert "Week 2: handed off (hand-off number 1); now followed up: work follow-up by the work unit." in lines
    assert len(lines) == 6
