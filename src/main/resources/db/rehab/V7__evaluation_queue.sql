-- Patients whose record changed in a tenant that evaluates on change: one row per patient however many writes
-- arrive, written in the transaction of the change. queued_at is when the patient joined the queue (later writes
-- keep their place); version counts the changes, so that a row leaves the queue only if the record did not change
-- again while it was being evaluated. A worker claims rows for a while (FOR UPDATE SKIP LOCKED); a failed
-- evaluation is tried again later and later (attempts).
CREATE TABLE rehab_evaluation_queue (
    tenant        VARCHAR(200) NOT NULL,
    patient_id    VARCHAR(64)  NOT NULL,
    queued_at     TIMESTAMP    NOT NULL,
    version       BIGINT       NOT NULL,
    claimed_until TIMESTAMP,
    attempts      INTEGER      NOT NULL,
    CONSTRAINT pk_rehab_evaluation_queue PRIMARY KEY (tenant, patient_id)
);

CREATE INDEX idx_rehab_evaluation_queue_queued ON rehab_evaluation_queue (queued_at);
