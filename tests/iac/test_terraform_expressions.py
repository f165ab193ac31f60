"""HCL expressions as Terraform evaluates them: operators, templates, for expressions, splats, functions,
unknowns that stay unknown, and limits that end in an input error instead of a hang or a traceback."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.iac import hcl_syntax
from scanner.iac.hcl_eval import Evaluator
from scanner.iac.hcl_functions import FUNCTIONS
from scanner.iac.hcl_values import Env, EvalError, LimitError, Limits, TfSet, finalise
from scanner.model.values import Reference, Unknown

NAMES: dict[str, Any] = {
    "var": {"list": [1, 2, 3], "map": {"b": 2, "a": 1}, "name": "web", "unknown": Unknown("not given"),
            "ref": Reference(("aws_subnet.a",)), "known_ref": Reference(("aws_vpc.v",), "10.0.0.0/16", True),
            "zero": 0, "nested": {"rules": [{"port": 80}, {"port": 443}]}, "empty": "", "null": None},
}


def evaluate(text: str, limits: Limits | None = None) -> Any:
    def root(name: str) -> Any:
        if name not in NAMES:
            raise EvalError(f"{name} is not declared")
        return NAMES[name]

    return Evaluator().evaluate(hcl_syntax.parse_expression(text), Env(root, limits or Limits(), {}, FUNCTIONS))


@pytest.mark.parametrize(("text", "expected"), [
    ("1 + 2 * 3 - 4 / 2", 5),
    ("(1 + 2) * 3", 9),
    ("7 % 3", 1),
    ("-var.list[0] + 10", 9),
    ("!true || false && true", False),
    ("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 4", False),
    ('1 == "1"', False),
    ("true == 1", False),
    ('"5" + 1', 6),
    ("var.list == [1, 2, 3]", True),
    ('var.name == "web" ? "yes" : "no"', "yes"),
    ("var.list[1]", 2),
    ("var.list.0", 1),
    ('var.map["b"]', 2),
    ("var.nested.rules[*].port", [80, 443]),
    ("var.nested.rules.*.port", [80, 443]),
    ("var.null[*]", []),
    ("var.name[*]", ["web"]),
    ("[for x in var.list : x * 10 if x != 2]", [10, 30]),
    ("[for i, x in var.list : i]", [0, 1, 2]),
    ("{for k, v in var.map : v => k}", {"1": "a", "2": "b"}),
    ('{for x in ["a", "b", "a"] : x => x...}', {"a": ["a", "a"], "b": ["b"]}),
    ("[for k, v in var.map : k]", ["a", "b"]),  # maps iterate in lexical key order
    ('"pre-${var.name}-post"', "pre-web-post"),
    ('"${var.zero}"', 0),  # a lone interpolation keeps its type
    ('"a%{ if var.name == "web" }b%{ else }c%{ endif }d"', "abd"),
    ('"%{ for x in var.list }${x},%{ endfor }"', "1,2,3,"),
    ('"x ${~ var.name ~} y"', "xweby"),
    ('"esc \\"q\\" $${lit} %%{lit} \\u00e9"', 'esc "q" ${lit} %{lit} \u00e9'),
    ('"<<EOT\nline ${var.name}\nEOT"', "line web\n"),
    ('"<<-EOT\n    indented\n      more\n    EOT"', "indented\n  more\n"),
])
def test_operators_templates_and_traversals(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('cidrsubnet("10.0.0.0/16", 8, 3)', "10.0.3.0/24"),
    ('cidrsubnet("fd00::/56", 8, 255)', "fd00:0:0:ff::/64"),
    ('cidrsubnets("10.0.0.0/16", 4, 4, 8)', ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/24"]),
    ('cidrhost("10.0.1.0/24", -2)', "10.0.1.254"),
    ('cidrnetmask("10.0.0.0/20")', "255.255.240.0"),
    ("element(var.list, 4)", 2),
    ("length(var.map)", 2),
    ('length("héllo")', 5),
    ('lookup(var.map, "z", 9)', 9),
    ('merge(var.map, {c = 3}, null, {a = 0})', {"a": 0, "b": 2, "c": 3}),
    ("concat(var.list, [4], [])", [1, 2, 3, 4]),
    ("flatten([[1, [2, []]], 3])", [1, 2, 3]),
    ('toset(["b", "a", "b"])', ["b", "a"]),
    ('try(var.map.missing, var.map["also"], "fallback")', "fallback"),
    ("can(var.map.missing)", False),
    ('coalesce(var.empty, var.null, "x")', "x"),
    ('format("%s-%03d|%-4s|%5.1f|%t|%q|%v|%%", "a", 7, "b", 3.14159, true, "q", [1])',
     'a-007|b   |  3.1|true|"q"|[1]|%'),
    ('format("%[2]s %[1]s", "world", "hello")', "hello world"),
    ('join("-", ["a", "b"], ["c"])', "a-b-c"),
    ('split(",", "a,b,,c")', ["a", "b", "", "c"]),
    ('keys({b = 1, a = 2})', ["a", "b"]),
    ('values({b = 1, a = 2})', [2, 1]),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ("range(1, 7, 2)", [1, 3, 5]),
    ("slice(var.list, 1, 3)", [2, 3]),
    ('contains(["a"], "a")', True),
    ('distinct(["a", "b", "a"])', ["a", "b"]),
    ('upper(replace("a-b", "-", "_"))', "A_B"),
    ('jsonencode({b = [1, true], a = null})', '{"a":null,"b":[1,true]}'),
    ('jsondecode("{\\"a\\": [1]}")', {"a": [1]}),
    ("max(3, 9, 1) + min(4, 2)", 11),
    ("max(5) + min(-1)", 4),
    ("pow(2, 10) + abs(-3) + ceil(1.2) + floor(1.8) + signum(-4)", 1029),
    ('tonumber("12") + 1', 13),
    ('tostring(12)', "12"),
    ('one([])', None),
    ('setunion(["a"], ["b", "a"])', ["a", "b"]),
    ('setproduct(["a", "b"], [1])', [["a", 1], ["b", 1]]),
])
def test_functions(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


def test_toset_is_a_set_and_unifies_types() -> None:
    value = evaluate('toset(["a", 1, true])')
    assert isinstance(value, TfSet) and value == ["a", "1", "true"]


@pytest.mark.parametrize("text", [
    "var.unknown + 1",
    '"x-${var.unknown}"',
    "var.unknown ? 1 : 2",
    "length(var.unknown)",
    'cidrsubnet(var.unknown, 8, 1)',
    'merge(var.map, var.unknown)',
    '[for x in var.unknown : x]',
    'format("%s", var.unknown)',
    "var.ref == 1",
    'element(var.list, var.unknown)',
    'can(var.unknown)',
    'lookup(var.map, var.unknown, 1)',
])
def test_unknown_operands_give_unknown_never_a_guess(text: str) -> None:
    assert isinstance(evaluate(text), Unknown)


def test_unknowns_that_do_not_matter_do_not_spread() -> None:
    assert evaluate("var.unknown ? 5 : 5") == 5
    assert evaluate("false && var.unknown") is False
    assert evaluate("var.unknown || true") is True
    assert evaluate("length([var.unknown, 1])") == 2  # a tuple's length is known
    assert evaluate("concat([var.ref], [2])") == [Reference(("aws_subnet.a",)), 2]  # references survive
    assert evaluate("element([var.ref], 0)") == Reference(("aws_subnet.a",))
    assert evaluate("try(var.ref, null)") == Reference(("aws_subnet.a",))
    assert evaluate('cidrsubnet(var.known_ref, 8, 1)') == "10.0.1.0/24"  # a known value behind a reference


@pytest.mark.parametrize(("text", "message"), [
    ("var.list[5]", "out of range"),
    ("var.map.missing", "no attribute"),
    ("1 / var.zero", "division by zero"),
    ('element([], 0)', "empty list"),
    ('lookup(var.map, "z")', "no default"),
    ('cidrsubnet("10.0.0.0/30", 8, 1)', "do not fit"),
    ('cidrsubnet("nonsense", 8, 1)', "CIDR"),
    ('{for x in ["a", "a"] : x => x}', "duplicate key"),
    ('"a${null}"', "null"),
    ('coalesce(null, "")', "no non-null"),
    ('toset(["a"])[0]', "set cannot be indexed"),
    ("undeclared.x", "not declared"),
])
def test_what_terraform_rejects_is_an_evaluation_error(text: str, message: str) -> None:
    with pytest.raises(EvalError, match=message):
        evaluate(text)


def test_functions_not_evaluated_are_unknown_with_the_name() -> None:
    assert evaluate('timestamp()') == Unknown("function timestamp() is not evaluated")
    assert evaluate('file("secrets.txt")') == Unknown("function file() is not evaluated")
    assert evaluate('replace("abc", "/b+/", "x")') == Unknown("replace() with a regular expression is not evaluated")


@pytest.mark.parametrize("text", ["range(1000000000)", 'format("%09999d%09999d%09999d", 1, 2, 3)',
                                  "setproduct(range(1000), range(1000))"])
def test_huge_values_are_a_limit_error(text: str) -> None:
    with pytest.raises(LimitError, match="limit"):
        evaluate(text, Limits(max_elements=10_000, max_string=20_000))


def test_runaway_evaluation_is_bounded_by_steps() -> None:
    with pytest.raises(LimitError, match="steps"):
        evaluate("[for a in range(300) : [for b in range(300) : a * b]]", Limits(max_steps=50_000))


@pytest.mark.parametrize("text", ["[" * 200 + "1" + "]" * 200, "-" * 500 + "1", "f(" * 100 + ")" * 100,
                                  '"${' * 80 + "1" + '}"' * 80, "(" * 300 + "1" + ")" * 300])
def test_deep_nesting_is_a_depth_error_not_a_recursion_error(text: str) -> None:
    with pytest.raises(hcl_syntax.HclDepthError, match="nested deeper than 64 levels"):
        hcl_syntax.parse_expression(text)


@pytest.mark.parametrize("text", ["1 +", "[1, 2", '"open', "a ? b", "{a = }", "%", "for x in y"])
def test_malformed_expressions_are_syntax_errors(text: str) -> None:
    with pytest.raises(hcl_syntax.HclSyntaxError):
        hcl_syntax.parse_expression(text)


SAMPLES: list[Any] = [None, True, 0, -1, 2.5, 10**30, "", "a", "10.0.0.0/8", [], [1], ["a", None], {}, {"a": 1},
                      [[1]], TfSet(["x"]), Unknown("u"), Reference(("aws_vpc.v",))]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_over_odd_arguments_returns_or_raises_an_evaluation_error(name: str) -> None:
    import itertools
    import json

    env = Env(lambda n: None, Limits(max_elements=1000, max_string=10_000), {}, FUNCTIONS)
    for count in range(3):
        for args in itertools.product(SAMPLES, repeat=count):
            try:
                result = FUNCTIONS[name](env, *args)
            except (EvalError, LimitError):
                continue
            json.dumps(finalise(result), default=repr)  # a value tree the mapping can read
