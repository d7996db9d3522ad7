"""Read journey YAML files, turning every problem into an error with file, line and field.

PyYAML's composer keeps each node's position, so a pydantic error's location
(``steps.2.subject``) is mapped back to the line of that key in the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tenure.act.journeys._channels import undeclared_variables
from tenure.act.journeys._personal import PERSONAL_VARIABLES
from tenure.act.journeys.definition import (
    ChurnTrigger,
    FeatureRequestTrigger,
    Journey,
    NewUserTrigger,
    SendStep,
    TaskStep,
)
from tenure.errors import ConfigError, Location, NotFoundError

__all__ = [
    "JOURNEY_SUFFIXES",
    "TEMPLATE_VARIABLES",
    "journey_file",
    "journey_files",
    "load_journey",
    "load_journeys",
    "template_fields",
    "template_location",
    "template_variables",
]

TEMPLATE_VARIABLES = ("customer", "traits", "journey", *PERSONAL_VARIABLES)
"""The variables every template has; e-mail texts also have ``unsubscribe_url``."""
TRIGGER_VARIABLES = (
    (NewUserTrigger, "user"),
    (FeatureRequestTrigger, "feature"),
    (ChurnTrigger, "winback"),
)
"""What a journey's trigger adds to its templates (``BatchContext._trigger_context``)."""
_TEXT_KEYS = ("subject", "text", "html", "title", "body")

JOURNEY_SUFFIXES = (".yaml", ".yml")
_TAGS = {"event", "segment", "score", "billing", "schedule"} | {
    "wait",
    "branch",
    "send",
    "set_trait",
    "task",
    "exit",
}


def _line_of(node: yaml.Node, loc: Sequence[int | str]) -> int:
    """The 1-based line of the deepest node of ``loc`` found in the YAML tree."""
    line = int(node.start_mark.line) + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            key = "else" if part == "else_" else part
            found = next((kv for kv in node.value if kv[0].value == key), None)
            if found is None:
                if part in _TAGS:  # a union's tag in pydantic's location, not a key
                    continue
                break
            line = int(found[0].start_mark.line) + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = int(node.start_mark.line) + 1
        else:
            break
    return line


def _field(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in _TAGS and p != loc[-1])]
    return ".".join(parts).replace("else_", "else") or "(document)"


def load_journey(path: Path | str) -> Journey:
    """Read and check one journey file.

    Raises
    ------
    ConfigError
        With the file, the line and the field of the first problem found.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFoundError(f"cannot read the journey file {file}: {exc.strerror}") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{file.name} is not valid YAML: {problem}. Fix the syntax and run "
            "'tenure journeys validate' again.",
            location=Location(file=file, line=line),
        ) from exc
    if node is None or not isinstance(data, dict):
        raise ConfigError(
            f"{file.name} must hold one journey: a mapping with name, trigger and steps "
            "(docs/journeys.md).",
            location=Location(file=file, line=1),
        )
    try:
        journey = Journey.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"is not a known key here; see docs/journeys.md for the {loc[0]} keys"
        elif err["type"] == "missing":
            message = "is required"
        elif "Got" not in message and err["type"] not in ("value_error",):
            message += f". Got {err.get('input')!r} instead"
        field = _field(loc)
        raise ConfigError(
            f"The journey field {field!r} {message}", location=_location(file, node, loc, field)
        ) from exc
    _check_templates(journey, file, node)
    return journey


def template_fields(journey: Journey) -> Iterator[tuple[tuple[int | str, ...], str, bool]]:
    """Every template of a journey: its path in the file, its text, and whether an e-mail's."""
    for i, step in enumerate(journey.steps):
        if isinstance(step, SendStep):
            email = step.channel == "email"
            for key in _TEXT_KEYS:
                if getattr(step, key) is not None:
                    yield ("steps", i, key), getattr(step, key), email
            for code, texts in step.locales.items():
                for key in _TEXT_KEYS:
                    if getattr(texts, key) is not None:
                        yield ("steps", i, "locales", code, key), getattr(texts, key), email
            for key, value in (step.payload or {}).items():
                if isinstance(value, str):
                    yield ("steps", i, "payload", key), value, False
        elif isinstance(step, TaskStep):
            yield ("steps", i, "title"), step.title, False
            if step.note is not None:
                yield ("steps", i, "note"), step.note, False


