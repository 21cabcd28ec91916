"""Two tiny workflows for the worker tests (a module of its own: the sandbox re-imports it)."""

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError


@activity.defn
def shout(text: str) -> str:  # synchronous on purpose: runs on the worker's thread pool
    return f"seen {text}"


@activity.defn
async def refuse(text: str) -> str:
    raise ApplicationError(f"cannot bill {text}", non_retryable=True)


@workflow.defn
class EchoWorkflow:
    @workflow.run
    async def run(self, text: str) -> str:
        return await workflow.execute_activity(
            shout, text, start_to_close_timeout=timedelta(seconds=10)
        )


@workflow.defn
class RefuseWorkflow:
    @workflow.run
    async def run(self, text: str) -> str:
        return await workflow.execute_activity(
            refuse,
            text,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )
