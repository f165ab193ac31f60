"""The ``haguard`` subcommands, one module each (``scan``, ``iac``, ``policy``, ``iam-policy``...).

A command module defines ``NAME`` (the word on the command line), ``HELP``, ``add_arguments(parser,
command)`` (``command`` is the subcommand the user typed, so that heavy options load only when
needed) and ``run(args) -> int`` (the exit code). ``scanner.cli`` lists the modules in ``COMMANDS``.
"""
