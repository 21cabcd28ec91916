"""The claim timeline shows stored event facts as sentences."""

from denialdesk.store.claim_views import readable_detail


def test_timeline_details_read_as_sentences():
    scrubbed = (
        '{"version": 2, "blocking": 1, "warnings": 0, '
        '"findings": [{"code": "billing_zip_incomplete", "blocking": true}]}'
    )
    assert readable_detail("scrubbed", scrubbed) == (
        "version 2: 1 blocking, 0 warnings (billing_zip_incomplete)"
    )
    payment = (
        '{"result": "denied", "paid": "0.00", "denied": "150.00", "carcs": ["CO-197"], '
        '"category": "authorization", "action": "obtain_retro_authorization"}'
    )
    assert readable_detail("payment", payment) == (
        "denied: paid 0.00, denied 150.00 (CO-197); authorization → obtain_retro_authorization"
    )
    assert readable_detail("submitted", "frequency 1") == "frequency 1"
    assert readable_detail("payment", "not json") == "not json"