def template_variables(journey: Journey) -> set[str]:
    """The top-level variables the journey's templates read."""
    used: set[str] = set()
    for _, text, _ in template_fields(journey):
        used |= undeclared_variables(text)[0]
    return used


def _content_line(node: yaml.Node, loc: Sequence[int | str]) -> int | None:
    """The 1-based line where the value at ``loc`` begins (a block scalar's first line)."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((kv for kv in node.value if kv[0].value == str(part)), None)
            if found is None:
                return None
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return None
            node = node.value[part]
        else:
            return None
    line = int(node.start_mark.line) + 1
    block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
    return line + 1 if block else line


def _check_templates(journey: Journey, file: Path, node: yaml.Node) -> None:
    """Every template parses and reads only variables templates have (file, line, variable)."""
    for loc, text, email in template_fields(journey):
        known = set(TEMPLATE_VARIABLES) | ({"unsubscribe_url"} if email else set())
        known |= {name for kind, name in TRIGGER_VARIABLES if isinstance(journey.trigger, kind)}
        names, bad_line, problem = undeclared_variables(text)
        field = ".".join(str(p) for p in loc)
        first = _content_line(node, loc) or _line_of(node, loc)
        if problem is not None:
            raise ConfigError(
                f"The template {field!r} is not valid Jinja: {problem}",
                location=Location(file=file, line=first + (bad_line or 1) - 1, field=field),
            )
        unknown = sorted(names - known)
        if unknown:
            offset = next((n for n, line in enumerate(text.splitlines()) if unknown[0] in line), 0)
            hint = " (e-mail texts only)" if unknown[0] == "unsubscribe_url" else ""
            raise ConfigError(
                f"The template {field!r} uses the variable {unknown[0]!r}, which templates do "
                f"not have{hint}; they have {', '.join(sorted(known))} (docs/journeys.md, "
                "'Templates and locales')",
                location=Location(file=file, line=first + offset, field=field),
            )


def template_location(
    file: Path, loc: Sequence[int | str], template_line: int | None = None
) -> Location:
    """Where a template's line is in its journey file (``template_line`` counts from 1)."""
    node = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    field = ".".join(str(p) for p in loc)
    if node is None:
        return Location(file=file, field=field)
    first = _content_line(node, loc) or _line_of(node, loc)
    return Location(file=file, line=first + (template_line or 1) - 1, field=field)


def journey_file(folder: Path, name: str) -> Path | None:
    """The file of the journey called ``name`` in ``folder`` (None when there is none)."""
    for file in journey_files(folder):
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("name") == name:
            return file
    return None


def _location(file: Path, node: yaml.Node, loc: Sequence[int | str], field: str) -> Location:
    return Location(file=file, line=_line_of(node, loc), field=field)


def journey_files(folder: Path) -> list[Path]:
    """The journey files of a folder, by name (none when the folder does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in JOURNEY_SUFFIXES and p.is_file())


def load_journeys(folder: Path) -> list[Journey]:
    """Every journey of a folder; two files with the same journey name are an error."""
    journeys: list[Journey] = []
    seen: dict[str, Path] = {}
    for file in journey_files(folder):
        journey = load_journey(file)
        if journey.name in seen:
            node = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
            raise ConfigError(
                f"two files define the journey {journey.name!r} ({seen[journey.name].name} and "
                f"{file.name}); rename one",
                location=Location(file=file, line=_line_of(node, ["name"]) if node else None),
            )
        seen[journey.name] = file
        journeys.append(journey)
    return journeys
