"""The segment rule language: parsed with :mod:`ast` (never evaluated), checked, compiled to Ibis.

A rule is one Python-like expression over the columns of the profile table::

    plan == "pro" and health < 40 and mrr > 100
    country in ["DE", "AT"] and not cancel_pending
    nps_last is None or 10 <= days_since_seen < 30
    mrr / seats > 50

Grammar (docs/segments.md):

- comparisons ``== != < <= > >=``, chained as in Python (``10 <= x < 30``);
- ``and``, ``or``, ``not`` and parentheses; a boolean field alone is a condition;
- ``in`` / ``not in`` with a list literal (``plan in ["pro", "team"]``);
- ``is None`` / ``is not None`` for missing values (``== None`` is an error);
- literals: strings, numbers, ``True``, ``False``;
- arithmetic ``+ - * /`` between numbers (division by zero gives a missing value).

Missing values follow SQL: a comparison with a missing value is not true, and neither
is its negation, so such a customer is not a member unless the rule asks ``is None``.
Every problem raises :class:`~tenure.errors.SegmentError` with the segment, the 1-based
column in the rule, what is wrong and how to fix it.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from tenure.errors import SegmentError

__all__ = ["FieldType", "check_rule", "compile_rule", "field_types"]

FieldType = Literal["number", "boolean", "text", "date"]

_ORDER = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_SYMBOL: dict[type[ast.AST], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_ARITHMETIC: dict[type[ast.AST], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_UNSUPPORTED: dict[type[ast.AST], str] = {
    ast.Call: "a function call",
    ast.Attribute: "an attribute (a.b)",
    ast.Subscript: "indexing (a[...])",
    ast.IfExp: "an if-expression",
    ast.Lambda: "a lambda",
    ast.NamedExpr: "an assignment (:=)",
    ast.JoinedStr: "an f-string",
    ast.Dict: "a dict",
    ast.ListComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.Starred: "a starred expression",
}
_LITERAL_NAMES = {"true": "True", "false": "False", "null": "None", "none": "None"}


def field_types(schema: ibis.Schema) -> dict[str, FieldType]:
    """The rule type of each column: number, boolean, text or date (others are left out)."""
    out: dict[str, FieldType] = {}
    for name, dtype in schema.items():
        if dtype.is_boolean():
            out[name] = "boolean"
        elif dtype.is_numeric():
            out[name] = "number"
        elif dtype.is_string():
            out[name] = "text"
        elif dtype.is_date() or dtype.is_timestamp():
            out[name] = "date"
    return out


@dataclass(frozen=True)
class _Operand:
    """A compiled sub-expression: its Ibis value, rule type and, for literals, the value."""

    value: ir.Value
    kind: FieldType | Literal["null"]
    node: ast.AST
    literal: object = None
    is_literal: bool = False


class _Compiler:
    def __init__(self, rule: str, table: ir.Table, segment: str) -> None:
        self.rule = rule
        self.flat = " ".join(rule.split("\n"))
        self.table = table
        self.segment = segment
        self.fields = field_types(table.schema())

    # -- errors ------------------------------------------------------------------------------

    def column(self, offset: int) -> int:
        """1-based character column of a UTF-8 byte offset in the (one-line) rule."""
        return len(self.flat.encode()[:offset].decode("utf-8", errors="ignore")) + 1

    def error(self, node: ast.AST | None, what: str, fix: str) -> SegmentError:
        col = self.column(getattr(node, "col_offset", 0)) if node is not None else None
        where = f" at column {col}" if col is not None else ""
        return SegmentError(
            f"Segment {self.segment!r}: {what}{where} of the rule `{self.flat}`. {fix}",
            segment=self.segment,
            column=col,
        )

    # -- compile -----------------------------------------------------------------------------

    def run(self) -> ir.BooleanValue:
        if not self.flat.strip():
            raise SegmentError(
                f"Segment {self.segment!r}: the rule is empty. Write a condition such as "
                '`plan == "pro" and health < 40` (docs/segments.md).',
                segment=self.segment,
            )
        try:
            tree = ast.parse(self.flat.strip(), mode="eval")
        except SyntaxError as exc:
            lead = len(self.flat) - len(self.flat.lstrip())
            col = (exc.offset or 1) + lead
            raise SegmentError(
                f"Segment {self.segment!r}: the rule does not parse ({exc.msg}) at column "
                f"{col} of `{self.flat}`. Rules are expressions such as "
                '`plan == "pro" and health < 40`: compare with ==, not =; join conditions '
                "with and/or; quote text (docs/segments.md).",
                segment=self.segment,
                column=col,
            ) from None
        lead = len(self.flat) - len(self.flat.lstrip())
        for node in ast.walk(tree):
            if hasattr(node, "col_offset"):
                node.col_offset += len(self.flat[:lead].encode())
        top = self.operand(tree.body)
        if top.kind != "boolean":
            raise self.error(
                tree.body,
                f"the rule is a {top.kind}, not a condition",
                "A rule must be true or false for each customer: compare it, e.g. `mrr > 100`.",
            )
        return top.value

    def condition(self, node: ast.AST) -> ir.BooleanValue:
        op = self.operand(node)
        if op.kind != "boolean":
            raise self.error(
                node,
                f"{ast.unparse(node)!r} is a {op.kind}, not a condition",
                'Compare it with a value, e.g. `mrr > 100` or `plan == "pro"`.',
            )
        return op.value

    def operand(self, node: ast.AST) -> _Operand:
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(v) for v in node.values]
            out = parts[0]
            for p in parts[1:]:
                out = (out & p) if isinstance(node.op, ast.And) else (out | p)
            return _Operand(out, "boolean", node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return _Operand(~self.condition(node.operand), "boolean", node)
            if isinstance(node.op, ast.USub | ast.UAdd):
                inner = self.number(node.operand, "a sign (-x)")
                if inner.is_literal:
                    number = float(inner.literal)  # type: ignore[arg-type]
                    value = -number if isinstance(node.op, ast.USub) else number
                    return _Operand(ibis.literal(value), "number", node, value, True)
                neg = -inner.value if isinstance(node.op, ast.USub) else inner.value
                return _Operand(neg, "number", node)
            raise self.error(node, "'~' is not supported", "Use `not` to negate a condition.")
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.BinOp):
            return self.arithmetic(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            raise self.error(
                node,
                "a list is only allowed after `in` or `not in`",
                'Write e.g. `plan in ["pro", "team"]`.',
            )
        what = _UNSUPPORTED.get(type(node), f"{type(node).__name__} syntax")
        raise self.error(
            node,
            f"{what} is not supported",
            "Rules allow fields, literals, comparisons, and/or/not, in [...], is None and "
            "+ - * / between numbers (docs/segments.md).",
        )

    def name(self, node: ast.Name) -> _Operand:
        kind = self.fields.get(node.id)
        if kind is None:
            hint = _LITERAL_NAMES.get(node.id.lower())
            if hint is not None:
                fix = f"Write {hint} (capitalised, as in Python)."
            else:
                close = difflib.get_close_matches(node.id, list(self.fields), n=3, cutoff=0.6)
                fix = (
                    "Did you mean " + " or ".join(repr(c) for c in close) + "? "
                    if close
                    else "To compare with text, quote it. "
                ) + "Fields are the profile columns listed in docs/segments.md."
            raise self.error(node, f"unknown field {node.id!r}", fix)
        return _Operand(self.table[node.id], kind, node)

    def constant(self, node: ast.Constant) -> _Operand:
        v = node.value
        if v is None:
            return _Operand(ibis.null(), "null", node, None, True)
        if isinstance(v, bool):
            return _Operand(ibis.literal(v), "boolean", node, v, True)
        if isinstance(v, int | float):
            return _Operand(ibis.literal(v), "number", node, v, True)
        if isinstance(v, str):
            return _Operand(ibis.literal(v), "text", node, v, True)
        raise self.error(node, f"the literal {v!r} is not supported", "Use text or a number.")

    def number(self, node: ast.AST, what: str) -> _Operand:
        op = self.operand(node)
        if op.kind != "number":
            raise self.error(
                node,
                f"{what} needs a number, but {ast.unparse(node)!r} is {op.kind}",
                "Arithmetic works between numeric fields and numbers only.",
            )
        return op

    def arithmetic(self, node: ast.BinOp) -> _Operand:
        symbol = _ARITHMETIC.get(type(node.op))
        if symbol is None:
            fix = (
                "Join conditions with `and` / `or`, not & or |."
                if isinstance(node.op, ast.BitAnd | ast.BitOr)
                else "Only + - * / are supported."
            )
            raise self.error(node, "this operator is not supported", fix)
        left = self.number(node.left, f"'{symbol}'")
        right = self.number(node.right, f"'{symbol}'")
        a, b = left.value, right.value
        if isinstance(node.op, ast.Add):
            out = a + b
        elif isinstance(node.op, ast.Sub):
            out = a - b
        elif isinstance(node.op, ast.Mult):
            out = a * b
        else:  # a missing value where the divisor is 0 (PostgreSQL would raise)
            out = a.cast("float64") / b.cast("float64").nullif(0.0)
        return _Operand(out, "number", node)

    def compare(self, node: ast.Compare) -> _Operand:
        left = self.operand(node.left)
        result: ir.BooleanValue | None = None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                part = self.membership(left, op, right_node)
                right = None
            elif isinstance(op, ast.Is | ast.IsNot):
                part = self.null_check(left, op, right_node)
                right = None
            else:
                right = self.operand(right_node)
                part = self.binary(left, op, right, node)
            result = part if result is None else result & part
            if right is None and right_node is not node.comparators[-1]:
                raise self.error(
                    right_node,
                    f"`{_SYMBOL[type(op)]}` cannot be chained",
                    "Write two conditions joined by `and`.",
                )
            if right is not None:
                left = right
        assert result is not None
        return _Operand(result, "boolean", node)

    def binary(self, left: _Operand, op: ast.cmpop, right: _Operand, node: ast.AST) -> ir.Value:
        symbol = _SYMBOL[type(op)]
        if "null" in (left.kind, right.kind):
            raise self.error(
                right.node if right.kind == "null" else left.node,
                f"`{symbol} None` never matches (missing values are not equal to anything)",
                "Test missing values with `is None` or `is not None`.",
            )
        a, b = left.value, right.value
        kinds = {left.kind, right.kind}
        if kinds == {"date", "text"}:  # a date field against an ISO date literal
            text = right if right.kind == "text" else left
            day = self.iso_date(text)
            if text is right:
                b = ibis.literal(day)
            else:
                a = ibis.literal(day)
        elif left.kind != right.kind:
            field, other = (left, right) if not left.is_literal else (right, left)
            raise self.error(
                other.node,
                f"{ast.unparse(field.node)!r} is {field.kind} but is compared with "
                f"{ast.unparse(other.node)} ({other.kind})",
                _type_fix(field.kind, ast.unparse(field.node)),
            )
        if isinstance(op, _ORDER) and kinds & {"text", "boolean"} and "date" not in kinds:
            raise self.error(
                left.node,
                f"{ast.unparse(left.node)!r} is {left.kind}; `{symbol}` only compares numbers "
                "and dates",
                "Use == != or in [...] for text and booleans.",
            )
        return _COMPARE[type(op)](a, b)

    def iso_date(self, op: _Operand) -> dt.date:
        try:
            return dt.date.fromisoformat(str(op.literal))
        except ValueError:
            raise self.error(
                op.node,
                f"{op.literal!r} is not a date",
                'Write dates as ISO text, e.g. "2026-01-31".',
            ) from None

    def membership(self, left: _Operand, op: ast.cmpop, items: ast.AST) -> ir.BooleanValue:
        if not isinstance(items, ast.List | ast.Tuple | ast.Set):
            raise self.error(
                items,
                "`in` needs a list literal on its right",
                'Write e.g. `plan in ["pro", "team"]`.',
            )
        if not items.elts:
            raise self.error(items, "the list is empty", "Put at least one value in it.")
        values = []
        for elt in items.elts:
            item = self.operand(elt)
            if not item.is_literal or item.kind == "null":
                raise self.error(
                    elt,
                    f"{ast.unparse(elt)} is not a literal",
                    "Lists hold text, numbers or True/False only; test missing values with "
                    "`is None`.",
                )
            if item.kind != left.kind and not (left.kind == "date" and item.kind == "text"):
                raise self.error(
                    elt,
                    f"{ast.unparse(left.node)!r} is {left.kind} but the list holds "
                    f"{ast.unparse(elt)} ({item.kind})",
                    _type_fix(left.kind, ast.unparse(left.node)),
                )
            values.append(self.iso_date(item) if left.kind == "date" else item.literal)
        found = left.value.isin(values)
        return ~found if isinstance(op, ast.NotIn) else found

    def null_check(self, left: _Operand, op: ast.cmpop, right: ast.AST) -> ir.BooleanValue:
        if not (isinstance(right, ast.Constant) and right.value is None):
            raise self.error(
                right,
                "`is` only tests for None",
                "Compare values with == or !=; test missing values with `is None`.",
            )
        value = left.value
        return value.notnull() if isinstance(op, ast.IsNot) else value.isnull()


def _type_fix(kind: str, name: str) -> str:
    if kind == "text":
        return f'Quote the value: `{name} == "..."`.'
    if kind == "number":
        return f"Compare {name} with a number, without quotes."
    if kind == "boolean":
        return f"Use True or False, or the field alone: `{name}` / `not {name}`."
    return 'Compare dates with ISO text such as "2026-01-31".'


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def compile_rule(rule: str, table: ir.Table, *, segment: str = "rule") -> ir.BooleanValue:
    """The Ibis condition of ``rule`` over ``table`` (its columns are the fields).

    Raises
    ------
    SegmentError
        Naming the segment, the column in the rule, what is wrong and how to fix it.
    """
    return _Compiler(rule, table, segment).run()


def check_rule(rule: str, schema: ibis.Schema, *, segment: str = "rule") -> None:
    """Check ``rule`` against the columns of ``schema`` without a connection."""
    compile_rule(rule, ibis.table(schema, name="customer_profiles"), segment=segment)
