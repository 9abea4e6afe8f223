-- Population evaluations, each run by a batch2 job instance. rehab_population_run keeps each run: its tenant,
-- what it covers (every patient, or a Group's members), whether it writes, how many patients it found, and when it
-- ended: done, cancelled, or failed (and why); a shadow run names the candidate rule set it tries. A result holds
-- what the rules in force recommend (and, in a shadow run, what the candidate would). rehab_population_lock holds a tenant's running evaluation: its primary key lets one run at a time per
-- tenant, across instances. rehab_population_result holds one row per patient evaluated: a chunk run again after a
-- restart finds its patients there and does not evaluate them twice.
CREATE TABLE rehab_population_run (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    job_instance VARCHAR(100),
    tenant       VARCHAR(200) NOT NULL,
    population   VARCHAR(200) NOT NULL,
    dry_run      BOOLEAN      NOT NULL,
    started_at   TIMESTAMP    NOT NULL,
    total        INTEGER,
    ended_at     TIMESTAMP,
    cancelled    BOOLEAN      NOT NULL,
    failure      VARCHAR(500),
    candidate    VARCHAR(64),
    candidate_version VARCHAR(64)
);

CREATE INDEX idx_rehab_population_run_tenant ON rehab_population_run (tenant, started_at);

CREATE TABLE rehab_population_lock (
    tenant VARCHAR(200) NOT NULL PRIMARY KEY,
    run_id VARCHAR(64)  NOT NULL
);

CREATE TABLE rehab_population_result (
    run_id              VARCHAR(64)  NOT NULL,
    patient_id          VARCHAR(64)  NOT NULL,
    outcome             VARCHAR(16)  NOT NULL,
    recommendations     VARCHAR(1000),
    no_longer_supported VARCHAR(1000),
    candidate           VARCHAR(1000),
    failure             VARCHAR(500),
    CONSTRAINT pk_rehab_population_result PRIMARY KEY (run_id, patient_id)
);
