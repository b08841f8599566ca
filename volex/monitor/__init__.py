"""The monitor: detectors over data, the event mapper, and notifications through an outbox.

``detectors`` are pure functions; ``events`` turns audit records into events a person reads;
``dispatch`` fans events out to channels through the store's outbox and sends them;
``watch`` is the loop (``Watch.tick``) that ``volex monitor`` and ``volex run`` call.
"""
