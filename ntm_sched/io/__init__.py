"""Files in and out, one home per job.

* :mod:`.csv_files`: the one reader of input CSV files (:func:`read_csv_text`, :func:`located`,
  :class:`CsvFileError`);
* :mod:`.output`: atomic output that never destroys a user's file (:func:`write_tables`, the one
  writer of result tables; :func:`atomic_dir`, :func:`replace_dir`, :func:`publish_file`; checked
  names and paths: :func:`check_name`, :func:`child_of`);
* :mod:`.paths`: where the plan data and the notebooks are (:func:`project_root`,
  :func:`data_dir`, :func:`notebooks_dir`).

Every name is importable from ``ntm_sched.io`` as well.
"""

from ntm_sched.io.csv_files import CsvFileError, CsvText, located, read_csv_text
from ntm_sched.io.output import (
    MARKER,
    OutputTargetError,
    atomic_dir,
    atomic_write_bytes,
    atomic_write_text,
    check_name,
    check_output_file,
    check_output_target,
    child_of,
    clean_stale,
    is_our_output,
    mark_output,
    publish_file,
    remove_output,
    replace_dir,
    tmp_prefix,
    write_json,
    write_tables,
)
from ntm_sched.io.paths import SHARE_NAME, data_dir, notebooks_dir, project_root

__all__ = [
    "MARKER", "SHARE_NAME", "CsvFileError", "CsvText", "OutputTargetError", "atomic_dir", "atomic_write_bytes",
    "atomic_write_text", "check_name", "check_output_file", "check_output_target", "child_of", "clean_stale",
    "data_dir", "is_our_output", "located", "mark_output", "notebooks_dir", "project_root", "publish_file",
    "read_csv_text", "remove_output", "replace_dir", "tmp_prefix", "write_json", "write_tables",
]
