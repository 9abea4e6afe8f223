-- A token that changes whenever a patient's clinical data changes (patient_id '*': data shared by a whole
-- tenant, such as practitioner roles). Written in the same transaction as the data, so that every server
-- instance can tell whether facts it computed earlier are still current.
CREATE TABLE rehab_record_revision (
    tenant     VARCHAR(200) NOT NULL,
    patient_id VARCHAR(64)  NOT NULL,
    revision   BIGINT       NOT NULL,
    CONSTRAINT pk_rehab_record_revision PRIMARY KEY (tenant, patient_id)
);
