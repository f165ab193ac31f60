variable "name" {}
variable "subnet_ids" {}
variable "nodes" {
  default = 2
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id        = var.name
  description                 = "sessions"
  num_cache_clusters          = var.nodes
  automatic_failover_enabled  = true
  subnet_group_name           = aws_elasticache_subnet_group.this.name
  preferred_cache_cluster_azs = ["eu-west-1a", "eu-west-1b"]
}

output "id" {
  value = aws_elasticache_replication_group.this.id
}
