-- The answers of old ADT messages are forgotten after rehab.adt.keep-answers: found by when they were received.
CREATE INDEX idx_rehab_adt_message_received ON rehab_adt_message (received_at);
