"""The classroom dashboard (docs/dashboard.md): ``marginsim dashboard`` serves it.

Modules, in the direction data flows:

* ``settings``: what the teacher can set, the seed as typed, the settings in force in words;
* ``adapter``: the only module that reads the model's internals (DashboardModel, the
  watched citizens' stories, interesting people, the Lesson of one or two offices);
* ``figures``: matplotlib charts sized for a projector, and click-to-citizen;
* ``panels``: the words (legends, what to look for, the office, one person's story, the
  comparison table);
* ``page``: the Solara components and ``Page``;
* ``launcher``: ``marginsim dashboard`` (``solara run simulation.dashboard.page``).

Importing this package imports none of them (the command line stays fast).
"""
