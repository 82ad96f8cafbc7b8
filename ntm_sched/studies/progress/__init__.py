"""Progress and re-planning: the weekly steering meeting (giao ban).

* :mod:`.files`: the progress workbook (template, reading, every validation rule);
* :mod:`.history`: baseline and dated snapshots of a scenario, as folders;
* :mod:`.replan`: re-plan from a status date, variance against the baseline;
* :mod:`.giao_ban`: the tables and figures of the giao ban report;
* :mod:`.template`: the workbook officers fill in.
"""
