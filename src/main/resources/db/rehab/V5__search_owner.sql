-- Who may read the pages of a search (HAPI keeps their results under a random id that travels in "next" links, and
-- does not check which tenant asks for them): the tenant and the caller whose request made the search.
CREATE TABLE rehab_search_owner (
    search_id  VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant     VARCHAR(200) NOT NULL,
    caller     VARCHAR(300) NOT NULL,
    created_at TIMESTAMP    NOT NULL
);

CREATE INDEX idx_rehab_search_owner_created ON rehab_search_owner (created_at);
