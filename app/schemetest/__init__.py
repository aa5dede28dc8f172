"""Scheme test cases, like ``openfisca test``: YAML files next to the rules, each naming a
scheme and cases (a period, a small roster and deals) with the payroll they must give.

``compcalc test PATH...`` runs them (see docs/cli.md for the file format).
"""

from .load import LINE_CODES, CollectError, SchemeCache, collect_test_files, load_test_file
from .model import Case, CodeSet, EmployeeExpect, TestFile, TestFileError, TestProblem
from .outcomes import github_lines, junit_xml, result_lines, summary
from .run import CaseResult, Difference, run_case, run_file

__all__ = [
    "LINE_CODES",
    "Case",
    "CaseResult",
    "CodeSet",
    "CollectError",
    "Difference",
    "EmployeeExpect",
    "SchemeCache",
    "TestFile",
    "TestFileError",
    "TestProblem",
    "collect_test_files",
    "github_lines",
    "junit_xml",
    "load_test_file",
    "result_lines",
    "run_case",
    "run_file",
    "summary",
]
