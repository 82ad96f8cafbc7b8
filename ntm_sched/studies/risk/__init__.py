"""Schedule and funding risk: how likely each commune and the district are to make their dates.

Uncertainty is data (:mod:`.uncertainty`: three-point durations and costs per work type and
recognition step, delays and shortfalls per funding source, a risk event register). Each
Monte Carlo sample (:mod:`.sampling`) draws them and either re-times the optimal plan with a
serial schedule generation scheme (:mod:`.retime`, policy ``fixed``) or re-solves it with
CP-SAT (policy ``replan``). Samples run on Dask (:mod:`.run`); :mod:`.analysis` turns them
into probabilities, P-dates, cash need, criticality and a tornado; :mod:`.outputs` and
:mod:`.report` write and draw them; :mod:`.view` reads a finished run for the notebook.
"""

from ntm_sched.studies.risk.risk_files import load_uncertainty
from ntm_sched.studies.risk.run import RiskError, RiskResult, run_risk, run_samples
from ntm_sched.studies.risk.uncertainty import RiskDataError, Uncertainty

__all__ = ["RiskDataError", "RiskError", "RiskResult", "Uncertainty", "load_uncertainty", "run_risk", "run_samples"]
