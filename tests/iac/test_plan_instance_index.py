"""The plan's instance index answers exactly what a scan of every address answered."""

from __future__ import annotations

from scanner.iac.terraform_plan import _instance_index

ADDRESSES = {
    "aws_subnet.a", "aws_subnet.ab", "aws_subnet.b[0]", "aws_subnet.b[1]", 'aws_subnet.c["x"]',
    'aws_subnet.c["y[1]"]', "module.app[0].aws_subnet.b[0]", "module.app[1].aws_subnet.b[0]",
    'module.net["eu"].aws_vpc.main', "data.aws_vpc.d[0]",
}
BASES = ["aws_subnet.a", "aws_subnet.b", "aws_subnet.c", 'aws_subnet.c["y', "module.app[0].aws_subnet.b",
         "module.app", 'module.net["eu"].aws_vpc.main', "data.aws_vpc.d", "aws_subnet.missing", "aws_subnet"]


def _scanned(base: str) -> list[str]:
    return sorted(a for a in ADDRESSES if a == base or a.startswith(base + "["))


def test_index_equals_a_scan_of_every_address() -> None:
    index = _instance_index(ADDRESSES)
    for base in BASES:
        assert sorted(index.get(base, ())) == _scanned(base), base


def test_a_base_does_not_take_a_longer_name_and_each_instance_is_listed_once() -> None:
    index = _instance_index(ADDRESSES)
    assert index["aws_subnet.a"] == ["aws_subnet.a"]  # not aws_subnet.ab
    assert sorted(index["aws_subnet.b"]) == ["aws_subnet.b[0]", "aws_subnet.b[1]"]
    assert all(len(found) == len(set(found)) for found in index.values())
