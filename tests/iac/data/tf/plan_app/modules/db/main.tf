variable "subnet_ids" {
  type = list(string)
}

resource "aws_db_subnet_group" "main" {
  name       = "orders"
  subnet_ids = var.subnet_ids
}

resource "aws_db_instance" "main" {
  identifier           = "orders"
  engine               = "postgres"
  instance_class       = "db.t3.medium"
  db_subnet_group_name = aws_db_subnet_group.main.name
  password             = "not-in-the-snapshot"
}

output "id" {
  value = aws_db_instance.main.identifier
}
