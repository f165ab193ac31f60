"""Organisation-scale scans: shards on disk, executors (threads, processes, Dask) and sharded evaluation.

No module here imports boto3: the shard store and the sharded evaluation serve ``scan --snapshot
DIR`` as well as live scans; the collection task itself lives in ``scanner.live.shard``.
"""
