"""A pytest plugin that collects YAML scenario files as test items.

Registered through the ``pytest11`` entry point, so once cme_policy is installed, ``pytest``
collects every ``*.yaml`` file in a folder named ``scenarios`` (and any scenario file named on
the command line) that has top-level ``policy:`` and ``scenarios:`` keys: one item per
scenario, named after it, run through :mod:`cme_policy.scenarios` exactly as
``cme-policy test`` runs it. A file that cannot be read is one failing item that lists every
problem in it; a scenario that cannot be read is one failing item, and the others still run.

``pytest --scenario-coverage`` adds a summary of the rules no scenario exercises.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

MARKER = "cme_scenario"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cme_policy", "cme_policy scenario files")
    group.addoption(
        "--scenario-coverage", action="store_true", default=False,
        help="after the run, list the rules of each pack that no collected scenario exercises",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a YAML scenario from a scenarios/ file")
    config.stash[_SEEN] = {}


def _is_scenario_file(file_path: Path, parent: pytest.Collector) -> bool:
    if file_path.suffix not in (".yaml", ".yml") or file_path.name.startswith("_"):
        return False
    if file_path.parent.name != "scenarios":
        # Elsewhere, only a file named on the command line.
        args = {Path(a).resolve() for a in parent.config.args if not a.startswith("-")}
        if file_path.resolve() not in args:
            return False
    # Other projects' YAML is left alone: a scenario file names a policy and lists scenarios.
    return _looks_like_scenarios(file_path)


def _looks_like_scenarios(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        return False
    return "\nscenarios:" in f"\n{head}" and "\npolicy:" in f"\n{head}"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _is_scenario_file(file_path, parent):
        return ScenarioFileCollector.from_parent(parent, path=file_path)
    return None


class ScenarioFileCollector(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from ..errors import InputError
        from ..scenarios import read_scenarios

        try:
            pack, entries = read_scenarios(self.path)
        except InputError as exc:
            yield BrokenScenarioFile.from_parent(self, name="(file)", error=str(exc))
            return
        seen: dict[str, int] = {}
        for entry in entries:
            name = entry.name.replace("::", ": ")
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} ({seen[name]})"
            if entry.scenario is None:  # this one cannot run; the others still do
                error = "\n".join(p.display() for p in entry.problems)
                broken = BrokenScenarioFile.from_parent(self, name=name, error=error, line=entry.line)
                broken.add_marker(MARKER)
                yield broken
                continue
            item = ScenarioItem.from_parent(
                self, name=name, scenario=entry.scenario, pack=pack, line=entry.line
            )
            item.add_marker(MARKER)
            yield item
        seen_rules = self.config.stash[_SEEN].setdefault(pack.id, (pack, set()))[1]
        seen_rules.update(e.scenario.rule for e in entries if e.scenario is not None and e.scenario.rule)


class ScenarioFailed(Exception):
    """What a scenario expected and did not get, one line each."""


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Any, pack: Any, line: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.scenario = scenario
        self.pack = pack
        self.line = line
        if scenario.rule:
            self.user_properties.append(("rule", scenario.rule))
        if scenario.tests:
            self.user_properties.append(("tests", scenario.tests))

    def runtest(self) -> None:
        from ..case import parse_case
        from ..engine.evaluate import evaluate
        from ..scenarios import check

        case = parse_case(self.scenario.case)
        failures: list[str] = []
        for step in self.scenario.all_steps():
            diffs = check(evaluate(self.pack, case, on=step.on), step.expect)
            failures.extend(f"on {step.on}: {d}" for d in diffs)
        if failures:
            raise ScenarioFailed("\n".join(failures))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from ..errors import InputError

        if isinstance(excinfo.value, ScenarioFailed | InputError):
            head = f"scenario {self.scenario.name!r}"
            if self.scenario.rule:
                head += f" (rule {self.scenario.rule}, tests {self.scenario.tests or '-'})"
            return f"{head} failed:\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.line - 1, f"scenario: {self.name}"


class BrokenScenarioFile(pytest.Item):
    """A scenario file, or one scenario in it, that cannot be read: fails with its problems."""

    def __init__(self, *, error: str, line: int = 0, **kw: Any) -> None:
        super().__init__(**kw)
        self.error = error
        self.line = line

    def runtest(self) -> None:
        raise ScenarioFailed(self.error)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        what = "scenario file" if not self.line else f"scenario {self.name!r} in"
        return f"cannot load {what} {self.path}:\n{excinfo.value}"

    def reportinfo(self) -> tuple[Path, int, str]:
        if self.line:
            return self.path, self.line - 1, f"scenario: {self.name}"
        return self.path, 0, "scenario file"


_SEEN = pytest.StashKey[dict[str, tuple[Any, set[str]]]]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not config.getoption("scenario_coverage"):
        return
    from .coverage import uncovered_rules

    seen = config.stash.get(_SEEN, {})
    terminalreporter.section("scenario coverage")
    if not seen:
        terminalreporter.write_line("no scenario files collected")
    for pack_id, (pack, rules) in sorted(seen.items()):
        missing = uncovered_rules(pack, rules)
        total = len(pack.rules)
        terminalreporter.write_line(
            f"{pack_id}: {total - len(missing)} of {total} rules have a scenario"
            + (f"; none for: {', '.join(missing)}" if missing else "")
        )
