-- The version of each active recommendation's ServiceRequest, kept current in the transaction that changes it, so
-- that an evaluation can answer an unchanged recommendation from memory. Null: not known, read it from the store.
ALTER TABLE rehab_active_recommendation ADD COLUMN service_request_version BIGINT;
