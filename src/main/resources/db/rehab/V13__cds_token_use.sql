-- The jti of each CDS Hooks JWT accepted, kept until the token expires: a token is used once, whichever instance of
-- the server it is sent to (CDS Hooks 2.0, "Trusting CDS Clients"). The primary key refuses a second use.
CREATE TABLE rehab_cds_token_use (
    issuer      VARCHAR(1000) NOT NULL,
    jti         VARCHAR(200)  NOT NULL,
    expires_at  TIMESTAMP     NOT NULL,
    PRIMARY KEY (issuer, jti)
);

CREATE INDEX idx_rehab_cds_token_use_expires ON rehab_cds_token_use (expires_at);
