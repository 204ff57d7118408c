"""Running an extraction: options checked once (:mod:`~seedner.run.options`), the engine
chosen (in this process, a worker pool, Ray), documents read, tagged and written
(:mod:`~seedner.run.batch`), with the HanLP pipeline and the progress display."""

from seedner.run.batch import UsageError, extract, local_engine, run

__all__ = ["UsageError", "extract", "local_engine", "run"]
