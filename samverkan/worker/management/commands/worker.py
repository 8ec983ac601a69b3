"""``samverkan worker``: the background worker that ``samverkan serve`` runs.

django-tasks-db's ``db_worker`` with its options, made to survive database outages,
to report a heartbeat for ``/healthz`` and to run again the tasks a dead worker left
behind (:mod:`samverkan.worker.runner`).
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from samverkan.core.params import decimal_number
from samverkan.worker import runner


class Command(DBWorkerCommand):
    help = (
        "Kör bakgrundsuppgifterna: väntar ut avbrott i databasen, skriver livstecken för "
        "/healthz och kör om uppgifter som en avbruten arbetare lämnade."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        parser.add_argument(
            "--heartbeat",
            type=decimal_number(0.1, 3600),
            default=runner.HEARTBEAT_SECONDS,
            help="Sekunder mellan livstecknen (standard: %(default)s).",
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        heartbeat,
        **options,
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues kan bara användas med --queue-name=*")
        worker = runner.ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        pulse = runner.Heartbeat(worker_id, heartbeat)
        pulse.start()
        worker.configure_signals()
        try:
            runner.run_resilient(worker)
        finally:
            pulse.stop()
            pulse.join(timeout=5)
            try:
                # Nothing runs any more: a task still RUNNING under this worker's name
                # goes back in the queue now, then the worker says it is gone.
                runner.reclaim_abandoned_tasks(worker_id)
                runner.WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
            except runner.DATABASE_DOWN:
                pass
