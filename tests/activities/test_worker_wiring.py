"""app/worker.py registers the claim activities under the contract's names."""

from __future__ import annotations

from temporalio import activity

from denialdesk.app.settings import Settings
from denialdesk.app.worker import claim_activities
from denialdesk.contracts import claim as contracts


def test_the_worker_gets_every_claim_activity_by_its_contract_name(tmp_path, engine):
    settings = Settings(mode="dev", var_dir=tmp_path / "var", _env_file=None)
    found = claim_activities(settings, engine)
    names = {activity._Definition.from_callable(each).name for each in found}
    assert names == {
        contracts.SCRUB_CLAIM,
        contracts.SUBMIT_CLAIM,
        contracts.RECORD_STATUS,
        contracts.OPEN_TASK,
        contracts.CLOSE_TASK,
        contracts.APPLY_PAYMENT,
        contracts.SEND_APPEAL,
        contracts.TASK_CLOCK,
        contracts.ESCALATE_TASK,
        contracts.RETURN_TASK,
        contracts.RELEASE_TASK,
    }
    owner = found[0].__self__
    assert owner.outbox_dir == tmp_path / "var" / "outbox"
    assert owner.envelope.production is False


def test_a_configured_outbox_and_production_mode(tmp_path, engine):
    settings = Settings(
        mode="production", var_dir=tmp_path, clearinghouse_outbox=tmp_path / "drop", _env_file=None
    )
    owner = claim_activities(settings, engine)[0].__self__
    assert owner.outbox_dir == tmp_path / "drop"
    assert owner.envelope.production is True  # ISA15 P: only production sends real claims
