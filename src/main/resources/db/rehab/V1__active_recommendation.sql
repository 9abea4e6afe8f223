-- One row per active recommendation: at most one active ServiceRequest per tenant, patient and
-- recommendation, whoever writes it and however many server instances share the database.
CREATE TABLE rehab_active_recommendation (
    tenant             VARCHAR(200) NOT NULL,
    patient_id         VARCHAR(64)  NOT NULL,
    recommendation     VARCHAR(64)  NOT NULL,
    service_request_id VARCHAR(64)  NOT NULL,
    registered_at      TIMESTAMP    NOT NULL,
    CONSTRAINT pk_rehab_active_recommendation PRIMARY KEY (tenant, patient_id, recommendation)
);

CREATE INDEX idx_rehab_active_recommendation_request
    ON rehab_active_recommendation (tenant, service_request_id);
