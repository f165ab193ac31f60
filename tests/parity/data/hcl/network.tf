resource "aws_vpc" "main" {
  cidr_block = var.vpc_cidr
  tags = {
    Name = "main"
  }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags = {
    Name = "igw"
  }
}

resource "aws_subnet" "this" {
  for_each                = var.subnets
  vpc_id                  = aws_vpc.main.id
  cidr_block              = each.value.cidr
  availability_zone       = data.aws_availability_zones.available.names[each.value.zone]
  map_public_ip_on_launch = each.value.public_ip
  tags = {
    Name = each.key
  }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  tags = {
    Name = "public"
  }
}

resource "aws_route" "public_default" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw.id
}

resource "aws_route_table_association" "public" {
  for_each       = toset(["pub-a", "pub-b", "legacy-pub"])
  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat_a" {
  domain = "vpc"
}

resource "aws_nat_gateway" "nat_a" {
  subnet_id         = aws_subnet.this["pub-a"].id
  allocation_id     = aws_eip.nat_a.id
  connectivity_type = "public"
  tags = {
    Name = "nat-a"
  }
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.main.id
  tags = {
    Name = "app"
  }
}

resource "aws_route" "app_default" {
  route_table_id         = aws_route_table.app.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_a.id
}

resource "aws_route_table_association" "app" {
  for_each       = toset(["app-a", "app-b"])
  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = aws_route_table.app.id
}

resource "aws_route_table" "data" {
  vpc_id = aws_vpc.main.id
  tags = {
    Name = "data"
  }
}

resource "aws_route_table_association" "data" {
  for_each       = toset(["data-a", "data-b"])
  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = aws_route_table.data.id
}
