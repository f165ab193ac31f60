"""Live AWS scanning: sessions, scope, read-only guard, IAM policy and the scan orchestration.

Importing this package is cheap and never imports boto3: ``scanner.live.cli_args`` (argparse) and
``scanner.live.options`` (pydantic) are safe at CLI start-up; boto3 is imported inside functions.
Entry points: ``scanner.live.scan.collect_live`` and ``scanner.live.iam.minimal_iam_policy``.
"""
