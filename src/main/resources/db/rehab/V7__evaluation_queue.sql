-- Patients whose record changed in a tenant that evaluates on change: one row per patient however many writes
-- arrive, written in the transaction of the change; a worker claims rows for a while (FOR UPDATE SKIP LOCKED),
-- evaluates the patient, and removes the row unless it changed again meanwhile.
CREATE TABLE rehab_evaluation_queue (
    tenant        VARCHAR(200) NOT NULL,
    patient_id    VARCHAR(64)  NOT NULL,
    changed_at    TIMESTAMP    NOT NULL,
    claimed_until TIMESTAMP,
    CONSTRAINT pk_rehab_evaluation_queue PRIMARY KEY (tenant, patient_id)
);

CREATE INDEX idx_rehab_evaluation_queue_claim ON rehab_evaluation_queue (claimed_until, changed_at);
