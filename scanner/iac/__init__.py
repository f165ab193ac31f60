"""Infrastructure-as-code sources: CloudFormation, Terraform plan JSON and Terraform HCL."""
