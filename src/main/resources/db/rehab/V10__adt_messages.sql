-- Inbound ADT messages already answered, by hospital, sender (MSH-3 and MSH-4) and control id (MSH-10): the same
-- message sent again gets the same acknowledgement and changes nothing. Only the acknowledgement is kept, never
-- the message (an ACK quotes none of it).
CREATE TABLE rehab_adt_message (
    tenant         VARCHAR(200)  NOT NULL,
    sender         VARCHAR(200)  NOT NULL,
    control_id     VARCHAR(199)  NOT NULL,
    trigger_event  VARCHAR(8),
    ack_code       VARCHAR(2)    NOT NULL,
    ack            VARCHAR(8000) NOT NULL,
    received_at    TIMESTAMP     NOT NULL,
    CONSTRAINT pk_rehab_adt_message PRIMARY KEY (tenant, sender, control_id)
);
